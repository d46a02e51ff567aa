package provider

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// Import accepts every ID form of the login method; everything but the secret (which the API no
// longer shows) comes back as it was.
func TestSCIMConfig_importEveryIDForm(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	steps := []resource.TestStep{{Config: scimTestConfig(e, cert, "JumpCloud", `
  user_deprovision         = true
  seat_deprovision         = true
  identity_update_behavior = "automatic"`)}}
	for _, form := range []string{"accounts", "short", "bare"} {
		steps = append(steps, resource.TestStep{
			ResourceName:            scimConfigAddr,
			ImportState:             true,
			ImportStateIdFunc:       importID(form, e),
			ImportStateVerify:       true,
			ImportStateVerifyIgnore: []string{"secret"},
		})
	}
	cliTest(t, resource.TestCase{ProtoV6ProviderFactories: e.factories(), Steps: steps})
}

func TestSCIMConfig_zoneScopedImport(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cfg := zoneConfig(e, cert, `  user_deprovision = true`)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("account_id"), knownvalue.Null()),
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					zoned := e.emu.List(e.emu.ZoneScope())
					if len(zoned) != 1 || !zoned[0].SCIMConfig.Enabled || !zoned[0].SCIMConfig.UserDeprovision {
						return fmt.Errorf("zone holds %+v", zoned)
					}
					return nil
				},
			},
			{
				ResourceName:            scimConfigAddr,
				ImportState:             true,
				ImportStateIdFunc:       importID("zones", e),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"secret"},
			},
		},
	})
}

// A login method whose SCIM was set up in the dashboard: import, then a plan with matching settings is
// empty and the integration's secret untouched; setting secret_version then yields a working secret.
func TestSCIMConfig_importThenPlanIsClean(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	seeded := e.seedSAML(t, "JumpCloud", cert, emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "reauth"})
	existing, _ := e.emu.SCIMSecret(e.emu.AccountScope(), seeded.ID)
	cfg := func(extra string) string {
		return e.provider() + `
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id          = "` + seeded.ID + `"
  user_deprovision         = true
  identity_update_behavior = "reauth"
` + extra + `
}
`
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:             cfg(""),
				ResourceName:       scimConfigAddr,
				ImportState:        true,
				ImportStateId:      "accounts/" + e.emu.AccountID + "/" + seeded.ID,
				ImportStatePersist: true,
			},
			{
				Config: cfg(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("scim_base_url"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					if got, _ := e.emu.SCIMSecret(e.emu.AccountScope(), seeded.ID); got != existing {
						return fmt.Errorf("importing rotated the integration's secret")
					}
					return nil
				},
			},
			{
				// The documented way to get a secret after import.
				Config: cfg("  secret_version = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(scimConfigAddr, tfjsonpath.New("secret")),
				}},
				Check: func(s *terraform.State) error {
					jc, err := jumpCloudFromState(s)
					if err != nil {
						return err
					}
					if status, err := jc.listStatus(); err != nil || status != http.StatusOK {
						return fmt.Errorf("the regenerated secret answers %d (%v)", status, err)
					}
					return nil
				},
			},
		},
	})
}
