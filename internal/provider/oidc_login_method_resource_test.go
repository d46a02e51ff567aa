package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery/oidctest"
)

const oidcAddr = "zerotrust_oidc_login_method.jumpcloud"

func oidcConfig(e *testEnv, body string) string { return resourceConfig(e, oidcAddr, body) }

// jumpCloudOIDC is a login method from issuer with the client secret as secretLines sets it.
func jumpCloudOIDC(e *testEnv, issuer, secretLines string) string {
	return oidcConfig(e, `
  name      = "JumpCloud"
  issuer    = "`+issuer+`"
  client_id = "cf-access"
`+secretLines)
}

// writeOnlySupported reports whether the suite's CLI sends write-only attributes (Terraform and
// OpenTofu 1.11 and later).
func writeOnlySupported() bool {
	return cliAtLeast(testCLI, "Terraform", 1, 11) || cliAtLeast(testCLI, "OpenTofu", 1, 11)
}

// secretHCL sets the client secret the way the suite's CLI can: write-only with its version where it
// can, client_secret otherwise.
func secretHCL(secret string, version int) string {
	if writeOnlySupported() {
		return fmt.Sprintf("  client_secret_wo         = %q\n  client_secret_wo_version = %d", secret, version)
	}
	return fmt.Sprintf("  client_secret = %q", secret)
}

// newOIDCEnv is a test env with a test OpenID provider over TLS whose certificate the provider's fetches
// trust, and a short discovery timeout.
func newOIDCEnv(t *testing.T) (*testEnv, *oidctest.Server) {
	t.Helper()
	e := newTestEnv(t)
	idp := oidctest.NewTLSServer(t)
	e.fetchTransport = idp.Transport()
	e.discoveryTimeout = 2 * time.Second
	return e, idp
}

// wantSecret checks the client secret the emulator holds for the only login method.
func (e *testEnv) wantSecret(want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := e.onlyLoginMethod().Config.ClientSecret; got != want {
			return fmt.Errorf("the emulator holds client secret %q, want %q", got, want)
		}
		return nil
	}
}

