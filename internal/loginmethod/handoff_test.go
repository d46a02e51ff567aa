package loginmethod

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// enableSCIM is the change zerotrust_scim_config makes.
func enableSCIM(behavior string) func(*client.IdentityProvider) error {
	return func(idp *client.IdentityProvider) error {
		if idp.SCIMConfig == nil {
			idp.SCIMConfig = &client.SCIMConfig{}
		}
		idp.SCIMConfig.Enabled, idp.SCIMConfig.UserDeprovision, idp.SCIMConfig.IdentityUpdateBehavior = true, true, behavior
		return nil
	}
}

// create makes a login method through the store, as zerotrust_saml_login_method does.
func (e *storeEnv) create(t *testing.T, name string) *client.IdentityProvider {
	t.Helper()
	want := samlLoginMethod(name, e.cert)
	want.Config.Attributes = []string{"email"}
	created, err := e.store.Create(t.Context(), e.scope, want)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// live is the login method as the emulator holds it.
func (e *storeEnv) live(t *testing.T, id string) emulator.IdP {
	t.Helper()
	idp, ok := e.emu.Get(e.emu.AccountScope(), id)
	if !ok {
		t.Fatalf("the emulator has no login method %s", id)
	}
	return idp
}

// changeInDashboard changes the login method behind the provider's back.
func (e *storeEnv) changeInDashboard(t *testing.T, id string) {
	t.Helper()
	if err := e.emu.Mutate(e.emu.AccountScope(), id, func(p *emulator.IdP) { p.Config.EmailAttributeName = "from-the-dashboard" }); err != nil {
		t.Fatal(err)
	}
}

// wantReadBeforeChange changes the login method in the dashboard, then through the store, and checks that
// the store read it first (one GET), so the dashboard's change and the login method's name are kept.
func (e *storeEnv) wantReadBeforeChange(t *testing.T, id string) {
	t.Helper()
	e.changeInDashboard(t, id)
	gets := e.count(routeGet)
	if _, err := e.store.Modify(t.Context(), e.scope, id, enableSCIM(client.IdentityUpdateAutomatic)); err != nil {
		t.Fatal(err)
	}
	if got := e.count(routeGet) - gets; got != 1 {
		t.Errorf("the change sent %d GETs, want 1: it did not read the login method first", got)
	}
	live := e.live(t, id)
	if live.Name != "JumpCloud" || live.Config.EmailAttributeName != "from-the-dashboard" || live.SCIMConfig.IdentityUpdateBehavior != client.IdentityUpdateAutomatic {
		t.Errorf("emulator holds %q with email_attribute_name %q, SCIM %+v: a stale copy was written back",
			live.Name, live.Config.EmailAttributeName, live.SCIMConfig)
	}
}

// rewriteAnswers changes the result of every answer to method before the client reads it.
func (e *storeEnv) rewriteAnswers(method string, change func(result map[string]any)) {
	hook := func(r *http.Request, resp *http.Response) *http.Response {
		if r.Method != method {
			return resp
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		var env map[string]any
		if err == nil && json.Unmarshal(body, &env) == nil {
			if result, ok := env["result"].(map[string]any); ok {
				change(result)
				if b, err := json.Marshal(env); err == nil {
					body = b
				}
			}
		}
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp.Header.Del("Content-Length")
		return resp
	}
	e.rewrite.Store(&hook)
}

// wantRoutes checks every request the emulator answered, by route.
func (e *storeEnv) wantRoutes(t *testing.T, want map[string]int) {
	t.Helper()
	got := e.emu.RequestCounts()
	for route, n := range got {
		if n != want[route] {
			t.Errorf("%d × %s, want %d (all requests: %v)", n, route, want[route], got)
		}
	}
	for route, n := range want {
		if _, ok := got[route]; !ok && n != 0 {
			t.Errorf("0 × %s, want %d (all requests: %v)", route, n, got)
		}
	}
}

// A login method and its SCIM config cost two requests: the SCIM config's read-modify-write changes the
// object the create answered with, and the PUT keeps every setting of the login method. The hand-off
// serves once: the next change reads the login method.
func TestStore_createThenSCIMIsTwoRequests(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	created := e.create(t, "JumpCloud")
	updated, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth))
	if err != nil {
		t.Fatal(err)
	}
	e.wantRoutes(t, map[string]int{routeCreate: 1, routePut: 1})

	live := e.live(t, created.ID)
	if live.Name != "JumpCloud" || live.Config.IssuerURL != "https://idp.example.com/entity" || live.Config.SSOTargetURL != "https://idp.example.com/sso" ||
		!slices.Equal(live.Config.Attributes, []string{"email"}) || !slices.Equal(live.Config.IdPPublicCerts, []string{e.cert}) {
		t.Errorf("the SCIM config's PUT changed the login method's settings: %+v", live.Config)
	}
	if want := (emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: client.IdentityUpdateReauth}); live.SCIMConfig != want {
		t.Errorf("emulator holds SCIM %+v, want %+v", live.SCIMConfig, want)
	}
	secret, _ := e.emu.SCIMSecret(e.emu.AccountScope(), created.ID)
	if updated.SCIMConfig == nil || !updated.SCIMConfig.SecretAvailable() || updated.SCIMConfig.Secret != secret {
		t.Errorf("the PUT that enabled SCIM did not hand back the emulator's secret")
	}

	e.wantReadBeforeChange(t, created.ID)
}

