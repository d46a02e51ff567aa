package provider

import (
	"context"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// identityChecks are the state checks of the identity of both resources of a configuration: the scope
// and the login method's ID, equal to the state's.
func identityChecks(accountID, zoneID string) []statecheck.StateCheck {
	account, zone := knownvalue.Check(knownvalue.StringExact(accountID)), knownvalue.Check(knownvalue.Null())
	if zoneID != "" {
		account, zone = knownvalue.Null(), knownvalue.StringExact(zoneID)
	}
	var checks []statecheck.StateCheck
	for _, addr := range []string{loginMethodAddr, scimConfigAddr} {
		checks = append(checks,
			statecheck.ExpectIdentity(addr, map[string]knownvalue.Check{"account_id": account, "zone_id": zone, "id": knownvalue.NotNull()}),
			statecheck.ExpectIdentityValueMatchesState(addr, tfjsonpath.New("id")),
		)
	}
	return append(checks, statecheck.ExpectIdentityValueMatchesStateAtPath(scimConfigAddr, tfjsonpath.New("id"), tfjsonpath.New("login_method_id")))
}

// Both resources get their identity on create; it stays the same through an update of each; an import
// block with the identity imports them with no change.
func TestIdentity_setOnCreateKeptOnUpdateImportable(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameSCIMID := statecheck.CompareValue(compare.ValuesSame())
	step := func(name, scim string) resource.TestStep {
		return resource.TestStep{
			Config: scimTestConfig(e, cert, name, scim),
			ConfigStateChecks: append(identityChecks(e.emu.AccountID, ""),
				sameID.AddStateValue(loginMethodAddr, tfjsonpath.New("id")),
				sameSCIMID.AddStateValue(scimConfigAddr, tfjsonpath.New("id"))),
		}
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			step("JumpCloud", `  user_deprovision = true`),
			step("JumpCloud (renamed)", `  user_deprovision = false`),
			{ResourceName: loginMethodAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: scimConfigAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// A zone-scoped login method's identity names the zone, and imports by it.
func TestIdentity_zone(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cfg := zoneConfig(e, cert, "")
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: identityChecks("", e.emu.ZoneID)},
			{ResourceName: loginMethodAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
			{ResourceName: scimConfigAddr, ImportState: true, ImportStateKind: resource.ImportBlockWithResourceIdentity},
		},
	})
}

// An identity without account_id or zone_id imports from the provider's account, and the identity in
// state then names it; one with both is refused, naming the fix.
func TestIdentity_importWithoutScope(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	seeded := e.seedSAML(t, "JumpCloud", cert, emulator.SCIMConfig{})
	resourceBlock := `
resource "zerotrust_saml_login_method" "jumpcloud" {
  name            = "JumpCloud"
  issuer_url      = "https://idp.example.com/metadata"
  sso_target_url  = "https://idp.example.com/sso"
  idp_public_cert = ` + hclString(cert.PEM) + `
}
`
	importBlock := func(identity string) string {
		return "\nimport {\n  to = " + loginMethodAddr + "\n  identity = {\n" + identity + "\n  }\n}\n"
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		Steps: []resource.TestStep{
			{
				Config: e.provider() + resourceBlock + importBlock(`    account_id = "`+e.emu.AccountID+`"
    zone_id    = "`+e.emu.ZoneID+`"
    id         = "`+seeded.ID+`"`),
				ExpectError: regexp.MustCompile(`set\s+account_id\s+or\s+zone_id,\s+not\s+both`),
			},
			{
				Config: e.provider() + resourceBlock + importBlock(`    id = "`+seeded.ID+`"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity(loginMethodAddr, map[string]knownvalue.Check{
						"account_id": knownvalue.StringExact(e.emu.AccountID), "zone_id": knownvalue.Null(), "id": knownvalue.StringExact(seeded.ID),
					}),
				},
			},
		},
	})
}

// State written before resources had identities (or by an older provider) has none: the next refresh
// gives it one. Terraform 1.12+ sends no current identity then; older CLIs never send one, and ignore
// the one returned.
func TestIdentity_setOnReadOfStateWithoutOne(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	seeded := e.seedSAML(t, "JumpCloud", cert, emulator.SCIMConfig{Enabled: true})
	p := protocol(t, e.emu)
	for _, tc := range []struct {
		typeName string
		state    map[string]tftypes.Value
	}{
		{samlLoginMethodType, map[string]tftypes.Value{"id": str(seeded.ID), "allow_http": boolean(false)}},
		{scimConfigType, map[string]tftypes.Value{"id": str(seeded.ID), "login_method_id": str(seeded.ID)}},
	} {
		// As Terraform 1.5 wrote it for a resource using the provider's default account: no account_id.
		resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
			TypeName: tc.typeName, CurrentState: p.value(p.schema.ResourceSchemas[tc.typeName].ValueType(), tc.state),
		})
		if err != nil || hasError(resp.Diagnostics) || resp.NewIdentity == nil {
			t.Fatalf("%s: reading state without identity: %v %v", tc.typeName, err, resp.Diagnostics)
		}
		got := p.attributes(p.identityType(tc.typeName), resp.NewIdentity.IdentityData)
		want := map[string]tftypes.Value{"account_id": str(e.emu.AccountID), "zone_id": tftypes.NewValue(tftypes.String, nil), "id": str(seeded.ID)}
		for k, v := range want {
			if !got[k].Equal(v) {
				t.Errorf("%s: identity %s is %s, want %s", tc.typeName, k, got[k], v)
			}
		}
	}
}

// A read that finds the login method gone removes the resource without an error, also from state with
// no identity (any state on Terraform before 1.12): the framework wants an identity even then.
func TestIdentity_readOfAGoneLoginMethodWithoutIdentity(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	seeded := e.seedSAML(t, "JumpCloud", validCert(t), emulator.SCIMConfig{Enabled: true})
	if !e.emu.Delete(e.emu.AccountScope(), seeded.ID) {
		t.Fatal("the emulator did not delete the login method")
	}
	p := protocol(t, e.emu)
	for _, tc := range []struct {
		typeName string
		state    map[string]tftypes.Value
	}{
		{samlLoginMethodType, map[string]tftypes.Value{"id": str(seeded.ID), "account_id": str(e.emu.AccountID), "allow_http": boolean(false)}},
		{scimConfigType, map[string]tftypes.Value{"id": str(seeded.ID), "login_method_id": str(seeded.ID), "account_id": str(e.emu.AccountID)}},
	} {
		resType := p.schema.ResourceSchemas[tc.typeName].ValueType()
		resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: tc.typeName, CurrentState: p.value(resType, tc.state)})
		if err != nil || len(resp.Diagnostics) > 0 {
			t.Fatalf("%s: reading a gone login method: %v %v", tc.typeName, err, resp.Diagnostics)
		}
		if v, err := resp.NewState.Unmarshal(resType); err != nil || !v.IsNull() {
			t.Errorf("%s: the state after reading a gone login method is %v (%v), want none", tc.typeName, v, err)
		}
	}
}
