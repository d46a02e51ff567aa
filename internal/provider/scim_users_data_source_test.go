package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// syncedLoginMethod seeds a login method with SCIM on and pushes users and groups to it as JumpCloud
// would: users u0..u(n-1) with externalId jc-u<i>, and the given groups with externalId jc-<name>.
func syncedLoginMethod(t *testing.T, e *testEnv, users int, groups ...string) (idp emulator.IdP, userIDs, groupIDs []string) {
	t.Helper()
	idp = e.seedSAML(t, "JumpCloud", validCert(t), emulator.SCIMConfig{Enabled: true})
	secret, _ := e.emu.SCIMSecret(e.emu.AccountScope(), idp.ID)
	base, _ := e.emu.SCIMBaseURL(e.emu.AccountScope(), idp.ID)
	jc := jumpCloud{baseURL: base, secret: secret}
	for i := range users {
		id, err := jc.createUser(fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("jc-u%d", i), fmt.Sprintf("User %d", i))
		if err != nil {
			t.Fatal(err)
		}
		userIDs = append(userIDs, id)
	}
	for _, g := range groups {
		id, err := jc.createGroup(g, "jc-"+g)
		if err != nil {
			t.Fatal(err)
		}
		groupIDs = append(groupIDs, id)
	}
	return idp, userIDs, groupIDs
}

func TestSCIMUsers_allPagesAndFilters(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	// More than one page of the API's 100.
	idp, userIDs, _ := syncedLoginMethod(t, e, 123)
	ds := func(name, filter string) string {
		return fmt.Sprintf(`
data "zerotrust_scim_users" %q {
  login_method_id = %q
  %s
}
`, name, idp.ID, filter)
	}
	users := tfjsonpath.New("users")
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config: e.provider() + ds("all", "") +
					ds("by_username", `username = "u7@example.com"`) +
					ds("by_email", `email = "U8@example.com"`) +
					ds("by_name", `name = "User 9"`) +
					ds("by_idp_ids", `idp_resource_ids = ["jc-u1", "jc-u2", "jc-none"]`) +
					ds("by_cf_ids", fmt.Sprintf(`cf_resource_ids = [%q]`, userIDs[122])) +
					ds("nobody", `username = "nobody@example.com"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.all", users, knownvalue.ListSizeExact(123)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.all", tfjsonpath.New("account_id"), knownvalue.StringExact(e.emu.AccountID)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.by_username", users, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"idp_resource_id": knownvalue.StringExact("jc-u7"), "display_name": knownvalue.StringExact("User 7")}),
					})),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.by_email", users, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"primary_email": knownvalue.StringExact("u8@example.com")}),
					})),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.by_name", users, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"idp_resource_id": knownvalue.StringExact("jc-u9")}),
					})),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.by_idp_ids", users, knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.by_cf_ids", users, knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(userIDs[122]), "idp_resource_id": knownvalue.StringExact("jc-u122")}),
					})),
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.nobody", users, knownvalue.ListSizeExact(0)),
				},
			},
			{
				// The API does not combine resource-ID filters with the others.
				Config:      e.provider() + ds("mixed", `username = "u1@example.com"`+"\n  idp_resource_ids = [\"jc-u1\"]"),
				ExpectError: regexp.MustCompile(`(?i)attribute\s+"(username|idp_resource_ids)"\s+cannot\s+be\s+specified\s+when\s+"(username|idp_resource_ids)"`),
			},
			{
				// Login methods without SCIM users: an empty list, not an error.
				Config: e.provider() + fmt.Sprintf(`
data "zerotrust_scim_users" "none" {
  login_method_id = %q
}
`, e.seedSAML(t, "Okta", validCert(t), emulator.SCIMConfig{}).ID),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zerotrust_scim_users.none", tfjsonpath.New("users"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config:      e.provider() + ds("missing", ""),
				PreConfig:   func() { e.emu.Delete(e.emu.AccountScope(), idp.ID) },
				ExpectError: regexp.MustCompile(`Unable\s+to\s+List\s+SCIM\s+Users`),
			},
		},
	})
}

func TestSCIMGroups_findASyncedGroupByName(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	idp, _, groupIDs := syncedLoginMethod(t, e, 1, "Engineering", "Sales", "Support")
	ds := func(name, filter string) string {
		return fmt.Sprintf(`
data "zerotrust_scim_groups" %q {
  login_method_id = %q
  %s
}
`, name, idp.ID, filter)
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				// The API does not combine resource-ID filters with the others.
				Config:      e.provider() + ds("mixed", `name = "Sales"`+"\n  cf_resource_ids = [\"x\"]"),
				ExpectError: regexp.MustCompile(`cannot\s+be\s+specified\s+when`),
			},
			{
				Config: e.provider() + ds("all", "") + ds("engineering", `name = "Engineering"`) +
					ds("by_idp_ids", `idp_resource_ids = ["jc-Sales", "jc-Support"]`) +
					ds("by_cf_ids", fmt.Sprintf(`cf_resource_ids = [%q]`, groupIDs[0])) +
					`
output "engineering_id" {
  value = one(data.zerotrust_scim_groups.engineering.groups).id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.zerotrust_scim_groups.all", tfjsonpath.New("groups"), knownvalue.ListSizeExact(3)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_groups.engineering", tfjsonpath.New("groups"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":              knownvalue.StringExact(groupIDs[0]),
							"idp_resource_id": knownvalue.StringExact("jc-Engineering"),
							"name":            knownvalue.StringExact("Engineering"),
							"created":         knownvalue.NotNull(),
							"last_modified":   knownvalue.NotNull(),
						}),
					})),
					statecheck.ExpectKnownValue("data.zerotrust_scim_groups.by_idp_ids", tfjsonpath.New("groups"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue("data.zerotrust_scim_groups.by_cf_ids", tfjsonpath.New("groups"), knownvalue.ListSizeExact(1)),
					statecheck.ExpectKnownOutputValue("engineering_id", knownvalue.StringExact(groupIDs[0])),
				},
			},
		},
	})
}