// A hand-off never holds a plaintext SCIM secret: changes never send it.
func TestHandoffs_keepNoSecret(t *testing.T) {
	var h handoffs
	answer := &client.IdentityProvider{ID: "a", SCIMConfig: &client.SCIMConfig{Enabled: true, Secret: "plaintext"}}
	if err := h.put("a", answer); err != nil {
		t.Fatal(err)
	}
	if got := h.take("a"); got == nil || got.SCIMConfig.Secret != "" || answer.SCIMConfig.Secret != "plaintext" {
		t.Errorf("handed off %+v (the caller's answer now %+v), want it without the secret", got, answer)
	}
	if got := h.take("a"); got != nil {
		t.Errorf("taken twice: %+v", got)
	}
}

// After a first change that failed, whatever the failure, the next change reads the login method, and
// so keeps a change made in the dashboard in between.
func TestStore_noHandoffAfterAFailedChange(t *testing.T) {
	t.Parallel()
	refuse := func(idp *client.IdentityProvider) error { // seat_deprovision without user_deprovision: 400
		idp.SCIMConfig = &client.SCIMConfig{SeatDeprovision: true}
		return nil
	}
	addGroups := func(idp *client.IdentityProvider) error {
		idp.Config.Attributes = []string{"email", "groups"}
		return nil
	}
	for _, tc := range []struct {
		name    string
		faults  emulator.FaultConfig
		change  func(*client.IdentityProvider) error
		wantErr func(error) bool
	}{
		{"5xx, not applied", emulator.FaultConfig{ErrorRate: 1, ErrorStatus: 503, Routes: []string{routePut}}, addGroups,
			func(err error) bool { return err != nil && !client.IsValidation(err) }},
		{"answer lost after the write", emulator.FaultConfig{LostResponseRate: 1, Routes: []string{routePut}}, addGroups,
			func(err error) bool { return err == nil }},
		{"refused as invalid", emulator.FaultConfig{}, refuse, client.IsValidation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			created := e.create(t, "JumpCloud")
			e.emu.SetFaults(tc.faults)
			_, err := e.store.Modify(t.Context(), e.scope, created.ID, tc.change)
			if !tc.wantErr(err) {
				t.Fatalf("the failing write returned %v", err)
			}
			e.emu.SetFaults(emulator.FaultConfig{})
			e.wantReadBeforeChange(t, created.ID)
		})
	}
}

// The create's answer is not handed off when the SCIM secret was refreshed (SCIM on from the create) or
// the login method deleted before the first change, nor when it did not show what was sent; the first
// change reads the login method.
func TestStore_noHandoffAfterInvalidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// between runs after the create, before the first change.
		between func(t *testing.T, e *storeEnv, id string)
		renamed bool // the create's answer shows another name
		scim    bool // created with SCIM on
	}{
		{"SCIM secret refreshed", func(t *testing.T, e *storeEnv, id string) {
			if _, err := e.store.RefreshSCIMSecret(t.Context(), e.scope, id); err != nil {
				t.Fatal(err)
			}
		}, false, true},
		{"the create's answer shows another name", func(t *testing.T, e *storeEnv, id string) {}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			if tc.renamed {
				e.rewriteAnswers(http.MethodPost, func(result map[string]any) { result["name"] = "normalised by the server" })
			}
			want := samlLoginMethod("JumpCloud", e.cert)
			if tc.scim {
				_ = enableSCIM(client.IdentityUpdateReauth)(&want)
			}
			created, err := e.store.Create(t.Context(), e.scope, want)
			if err != nil {
				t.Fatal(err)
			}
			e.rewrite.Store(nil)
			tc.between(t, e, created.ID)
			e.wantReadBeforeChange(t, created.ID)
		})
	}

	// A deleted login method is not changed from the create's answer: the change reads it, finds it gone
	// and writes nothing.
	t.Run("deleted", func(t *testing.T) {
		t.Parallel()
		e := newStoreEnv(t)
		created := e.create(t, "JumpCloud")
		if err := e.store.Delete(t.Context(), e.scope, created.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth)); !IsGone(err) {
			t.Fatalf("changing a deleted login method: %v, want not found", err)
		}
		e.wantRoutes(t, map[string]int{routeCreate: 1, routeDelete: 1, routeGet: 1})
	})
}