// An OIDC login method from its issuer: the endpoints come from the discovery document; a rename keeps
// the secret (no PUT carries it); a new secret version sends the new secret; import by ID reads back
// everything but the inputs the API does not hold; drift from the dashboard is repaired without
// touching the secret, and a login method deleted there is created again.
func TestOIDCLoginMethod_lifecycle(t *testing.T) {
	t.Parallel()
	e, idp := newOIDCEnv(t)
	issuer := idp.Issuer(oidctest.Good)
	cfg := func(name, secret string, version int) string {
		return oidcConfig(e, `
  name         = "`+name+`"
  issuer       = "`+issuer+`"
  client_id    = "cf-access"
`+secretHCL(secret, version)+`
  claims       = ["groups"]
  pkce_enabled = true`)
	}
	endpointChecks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("auth_url"), knownvalue.StringExact(issuer+"/authorize")),
		statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("token_url"), knownvalue.StringExact(issuer+"/token")),
		statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("certs_url"), knownvalue.StringExact(issuer+"/jwks")),
		statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("scopes"), knownvalue.ListExact([]knownvalue.Check{
			knownvalue.StringExact("openid"), knownvalue.StringExact("email"), knownvalue.StringExact("profile")})),
		statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("redirect_url"), knownvalue.StringRegexp(regexp.MustCompile(`^https://.+/cdn-cgi/access/callback$`))),
		statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("client_secret_wo"), knownvalue.Null()),
	}
	mutate := func(fn func(*emulator.IdP)) func() {
		return func() {
			if err := e.emu.Mutate(e.emu.AccountScope(), e.onlyLoginMethod().ID, fn); err != nil {
				t.Fatal(err)
			}
		}
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: cfg("JumpCloud", "first-secret", 1), ConfigStateChecks: endpointChecks, Check: e.wantSecret("first-secret")},
			{
				// The secret rotated in the dashboard: a rename must not put the configuration's back.
				PreConfig:        mutate(func(p *emulator.IdP) { p.Config.ClientSecret = "rotated-in-the-dashboard" }),
				Config:           cfg("JumpCloud OIDC", "first-secret", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(oidcAddr, plancheck.ResourceActionUpdate)}},
				Check:            e.wantSecret("rotated-in-the-dashboard"),
			},
			{
				Config:           cfg("JumpCloud OIDC", "second-secret", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(oidcAddr, plancheck.ResourceActionUpdate)}},
				Check:            e.wantSecret("second-secret"),
			},
			{
				ResourceName: oidcAddr, ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"issuer", "client_secret", "client_secret_wo_version"},
			},
			{
				PreConfig: mutate(func(p *emulator.IdP) {
					p.Name = "Renamed in the dashboard"
					p.Config.Other["token_url"] = "https://elsewhere.example.com/token"
					p.Config.Other["claims"] = []any{"groups", "department"}
				}),
				Config:            cfg("JumpCloud OIDC", "second-secret", 2),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(oidcAddr, plancheck.ResourceActionUpdate)}},
				ConfigStateChecks: endpointChecks,
				Check: resource.ComposeTestCheckFunc(e.wantSecret("second-secret"), func(*terraform.State) error {
					if idp := e.onlyLoginMethod(); idp.Name != "JumpCloud OIDC" || fmt.Sprint(idp.Config.Other["claims"]) != "[groups]" {
						return fmt.Errorf("drift not repaired: %q %v", idp.Name, idp.Config.Other["claims"])
					}
					return nil
				}),
			},
			{
				PreConfig: func() {
					if !e.emu.Delete(e.emu.AccountScope(), e.onlyLoginMethod().ID) {
						t.Fatal("emulator did not delete the login method")
					}
				},
				Config:           cfg("JumpCloud OIDC", "second-secret", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(oidcAddr, plancheck.ResourceActionCreate)}},
				Check:            e.wantSecret("second-secret"),
			},
		},
	})
}

// An IdP without discovery: the three endpoints set by hand, nothing fetched; discovery_json checked
// against issuer with no network; scopes as configured.
func TestOIDCLoginMethod_withoutFetching(t *testing.T) {
	t.Parallel()
	e, idp := newOIDCEnv(t)
	issuer := idp.Issuer(oidctest.Good)
	doc := string(idp.Document(oidctest.Good))
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: oidcConfig(e, `
  name      = "Legacy IdP"
  auth_url  = "https://legacy.example.com/oauth2/auth"
  token_url = "https://legacy.example.com/oauth2/token"
  certs_url = "https://legacy.example.com/oauth2/certs"
  client_id = "cf-access"
  scopes    = ["openid", "email"]
`+secretHCL("s3cret", 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("token_url"), knownvalue.StringExact("https://legacy.example.com/oauth2/token")),
					statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("scopes"), knownvalue.ListSizeExact(2)),
				},
			},
			{
				// From hand-set endpoints to the discovery document given inline: the endpoints change.
				Config: oidcConfig(e, `
  name           = "Legacy IdP"
  issuer         = "`+issuer+`"
  discovery_json = `+hclString(doc)+`
  client_id      = "cf-access"
  scopes         = ["openid", "email"]
`+secretHCL("s3cret", 1)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(oidcAddr, tfjsonpath.New("token_url"), knownvalue.StringExact(issuer+"/token")),
				},
				Check: e.wantSecret("s3cret"),
			},
		},
	})
	if n := idp.Provider.Requests(oidctest.Good); n != 0 {
		t.Errorf("the IdP was asked %d times for its discovery document, want 0: discovery_json needs no network", n)
	}
}

