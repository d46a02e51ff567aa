package provider

import (
	"regexp"
	"strings"
	"testing"
	"time"

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

// phrases matches the phrases in order, each word of each phrase separated by any white space, as the
// CLIs wrap a diagnostic.
func phrases(ps ...string) *regexp.Regexp {
	quoted := make([]string, len(ps))
	for i, p := range ps {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `[\s\S]*`))
}

// A read-only credential can plan but not apply (the plan worked, the apply failed), and the error says
// that it can read but not edit, with the permission's name; a credential refused for reading too says
// so instead. Either speaks of the credential the provider was configured with.
func TestProviderConfig_refusedCredentialsSayWhy(t *testing.T) {
	t.Parallel()
	const readKey, readEmail = "read-only-global-key", "reader@example.com"
	e := &testEnv{t: t, now: time.Now, emu: emulator.NewTestServer(t, emulator.Options{APIKeys: map[string]emulator.APIKeyCred{
		"writer": {Email: emulator.TestAPIEmail, Key: emulator.TestAPIKey, Permission: emulator.PermWrite},
		"reader": {Email: readEmail, Key: readKey, Permission: emulator.PermRead},
	}})}
	block := func(credential string) string {
		return `provider "zerotrust" {
  ` + credential + `
  base_url   = "` + e.emu.APIBaseURL() + `"
  account_id = "` + e.emu.AccountID + `"
}`
	}
	token := func(tok string) string { return `api_token = "` + tok + `"` }
	globalKey := func(key, email string) string { return `api_key = "` + key + `"` + "\n  email = \"" + email + `"` }
	const permission = "Access: Organizations, Identity Providers, and Groups"
	tokenReads := "The API token can read the login methods of this account or zone but not change them: it has the " +
		permission + " permission at Read only, which is enough to plan but not to apply. Give the token that permission at Edit"
	keyReads := "The Global API key can read the login methods of this account or zone but not change them: its user's role " +
		"does not grant " + permission + " at Edit."
	for _, tc := range []struct {
		name, credential string
		want             *regexp.Regexp
	}{
		{"read-only API token", token(e.emu.ReadToken),
			phrases("Unable to Create Login Method", "403 Forbidden: [10000] Authentication error. "+tokenReads)},
		{"read-only Global API key", globalKey(readKey, readEmail),
			phrases("Unable to Create Login Method", "403 Forbidden: [10000] Authentication error. "+keyReads)},
		{"unknown API token", token("revoked-or-mistyped"),
			phrases("Unable to Create Login Method", "403 Forbidden: [10000] Authentication error. The API token was refused "+
				"for reading too: it is wrong, expired or revoked, or it lacks the "+permission+" permission (Read to plan, Edit to apply)")},
		{"wrong Global API key", globalKey("wrong", readEmail),
			phrases("Unable to Create Login Method", "403 Forbidden: [10000] Authentication error. The Global API key was refused "+
				"for reading too: the key or its e-mail is wrong")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cliTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				Steps:                    []resource.TestStep{{Config: loginMethodWith(e, block(tc.credential)), ExpectError: tc.want}},
			})
		})
	}

	// The case: a login method exists, the plan of a change works with a read-only token, the apply fails.
	cfg := func(credential, name string) string {
		return strings.Replace(loginMethodWith(e, block(credential)), `"JumpCloud"`, `"`+name+`"`, 1)
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: cfg(token(e.emu.WriteToken), "before")},
			{Config: cfg(token(e.emu.ReadToken), "after"), PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: cfg(token(e.emu.ReadToken), "after"), ExpectError: phrases("Unable to Update Login Method", "403 Forbidden: [10000] Authentication error. "+tokenReads)},
			{Config: cfg(globalKey(readKey, readEmail), "after"), ExpectError: phrases("Unable to Update Login Method", "403 Forbidden: [10000] Authentication error. "+keyReads)},
			{Config: cfg(token(e.emu.WriteToken), "before")},
		},
	})
}
