package provider

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// secretScan collects the secrets a test must never find, and the texts it searches.
type secretScan struct {
	t       *testing.T
	secrets map[string]string // value -> what it is
	texts   map[string]string // where -> text
}

func (s *secretScan) secret(what, value string) {
	if value != "" {
		s.secrets[value] = what
	}
}

func (s *secretScan) text(where, text string) { s.texts[where] = text }

// logs adds every log file in dir to the texts searched, and returns them all, joined. It fails the test
// when there is none: a scan of no logs proves nothing.
func (s *secretScan) logs(dir string) string {
	s.t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		s.t.Fatalf("no logs written to %s (%v)", dir, err)
	}
	var all strings.Builder
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			s.t.Fatal(err)
		}
		s.text("log "+filepath.Base(p), string(b))
		all.Write(b)
	}
	return all.String()
}

// check fails the test for every secret found, naming where, without printing the secret.
func (s *secretScan) check() {
	s.t.Helper()
	for value, what := range s.secrets {
		for where, text := range s.texts {
			if i := strings.Index(text, value); i >= 0 {
				if os.Getenv("ZEROTRUST_SHOW_LEAKS") != "" {
					s.t.Logf("leak context: %q", text[max(0, i-300):min(len(text), i+100)])
				}
				s.t.Errorf("the %s appears in %s", what, where)
			}
		}
	}
}

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// A full apply (SCIM on, secret captured), refresh, plan, secret rotation, failed applies and destroy at
// TF_LOG=trace write neither the API token nor a SCIM secret to the logs of Terraform and of the provider, nor into any error text. The provider runs in
// this process; terraform-plugin-testing sends its tflog output and the CLI's log to TF_LOG_PATH_MASK.
//
// Not parallel: it sets process environment variables (Go runs it before the parallel tests start).
func TestSecretsStayOutOfTraceLogsAndErrors(t *testing.T) {
	logDir := t.TempDir()
	if d := os.Getenv("ZEROTRUST_KEEP_LOGS"); d != "" {
		logDir = d
	}
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))

	token := "tok-" + randomHex(t, 20)
	emu := emulator.NewTestServer(t, emulator.Options{Tokens: map[string]emulator.Permission{token: emulator.PermWrite}})
	e := &testEnv{t: t, emu: emu, now: time.Now}
	scan := &secretScan{t: t, secrets: map[string]string{}, texts: map[string]string{}}
	scan.secret("API token", token)

	// The token comes from the environment, as in CI: terraform-plugin-testing itself logs the test's
	// configuration, so a token written into it would be found in its own log lines.
	t.Setenv(envAPIToken, token)
	e.tokenFromEnv = true
	cert := validCert(t)
	scimConfig := func(version int) string {
		return `
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id          = zerotrust_saml_login_method.jumpcloud.id
  user_deprovision         = true
  identity_update_behavior = "reauth"
  secret_version           = ` + fmt.Sprint(version) + `
}

output "scim_secret" {
  value     = zerotrust_scim_config.jumpcloud.secret
  sensitive = true
}
`
	}
	cfg := explicitLoginMethod(e, cert, `["email"]`) + scimConfig(1)
	// Every SCIM secret the emulator issues is searched for: the first, and the one after rotation.
	recordSecret := func(*terraform.State) error {
		for _, idp := range emu.List(emu.AccountScope()) {
			if secret, ok := emu.SCIMSecret(emu.AccountScope(), idp.ID); ok {
				scan.secret("SCIM secret of "+idp.Name, secret)
			}
		}
		return nil
	}
	var stepErrors []string
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		ErrorCheck: func(err error) error {
			stepErrors = append(stepErrors, err.Error())
			if regexp.MustCompile(`Unable to (Create|Read|Update) Login Method`).MatchString(err.Error()) {
				return nil
			}
			return err
		},
		Steps: []resource.TestStep{
			{Config: cfg, Check: recordSecret},
			{Config: cfg, PlanOnly: true},
			{Config: explicitLoginMethod(e, cert, `["email"]`) + scimConfig(2), Check: recordSecret},
			{
				// The API refuses the credential (403), then a create fails with an unknown outcome: both
				// errors are scanned.
				PreConfig: func() { emu.RevokeToken(token) },
				Config:    explicitLoginMethod(e, cert, `["email", "groups"]`) + scimConfig(2),
			},
			{
				PreConfig: func() {
					emu.AddToken(token, emulator.PermWrite)
					emu.SetFaults(emulator.FaultConfig{ErrorRate: 1, Routes: []string{routeCreate}})
				},
				Config: explicitLoginMethod(e, cert, `["email"]`) + scimConfig(2) + `
resource "zerotrust_saml_login_method" "second" {
  name            = "Second"
  issuer_url      = "https://second.example.com"
  sso_target_url  = "https://second.example.com/sso"
  idp_public_cert = ` + hclString(cert.PEM) + `
}
`,
			},
			{PreConfig: func() { emu.SetFaults(emulator.FaultConfig{}) }, Config: explicitLoginMethod(e, cert, `["email"]`) + scimConfig(2)},
		},
	})

	all := scan.logs(logDir)
	for i, s := range stepErrors {
		scan.text(fmt.Sprintf("step error %d", i+1), s)
	}
	if n := len(scan.secrets); n != 3 {
		t.Errorf("%d secrets searched, want 3 (the token and two SCIM secrets)", n)
	}
	if len(stepErrors) != 2 {
		t.Errorf("%d failing steps, want 2 (the refused credential and the failing create): %q", len(stepErrors), stepErrors)
	}
	// The scan means something only if the logs hold the provider's own trace output and the API traffic.
	for _, want := range []string{"] zerotrust: zerotrust API request", "[TRACE] sdk.proto", "response_body", "created SAML login method"} {
		if !strings.Contains(all, want) {
			t.Errorf("the logs lack %q: the provider's trace output is not captured", want)
		}
	}
	t.Logf("scanned %d bytes of logs and %d error texts", len(all), len(stepErrors))
	scan.check()
}

