package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

func TestSCIMConfig_eachOptionCombination(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	sameEndpoint := statecheck.CompareValue(compare.ValuesSame())
	step := func(body string, want emulator.SCIMConfig, checks ...statecheck.StateCheck) resource.TestStep {
		return resource.TestStep{
			Config: scimTestConfig(e, cert, "JumpCloud", body),
			Check:  e.checkEmulatorSCIM(want),
			ConfigStateChecks: append(checks,
				sameSecret.AddStateValue(scimConfigAddr, tfjsonpath.New("secret")),
				sameEndpoint.AddStateValue(scimConfigAddr, tfjsonpath.New("scim_base_url")),
				statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("enabled"), knownvalue.Bool(want.Enabled)),
				statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("user_deprovision"), knownvalue.Bool(want.UserDeprovision)),
				statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("seat_deprovision"), knownvalue.Bool(want.SeatDeprovision)),
				statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("identity_update_behavior"), knownvalue.StringExact(want.IdentityUpdateBehavior)),
			),
		}
	}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionNoop),
		plancheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("scim_base_url"), knownvalue.NotNull()),
	}}
	withUpdate := func(s resource.TestStep) resource.TestStep { s.ConfigPlanChecks = update; return s }

	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				// The guide's invalid combination fails the plan before anything is created.
				Config:      scimTestConfig(e, cert, "JumpCloud", "  seat_deprovision = true"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Seat\s+Deprovisioning\s+Needs\s+User\s+Deprovisioning.*user_deprovision\s+=\s+true`),
			},
			{
				Config:      scimTestConfig(e, cert, "JumpCloud", `  identity_update_behavior = "sometimes"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`identity_update_behavior`),
			},
			step("", emulator.SCIMConfig{Enabled: true, IdentityUpdateBehavior: "no_action"},
				statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("scim_base_url"), knownvalue.StringRegexp(regexp.MustCompile(`/populations/[0-9a-f-]{36}/scim/v2$`))),
				statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret_version"), knownvalue.Null()),
			),
			withUpdate(step("  user_deprovision = true", emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "no_action"})),
			withUpdate(step(`
  user_deprovision         = true
  seat_deprovision         = true
  identity_update_behavior = "reauth"`, emulator.SCIMConfig{Enabled: true, UserDeprovision: true, SeatDeprovision: true, IdentityUpdateBehavior: "reauth"})),
			withUpdate(step(`
  user_deprovision         = true
  seat_deprovision         = false
  identity_update_behavior = "automatic"`, emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "automatic"})),
			withUpdate(step(`  identity_update_behavior = "reauth"`, emulator.SCIMConfig{Enabled: true, IdentityUpdateBehavior: "reauth"})),
			// Switched off, SCIM keeps its settings, endpoint and secret.
			withUpdate(step(`
  enabled                  = false
  user_deprovision         = true
  seat_deprovision         = true`, emulator.SCIMConfig{UserDeprovision: true, SeatDeprovision: true, IdentityUpdateBehavior: "no_action"})),
			withUpdate(step("", emulator.SCIMConfig{Enabled: true, IdentityUpdateBehavior: "no_action"})),
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(e.emu.List(e.emu.AccountScope())); n != 0 {
				return fmt.Errorf("%d login methods left on the server after destroy", n)
			}
			return nil
		},
	})
}

