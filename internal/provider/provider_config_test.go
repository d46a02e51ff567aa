package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// loginMethodWith renders a provider block and a login method that needs the API at plan time only
// when the provider is configured.
func loginMethodWith(e *testEnv, providerBlock string) string {
	cert := validCert(e.t)
	return providerBlock + `
resource "zerotrust_saml_login_method" "jumpcloud" {
  name            = "JumpCloud"
  issuer_url      = "JumpCloud"
  sso_target_url  = "https://sso.jumpcloud.com/saml2/cloudflare"
  idp_public_cert = ` + hclString(cert.PEM) + `
}
`
}

// clearCloudflareEnv keeps a developer's own credentials out of the tests.
func clearCloudflareEnv(t *testing.T) {
	for _, v := range []string{envAPIToken, envAPIKey, envEmail, envAccountID, envBaseURL} {
		t.Setenv(v, "")
	}
}

func TestProviderConfig_errorsAtPlanTime(t *testing.T) {
	clearCloudflareEnv(t)
	e := newTestEnv(t)
	cases := []struct {
		name, block string
		want        *regexp.Regexp
	}{
		{"no credentials", `provider "zerotrust" {
  base_url   = "` + e.emu.APIBaseURL() + `"
  account_id = "` + e.emu.AccountID + `"
}`, regexp.MustCompile(`Missing Cloudflare credentials[\s\S]*CLOUDFLARE_API_TOKEN`)},
		{"token and key", `provider "zerotrust" {
  api_token  = "a"
  api_key    = "b"
  email      = "c@example.com"
  account_id = "` + e.emu.AccountID + `"
}`, regexp.MustCompile(`Conflicting Cloudflare credentials`)},
		{"key without email", `provider "zerotrust" {
  api_key    = "b"
  account_id = "` + e.emu.AccountID + `"
}`, regexp.MustCompile(`Missing Cloudflare e-mail`)},
		{"malformed base URL", `provider "zerotrust" {
  api_token = "a"
  base_url  = "api.cloudflare.com/client/v4"
}`, regexp.MustCompile(`Invalid base_url[\s\S]*"api.cloudflare.com/client/v4":\s+it\s+must\s+be\s+an\s+absolute`)},
		{"negative rate limit", `provider "zerotrust" {
  api_token  = "a"
  rate_limit = -1
}`, regexp.MustCompile(`requests\s+per\s+five\s+minutes`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cliTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{{
					Config:      loginMethodWith(e, tc.block),
					PlanOnly:    true,
					ExpectError: tc.want,
				}},
			})
		})
	}
}

func TestProviderConfig_conflictingEnvironment(t *testing.T) {
	clearCloudflareEnv(t)
	e := newTestEnv(t)
	t.Setenv(envAPIToken, e.emu.WriteToken)
	t.Setenv(envAPIKey, "some-key")
	t.Setenv(envEmail, "user@example.com")
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      loginMethodWith(e, `provider "zerotrust" {}`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Both\s+CLOUDFLARE_API_TOKEN\s+and\s+CLOUDFLARE_API_KEY`),
		}},
	})
}

// With everything from the environment, as CI systems configure the official provider, a login method
// is created, refreshed and destroyed.
func TestProviderConfig_environmentFallbacks(t *testing.T) {
	clearCloudflareEnv(t)
	e := newTestEnv(t)
	t.Setenv(envAPIToken, e.emu.WriteToken)
	t.Setenv(envBaseURL, e.emu.APIBaseURL())
	t.Setenv(envAccountID, e.emu.AccountID)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps:                    []resource.TestStep{{Config: loginMethodWith(e, `provider "zerotrust" {}`)}},
	})

	// The Global API key and e-mail work the same way.
	clearCloudflareEnv(t)
	t.Setenv(envAPIKey, emulator.TestAPIKey)
	t.Setenv(envEmail, emulator.TestAPIEmail)
	t.Setenv(envBaseURL, e.emu.APIBaseURL())
	t.Setenv(envAccountID, e.emu.AccountID)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps:                    []resource.TestStep{{Config: loginMethodWith(e, `provider "zerotrust" {}`)}},
	})
}

// A token produced by another resource is unknown until apply: the plan must go through (not report
// missing credentials), and the apply must use the token once it is known.
func TestProviderConfig_unknownCredentialsAtPlanTime(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	block := `
resource "terraform_data" "token" {
  input = "` + e.emu.WriteToken + `"
}

provider "zerotrust" {
  api_token  = terraform_data.token.output
  base_url   = "` + e.emu.APIBaseURL() + `"
  account_id = "` + e.emu.AccountID + `"
}
`
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: loginMethodWith(e, block),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionCreate)},
			},
		}},
	})
}

// A read-only token can plan but not apply, and the error says why.
func TestProviderConfig_readOnlyTokenCannotApply(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	block := `provider "zerotrust" {
  api_token  = "` + e.emu.ReadToken + `"
  base_url   = "` + e.emu.APIBaseURL() + `"
  account_id = "` + e.emu.AccountID + `"
}`
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config:      loginMethodWith(e, block),
			ExpectError: regexp.MustCompile(`Unable\s+to\s+Create\s+Login\s+Method[\s\S]*403`),
		}},
	})
}
