package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// Login methods of the types Cloudflare provisions with SCIM besides SAML, and of two types it does not,
// as the official Cloudflare provider creates them through the API, with the fields the dashboard asks
// for.
var (
	oidcLoginMethod = map[string]any{"name": "Okta OIDC", "type": "oidc", "config": map[string]any{
		"client_id": "cf-access", "client_secret": "oidc-client-secret", "auth_url": "https://idp.example.com/oauth2/v1/authorize",
		"token_url": "https://idp.example.com/oauth2/v1/token", "certs_url": "https://idp.example.com/oauth2/v1/keys",
		"scopes": []string{"openid", "email", "profile"}}}
	oktaLoginMethod = map[string]any{"name": "Okta", "type": "okta", "config": map[string]any{
		"client_id": "okta-app", "client_secret": "okta-client-secret", "okta_account": "https://example.okta.com"}}
	entraLoginMethod = map[string]any{"name": "Entra ID", "type": "azureAD", "config": map[string]any{
		"client_id": "entra-app", "client_secret": "entra-client-secret", "directory_id": "5e1c0a4e-7c39-4d5e-9d0b-2f7b6a1c8e3d",
		"support_groups": true}}
	githubLoginMethod = map[string]any{"name": "GitHub", "type": "github", "config": map[string]any{
		"client_id": "gh-app", "client_secret": "gh-client-secret"}}
	pinLoginMethod = map[string]any{"name": "One-time PIN", "type": "onetimepin", "config": map[string]any{}}
)

// scimOn is a provider block and a SCIM config of the login method id, with body inside the resource block.
func scimOn(provider, id, body string) string {
	return provider + `
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id = "` + id + `"
` + body + `
}
`
}

// checkConfigKept fails unless the login method still has the config key client_id and the client secret
// as created: a SCIM change must not touch the rest of the login method, least of all the secret, which
// no read returns and every PUT of a read-modify-write therefore leaves out.
func (e *testEnv) checkConfigKept(id string, body map[string]any) error {
	idp, ok := e.emu.Get(e.emu.AccountScope(), id)
	if !ok {
		return fmt.Errorf("login method %s is gone", id)
	}
	cfg := body["config"].(map[string]any)
	if idp.Type != body["type"] || idp.Config.Other["client_id"] != cfg["client_id"] {
		return fmt.Errorf("login method %s is of type %q with config %v; want type %q with client_id %v", id, idp.Type, idp.Config.Other, body["type"], cfg["client_id"])
	}
	if secret, _ := cfg["client_secret"].(string); idp.Config.ClientSecret != secret {
		return fmt.Errorf("login method %s lost its client secret: it holds %d characters, want the %d it was created with",
			id, len(idp.Config.ClientSecret), len(secret))
	}
	return nil
}

// SCIM on an OIDC, Okta and Microsoft Entra ID login method made through the API, through its whole life:
// create captures a working secret, update changes the settings, import reads them back, destroy switches
// SCIM off; the rest of the login method is left alone.
func TestSCIMConfig_onEveryTypeWithSCIM(t *testing.T) {
	t.Parallel()
	for _, body := range []map[string]any{oidcLoginMethod, oktaLoginMethod, entraLoginMethod} {
		t.Run(body["type"].(string), func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			id := createLikeOfficialProvider(t, e, body)
			cliTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				CheckDestroy: func(*terraform.State) error {
					if err := e.checkEmulatorSCIM(emulator.SCIMConfig{UserDeprovision: true, SeatDeprovision: true, IdentityUpdateBehavior: "automatic"})(nil); err != nil {
						return fmt.Errorf("after destroy: %w", err)
					}
					return e.checkConfigKept(id, body)
				},
				Steps: []resource.TestStep{
					{
						Config: scimOn(e.provider(), id, `  user_deprovision = true`),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionCreate),
						}},
						Check: resource.ComposeTestCheckFunc(
							e.checkEmulatorSCIM(emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "no_action"}),
							secretInStateWorks,
							func(*terraform.State) error { return e.checkConfigKept(id, body) },
						),
					},
					{
						Config: scimOn(e.provider(), id, `
  user_deprovision         = true
  seat_deprovision         = true
  identity_update_behavior = "automatic"`),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
						}},
						Check: resource.ComposeTestCheckFunc(
							e.checkEmulatorSCIM(emulator.SCIMConfig{Enabled: true, UserDeprovision: true, SeatDeprovision: true, IdentityUpdateBehavior: "automatic"}),
							func(*terraform.State) error { return e.checkConfigKept(id, body) },
						),
					},
					{
						ResourceName:            scimConfigAddr,
						ImportState:             true,
						ImportStateId:           "accounts/" + e.emu.AccountID + "/" + id,
						ImportStateVerify:       true,
						ImportStateVerifyIgnore: []string{"secret"},
					},
				},
			})
		})
	}
}

