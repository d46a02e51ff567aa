package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// importID builds an import ID from the login method in state.
func importID(format string, e *testEnv) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[loginMethodAddr]
		if !ok {
			return "", fmt.Errorf("%s not in state", loginMethodAddr)
		}
		switch format {
		case "accounts":
			return "accounts/" + e.emu.AccountID + "/" + rs.Primary.ID, nil
		case "zones":
			return "zones/" + e.emu.ZoneID + "/" + rs.Primary.ID, nil
		case "short":
			return e.emu.AccountID + "/" + rs.Primary.ID, nil
		default:
			return rs.Primary.ID, nil
		}
	}
}

func TestSAMLLoginMethod_importEveryIDForm(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cfg := loginMethodConfig(e, `
  name                 = "Okta"
  issuer_url           = "http://www.okta.com/exk7r0qrje5hFQlkk2p7"
  sso_target_url       = "https://example.okta.com/app/cloudflare/exk7r0qrje5hFQlkk2p7/sso/saml"
  idp_public_cert      = `+hclString(cert.PEM)+`
  attributes           = ["email", "groups"]
  email_attribute_name = "email"
  header_attributes = [
    { attribute_name = "groups", header_name = "Cf-Access-Groups" },
    { attribute_name = "groups", header_name = "X-Groups" },
  ]`)

	steps := []resource.TestStep{{Config: cfg}}
	for _, form := range []string{"accounts", "short", "bare"} {
		steps = append(steps, resource.TestStep{
			ResourceName:      loginMethodAddr,
			ImportState:       true,
			ImportStateIdFunc: importID(form, e),
			ImportStateVerify: true,
		})
	}
	cliTest(t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
}

// Terraform 1.5.7 crashes in `plan -generate-config-out` on any schema with nested attributes
// (configschema.(*Block).Filter, fixed in later releases), so this runs from 1.6 on: OpenTofu in `make test`.
func TestSAMLLoginMethod_importBlockGeneratesConfigThatPlansClean(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_6_0)},
		Steps: []resource.TestStep{
			{Config: explicitConfig(e, "Okta", cert.PEM)},
			{
				ResourceName:      loginMethodAddr,
				ImportState:       true,
				ImportStateKind:   resource.ImportBlockWithID,
				ImportStateIdFunc: importID("accounts", e),
				GenerateConfig:    true,
				ImportPlanChecks: resource.ImportPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("zerotrust_saml_login_method.generated", plancheck.ResourceActionNoop)},
				},
			},
		},
	})
}

// After importing a login method made in the dashboard, adding the metadata it was made from changes
// nothing on the server.
func TestSAMLLoginMethod_importThenAddMatchingMetadata(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	md := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", cert)
	seeded, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{
		Name: "JumpCloud", Type: "saml",
		Config: emulator.Config{
			IssuerURL: "JumpCloud", SSOTargetURL: "https://sso.jumpcloud.com/saml2/cloudflare",
			IdPPublicCerts: []string{cert.Base64}, // as pasted in the dashboard: bare base64
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	withMetadata := loginMethodConfig(e, `
  name         = "JumpCloud"
  metadata_xml = `+hclString(md))

	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:             withMetadata,
				ResourceName:       loginMethodAddr,
				ImportState:        true,
				ImportStateId:      "accounts/" + e.emu.AccountID + "/" + seeded.ID,
				ImportStatePersist: true,
			},
			{
				Config:    withMetadata,
				PreConfig: e.emu.ResetCounts,
				Check:     e.onlyReadsSince("adding matching metadata"),
			},
		},
	})
}

func TestSAMLLoginMethod_importRefusesWhatItMustNotManage(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	oidc, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "Okta OIDC", Type: "oidc",
		Config: emulator.Config{Other: map[string]any{"client_id": "abc", "auth_url": "https://example.okta.com/oauth2/v1/authorize"}}})
	if err != nil {
		t.Fatal(err)
	}
	cert := validCert(t)
	locked, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "Managed by Cloudflare", Type: "saml", ReadOnly: true,
		Config: emulator.Config{IssuerURL: "x", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{cert.PEM}}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := explicitConfig(e, "Okta", cert.PEM)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: cfg, ResourceName: loginMethodAddr, ImportState: true, ImportStateId: oidc.ID, ExpectError: regexp.MustCompile(`type\s+"oidc"`)},
			{Config: cfg, ResourceName: loginMethodAddr, ImportState: true, ImportStateId: locked.ID, ExpectError: regexp.MustCompile(`read_only`)},
			{Config: cfg, ResourceName: loginMethodAddr, ImportState: true, ImportStateId: "a/b/c/d", ExpectError: regexp.MustCompile(`accounts/<account_id>/<id>`)},
			// The two parts swapped: refused on the account ID, before any request.
			{Config: cfg, ResourceName: loginMethodAddr, ImportState: true, ImportStateId: oidc.ID + "/" + e.emu.AccountID, ExpectError: regexp.MustCompile(`names\s+no\s+account:\s+its\s+account_id\s+must\s+be\s+the\s+32\s+hexadecimal`)},
		},
	})
}
