package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// `terraform query` on the list resources, as the CLI shows it: identities, display names and, with
// include_resource, the resource objects; filters by name, pattern, SCIM state and scope.
func TestQuery_listResources(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	e := &testEnv{t: t, emu: f.emu, now: time.Now}
	identity := func(id string) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"account_id": knownvalue.StringExact(f.emu.AccountID), "zone_id": knownvalue.Null(), "id": knownvalue.StringExact(id)}
	}
	// The filter matches whole identities.
	byID := func(id string) queryfilter.QueryFilter { return queryfilter.ByResourceIdentity(identity(id)) }
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{{
			Query: true,
			Config: e.provider() + `
list "zerotrust_saml_login_method" "all" {
  provider = zerotrust
}

list "zerotrust_saml_login_method" "jumpcloud" {
  provider = zerotrust
  config {
    name_regex = "^JumpCloud"
  }
}

list "zerotrust_saml_login_method" "okta" {
  provider         = zerotrust
  include_resource = true
  config {
    name = "Okta"
  }
}

list "zerotrust_saml_login_method" "zone" {
  provider = zerotrust
  config {
    zone_id = "` + f.emu.ZoneID + `"
  }
}

list "zerotrust_scim_config" "scim_on" {
  provider         = zerotrust
  include_resource = true
  config {
    scim_enabled = true
  }
}
`,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("zerotrust_saml_login_method.all", len(f.saml)),
				querycheck.ExpectIdentity("zerotrust_saml_login_method.all", identity(f.okta.ID)),
				querycheck.ExpectIdentity("zerotrust_saml_login_method.all", identity(f.old.ID)),
				querycheck.ExpectLength("zerotrust_saml_login_method.jumpcloud", len(f.jumpCloud)),
				querycheck.ExpectResourceDisplayName("zerotrust_saml_login_method.jumpcloud", byID(f.us.ID), knownvalue.StringExact("JumpCloud US")),
				querycheck.ExpectLength("zerotrust_saml_login_method.okta", 1),
				querycheck.ExpectResourceKnownValues("zerotrust_saml_login_method.okta", byID(f.okta.ID), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("issuer_url"), KnownValue: knownvalue.StringExact("http://www.okta.com/exk7r0qrje5hFQlkk2p7")},
					{Path: tfjsonpath.New("idp_public_cert"), KnownValue: knownvalue.StringExact(f.oktaCert.PEM)},
					{Path: tfjsonpath.New("header_attributes"), KnownValue: knownvalue.SetExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"attribute_name": knownvalue.StringExact("groups"), "header_name": knownvalue.StringExact("Cf-Access-Groups")}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"attribute_name": knownvalue.StringExact("groups"), "header_name": knownvalue.StringExact("X-Groups")}),
					})},
					{Path: tfjsonpath.New("metadata_xml"), KnownValue: knownvalue.Null()},
					{Path: tfjsonpath.New("certificates").AtSliceIndex(0).AtMapKey("sha256_fingerprint"), KnownValue: knownvalue.StringExact(f.oktaCert.SHA256)},
				}),
				querycheck.ExpectLength("zerotrust_saml_login_method.zone", 1),
				querycheck.ExpectIdentity("zerotrust_saml_login_method.zone", map[string]knownvalue.Check{
					"account_id": knownvalue.Null(), "zone_id": knownvalue.StringExact(f.emu.ZoneID), "id": knownvalue.StringExact(f.zoned.ID)}),
				querycheck.ExpectLength("zerotrust_scim_config.scim_on", 1),
				querycheck.ExpectResourceKnownValues("zerotrust_scim_config.scim_on", byID(f.eu.ID), []querycheck.KnownValueCheck{
					{Path: tfjsonpath.New("login_method_id"), KnownValue: knownvalue.StringExact(f.eu.ID)},
					{Path: tfjsonpath.New("identity_update_behavior"), KnownValue: knownvalue.StringExact("reauth")},
					{Path: tfjsonpath.New("seat_deprovision"), KnownValue: knownvalue.Bool(true)},
					{Path: tfjsonpath.New("secret"), KnownValue: knownvalue.Null()},
				}),
			},
		}},
	})
}

// A login method and SCIM config this configuration created are found by the lists, in the provider's
// account, with the provider configuration of the configuration.
func TestQuery_findsWhatWasApplied(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{Config: scimTestConfig(e, cert, "JumpCloud", `  user_deprovision = true`)},
			{
				Query: true,
				Config: `
list "zerotrust_saml_login_method" "all" {
  provider = zerotrust
}

list "zerotrust_scim_config" "all" {
  provider = zerotrust
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("zerotrust_saml_login_method.all", 1),
					querycheck.ExpectLength("zerotrust_scim_config.all", 1),
					querycheck.ExpectIdentity("zerotrust_saml_login_method.all", map[string]knownvalue.Check{
						"account_id": knownvalue.StringExact(e.emu.AccountID), "zone_id": knownvalue.Null(), "id": knownvalue.NotNull()}),
					querycheck.ExpectResourceDisplayName("zerotrust_scim_config.all",
						queryfilter.ByDisplayName(knownvalue.StringExact("JumpCloud")), knownvalue.StringExact("JumpCloud")),
				},
			},
		},
	})
}