// The endpoint and secret the provider exposes really work for a SCIM client standing in for JumpCloud,
// the data sources list what it pushed, a refresh keeps the secret, and bumping secret_version
// replaces it: the old one is refused, the new one works.
func TestSCIMConfig_secretWorksAndRotates(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	body := `
  user_deprovision         = true
  seat_deprovision         = true
  identity_update_behavior = "reauth"`
	listing := `
data "zerotrust_scim_users" "all" {
  login_method_id = zerotrust_scim_config.jumpcloud.login_method_id
}
data "zerotrust_scim_users" "alice" {
  login_method_id = zerotrust_scim_config.jumpcloud.login_method_id
  username        = "alice@example.com"
}
data "zerotrust_scim_groups" "engineering" {
  login_method_id = zerotrust_scim_config.jumpcloud.login_method_id
  name            = "Engineering"
}
`
	var first jumpCloud
	var aliceID, groupID string
	sameSecret := statecheck.CompareValue(compare.ValuesSame())

	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: scimTestConfig(e, cert, "JumpCloud", body),
				ConfigStateChecks: []statecheck.StateCheck{
					sameSecret.AddStateValue(scimConfigAddr, tfjsonpath.New("secret")),
				},
				Check: func(s *terraform.State) error {
					jc, err := jumpCloudFromState(s)
					if err != nil {
						return err
					}
					idp := e.onlyLoginMethod()
					if want, _ := e.emu.SCIMSecret(e.emu.AccountScope(), idp.ID); jc.secret != want {
						return fmt.Errorf("the secret in state is not the emulator's")
					}
					if aliceID, err = jc.createUser("alice@example.com", "jc-alice", "Alice Example"); err != nil {
						return err
					}
					if _, err = jc.createUser("bob@example.com", "jc-bob", "Bob Example"); err != nil {
						return err
					}
					if groupID, err = jc.createGroup("Engineering", "jc-eng", aliceID); err != nil {
						return err
					}
					if _, err = jc.createGroup("Sales", "jc-sales"); err != nil {
						return err
					}
					first = jc
					return nil
				},
			},
			{
				Config: scimTestConfig(e, cert, "JumpCloud", body, listing),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.all", tfjsonpath.New("users"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.alice", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":              knownvalue.StringFunc(func(v string) error { return equalString(v, aliceID) }),
							"idp_resource_id": knownvalue.StringExact("jc-alice"),
							"display_name":    knownvalue.StringExact("Alice Example"),
							"active":          knownvalue.Bool(true),
							"emails":          knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("alice@example.com")}),
							"primary_email":   knownvalue.StringExact("alice@example.com"),
							"created":         knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
							"last_modified":   knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
						}),
					})),
					statecheck.ExpectKnownValue("data.zerotrust_scim_groups.engineering", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"id":              knownvalue.StringFunc(func(v string) error { return equalString(v, groupID) }),
							"idp_resource_id": knownvalue.StringExact("jc-eng"),
							"name":            knownvalue.StringExact("Engineering"),
						}),
					})),
					sameSecret.AddStateValue(scimConfigAddr, tfjsonpath.New("secret")),
				},
			},
			{
				// A refresh after enable keeps the secret the API now redacts.
				RefreshState: true,
				Check: func(s *terraform.State) error {
					if stateSecret(s) != first.secret {
						return fmt.Errorf("a refresh changed the secret in state")
					}
					return nil
				},
			},
			{
				Config: scimTestConfig(e, cert, "JumpCloud", body+"\n  secret_version = 1", listing),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(scimConfigAddr, tfjsonpath.New("secret")),
					plancheck.ExpectSensitiveValue(scimConfigAddr, tfjsonpath.New("secret")),
					plancheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("scim_base_url"), knownvalue.NotNull()),
				}},
				Check: checkRotated(e, &first),
			},
			{
				Config: scimTestConfig(e, cert, "JumpCloud", body+"\n  secret_version = 2", listing),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(scimConfigAddr, tfjsonpath.New("secret")),
				}},
				Check: checkRotated(e, &first),
			},
			{
				// Removing secret_version keeps the secret.
				Config: scimTestConfig(e, cert, "JumpCloud", body, listing),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.NotNull()),
				}},
				Check: func(s *terraform.State) error {
					if stateSecret(s) != first.secret {
						return fmt.Errorf("removing secret_version changed the secret")
					}
					return nil
				},
			},
		},
	})
}

// checkRotated checks that the secret in state is new, works, and that the previous one is refused. It
// then remembers the new one as the previous one.
func checkRotated(e *testEnv, previous *jumpCloud) func(*terraform.State) error {
	return func(s *terraform.State) error {
		jc, err := jumpCloudFromState(s)
		if err != nil {
			return err
		}
		if jc.secret == previous.secret {
			return fmt.Errorf("secret_version changed but the secret did not")
		}
		if status, err := previous.listStatus(); err != nil || status != http.StatusUnauthorized {
			return fmt.Errorf("the previous secret still answers %d (%v), want 401", status, err)
		}
		if status, err := jc.listStatus(); err != nil || status != http.StatusOK {
			return fmt.Errorf("the new secret answers %d (%v), want 200", status, err)
		}
		if want, _ := e.emu.SCIMSecret(e.emu.AccountScope(), e.onlyLoginMethod().ID); jc.secret != want {
			return fmt.Errorf("the secret in state is not the emulator's")
		}
		*previous = jc
		return nil
	}
}

