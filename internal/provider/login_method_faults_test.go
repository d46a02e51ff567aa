package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// withFront puts a server in front of the emulator that lets intercept decide what happens to each API
// request, and points the provider at it. next is the emulator.
func (e *testEnv) withFront(intercept func(w http.ResponseWriter, r *http.Request, next http.Handler)) {
	e.t.Helper()
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		intercept(w, r, e.emu.Server)
	}))
	e.t.Cleanup(front.Close)
	e.apiBaseURL = front.URL + "/client/v4"
}

// dropConnection closes the connection without an answer.
func dropConnection(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijacking the connection: %v", err)
		return
	}
	_ = conn.Close() // dropping it is the point
}

// serveThenFail lets the emulator apply the request and answers 502 instead of its response.
func serveThenFail(w http.ResponseWriter, r *http.Request, next http.Handler) {
	next.ServeHTTP(httptest.NewRecorder(), r)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadGateway)
	fmt.Fprint(w, `{"success":false,"errors":[{"code":12000,"message":"access.api.error.internal_server_error"}],"messages":[],"result":null}`)
}

func isCreate(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/access/identity_providers")
}

// explicitLoginMethod is a login method configured with explicit IdP settings.
func explicitLoginMethod(e *testEnv, cert testCert, attrs string) string {
	return loginMethodConfig(e, `
  name            = "JumpCloud"
  issuer_url      = "https://sso.jumpcloud.com/saml2/cloudflare"
  sso_target_url  = "https://sso.jumpcloud.com/saml2/cloudflare"
  idp_public_cert = `+hclString(cert.PEM)+`
  attributes      = `+attrs)
}

// checkOneLoginMethod checks that the emulator holds exactly one login method, the one in state, and
// that it got the number of creates given.
func checkOneLoginMethod(e *testEnv, wantPOSTs int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		all := e.emu.List(e.emu.AccountScope())
		if len(all) != 1 {
			return fmt.Errorf("emulator holds %d login methods, want exactly 1 (no duplicate)", len(all))
		}
		rs := s.RootModule().Resources[loginMethodAddr]
		if rs == nil || rs.Primary.ID != all[0].ID {
			return fmt.Errorf("state does not hold the login method %s the emulator has", all[0].ID)
		}
		if got := e.emu.RequestCounts()[routeCreate]; wantPOSTs > 0 && got != wantPOSTs {
			return fmt.Errorf("%d creates sent, want %d", got, wantPOSTs)
		}
		return nil
	}
}

// A create whose response is lost after the login method was created is adopted, not sent again.
func TestLoginMethodCreate_lostResponseIsAdopted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cfg := explicitLoginMethod(e, validCert(t), `["email"]`)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				// Every create is applied and its response lost: the provider must find it by name.
				PreConfig: func() {
					e.emu.SetFaults(emulator.FaultConfig{LostResponseRate: 1, Routes: []string{routeCreate}})
				},
				Config: cfg,
				Check:  checkOneLoginMethod(e, 1),
			},
			{
				PreConfig:        func() { e.emu.SetFaults(emulator.FaultConfig{}) },
				Config:           cfg,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			},
		},
	})
}

// A create answered with a 5xx after the login method was created is adopted.
func TestLoginMethodCreate_serverErrorAfterTheWriteIsAdopted(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	var creates atomic.Int64
	e.withFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if isCreate(r) && creates.Add(1) == 1 {
			serveThenFail(w, r, next)
			return
		}
		next.ServeHTTP(w, r)
	})
	cfg := explicitLoginMethod(e, validCert(t), `["email"]`)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: cfg, Check: checkOneLoginMethod(e, 1)},
			{Config: cfg, ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop)},
		},
	})
}