// A change of this process that comes before the create's answer is handed off (another caller adopted
// the login method and changed it first) is never reverted by a change from that answer.
func TestStore_noHandoffAfterAnEarlierChange(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	// The client sends a process's first request alone, to learn where the user's API budget stands
	// (client.serverBudget): the change made from inside the POST's round trip below must not be that
	// process's second request, or it would wait for the first. A read first, not counted.
	if _, err := e.store.Find(t.Context(), e.scope, func(*client.IdentityProvider) bool { return false }); err != nil {
		t.Fatal(err)
	}
	e.emu.ResetCounts()
	var once sync.Once
	var hookErr error
	hook := func(r *http.Request, resp *http.Response) *http.Response {
		if r.Method != http.MethodPost {
			return resp
		}
		once.Do(func() {
			// The POST is answered; before the store reads the answer, another caller changes the login
			// method it made.
			created := e.emu.List(e.emu.AccountScope())[0]
			_, hookErr = e.store.Modify(t.Context(), e.scope, created.ID, func(idp *client.IdentityProvider) error {
				idp.Config.EmailAttributeName = "from-another-caller"
				return nil
			})
		})
		return resp
	}
	e.rewrite.Store(&hook)
	created := e.create(t, "JumpCloud")
	e.rewrite.Store(nil)
	if hookErr != nil {
		t.Fatal(hookErr)
	}
	if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth)); err != nil {
		t.Fatal(err)
	}
	e.wantRoutes(t, map[string]int{routeCreate: 1, routeGet: 2, routePut: 2})
	if live := e.live(t, created.ID); live.Config.EmailAttributeName != "from-another-caller" {
		t.Errorf("the earlier change was reverted: email_attribute_name %q", live.Config.EmailAttributeName)
	}
}

// Changes of one login method by the SAML and the SCIM resource at the same time are all kept: the lock
// orders them, and each reads the login method as the one before left it.
func TestStore_concurrentChangesOfOneLoginMethodAreAllKept(t *testing.T) {
	t.Parallel()
	const attrs = 8
	for _, createdHere := range []bool{true, false} {
		t.Run(fmt.Sprintf("created by this store: %t", createdHere), func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			var id string
			if createdHere {
				id = e.create(t, "JumpCloud").ID
			} else {
				id = e.seed(t, 1)[0]
			}
			e.emu.ResetCounts()

			changes := []func(*client.IdentityProvider) error{
				enableSCIM(client.IdentityUpdateReauth),
				func(idp *client.IdentityProvider) error { idp.Config.EmailAttributeName = "mail"; return nil },
			}
			var wantAttrs []string
			for i := range attrs {
				attr := fmt.Sprintf("attr-%d", i)
				wantAttrs = append(wantAttrs, attr)
				changes = append(changes, func(idp *client.IdentityProvider) error {
					idp.Config.Attributes = append(idp.Config.Attributes, attr)
					return nil
				})
			}
			start := make(chan struct{})
			errs := make([]error, len(changes))
			var wg sync.WaitGroup
			for i, change := range changes {
				wg.Go(func() {
					<-start
					_, errs[i] = e.store.Modify(t.Context(), e.scope, id, change)
				})
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}

			live := e.live(t, id)
			got := slices.DeleteFunc(slices.Clone(live.Config.Attributes), func(a string) bool { return a == "email" })
			slices.Sort(got)
			if !slices.Equal(got, wantAttrs) || live.Config.EmailAttributeName != "mail" || !live.SCIMConfig.Enabled ||
				live.SCIMConfig.IdentityUpdateBehavior != client.IdentityUpdateReauth {
				t.Errorf("after %d concurrent changes the emulator holds attributes %v, email %q, SCIM %+v: a change was lost",
					len(changes), live.Config.Attributes, live.Config.EmailAttributeName, live.SCIMConfig)
			}
			wantGets := len(changes) // each change reads the login method, but the first after the create
			if createdHere {
				wantGets--
			}
			e.wantRoutes(t, map[string]int{routeGet: wantGets, routePut: len(changes)})
		})
	}
}
