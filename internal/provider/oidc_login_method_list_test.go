package provider

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// The OIDC list resource lists the account's OIDC login methods only, counting the others, and each
// result with include_resource is what a read after importing it gives: explicit endpoints, no secret.
// Both login-method lists and the refreshes share one list request.
func TestOIDCLoginMethodList(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	p := protocol(t, f.emu)
	f.emu.ResetCounts()
	out := p.list("zerotrust_oidc_login_method", nil, true, 0)
	if len(out.results) != 1 || out.results[0].name != "Okta OIDC" {
		t.Fatalf("results %+v, want the one OIDC login method", out.results)
	}
	r := out.results[0].resource
	for name, want := range map[string]string{"client_id": "abc", "client_secret": "<null>", "issuer": "<null>"} {
		if got := r[name].String(); !strings.Contains(got, want) {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	var warning string
	for _, d := range out.diags {
		if d.Summary == "Login Methods Left Out" {
			warning = d.Detail
		}
	}
	for _, want := range []string{`5 of type "saml"`, `1 of type "github"`, "zerotrust_oidc_login_method cannot manage them"} {
		if !strings.Contains(warning, want) {
			t.Errorf("warning %q lacks %q", warning, want)
		}
	}
	if saml := p.list("zerotrust_saml_login_method", nil, false, 0); len(saml.results) != len(f.saml) {
		t.Errorf("the SAML list has %d results, want %d", len(saml.results), len(f.saml))
	}
	if n := f.emu.RequestCounts()["GET /accounts/{account_id}/access/identity_providers"]; n != 1 {
		t.Errorf("%d list requests for both lists, want 1", n)
	}
}

// Each login-method resource refuses, at import, a login method of the other's type, with the title that
// says so; nothing enters the state.
func TestLoginMethodImportRefusesTheOtherType(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	oidc, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud OIDC", Type: "oidc", Config: emulator.Config{Other: map[string]any{"client_id": "abc"}}})
	if err != nil {
		t.Fatal(err)
	}
	saml, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: "saml", Config: emulator.Config{
		IssuerURL: "JumpCloud", SSOTargetURL: "https://sso.jumpcloud.com/saml2/x", IdPPublicCerts: []string{validCert(t).PEM}}})
	if err != nil {
		t.Fatal(err)
	}
	p := protocol(t, e.emu)
	for _, tc := range []struct{ typeName, id, want string }{
		{"zerotrust_saml_login_method", oidc.ID, "Login Method Is Not SAML"},
		{"zerotrust_oidc_login_method", saml.ID, "Login Method Is of Another Type"},
	} {
		imp := p.importResource(tc.typeName, tc.id)
		if len(imp.ImportedResources) != 1 {
			t.Fatalf("importing %s: %v", tc.typeName, imp.Diagnostics)
		}
		read, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: tc.typeName, CurrentState: imp.ImportedResources[0].State})
		if err != nil {
			t.Fatal(err)
		}
		if len(read.Diagnostics) != 1 || read.Diagnostics[0].Summary != tc.want || !strings.Contains(read.Diagnostics[0].Detail, tc.typeName+" cannot manage") {
			t.Errorf("%s importing %s: %v, want %q", tc.typeName, tc.id, diagStrings(read.Diagnostics), tc.want)
		}
	}
}

// An OIDC login method created with its SCIM config costs two requests, as a SAML one does; renaming it
// and changing its SCIM settings in one apply keeps the client secret Cloudflare holds.
func TestOIDCLoginMethod_withSCIM(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cfg := func(name, behavior string) string {
		return oidcConfig(e, `
  name      = "`+name+`"
  auth_url  = "https://oauth.id.jumpcloud.com/oauth2/auth"
  token_url = "https://oauth.id.jumpcloud.com/oauth2/token"
  certs_url = "https://oauth.id.jumpcloud.com/.well-known/jwks.json"
  client_id = "cf-access"
`+secretHCL("s3cret", 1)) + `
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id          = zerotrust_oidc_login_method.jumpcloud.id
  identity_update_behavior = "` + behavior + `"
}
`
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg("JumpCloud", "reauth"),
				Check: resource.ComposeTestCheckFunc(e.wantSecret("s3cret"), func(*terraform.State) error {
					if idp := e.onlyLoginMethod(); !idp.SCIMConfig.Enabled || idp.SCIMConfig.IdentityUpdateBehavior != "reauth" {
						t.Errorf("SCIM %+v, want enabled with reauth", idp.SCIMConfig)
					}
					return nil
				}),
			},
			{
				Config: cfg("JumpCloud OIDC", "automatic"),
				Check:  resource.ComposeTestCheckFunc(e.wantSecret("s3cret"), resource.TestMatchResourceAttr(oidcAddr, "name", regexp.MustCompile("^JumpCloud OIDC$"))),
			},
		},
	})
}
