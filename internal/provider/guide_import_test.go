package provider

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// The account and login method ID the docs' examples use.
const (
	docsAccountID     = "0123456789abcdef0123456789abcdef"
	docsLoginMethodID = "9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21"
	// docsOIDCLoginMethodID is the OIDC login method of the examples, and docsOIDCSecret its client secret
	// as Cloudflare holds it (no read returns it).
	docsOIDCLoginMethodID = "4c8e2d6a-1b3f-4a5e-9c7d-8e2f1a3b5c7d"
	docsOIDCSecret        = "client-secret-only-cloudflare-has"
)

// guideRun runs the suite's CLI on the docs' examples against one emulator, with a read-only API token:
// importing, and applying what the guide applies, must never need to write.
type guideRun struct {
	t         *testing.T
	cli       string
	cliConfig string
	emu       *emulator.TestServer
	dir       string
}

func newGuideRun(t *testing.T) *guideRun {
	t.Helper()
	cli := needCLI(t)
	if !cliAtLeast(testCLI, "Terraform", 1, 14) {
		t.Skipf("the guide runs `terraform query`, which needs Terraform 1.14 (this is %s); `make test-terraform-latest` runs it", testCLI)
	}
	g := &guideRun{t: t, cli: cli, cliConfig: devOverrides(t), dir: t.TempDir()}
	g.emu = emulator.NewTestServer(t, emulator.Options{Accounts: []string{docsAccountID}})
	g.seed()
	return g
}

// seed fills the account as a dashboard user would have: JumpCloud made from the examples' metadata
// (certificate pasted as bare base64) with SCIM on, Okta with header attributes (groups sent as two
// headers), a Google Workspace login method and a read-only SAML one, which the lists leave out.
func (g *guideRun) seed() {
	t := g.t
	xml, err := os.ReadFile(filepath.Join("..", "..", "examples", "guides", "import-every-login-method", "tidy", "JumpCloud-saml2-metadata.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cert := regexp.MustCompile(`<ds:X509Certificate>([^<]+)</ds:X509Certificate>`).FindSubmatch(xml)
	if cert == nil {
		t.Fatal("no certificate in the example metadata")
	}
	okta := validCert(t)
	scope := g.emu.AccountScope()
	for _, p := range []emulator.IdP{
		{ID: docsLoginMethodID, Name: "JumpCloud", Type: "saml",
			Config: emulator.Config{IssuerURL: "JumpCloud", SSOTargetURL: "https://sso.jumpcloud.com/saml2/cloudflare-access",
				IdPPublicCerts: []string{string(cert[1])}, Attributes: []string{"email", "groups"}},
			SCIMConfig: emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "reauth"}},
		{Name: "Okta", Type: "saml",
			Config: emulator.Config{IssuerURL: "http://www.okta.com/exk7r0qrje5hFQlkk2p7",
				SSOTargetURL: "https://example.okta.com/app/cloudflare/exk7r0qrje5hFQlkk2p7/sso/saml", IdPPublicCerts: []string{okta.PEM},
				EmailAttributeName: "email", HeaderAttributes: []emulator.HeaderAttribute{
					{AttributeName: "groups", HeaderName: "Cf-Access-Groups"}, {AttributeName: "groups", HeaderName: "X-Groups"}}}},
		{ID: docsOIDCLoginMethodID, Name: "JumpCloud OIDC", Type: "oidc", Config: emulator.Config{Other: map[string]any{
			"client_id": "8b5f1c2e-4d3a-4f6b-9e7d-1a2b3c4d5e6f", "client_secret": docsOIDCSecret,
			"auth_url": "https://oauth.id.jumpcloud.com/oauth2/auth", "token_url": "https://oauth.id.jumpcloud.com/oauth2/token",
			"certs_url": "https://oauth.id.jumpcloud.com/.well-known/jwks.json", "scopes": []any{"openid", "email", "profile"},
			"claims": []any{"groups"}, "pkce_enabled": true}},
			SCIMConfig: emulator.SCIMConfig{Enabled: true, IdentityUpdateBehavior: "automatic"}},
		{Name: "Google Workspace", Type: "google-apps", Config: emulator.Config{Other: map[string]any{"client_id": "abc", "apps_domain": "example.com"}}},
		{Name: "Cloudflare Access (managed)", Type: "saml", ReadOnly: true,
			Config: emulator.Config{IssuerURL: "x", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{okta.PEM}}},
	} {
		if _, err := g.emu.Seed(scope, p); err != nil {
			t.Fatal(err)
		}
	}
}

// copy copies example files (paths under examples/) into the working directory.
func (g *guideRun) copy(files ...string) {
	g.t.Helper()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", f))
		if err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(g.dir, filepath.Base(f)), data, 0o600); err != nil {
			g.t.Fatal(err)
		}
	}
}

