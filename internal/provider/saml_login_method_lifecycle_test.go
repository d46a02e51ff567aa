package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// metadataCorpus is the path of a file of the metadata package's corpus ("real/okta-crewjam.xml").
func metadataCorpus(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "samlmetadata", "testdata", "corpus", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func expectAction(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(loginMethodAddr, action)}}
}

// Changes made in the dashboard show up as a planned update, and a login method deleted there is
// planned for creation again.
func TestSAMLLoginMethod_driftFromTheDashboard(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cfg := loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_xml = `+hclString(jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", cert))+`
  attributes   = ["email"]`)
	mutate := func(fn func(*emulator.IdP)) func() {
		return func() {
			idp := e.onlyLoginMethod()
			if err := e.emu.Mutate(e.emu.AccountScope(), idp.ID, fn); err != nil {
				t.Fatal(err)
			}
		}
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: mutate(func(p *emulator.IdP) {
					p.Name = "Renamed in the dashboard"
					p.Config.SSOTargetURL = "https://sso.jumpcloud.com/saml2/other"
					p.Config.Attributes = append(p.Config.Attributes, "groups")
				}),
				Config:           cfg,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: func(*terraform.State) error {
					idp := e.onlyLoginMethod()
					if idp.Name != "JumpCloud" || idp.Config.SSOTargetURL != "https://sso.jumpcloud.com/saml2/cloudflare" || len(idp.Config.Attributes) != 1 {
						return fmt.Errorf("drift not repaired: %+v", idp)
					}
					return nil
				},
			},
			{
				// A certificate replaced in the dashboard is drift too.
				PreConfig:        mutate(func(p *emulator.IdP) { p.Config.IdPPublicCerts = []string{validCert(t).PEM} }),
				Config:           cfg,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			},
			{
				PreConfig: func() {
					if !e.emu.Delete(e.emu.AccountScope(), e.onlyLoginMethod().ID) {
						t.Fatal("emulator did not delete the login method")
					}
				},
				Config:           cfg,
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
			},
		},
	})
}

// A certificate rotated at the IdP shows up as a planned update when the metadata comes from a URL.
func TestSAMLLoginMethod_metadataURLPicksUpRotation(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	oldCert, newCert := validCert(t), validCert(t)
	var served atomic.Value
	served.Store(jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", oldCert))
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		fmt.Fprint(w, served.Load().(string))
	}))
	t.Cleanup(idp.Close)

	withURL := func(allowHTTP string) string {
		return loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_url = "`+idp.URL+`/saml2/metadata"`+allowHTTP)
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: withURL(""), ExpectError: regexp.MustCompile(`plain\s+http`)},
			{
				Config: withURL("\n  allow_http = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("idp_public_cert"), knownvalue.StringExact(oldCert.PEM)),
				},
			},
			{
				PreConfig: func() {
					served.Store(jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", newCert))
				},
				Config:           withURL("\n  allow_http = true"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("idp_public_cert"), knownvalue.StringExact(newCert.PEM)),
				},
			},
		},
	})
}

// Broken, hostile and ambiguous metadata fails the plan on the attribute at fault, with a next step,
// and nothing is created.
func TestSAMLLoginMethod_badMetadataFailsAtPlanTime(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	// (Non-UTF-8 files never reach the provider: Terraform's file() refuses them.)
	cases := []struct{ file, want string }{
		{"hostile/billion-laughs.xml", `DOCTYPE`},
		{"hostile/xxe-file.xml", `DOCTYPE`},
		{"hostile/duplicate-attribute.xml", `(?i)duplicate`},
		{"hostile/trailing-second-root.xml", `(?i)root`},
		{"hostile/javascript-location.xml", `(?i)https`},
		{"hostile/cdata-pi-x509.xml", `(?i)certificate`},
		{"real/toolkit-multiple-descriptors.xml", `https://foo.example.com/access/saml/idp.xml[\s\S]*entity_id`},
	}
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_xml = file(`+hclString(metadataCorpus(t, c.file))+`)`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Invalid\s+SAML\s+Metadata[\s\S]*` + c.want),
		})
	}
	steps = append(steps, resource.TestStep{
		Config: loginMethodConfig(e, `
  name           = "JumpCloud"
  metadata_xml   = "<md:EntityDescriptor/>"
  issuer_url     = "JumpCloud"`),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`Conflicting\s+IdP\s+Settings`),
	}, resource.TestStep{
		Config: loginMethodConfig(e, `
  name           = "JumpCloud"
  issuer_url     = "JumpCloud"`),
		PlanOnly:    true,
		ExpectError: regexp.MustCompile(`Missing\s+IdP\s+Setting`),
	})
	cliTest(t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
	if n := len(e.emu.List(e.emu.AccountScope())); n != 0 {
		t.Fatalf("%d login methods were created from bad metadata", n)
	}
}