func equalString(got, want string) error {
	if got != want {
		return fmt.Errorf("got %q, want %q", got, want)
	}
	return nil
}

// Changing the login method and its SCIM config in one apply loses neither change, even when the two
// run in parallel (a literal login_method_id gives Terraform no reason to order them).
func TestSCIMConfig_changedInTheSameApplyAsTheLoginMethod(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	seeded := e.seedSAML(t, "Seeded", cert, emulator.SCIMConfig{})
	cfg := func(name, loginExtra, scimBody string) string {
		return e.provider() + `
resource "zerotrust_saml_login_method" "jumpcloud" {
  name            = "` + name + `"
  issuer_url      = "https://idp.example.com/metadata"
  sso_target_url  = "https://idp.example.com/sso"
  idp_public_cert = ` + hclString(cert.PEM) + `
` + loginExtra + `
}

resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id = "` + seeded.ID + `"
` + scimBody + `
}
`
	}
	both := func(name string, attrs []string, want emulator.SCIMConfig) func(*terraform.State) error {
		return func(s *terraform.State) error {
			idp := e.onlyLoginMethod()
			if idp.Name != name || fmt.Sprint(idp.Config.Attributes) != fmt.Sprint(attrs) {
				return fmt.Errorf("the login method's change was lost: emulator holds name %q, attributes %v", idp.Name, idp.Config.Attributes)
			}
			if idp.SCIMConfig != want {
				return fmt.Errorf("the SCIM change was lost: emulator holds %+v, want %+v", idp.SCIMConfig, want)
			}
			return nil
		}
	}
	bothUpdate := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
	}}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:             cfg("Seeded", "", ""),
				ResourceName:       loginMethodAddr,
				ImportState:        true,
				ImportStateId:      seeded.ID,
				ImportStatePersist: true,
			},
			{
				// Rename and enable SCIM at once.
				Config: cfg("JumpCloud", "", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionCreate),
				}},
				Check: both("JumpCloud", nil, emulator.SCIMConfig{Enabled: true, IdentityUpdateBehavior: "no_action"}),
			},
			{
				Config:           cfg("JumpCloud SSO", `  attributes = ["email", "groups"]`, "  user_deprovision = true\n  identity_update_behavior = \"reauth\""),
				ConfigPlanChecks: bothUpdate,
				Check:            both("JumpCloud SSO", []string{"email", "groups"}, emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "reauth"}),
			},
			{
				Config:           cfg("JumpCloud", `  attributes = ["email"]`, "  user_deprovision = true\n  seat_deprovision = true\n  identity_update_behavior = \"automatic\""),
				ConfigPlanChecks: bothUpdate,
				Check:            both("JumpCloud", []string{"email"}, emulator.SCIMConfig{Enabled: true, UserDeprovision: true, SeatDeprovision: true, IdentityUpdateBehavior: "automatic"}),
			},
			{
				Config:           cfg("JumpCloud SSO", "", "  enabled = false"),
				ConfigPlanChecks: bothUpdate,
				Check:            both("JumpCloud SSO", nil, emulator.SCIMConfig{IdentityUpdateBehavior: "no_action"}),
			},
		},
	})
}

// Destroying the SCIM config switches SCIM off and leaves the login method; destroying both leaves nothing.
func TestSCIMConfig_destroyLeavesTheLoginMethod(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{Config: scimTestConfig(e, cert, "JumpCloud", "  user_deprovision = true")},
			{
				Config: explicitConfig(e, "JumpCloud", cert.PEM),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionNoop),
				}},
				Check: func(*terraform.State) error {
					idp := e.onlyLoginMethod()
					if idp.Name != "JumpCloud" || idp.SCIMConfig.Enabled {
						return fmt.Errorf("after destroying the SCIM config the emulator holds %+v", idp)
					}
					return nil
				},
			},
			{Config: scimTestConfig(e, cert, "JumpCloud", "")},
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(e.emu.List(e.emu.AccountScope())); n != 0 {
				return fmt.Errorf("%d login methods left on the server after destroying both", n)
			}
			return nil
		},
	})
}