// run runs one CLI command and returns its output; the exit code must be want.
func (g *guideRun) run(want int, args ...string) string {
	g.t.Helper()
	var stdout, stderr bytes.Buffer
	err := runCLITo(&stdout, &stderr, g.cli, g.cliConfig, g.dir,
		[]string{"CLOUDFLARE_API_TOKEN=" + g.emu.ReadToken, "CLOUDFLARE_BASE_URL=" + g.emu.APIBaseURL()}, append(args, "-no-color")...)
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		g.t.Fatal(err)
	}
	out := stdout.String() + stderr.String()
	g.t.Logf("$ terraform %s  (exit %d)\n%s", strings.Join(args, " "), code, withoutDevOverridesWarning(out))
	if code != want {
		g.t.Fatalf("terraform %s exited %d, want %d", strings.Join(args, " "), code, want)
	}
	return out
}

// withoutDevOverridesWarning drops the warning every command prints about dev_overrides.
func withoutDevOverridesWarning(out string) string {
	return regexp.MustCompile(`(?s)\n*Warning: Provider development overrides are in effect.*?published\s+releases\.\n`).ReplaceAllString(out, "")
}

// wantOnlyReads fails unless the emulator answered nothing but GETs since the counters were reset.
func (g *guideRun) wantOnlyReads(step string) {
	g.t.Helper()
	for route, n := range g.emu.RequestCounts() {
		if n > 0 && !strings.HasPrefix(route, "GET ") {
			g.t.Errorf("%s sent %d × %s; it must only read", step, n, route)
		}
	}
}

// wantContains checks that out holds each of want, whitespace aside: the CLI wraps long lines.
func wantContains(t *testing.T, out string, want ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	for _, w := range want {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("output lacks %q", w)
		}
	}
}

// The guide "Import every login method of an account", run as written: the query finds the SAML login
// methods and the SCIM config and leaves out the others with a warning; the generated configuration
// imports them with no change and then plans empty; swapping the JumpCloud login method's explicit
// values for its metadata file (tidy/jumpcloud.tf) records the metadata and plans empty again. Every
// step only reads from the API.
func TestGuideImportEveryLoginMethod(t *testing.T) {
	t.Parallel()
	g := newGuideRun(t)
	g.copy("guides/import-every-login-method/main.tf", "guides/import-every-login-method/import.tfquery.hcl")

	out := g.run(0, "query")
	wantContains(t, out, "list.zerotrust_saml_login_method.login_method", "JumpCloud", "Okta",
		"list.zerotrust_oidc_login_method.oidc", "JumpCloud OIDC",
		"list.zerotrust_scim_config.scim", "Login Methods Left Out", `1 of type "google-apps"`, "1 read-only SAML")
	if strings.Contains(out, "Google Workspace") || strings.Contains(out, "Cloudflare Access (managed)") {
		t.Error("the query lists a login method it cannot manage")
	}

	g.run(0, "query", "-generate-config-out=imported.tf")
	generated, err := os.ReadFile(filepath.Join(g.dir, "imported.tf"))
	if err != nil {
		t.Fatal(err)
	}
	gen := string(generated)
	wantContains(t, gen, `resource "zerotrust_saml_login_method" "login_method_0"`, `resource "zerotrust_saml_login_method" "login_method_1"`,
		`resource "zerotrust_scim_config" "scim_0"`, `id         = "`+docsLoginMethodID+`"`, `issuer_url             = "JumpCloud"`,
		`identity_update_behavior = "reauth"`, `header_name = "Cf-Access-Groups"`, `header_name = "X-Groups"`)
	wantContains(t, gen, `resource "zerotrust_oidc_login_method" "oidc_0"`, `token_url = "https://oauth.id.jumpcloud.com/oauth2/token"`,
		`resource "zerotrust_scim_config" "scim_1"`)
	if n := strings.Count(gen, "import {"); n != 5 {
		t.Errorf("%d import blocks, want 5", n)
	}
	if regexp.MustCompile(`(?m)^\s*(secret|client_secret|client_secret_wo)\s*=\s*"`).MatchString(gen) {
		t.Error("the generated configuration holds a secret")
	}

	g.emu.ResetCounts()
	wantContains(t, g.run(2, "plan", "-detailed-exitcode"), "Plan: 5 to import, 0 to add, 0 to change, 0 to destroy.")
	wantContains(t, g.run(0, "apply", "-auto-approve"), "Apply complete! Resources: 5 imported, 0 added, 0 changed, 0 destroyed.")
	g.run(0, "plan", "-detailed-exitcode")
	g.wantOnlyReads("importing")
	if oidc, ok := g.emu.Get(g.emu.AccountScope(), docsOIDCLoginMethodID); !ok || oidc.Config.ClientSecret != docsOIDCSecret {
		t.Error("importing the OIDC login method changed its client secret")
	}

	// Step 5 of the guide: the JumpCloud blocks move to a file of their own, from the metadata file; the
	// import blocks have done their job.
	g.tidy(gen)
	g.copy("guides/import-every-login-method/tidy/jumpcloud.tf", "guides/import-every-login-method/tidy/JumpCloud-saml2-metadata.xml")
	g.emu.ResetCounts()
	wantContains(t, g.run(2, "plan", "-detailed-exitcode"),
		"(moved from zerotrust_saml_login_method.login_method_0)",
		"zerotrust_scim_config.scim_0 has moved to zerotrust_scim_config.jumpcloud",
		"+ metadata_xml", "Plan: 0 to add, 1 to change, 0 to destroy.")
	wantContains(t, g.run(0, "apply", "-auto-approve"), "Apply complete! Resources: 0 added, 1 changed, 0 destroyed.")
	g.run(0, "plan", "-detailed-exitcode")
	g.wantOnlyReads("recording the metadata")
}