// wantNoWrites fails unless the emulator answered nothing but GETs since its counters were reset.
func wantNoWrites(emu *emulator.TestServer) error {
	for route, n := range emu.RequestCounts() {
		if n > 0 && !strings.HasPrefix(route, "GET ") {
			return fmt.Errorf("%d × %s; nothing may be written", n, route)
		}
	}
	return nil
}

// A SCIM config of a GitHub or one-time PIN login method whose ID is known at plan fails the plan, with an
// error that names the type; nothing is applied and nothing is in state.
func TestSCIMConfig_typeWithoutSCIMRefusedAtPlan(t *testing.T) {
	t.Parallel()
	for _, body := range []map[string]any{githubLoginMethod, pinLoginMethod} {
		t.Run(body["type"].(string), func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			id := createLikeOfficialProvider(t, e, body)
			e.emu.ResetCounts()
			cliTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{
					{
						Config: scimOn(e.provider(), id, ""),
						ExpectError: phrases(`Login Method Type Has No SCIM`, `with zerotrust_scim_config.jumpcloud`, `login_method_id`,
							fmt.Sprintf(`Login method %s (%q) is of type %q.`, id, body["name"], body["type"]),
							`Cloudflare provisions SCIM only for saml, oidc, okta and azureAD login methods (azureAD is Microsoft Entra ID).`,
							`Set login_method_id to the ID of a login method of one of these types`),
					},
					{
						// The same configuration without the SCIM config: the state is empty, nothing was written.
						Config: e.provider(),
						Check: func(s *terraform.State) error {
							if err := stateIsEmpty(s); err != nil {
								return err
							}
							if idp, _ := e.emu.Get(e.emu.AccountScope(), id); idp.SCIMConfig.Enabled {
								return fmt.Errorf("SCIM is on for login method %s", id)
							}
							return wantNoWrites(e.emu)
						},
					},
				},
			})
		})
	}
}

// An ID known only at apply cannot be checked at plan: the apply refuses it before writing anything.
func TestSCIMConfig_typeWithoutSCIMRefusedAtApply(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	id := createLikeOfficialProvider(t, e, githubLoginMethod)
	e.emu.ResetCounts()
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			Config: e.provider() + `
resource "terraform_data" "login_method" {
  input = "` + id + `"
}

resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id = terraform_data.login_method.output
}
`,
			ExpectError: phrases(`Login Method Type Has No SCIM`, `is of type "github"`),
		}},
	})
	if err := wantNoWrites(e.emu); err != nil {
		t.Error(err)
	}
}

// Importing the SCIM config of a login method of a type without SCIM fails, with the import command and
// with an import block, and leaves nothing in state.
func TestSCIMConfig_typeWithoutSCIMRefusedAtImport(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	id := createLikeOfficialProvider(t, e, githubLoginMethod)
	refused := phrases(`Login Method Type Has No SCIM`, fmt.Sprintf(`Login method %s ("GitHub") is of type "github".`, id))
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				// An import block in the first step: the testing framework needs the resource in the state of
				// a prior step to test an import block later.
				Config:          scimOn(e.provider(), id, ""),
				ResourceName:    scimConfigAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "accounts/" + e.emu.AccountID + "/" + id,
				ExpectError:     refused,
			},
			{
				Config:             scimOn(e.provider(), id, ""),
				ResourceName:       scimConfigAddr,
				ImportState:        true,
				ImportStateId:      id,
				ImportStatePersist: true, // in the test's own directory: the last step sees its state
				ExpectError:        refused,
			},
			{Config: e.provider(), Check: stateIsEmpty},
		},
	})
}