// Every refusal of Discovery 1.0 and of the fetch fails the plan on the attribute at fault, with the
// fix, whether the document is fetched (issuer) or given (discovery_json); nothing is created.
func TestOIDCLoginMethod_discoveryRefusalsFailThePlan(t *testing.T) {
	t.Parallel()
	e, idp := newOIDCEnv(t)
	fetched := func(b oidctest.Behavior) string { return jumpCloudOIDC(e, idp.Issuer(b), secretHCL("s3cret", 1)) }
	inline := func(b oidctest.Behavior) string {
		return oidcConfig(e, `
  name           = "JumpCloud"
  issuer         = "`+idp.Issuer(b)+`"
  discovery_json = `+hclString(string(idp.Document(b)))+`
  client_id      = "cf-access"
`+secretHCL("s3cret", 1))
	}
	issuer := func(b oidctest.Behavior) string { return regexp.QuoteMeta(idp.Issuer(b)) }
	cases := []struct {
		config string
		want   string
	}{
		{fetched(oidctest.WrongIssuer), `Invalid Discovery Document[\s\S]*"` + issuer(oidctest.WrongIssuer) + `/",\s+but\s+issuer\s+is\s+"` + issuer(oidctest.WrongIssuer) + `"`},
		{inline(oidctest.WrongIssuer), `Invalid Discovery Document[\s\S]*but\s+issuer\s+is`},
		{fetched(oidctest.HTTPEndpoint), `Invalid Discovery Document[\s\S]*token_endpoint[\s\S]*plain\s+http`},
		{inline(oidctest.HTTPEndpoint), `token_endpoint[\s\S]*plain\s+http`},
		{fetched(oidctest.MissingMember), `no\s+"jwks_uri"`},
		{inline(oidctest.MissingMember), `no\s+"jwks_uri"`},
		{fetched(oidctest.HTMLPage), `(?i)HTML[\s\S]*answered\s+with\s+a\s+web\s+page[\s\S]*discovery_json`},
		{inline(oidctest.HTMLPage), `(?i)HTML[\s\S]*discovery_json\s+holds\s+a\s+web\s+page`},
		{fetched(oidctest.DuplicateMember), `(?i)duplicate[\s\S]*issuer`},
		{inline(oidctest.DuplicateMember), `(?i)duplicate`},
		{fetched(oidctest.Oversize), `Unable to Fetch Discovery Document[\s\S]*more\s+than\s+262144\s+bytes`},
		{inline(oidctest.Oversize), `Invalid Discovery Document[\s\S]*more\s+than\s+the\s+limit`},
		{fetched(oidctest.RedirectOtherOrigin), `Unable to Fetch Discovery Document[\s\S]*(?i)origin`},
		{fetched(oidctest.RedirectToHTTP), `Unable to Fetch Discovery Document[\s\S]*(?i)(http|origin)`},
		{fetched(oidctest.Slow), `Unable to Fetch Discovery Document[\s\S]*(?i)(time|answer)`},
		{oidcConfig(e, `
  name      = "JumpCloud"
  issuer    = "http://idp.example.com/"
  client_id = "cf-access"
`+secretHCL("s3cret", 1)), `Invalid Issuer[\s\S]*plain\s+http[\s\S]*allow_http`},
		{oidcConfig(e, `
  name      = "JumpCloud"
  issuer    = "`+idp.Issuer(oidctest.Good)+`"
  token_url = "https://idp.example.com/token"
  client_id = "cf-access"
`+secretHCL("s3cret", 1)), `Conflicting IdP Settings[\s\S]*token_url is read from the issuer's discovery document`},
		{oidcConfig(e, `
  name      = "JumpCloud"
  auth_url  = "https://idp.example.com/auth"
  client_id = "cf-access"
`+secretHCL("s3cret", 1)), `Missing IdP Setting[\s\S]*token_url is required unless issuer is set`},
		{oidcConfig(e, `
  name           = "JumpCloud"
  discovery_json = "{}"
  auth_url       = "https://idp.example.com/auth"
  token_url      = "https://idp.example.com/token"
  certs_url      = "https://idp.example.com/certs"
  client_id      = "cf-access"
`+secretHCL("s3cret", 1)), `Setting Needs Issuer[\s\S]*discovery_json is checked against issuer`},
		{oidcConfig(e, `
  name      = "JumpCloud"
  auth_url  = "https://idp.example.com/auth"
  token_url = "https://idp.example.com/token"
  certs_url = "http://idp.example.com/certs"
  client_id = "cf-access"
`+secretHCL("s3cret", 1)), `Invalid Endpoint URL[\s\S]*certs_url "http://idp.example.com/certs" uses plain http`},
		{oidcConfig(e, `
  name      = "JumpCloud"
  issuer    = "`+idp.Issuer(oidctest.Good)+`"
  client_id = "cf-access"`), `Missing Client Secret`},
		{oidcConfig(e, `
  name          = "JumpCloud"
  issuer        = "`+idp.Issuer(oidctest.Good)+`"
  client_id     = "cf-access"
  client_secret = "******"`), `Invalid Client Secret`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
	}
	cliTest(t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
	if n := len(e.emu.List(e.emu.AccountScope())); n != 0 {
		t.Fatalf("%d login methods were created from refused documents", n)
	}
}

// Where the CLI supports write-only attributes, the state file holds no client secret, and the plan
// shows none; the secret reaches the API all the same.
func TestOIDCLoginMethod_stateHoldsNoSecret(t *testing.T) {
	t.Parallel()
	needCLI(t)
	if !writeOnlySupported() {
		t.Skipf("%s has no write-only attributes; client_secret is kept in state there, as documented", testCLI)
	}
	e, idp := newOIDCEnv(t)
	const secret = "never-in-state-0123456789"
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: jumpCloudOIDC(e, idp.Issuer(oidctest.Good), secretHCL(secret, 1)),
			Check: resource.ComposeTestCheckFunc(e.wantSecret(secret), func(s *terraform.State) error {
				for k, v := range s.RootModule().Resources[oidcAddr].Primary.Attributes {
					if strings.Contains(v, secret) {
						return fmt.Errorf("the state holds the secret in %s", k)
					}
				}
				return nil
			}),
		}},
	})
}