// An OIDC login method's client secret, created, kept through a rename and rotated at TF_LOG=trace, is
// in no log of Terraform or of the provider, though the provider logs every request body (redacted) and
// the secret reaches the API. It comes from TF_VAR_ as a sensitive variable, since terraform-plugin-testing
// logs the test's configuration.
//
// Not parallel: it sets process environment variables.
func TestOIDCClientSecretStaysOutOfTraceLogs(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH_MASK", filepath.Join(logDir, "%s.log"))
	e := newTestEnv(t)
	scan := &secretScan{t: t, secrets: map[string]string{}, texts: map[string]string{}}
	first, second := "cs-"+randomHex(t, 20), "cs-"+randomHex(t, 20)
	scan.secret("first client secret", first)
	scan.secret("second client secret", second)
	cfg := func(name string, version int) string {
		secret := "  client_secret = var.client_secret"
		if writeOnlySupported() {
			secret = fmt.Sprintf("  client_secret_wo         = var.client_secret\n  client_secret_wo_version = %d", version)
		}
		return `
variable "client_secret" {
  type      = string
  sensitive = true
}
` + oidcConfig(e, `
  name      = "`+name+`"
  auth_url  = "https://oauth.id.jumpcloud.com/oauth2/auth"
  token_url = "https://oauth.id.jumpcloud.com/oauth2/token"
  certs_url = "https://oauth.id.jumpcloud.com/.well-known/jwks.json"
  client_id = "cf-access"
`+secret)
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{PreConfig: func() { t.Setenv("TF_VAR_client_secret", first) }, Config: cfg("JumpCloud", 1), Check: e.wantSecret(first)},
			{Config: cfg("JumpCloud OIDC", 1), Check: e.wantSecret(first)},
			{PreConfig: func() { t.Setenv("TF_VAR_client_secret", second) }, Config: cfg("JumpCloud OIDC", 2), Check: e.wantSecret(second)},
		},
	})
	all := scan.logs(logDir)
	for _, want := range []string{"request_body", "created OIDC login method"} {
		if !strings.Contains(all, want) {
			t.Errorf("the logs lack %q: the provider's trace output is not captured", want)
		}
	}
	// The create and the rotation sent a secret, and the logs show where: redacted.
	if n := len(regexp.MustCompile(`client_secret\\*"\s*:\s*\\*"REDACTED`).FindAllString(all, -1)); n < 2 {
		t.Errorf("the logs show %d redacted client secrets in request bodies, want the create's and the rotation's", n)
	}
	scan.check()
}