// planCreate plans a new resource of typeName from config, as `terraform plan` does.
func (p *protoServer) planCreate(typeName string, config map[string]tftypes.Value) *tfprotov6.PlanResourceChangeResponse {
	p.t.Helper()
	typ := p.schema.ResourceSchemas[typeName].ValueType()
	cfg := p.value(typ, config)
	prior, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, nil))
	if err != nil {
		p.t.Fatal(err)
	}
	resp, err := p.srv.PlanResourceChange(context.Background(), &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: &prior, ProposedNewState: cfg, Config: cfg,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// importResource imports a resource of typeName by ID, as `terraform import` does.
func (p *protoServer) importResource(typeName, id string) *tfprotov6.ImportResourceStateResponse {
	p.t.Helper()
	resp, err := p.srv.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: id})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// summariesOf returns "severity: summary" of each diagnostic.
func summariesOf(diags []*tfprotov6.Diagnostic) []string {
	return listOutcome{diags: diags}.summaries()
}

// A plan of many SCIM configs reads their login methods from one list of the account, and refuses those
// of a type without SCIM on login_method_id.
func TestSCIMConfig_planReadsOneListPerScope(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	ok := []string{
		createLikeOfficialProvider(t, e, oidcLoginMethod), createLikeOfficialProvider(t, e, oktaLoginMethod),
		createLikeOfficialProvider(t, e, entraLoginMethod), e.seedSAML(t, "JumpCloud", validCert(t), emulator.SCIMConfig{}).ID,
	}
	github := createLikeOfficialProvider(t, e, githubLoginMethod)
	p := protocol(t, e.emu)
	e.emu.ResetCounts()
	for _, id := range ok {
		if resp := p.planCreate(scimConfigType, map[string]tftypes.Value{"login_method_id": str(id)}); len(resp.Diagnostics) > 0 {
			t.Errorf("plan of a SCIM config of %s: %v", id, summariesOf(resp.Diagnostics))
		}
	}
	resp := p.planCreate(scimConfigType, map[string]tftypes.Value{"login_method_id": str(github)})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Login Method Type Has No SCIM" ||
		resp.Diagnostics[0].Attribute.String() != tftypes.NewAttributePath().WithAttributeName("login_method_id").String() {
		t.Errorf("plan of a SCIM config of a GitHub login method: %v", summariesOf(resp.Diagnostics))
	}
	if c := nonZero(e.emu.RequestCounts()); len(c) != 1 || c["GET /accounts/{account_id}/access/identity_providers"] != 1 {
		t.Errorf("five plans sent %v, want one list of the account", c)
	}
}

// While the provider's configuration is unknown (credentials from another resource), the plan cannot
// read the login method: it goes through, and the apply checks.
func TestSCIMConfig_planWithUnknownProviderConfigSkipsTheCheck(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	github := createLikeOfficialProvider(t, e, githubLoginMethod)
	p := protocolWith(t, e.emu, map[string]tftypes.Value{
		"api_token":  tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"base_url":   str(e.emu.APIBaseURL()),
		"account_id": str(e.emu.AccountID),
	})
	e.emu.ResetCounts()
	for _, cfg := range []map[string]tftypes.Value{
		{"login_method_id": str(github)},
		{"login_method_id": str(github), "account_id": str(e.emu.AccountID)},
	} {
		if resp := p.planCreate(scimConfigType, cfg); len(resp.Diagnostics) > 0 {
			t.Errorf("plan %v with an unknown token: %v", cfg, summariesOf(resp.Diagnostics))
		}
	}
	if c := nonZero(e.emu.RequestCounts()); len(c) != 0 {
		t.Errorf("plans with an unknown token sent %v", c)
	}
}