// On a CLI without write-only attributes, client_secret_wo fails validation with an error that says to
// use client_secret, beside the framework's own.
func TestOIDCLoginMethod_writeOnlyOnAnOldCLI(t *testing.T) {
	t.Parallel()
	needCLI(t)
	if writeOnlySupported() {
		t.Skipf("%s supports write-only attributes", testCLI)
	}
	e, idp := newOIDCEnv(t)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      jumpCloudOIDC(e, idp.Issuer(oidctest.Good), "  client_secret_wo = \"s3cret\"\n  client_secret_wo_version = 1"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Write-Only Client Secret Not Supported by This CLI[\s\S]*Set\s+client_secret\s+instead`),
		}},
	})
}

// The discovery document of an issuer is fetched once per provider process, however many login methods
// name it and however often they are planned; each distinct issuer once.
func TestOIDCLoginMethod_oneFetchPerIssuerAndProcess(t *testing.T) {
	t.Parallel()
	emu := emulator.NewTestServer(t, emulator.Options{})
	idp := oidctest.NewServer(t)
	p := protocol(t, emu)
	plan := func(name string, b oidctest.Behavior) {
		resp := p.planCreate("zerotrust_oidc_login_method", map[string]tftypes.Value{
			"name": str(name), "issuer": str(idp.Issuer(b)), "allow_http": tftypes.NewValue(tftypes.Bool, true),
			"client_id": str("cf-access"), "client_secret": str("s3cret"),
		})
		if len(resp.Diagnostics) > 0 {
			t.Fatalf("plan of %s: %v", name, diagStrings(resp.Diagnostics))
		}
		planned := p.attributes(p.schema.ResourceSchemas["zerotrust_oidc_login_method"].ValueType(), resp.PlannedState)
		if want := str(idp.Issuer(b) + "/token"); !planned["token_url"].Equal(want) {
			t.Errorf("%s: token_url planned %v, want %v", name, planned["token_url"], want)
		}
	}
	for i := range 20 {
		plan(fmt.Sprintf("login-%d", i), oidctest.Good)
	}
	plan("other", oidctest.NoPKCE)
	if good, other := idp.Provider.Requests(oidctest.Good), idp.Provider.Requests(oidctest.NoPKCE); good != 1 || other != 1 {
		t.Errorf("discovery requests: %d for the issuer 20 login methods name, %d for the other; want 1 and 1", good, other)
	}
}

// pkce_enabled warns at plan when the discovery document does not list S256; it does not when it does.
func TestOIDCLoginMethod_pkceWarning(t *testing.T) {
	t.Parallel()
	emu := emulator.NewTestServer(t, emulator.Options{})
	idp := oidctest.NewServer(t)
	p := protocol(t, emu)
	for _, tc := range []struct {
		b    oidctest.Behavior
		warn bool
	}{{oidctest.NoPKCE, true}, {oidctest.Good, false}} {
		resp := p.planCreate("zerotrust_oidc_login_method", map[string]tftypes.Value{
			"name": str("JumpCloud"), "issuer": str(idp.Issuer(tc.b)), "allow_http": tftypes.NewValue(tftypes.Bool, true),
			"client_id": str("cf-access"), "client_secret": str("s3cret"), "pkce_enabled": tftypes.NewValue(tftypes.Bool, true),
		})
		var warned bool
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %v", tc.b, diagStrings(resp.Diagnostics))
			}
			warned = warned || d.Summary == "IdP Does Not List PKCE S256" && strings.Contains(d.Detail, "[plain]") &&
				d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("pkce_enabled"))
		}
		if warned != tc.warn {
			t.Errorf("%s: warned %t, want %t: %v", tc.b, warned, tc.warn, diagStrings(resp.Diagnostics))
		}
	}
}

// Without the client capability, client_secret_wo gets an error that says what to do instead, on the
// attribute; with it, none.
func TestOIDCLoginMethod_writeOnlyNeedsTheCapability(t *testing.T) {
	t.Parallel()
	emu := emulator.NewTestServer(t, emulator.Options{})
	p := protocol(t, emu)
	typ := p.schema.ResourceSchemas["zerotrust_oidc_login_method"].ValueType()
	cfg := p.value(typ, map[string]tftypes.Value{
		"name": str("JumpCloud"), "issuer": str("https://oauth.id.jumpcloud.com/"), "client_id": str("cf-access"),
		"client_secret_wo": str("s3cret"), "client_secret_wo_version": tftypes.NewValue(tftypes.Number, 1),
	})
	for _, allowed := range []bool{false, true} {
		resp, err := p.srv.ValidateResourceConfig(context.Background(), &tfprotov6.ValidateResourceConfigRequest{
			TypeName: "zerotrust_oidc_login_method", Config: cfg,
			ClientCapabilities: &tfprotov6.ValidateResourceConfigClientCapabilities{WriteOnlyAttributesAllowed: allowed},
		})
		if err != nil {
			t.Fatal(err)
		}
		var ours bool
		for _, d := range resp.Diagnostics {
			ours = ours || d.Summary == "Write-Only Client Secret Not Supported by This CLI" && strings.Contains(d.Detail, "Set client_secret instead") &&
				d.Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("client_secret_wo"))
		}
		if ours == allowed || (allowed && len(resp.Diagnostics) > 0) {
			t.Errorf("write-only allowed %t: %v", allowed, diagStrings(resp.Diagnostics))
		}
	}
}

// A login method made in the dashboard, imported: the configuration a listing generates (explicit
// endpoints, no secret) plans no change and sends nothing, so the secret stays; adding a secret to the
// configuration afterwards is an update that sends it once.
func TestOIDCLoginMethod_importThenSecret(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	seeded, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: "oidc", Config: emulator.Config{Other: map[string]any{
		"client_id": "cf-access", "client_secret": "dashboard-secret", "auth_url": "https://oauth.id.jumpcloud.com/oauth2/auth",
		"token_url": "https://oauth.id.jumpcloud.com/oauth2/token", "certs_url": "https://oauth.id.jumpcloud.com/.well-known/jwks.json",
		"scopes": []any{"openid", "email"}, "pkce_enabled": true,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	generated := `
  name         = "JumpCloud"
  auth_url     = "https://oauth.id.jumpcloud.com/oauth2/auth"
  token_url    = "https://oauth.id.jumpcloud.com/oauth2/token"
  certs_url    = "https://oauth.id.jumpcloud.com/.well-known/jwks.json"
  client_id    = "cf-access"
  scopes       = ["openid", "email"]
  pkce_enabled = true`
	var writes int
	countWrites := func() {
		writes = 0
		for route, n := range e.emu.RequestCounts() {
			if !strings.HasPrefix(route, "GET ") {
				writes += n
			}
		}
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: oidcConfig(e, generated), ResourceName: oidcAddr, ImportState: true, ImportStateId: seeded.ID, ImportStatePersist: true},
			{PreConfig: e.emu.ResetCounts, Config: oidcConfig(e, generated), PlanOnly: true},
			{
				PreConfig: func() {
					if countWrites(); writes != 0 {
						t.Errorf("the plan of the imported login method wrote %d times", writes)
					}
					if got := e.onlyLoginMethod().Config.ClientSecret; got != "dashboard-secret" {
						t.Errorf("after the import and plan the emulator holds secret %q", got)
					}
				},
				Config:           oidcConfig(e, generated+"\n"+secretHCL("rotated-secret", 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(oidcAddr, plancheck.ResourceActionUpdate)}},
				Check:            e.wantSecret("rotated-secret"),
			},
		},
	})
}

// The state file itself, written by the CLI, holds no client secret where write-only attributes are
// supported: not after the create, not after a rotation.
func TestOIDCLoginMethod_stateFileHoldsNoSecret(t *testing.T) {
	t.Parallel()
	cli := needCLI(t)
	if !writeOnlySupported() {
		t.Skipf("%s has no write-only attributes; client_secret is kept in state there, as documented", testCLI)
	}
	e := newTestEnv(t)
	dir := t.TempDir()
	secrets := []string{"first-" + randomHex(t, 16), "second-" + randomHex(t, 16)}
	for version, secret := range secrets {
		config := requiredProvidersTF + `
variable "client_secret" {
  type      = string
  sensitive = true
}

provider "zerotrust" {
  base_url   = "` + e.emu.APIBaseURL() + `"
  account_id = "` + e.emu.AccountID + `"
}

resource "zerotrust_oidc_login_method" "jumpcloud" {
  name                     = "JumpCloud"
  auth_url                 = "https://oauth.id.jumpcloud.com/oauth2/auth"
  token_url                = "https://oauth.id.jumpcloud.com/oauth2/token"
  certs_url                = "https://oauth.id.jumpcloud.com/.well-known/jwks.json"
  client_id                = "cf-access"
  client_secret_wo         = var.client_secret
  client_secret_wo_version = ` + fmt.Sprint(version+1) + `
}
`
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		env := []string{"CLOUDFLARE_API_TOKEN=" + e.emu.WriteToken, "TF_VAR_client_secret=" + secret}
		if out, err := runCLIErr(cli, devOverrides(t), dir, env, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
			t.Fatalf("apply with secret version %d: %v\n%s", version+1, err, out)
		}
		if got := e.onlyLoginMethod().Config.ClientSecret; got != secret {
			t.Fatalf("after version %d the emulator holds another secret", version+1)
		}
		state, err := os.ReadFile(filepath.Join(dir, "terraform.tfstate"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(state), `"client_secret_wo_version": `+fmt.Sprint(version+1)) {
			t.Fatalf("the state file does not look like this apply's:\n%s", state)
		}
		for _, s := range secrets {
			if strings.Contains(string(state), s) {
				t.Errorf("the state file holds a client secret after version %d", version+1)
			}
		}
	}
}