// SCIM switched off or options changed in the dashboard show as a planned update that puts them back,
// with the same secret; a login method deleted in the dashboard is created again with its SCIM config.
func TestSCIMConfig_driftFromTheDashboard(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cfg := scimTestConfig(e, cert, "JumpCloud", "  user_deprovision = true\n  identity_update_behavior = \"reauth\"")
	want := emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "reauth"}
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	var original string
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigStateChecks: []statecheck.StateCheck{sameSecret.AddStateValue(scimConfigAddr, tfjsonpath.New("secret"))},
				Check:             func(s *terraform.State) error { original = stateSecret(s); return nil },
			},
			{
				PreConfig: func() {
					idp := e.onlyLoginMethod()
					if err := e.emu.Mutate(e.emu.AccountScope(), idp.ID, func(p *emulator.IdP) {
						p.SCIMConfig = emulator.SCIMConfig{Enabled: false, IdentityUpdateBehavior: "automatic"}
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{sameSecret.AddStateValue(scimConfigAddr, tfjsonpath.New("secret"))},
				Check: resource.ComposeTestCheckFunc(e.checkEmulatorSCIM(want), func(s *terraform.State) error {
					jc, err := jumpCloudFromState(s)
					if err != nil {
						return err
					}
					if status, err := jc.listStatus(); err != nil || status != http.StatusOK {
						return fmt.Errorf("after re-enabling, the kept secret answers %d (%v)", status, err)
					}
					return nil
				}),
			},
			{
				PreConfig: func() { e.emu.Delete(e.emu.AccountScope(), e.onlyLoginMethod().ID) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(loginMethodAddr, plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(e.checkEmulatorSCIM(want), func(s *terraform.State) error {
					if got := stateSecret(s); got == "" || got == original {
						return fmt.Errorf("the recreated login method's SCIM config has no new secret")
					}
					return nil
				}),
			},
		},
	})
}

// SCIM already on before Terraform managed it: the existing integration's secret is not rotated behind
// anyone's back; secret stays null until secret_version asks for a new one.
func TestSCIMConfig_alreadyEnabledIsNotRotated(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	seeded := e.seedSAML(t, "JumpCloud", cert, emulator.SCIMConfig{Enabled: true, IdentityUpdateBehavior: "no_action"})
	existing, _ := e.emu.SCIMSecret(e.emu.AccountScope(), seeded.ID)
	cfg := func(extra string) string {
		return e.provider() + `
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id  = "` + seeded.ID + `"
  user_deprovision = true
` + extra + `
}
`
	}
	unchanged := func(*terraform.State) error {
		if got, _ := e.emu.SCIMSecret(e.emu.AccountScope(), seeded.ID); got != existing {
			return fmt.Errorf("the existing secret was rotated")
		}
		return nil
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: cfg(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("scim_base_url"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(unchanged, e.checkEmulatorSCIM(emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "no_action"})),
			},
			{
				Config: cfg("  secret_version = 1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectUnknownValue(scimConfigAddr, tfjsonpath.New("secret")),
				}},
				Check: func(s *terraform.State) error {
					got, _ := e.emu.SCIMSecret(e.emu.AccountScope(), seeded.ID)
					if got == existing || stateSecret(s) != got {
						return fmt.Errorf("secret_version did not give a new, known secret")
					}
					return nil
				},
			},
		},
	})
}

// The response of the request that enables SCIM is lost and the PUT repeated: the secret cannot be
// captured, so it stays null (with a warning) until secret_version regenerates it.
func TestSCIMConfig_lostEnableResponse(t *testing.T) {
	const putRoute = "PUT /accounts/{account_id}/access/identity_providers/{identity_provider_id}"
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	seeded := e.seedSAML(t, "JumpCloud", cert, emulator.SCIMConfig{})
	cfg := func(extra string) string {
		return e.provider() + `
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id = "` + seeded.ID + `"
` + extra + `
}
`
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					e.emu.SetFaults(emulator.FaultConfig{LostResponseRate: 1, Routes: []string{putRoute}})
				},
				Config: cfg(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
				Check: func(*terraform.State) error {
					if n := e.emu.RequestCounts()[putRoute]; n < 2 {
						return fmt.Errorf("the enabling PUT was sent %d times; the fault should have made the client repeat it", n)
					}
					return nil
				},
			},
			{
				PreConfig: func() { e.emu.SetFaults(emulator.FaultConfig{}) },
				Config:    cfg("  secret_version = 1"),
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
