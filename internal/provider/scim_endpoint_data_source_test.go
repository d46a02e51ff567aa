package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

func TestSCIMEndpoint_byIDAndByName(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	// Another login method named alike but of a type without SCIM, and a SAML one without SCIM.
	if _, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: "github",
		Config: emulator.Config{Other: map[string]any{"client_id": "abc"}}}); err != nil {
		t.Fatal(err)
	}
	plain := e.seedSAML(t, "Okta", cert, emulator.SCIMConfig{})
	body := "  user_deprovision = true\n  identity_update_behavior = \"reauth\""
	lookups := `
data "zerotrust_scim_endpoint" "by_id" {
  login_method_id = zerotrust_scim_config.jumpcloud.login_method_id
}
data "zerotrust_scim_endpoint" "by_name" {
  name = "JumpCloud"
}
data "zerotrust_scim_endpoint" "no_scim" {
  login_method_id = "` + plain.ID + `"
}
`
	endpoint := tfjsonpath.New("scim_base_url")
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: scimTestConfig(e, cert, "JumpCloud", body)},
			{
				Config: scimTestConfig(e, cert, "JumpCloud", body, lookups),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.zerotrust_scim_endpoint.by_id", endpoint, scimConfigAddr, endpoint, compare.ValuesSame()),
					statecheck.CompareValuePairs("data.zerotrust_scim_endpoint.by_name", endpoint, scimConfigAddr, endpoint, compare.ValuesSame()),
					statecheck.CompareValuePairs("data.zerotrust_scim_endpoint.by_name", tfjsonpath.New("login_method_id"), loginMethodAddr, tfjsonpath.New("id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.by_id", tfjsonpath.New("name"), knownvalue.StringExact("JumpCloud")),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.by_id", tfjsonpath.New("account_id"), knownvalue.StringExact(e.emu.AccountID)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.by_name", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.by_name", tfjsonpath.New("user_deprovision"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.by_name", tfjsonpath.New("seat_deprovision"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.by_name", tfjsonpath.New("identity_update_behavior"), knownvalue.StringExact("reauth")),
					// The API redacts the secret on every read: it lives in the resource only.
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.by_name", tfjsonpath.New("secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.no_scim", endpoint, knownvalue.Null()),
					statecheck.ExpectKnownValue("data.zerotrust_scim_endpoint.no_scim", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

// name must match one login method of a type with SCIM; a name only a login method of another type has
// is an error that names that type.
func TestSCIMEndpoint_nameMustMatchOneLoginMethodWithSCIM(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	e.seedSAML(t, "Twin", cert, emulator.SCIMConfig{Enabled: true})
	e.seedSAML(t, "Twin", cert, emulator.SCIMConfig{})
	e.seedSAML(t, "JumpCloud", cert, emulator.SCIMConfig{})
	github := createLikeOfficialProvider(t, e, githubLoginMethod)
	lookup := func(attr, value string) string {
		return e.provider() + `
data "zerotrust_scim_endpoint" "x" {
  ` + attr + ` = "` + value + `"
}
`
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: lookup("name", "Twin"), ExpectError: regexp.MustCompile(`(?s)Ambiguous.*2\s+login\s+methods.*login_method_id`)},
			{Config: lookup("name", "Okta"), ExpectError: phrases(`No login method`, `(saml, oidc, okta and azureAD) is named "Okta"`, `"JumpCloud"`)},
			{Config: lookup("name", "GitHub"), ExpectError: phrases(`Login Method Type Has No SCIM`, `Login method `+github+` ("GitHub") is of type "github"`,
				`Cloudflare provisions SCIM only for saml, oidc, okta and azureAD login methods`)},
			{Config: lookup("login_method_id", github), ExpectError: phrases(`Login Method Type Has No SCIM`, `is of type "github"`, `Set login_method_id`)},
			{Config: lookup("login_method_id", "00000000-0000-4000-8000-000000000000"), ExpectError: regexp.MustCompile(`Login\s+Method\s+Not\s+Found`)},
			{
				Config:      e.provider() + `data "zerotrust_scim_endpoint" "x" {}`,
				ExpectError: regexp.MustCompile(`(?s)login_method_id.*name`),
			},
		},
	})
}