// A create whose connection dropped before the API applied it is looked up, not found, and sent again.
func TestLoginMethodCreate_droppedBeforeTheWriteIsSentAgain(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	var creates atomic.Int64
	e.withFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if isCreate(r) && creates.Add(1) == 1 {
			dropConnection(t, w)
			return
		}
		next.ServeHTTP(w, r)
	})
	cfg := explicitLoginMethod(e, validCert(t), `["email"]`)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(checkOneLoginMethod(e, 1), func(*terraform.State) error {
					if n := creates.Load(); n != 2 {
						return fmt.Errorf("%d creates reached the front server, want 2 (one dropped, one sent again)", n)
					}
					return nil
				}),
			},
			{Config: cfg, ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop)},
		},
	})
}

// A create that never reaches the API fails the apply and leaves nothing behind: no login method on the
// server and none in state. The next apply creates exactly one.
func TestLoginMethodCreate_failedApplyLeavesNoOrphan(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	var failing atomic.Bool
	failing.Store(true)
	e.withFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if isCreate(r) && failing.Load() {
			dropConnection(t, w)
			return
		}
		next.ServeHTTP(w, r)
	})
	cfg := explicitLoginMethod(e, validCert(t), `["email"]`)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: cfg, ExpectError: regexp.MustCompile(`Unable to Create Login Method`)},
			{
				PreConfig: func() {
					if n := len(e.emu.List(e.emu.AccountScope())); n != 0 {
						t.Fatalf("after the failed apply the emulator holds %d login methods, want 0", n)
					}
					failing.Store(false)
				},
				Config: cfg,
				Check:  checkOneLoginMethod(e, 1),
			},
		},
	})
}

// An update whose every answer was lost after the API applied it is re-read, found applied, and
// recorded: the apply succeeds and the next plan is empty.
func TestLoginMethodUpdate_ambiguousUpdateIsReRead(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	var failing atomic.Bool
	var puts atomic.Int64
	e.withFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method == http.MethodPut && failing.Load() {
			puts.Add(1)
			serveThenFail(w, r, next)
			return
		}
		next.ServeHTTP(w, r)
	})
	cert := validCert(t)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: explicitLoginMethod(e, cert, `["email"]`)},
			{
				PreConfig: func() { failing.Store(true) },
				Config:    explicitLoginMethod(e, cert, `["email", "groups"]`),
				Check: func(*terraform.State) error {
					if got := e.onlyLoginMethod().Config.Attributes; len(got) != 2 {
						return fmt.Errorf("emulator holds attributes %v, want [email groups]", got)
					}
					if puts.Load() < 2 {
						return fmt.Errorf("%d PUTs, want the client's retries too", puts.Load())
					}
					return nil
				},
			},
			{
				PreConfig:        func() { failing.Store(false) },
				Config:           explicitLoginMethod(e, cert, `["email", "groups"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionNoop),
			},
		},
	})
}

// An update the API never applied fails the apply; state keeps the old values, which are the server's,
// so the next plan proposes the update again and applying it works.
func TestLoginMethodUpdate_failedUpdateKeepsStateMatchingServer(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	var failing atomic.Bool
	e.withFront(func(w http.ResponseWriter, r *http.Request, next http.Handler) {
		if r.Method == http.MethodPut && failing.Load() {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"success":false,"errors":[{"code":12000,"message":"unavailable"}],"messages":[],"result":null}`)
			return
		}
		next.ServeHTTP(w, r)
	})
	cert := validCert(t)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: explicitLoginMethod(e, cert, `["email"]`)},
			{
				PreConfig:   func() { failing.Store(true) },
				Config:      explicitLoginMethod(e, cert, `["email", "groups"]`),
				ExpectError: regexp.MustCompile(`Unable to Update Login Method`),
			},
			{
				PreConfig: func() {
					if got := e.onlyLoginMethod().Config.Attributes; len(got) != 1 {
						t.Fatalf("the failed update changed the server: attributes %v", got)
					}
				},
				Config:             explicitLoginMethod(e, cert, `["email"]`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: false,
			},
			{
				PreConfig:        func() { failing.Store(false) },
				Config:           explicitLoginMethod(e, cert, `["email", "groups"]`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			},
		},
	})
}