// A read-only API token plans a SCIM config of an Okta login method (the plan only reads), and the plan
// of a GitHub login method still names its type.
func TestSCIMConfig_planWithReadOnlyToken(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	okta := createLikeOfficialProvider(t, e, oktaLoginMethod)
	github := createLikeOfficialProvider(t, e, githubLoginMethod)
	readOnly := strings.Replace(e.provider(), e.emu.WriteToken, e.emu.ReadToken, 1)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:             scimOn(readOnly, okta, ""),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config:      scimOn(readOnly, github, ""),
				PlanOnly:    true,
				ExpectError: phrases(`Login Method Type Has No SCIM`, `is of type "github"`),
			},
		},
	})
}

// Import warns that the secret is not imported only when there is one: SCIM was on at some time. A login
// method whose SCIM was never on has no secret, and the apply that enables SCIM captures it.
func TestSCIMConfig_importWarnsOfTheSecretOnlyWhenThereIsOne(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	never := createLikeOfficialProvider(t, e, oktaLoginMethod)
	withSCIM := maps.Clone(oidcLoginMethod)
	withSCIM["scim_config"] = map[string]any{"enabled": true, "user_deprovision": true}
	once := createLikeOfficialProvider(t, e, withSCIM)
	p := protocol(t, e.emu)
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{never, nil},
		{once, []string{"warning: SCIM Secret Not Imported: Cloudflare shows a SCIM secret in plaintext only once, so import cannot " +
			"recover it: secret stays null. The IdP keeps using the secret it has. To get a new one, set or change secret_version " +
			"and apply; the old secret then stops working."}},
	} {
		resp := p.importResource(scimConfigType, tc.id)
		if got := summariesOf(resp.Diagnostics); !slices.Equal(got, tc.want) || len(resp.ImportedResources) != 1 {
			t.Errorf("import of %s: %d resources, diagnostics %q; want %q", tc.id, len(resp.ImportedResources), got, tc.want)
		}
	}

	// Imported while SCIM was never on, then enabled: the apply captures a working secret.
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:             scimOn(e.provider(), never, ""),
				ResourceName:       scimConfigAddr,
				ImportState:        true,
				ImportStateId:      never,
				ImportStatePersist: true,
			},
			{
				Config: scimOn(e.provider(), never, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(scimConfigAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(scimConfigAddr, tfjsonpath.New("secret")),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scimConfigAddr, tfjsonpath.New("secret"), knownvalue.NotNull()),
				},
				Check: secretInStateWorks,
			},
		},
	})
}