// tidy rewrites imported.tf as the guide's step 5 says: without the import blocks and without the blocks
// tidy/jumpcloud.tf replaces.
func (g *guideRun) tidy(generated string) {
	g.t.Helper()
	f, diags := hclwrite.ParseConfig([]byte(generated), "imported.tf", hcl.InitialPos)
	if diags.HasErrors() {
		g.t.Fatal(diags)
	}
	body := f.Body()
	for _, b := range body.Blocks() {
		labels := strings.Join(b.Labels(), ".")
		if b.Type() == "import" || labels == "zerotrust_saml_login_method.login_method_0" || labels == "zerotrust_scim_config.scim_0" {
			body.RemoveBlock(b)
		}
	}
	if err := os.WriteFile(filepath.Join(g.dir, "imported.tf"), f.Bytes(), 0o600); err != nil {
		g.t.Fatal(err)
	}
}

// The identity import examples of both resources, as the docs show them, import the login method and
// its SCIM config the examples name; with the guide's configuration of them the plan is then empty.
func TestDocsImportByIdentityExamples(t *testing.T) {
	t.Parallel()
	g := newGuideRun(t)
	g.copy("guides/import-every-login-method/main.tf", "guides/import-every-login-method/tidy/jumpcloud.tf",
		"guides/import-every-login-method/tidy/JumpCloud-saml2-metadata.xml")
	for _, r := range []string{"zerotrust_saml_login_method", "zerotrust_scim_config"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", "resources", r, "import-by-identity.tf"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(g.dir, r+"-import-by-identity.tf"), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := g.run(2, "plan", "-detailed-exitcode")
	wantContains(t, out, "Plan: 2 to import, 0 to add, 1 to change, 0 to destroy.", "+ metadata_xml")
	wantContains(t, g.run(0, "apply", "-auto-approve"), "Apply complete! Resources: 2 imported, 0 added, 1 changed, 0 destroyed.")
	g.run(0, "plan", "-detailed-exitcode")
	state := g.run(0, "show", "-json")
	for _, want := range []string{`"identity":{"account_id":"` + docsAccountID + `","id":"` + docsLoginMethodID + `","zone_id":null}`} {
		if n := strings.Count(state, want); n != 2 {
			t.Errorf("state holds %d identities %s, want 2 (the login method and its SCIM config)", n, want)
		}
	}
	g.wantOnlyReads("importing by identity")
}