// Issue #22, items 8 and 10, through the CLI: a web page (a file or a URL) or a certificate given as the
// metadata, and a failure of the parser itself, fail the plan with what they are and the fix.
func TestSAMLLoginMethod_notMetadataFailsAtPlanTime(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = fmt.Fprint(w, loginPage) // a sign-in page, served with 200 OK
	}))
	t.Cleanup(page.Close)
	// A clock that panics when read: only the check of the signed metadata's signer reads it, and its
	// panic stands for any failure inside the parser.
	e.now = func() time.Time { panic("a test clock that fails") }
	signer := metadataCorpus(t, "real/signers/azuread-tenant-signed-bom.signer.pem")
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_xml = `+hclString(loginPage)),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid\s+SAML\s+Metadata[\s\S]*HTML\s+page[\s\S]*metadata_xml\s+holds\s+a\s+web\s+page[\s\S]*Export\s+Metadata`),
			},
			{
				Config: loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_url = "`+page.URL+`/saml2/metadata"
  allow_http   = true`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid\s+SAML\s+Metadata[\s\S]*metadata_url\s+answered\s+with\s+a\s+web\s+page`),
			},
			{
				Config: loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_xml = file(`+hclString(signer)+`)`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid\s+SAML\s+Metadata[\s\S]*PEM\s+file[\s\S]*set\s+idp_public_cert\s+to\s+this\s+PEM`),
			},
			{
				Config: loginMethodConfig(e, `
  name                   = "Entra ID"
  metadata_xml           = file(`+hclString(metadataCorpus(t, "real/azuread-tenant-signed-bom.xml"))+`)
  metadata_signing_certs = file(`+hclString(signer)+`)`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Unable\s+to\s+Parse\s+SAML\s+Metadata[\s\S]*a\s+test\s+clock\s+that\s+fails[\s\S]*bug\s+in\s+the\s+provider`),
			},
		},
	})
	if n := len(e.emu.List(e.emu.AccountScope())); n != 0 {
		t.Fatalf("%d login methods were created", n)
	}
}

// With pinned signer certificates only correctly signed metadata is accepted, and only its signed content.
func TestSAMLLoginMethod_pinnedMetadataSignature(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	// The Azure AD signer expired in 2025; sign-time validity is checked against the provider's clock.
	e.now = func() time.Time { return time.Date(2022, 9, 28, 10, 17, 32, 0, time.UTC) }
	signer := metadataCorpus(t, "real/signers/azuread-tenant-signed-bom.signer.pem")
	withFile := func(file string) string {
		return loginMethodConfig(e, `
  name                   = "Entra ID"
  metadata_xml           = file(`+hclString(file)+`)
  metadata_signing_certs = file(`+hclString(signer)+`)`)
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: withFile(metadataCorpus(t, "hostile/xsw-tampered-location.xml")), PlanOnly: true,
				ExpectError: regexp.MustCompile(`metadata_signing_certs[\s\S]*(?i)signature`)},
			{Config: withFile(metadataCorpus(t, "hostile/xsw-wrapped-in-extensions.xml")), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?i)signature`)},
			{Config: withFile(metadataCorpus(t, "real/okta-crewjam.xml")), PlanOnly: true,
				ExpectError: regexp.MustCompile(`(?i)not\s+signed|signature`)},
			{
				Config: withFile(metadataCorpus(t, "real/azuread-tenant-signed-bom.xml")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("issuer_url"), knownvalue.StringExact("https://sts.windows.net/81c1df79-e153-4f9d-a101-8dcf04af6c2c/")),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("certificates"), knownvalue.ListSizeExact(2)),
				},
			},
		},
	})
}

// Metadata produced by another resource is unknown at plan time: the plan shows the values as known
// after apply instead of failing.
func TestSAMLLoginMethod_unknownMetadataStaysUnknown(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	md := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", validCert(t))
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: e.provider() + `
resource "terraform_data" "export" {
  input = ` + hclString(md) + `
}

resource "zerotrust_saml_login_method" "jumpcloud" {
  name         = "JumpCloud"
  metadata_xml = terraform_data.export.output
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectUnknownValue(loginMethodAddr, tfjsonpath.New("issuer_url")),
				plancheck.ExpectUnknownValue(loginMethodAddr, tfjsonpath.New("idp_public_cert")),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("issuer_url"), knownvalue.StringExact("JumpCloud")),
			},
		}},
	})
}

func TestSAMLLoginMethod_zoneScope(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cfg := loginMethodConfig(e, `
  zone_id         = "`+e.emu.ZoneID+`"
  name            = "Okta"
  issuer_url      = "https://idp.example.com/metadata"
  sso_target_url  = "https://idp.example.com/sso"
  idp_public_cert = `+hclString(validCert(t).PEM))
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("account_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("zone_id"), knownvalue.StringExact(e.emu.ZoneID)),
				},
				Check: func(*terraform.State) error {
					if z, a := len(e.emu.List(e.emu.ZoneScope())), len(e.emu.List(e.emu.AccountScope())); z != 1 || a != 0 {
						return fmt.Errorf("zone holds %d, account holds %d login methods; want 1 and 0", z, a)
					}
					return nil
				},
			},
			{ResourceName: loginMethodAddr, ImportState: true, ImportStateIdFunc: importID("zones", e), ImportStateVerify: true},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(e.emu.List(e.emu.ZoneScope())); n != 0 {
				return fmt.Errorf("%d login methods left in the zone", n)
			}
			return nil
		},
	})
}