// The SCIM config list holds the SCIM configs of every type Cloudflare provisions with SCIM, and leaves out,
// counted by type in its warning, those of the other types and the read-only ones; include_resource gives
// each one as an import reads it.
func TestSCIMConfigList_everyTypeWithSCIM(t *testing.T) {
	t.Parallel()
	f := newSCIMTypesFixture(t)
	out := protocol(t, f.emu).list(scimConfigType, nil, true, 0)
	if got := out.ids(t, f.emu.AccountID, ""); !slices.Equal(got, f.listed) {
		t.Errorf("listed %v, want %v", got, f.listed)
	}
	want := []string{`warning: Login Methods Left Out: 3 more login methods in account ` + emulator.TestAccountID + ` match, but ` +
		`zerotrust_scim_config cannot manage them, so they are not listed: 1 of type "github", 1 of type "onetimepin" and ` +
		`1 read-only Okta (marked read_only by Cloudflare). Manage them with the official Cloudflare provider.`}
	if got := out.summaries(); !slices.Equal(got, want) {
		t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, r := range out.results {
		if r.resource == nil || !r.resource["login_method_id"].Equal(str(f.listed[i])) || !r.resource["user_deprovision"].Equal(boolean(true)) ||
			!r.resource["secret"].IsNull() {
			t.Errorf("%s: resource %v", r.name, r.resource)
		}
	}
}

// scimTypesFixture is an account with a login method of each type that has SCIM, SCIM on for each, and
// login methods that cannot be listed: GitHub and one-time PIN ones with SCIM on (the emulator's seeding
// lets them have it), and a read-only Okta one.
type scimTypesFixture struct {
	emu    *emulator.TestServer
	listed []string // the SCIM configs the list holds, in the API's order
}

func newSCIMTypesFixture(t *testing.T) *scimTypesFixture {
	t.Helper()
	e := newTestEnv(t)
	f := &scimTypesFixture{emu: e.emu}
	scim := emulator.SCIMConfig{Enabled: true, UserDeprovision: true}
	cert := validCert(t)
	f.listed = append(f.listed, e.seedSAML(t, "JumpCloud", cert, scim).ID)
	for _, body := range []map[string]any{oidcLoginMethod, oktaLoginMethod, entraLoginMethod, githubLoginMethod, pinLoginMethod} {
		id := createLikeOfficialProvider(t, e, body)
		if err := e.emu.Mutate(e.emu.AccountScope(), id, func(p *emulator.IdP) { p.SCIMConfig = scim }); err != nil {
			t.Fatal(err)
		}
		if body["type"] != "github" && body["type"] != "onetimepin" {
			f.listed = append(f.listed, id)
		}
	}
	if _, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "Okta (managed)", Type: "okta", ReadOnly: true, SCIMConfig: scim,
		Config: emulator.Config{Other: maps.Clone(oktaLoginMethod["config"].(map[string]any))}}); err != nil {
		t.Fatal(err)
	}
	return f
}

// `terraform query` lists the SCIM configs of SAML, OIDC, Okta and Microsoft Entra ID login methods, each
// with its settings, and none of the others.
func TestQuery_scimConfigsOfEveryTypeWithSCIM(t *testing.T) {
	t.Parallel()
	f := newSCIMTypesFixture(t)
	e := &testEnv{t: t, emu: f.emu, now: time.Now}
	checks := []querycheck.QueryResultCheck{querycheck.ExpectLength("zerotrust_scim_config.all", len(f.listed))}
	for _, id := range f.listed {
		byID := queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
			"account_id": knownvalue.StringExact(f.emu.AccountID), "zone_id": knownvalue.Null(), "id": knownvalue.StringExact(id)})
		checks = append(checks, querycheck.ExpectResourceKnownValues("zerotrust_scim_config.all", byID, []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("login_method_id"), KnownValue: knownvalue.StringExact(id)},
			{Path: tfjsonpath.New("enabled"), KnownValue: knownvalue.Bool(true)},
			{Path: tfjsonpath.New("user_deprovision"), KnownValue: knownvalue.Bool(true)},
			{Path: tfjsonpath.New("secret"), KnownValue: knownvalue.Null()},
		}))
	}
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{{
			Query: true,
			Config: e.provider() + `
list "zerotrust_scim_config" "all" {
  provider         = zerotrust
  include_resource = true
}
`,
			QueryResultChecks: checks,
		}},
	})
}

// The apply plans each resource again once the IDs it depends on are known: the SCIM config of a login
// method created in the same apply is checked against what the create answered, without a request, so
// the pair still costs one POST and one PUT.
func TestSCIMConfig_checkOfALoginMethodCreatedInTheSameApplyCostsNoRequest(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{{
			PreConfig: e.emu.ResetCounts,
			Config:    scimTestConfig(e, cert, "JumpCloud", `  user_deprovision = true`),
			Check: func(*terraform.State) error {
				if c := nonZero(e.emu.RequestCounts()); len(c) != 2 || c[routeCreate] != 1 ||
					c["PUT /accounts/{account_id}/access/identity_providers/{identity_provider_id}"] != 1 {
					return fmt.Errorf("the plan and apply of a login method and its SCIM config sent %v, want one POST and one PUT", c)
				}
				return nil
			},
		}},
	})
}
