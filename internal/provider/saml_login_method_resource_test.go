package provider

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

const loginMethodAddr = "zerotrust_saml_login_method.jumpcloud"

func loginMethodConfig(e *testEnv, body string) string {
	return resourceConfig(e, loginMethodAddr, body)
}

// resourceConfig is the provider block for e and the resource at addr ("type.name") with body.
func resourceConfig(e *testEnv, addr, body string) string {
	typ, name, _ := strings.Cut(addr, ".")
	return e.provider() + `
resource "` + typ + `" "` + name + `" {
` + body + `
}
`
}

func TestSAMLLoginMethod_fromJumpCloudMetadata(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	next := validCert(t)
	md := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", cert)
	rollover := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", cert, next)

	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_xml = `+hclString(md)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("issuer_url"), knownvalue.StringExact("JumpCloud")),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("sso_target_url"), knownvalue.StringExact("https://sso.jumpcloud.com/saml2/cloudflare")),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("idp_public_cert"), knownvalue.StringExact(cert.PEM)),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("account_id"), knownvalue.StringExact(e.emu.AccountID)),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("redirect_url"), knownvalue.StringRegexp(regexp.MustCompile(`^https://[a-z0-9-]+\.cloudflareaccess\.com/cdn-cgi/access/callback$`))),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("certificates"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"sha256_fingerprint": knownvalue.StringExact(cert.SHA256),
							"subject":            knownvalue.StringRegexp(regexp.MustCompile(`CN=JumpCloudSAMLUser`)),
						}),
					})),
				},
				Check: func(*terraform.State) error {
					// What the API got is what the metadata says: the entityID, the SSO URL, its one certificate.
					return e.expectLoginMethod(emulator.IdP{Name: "JumpCloud", Type: "saml", Config: emulator.Config{
						IssuerURL: "JumpCloud", SSOTargetURL: "https://sso.jumpcloud.com/saml2/cloudflare", IdPPublicCerts: []string{cert.PEM},
					}})
				},
			},
			{
				// Rename and the guide's optional settings: an in-place update of the same login method.
				Config: loginMethodConfig(e, `
  name                 = "JumpCloud SSO"
  metadata_xml         = `+hclString(md)+`
  attributes           = ["email", "groups"]
  email_attribute_name = "email"
  sign_request         = true
  header_attributes    = [{ attribute_name = "groups", header_name = "Cf-Access-Groups" }]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					return e.expectLoginMethod(emulator.IdP{Name: "JumpCloud SSO", Type: "saml", Config: emulator.Config{
						IssuerURL: "JumpCloud", SSOTargetURL: "https://sso.jumpcloud.com/saml2/cloudflare", IdPPublicCerts: []string{cert.PEM},
						Attributes: []string{"email", "groups"}, EmailAttributeName: "email", SignRequest: new(true),
						HeaderAttributes: []emulator.HeaderAttribute{{AttributeName: "groups", HeaderName: "Cf-Access-Groups"}},
					}})
				},
			},
			{
				// Certificate rollover: JumpCloud publishes the next certificate beside the current one.
				Config: loginMethodConfig(e, `
  name         = "JumpCloud SSO"
  metadata_xml = `+hclString(rollover)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("idp_public_cert"), knownvalue.StringExact(cert.PEM+next.PEM)),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("certificates"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("attributes"), knownvalue.Null()),
				},
				Check: func(*terraform.State) error {
					// Both certificates, in the metadata's order; the optional settings removed from the configuration are gone.
					return e.expectLoginMethod(emulator.IdP{Name: "JumpCloud SSO", Type: "saml", Config: emulator.Config{
						IssuerURL: "JumpCloud", SSOTargetURL: "https://sso.jumpcloud.com/saml2/cloudflare", IdPPublicCerts: []string{cert.PEM, next.PEM},
						SignRequest: new(false), // turned off explicitly, after it was on
					}})
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(e.emu.List(e.emu.AccountScope())); n != 0 {
				return fmt.Errorf("%d login methods left on the server after destroy", n)
			}
			return nil
		},
	})
}

// expectLoginMethod checks that the emulator holds exactly one login method in the account, and that its
// name, type and SAML settings are want's (the ID, the SCIM settings and Other are not compared).
func (e *testEnv) expectLoginMethod(want emulator.IdP) error {
	all := e.emu.List(e.emu.AccountScope())
	if len(all) != 1 {
		return fmt.Errorf("emulator holds %d login methods, want 1", len(all))
	}
	got := all[0]
	got.ID, got.SCIMConfig, got.Config.Other = "", emulator.SCIMConfig{}, nil
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("emulator holds\n%+v\nwant\n%+v", got, want)
	}
	return nil
}

// explicitConfig is a login method configured without metadata.
func explicitConfig(e *testEnv, name, cert string) string {
	return loginMethodConfig(e, `
  name            = "`+name+`"
  issuer_url      = "https://idp.example.com/metadata"
  sso_target_url  = "https://idp.example.com/sso"
  idp_public_cert = `+hclString(cert))
}

func TestSAMLLoginMethod_certificateFormattingNeverDiffs(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	a, b := validCert(t), validCert(t)
	wrapped := func(s string, width int) string {
		var lines []string
		for len(s) > width {
			lines = append(lines, s[:width])
			s = s[width:]
		}
		return strings.Join(append(lines, s), "\r\n")
	}
	rewrapped := func(c testCert, width int) string {
		return "-----BEGIN CERTIFICATE-----\r\n" + wrapped(c.Base64, width) + "\r\n-----END CERTIFICATE-----\r\n"
	}
	empty := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionUpdate)}}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: explicitConfig(e, "Okta", a.PEM)},
			// The same certificate as bare base64 with CRLF line breaks and stray spaces: no change.
			{Config: explicitConfig(e, "Okta", "  "+wrapped(a.Base64, 76)+"  "), ConfigPlanChecks: empty},
			// A second certificate is a real change.
			{Config: explicitConfig(e, "Okta", a.PEM+b.PEM), ConfigPlanChecks: update},
			// The same two in the other order, wrapped at other widths with CRLF: no change.
			{Config: explicitConfig(e, "Okta", rewrapped(b, 40)+"\n"+rewrapped(a, 76)), ConfigPlanChecks: empty},
			{
				Config:           explicitConfig(e, "Okta", a.PEM),
				ConfigPlanChecks: update,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("certificates"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}
