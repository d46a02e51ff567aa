package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// headerPairsCheck is a state check of header_attributes holding the given attribute and header names,
// two strings a pair.
func headerPairsCheck(names ...string) knownvalue.Check {
	var pairs []knownvalue.Check
	for i := 0; i+1 < len(names); i += 2 {
		pairs = append(pairs, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"attribute_name": knownvalue.StringExact(names[i]), "header_name": knownvalue.StringExact(names[i+1]),
		}))
	}
	return knownvalue.SetExact(pairs)
}

// wantHeaders checks that the emulator's only login method holds exactly these header pairs, in order.
func (e *testEnv) wantHeaders(want ...emulator.HeaderAttribute) resource.TestCheckFunc {
	return func(*terraform.State) error {
		all := e.emu.List(e.emu.AccountScope())
		if len(all) != 1 {
			return fmt.Errorf("emulator holds %d login methods, want 1", len(all))
		}
		if got := all[0].Config.HeaderAttributes; !slices.Equal(got, want) {
			return fmt.Errorf("the login method's header_attributes are %+v, want %+v", got, want)
		}
		return nil
	}
}

// One SAML attribute sent as two headers (groups as Cf-Access-Groups and as a legacy header): an apply
// writes both pairs, an import reads both back, a pair written twice is one pair, and removing one header
// removes only that one.
func TestSAMLLoginMethod_oneAttributeAsTwoHeaders(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	withHeaders := func(pairs string) string {
		return loginMethodConfig(e, `
  name              = "Okta"
  issuer_url        = "http://www.okta.com/exk7r0qrje5hFQlkk2p7"
  sso_target_url    = "https://example.okta.com/app/sso/saml"
  idp_public_cert   = `+hclString(cert.PEM)+`
  header_attributes = [`+pairs+`
  ]`)
	}
	const (
		current = `
    { attribute_name = "groups", header_name = "Cf-Access-Groups" },`
		legacy = `
    { attribute_name = "groups", header_name = "X-Groups" },`
		email = `
    { attribute_name = "email", header_name = "Cf-Access-Email" },`
	)
	groups := emulator.HeaderAttribute{AttributeName: "groups", HeaderName: "Cf-Access-Groups"}
	groupsLegacy := emulator.HeaderAttribute{AttributeName: "groups", HeaderName: "X-Groups"}
	emailHeader := emulator.HeaderAttribute{AttributeName: "email", HeaderName: "Cf-Access-Email"}

	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				// The test framework also fails the step when the plan after the apply is not empty.
				Config: withHeaders(legacy + current + email),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("header_attributes"),
						headerPairsCheck("groups", "Cf-Access-Groups", "groups", "X-Groups", "email", "Cf-Access-Email")),
				},
				Check: e.wantHeaders(emailHeader, groups, groupsLegacy),
			},
			{
				ResourceName:      loginMethodAddr,
				ImportState:       true,
				ImportStateIdFunc: importID("accounts", e),
				ImportStateVerify: true,
			},
			{
				// Terraform keeps a value of a set once, so a pair written twice is the same configuration.
				PreConfig: e.emu.ResetCounts,
				Config:    withHeaders(current + legacy + current + email),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: e.onlyReadsSince("repeating a pair"),
			},
			{
				Config: withHeaders(current + email),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("header_attributes"),
						headerPairsCheck("groups", "Cf-Access-Groups", "email", "Cf-Access-Email")),
				},
				Check: e.wantHeaders(emailHeader, groups),
			},
			{
				Config: withHeaders(""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("header_attributes"), headerPairsCheck()),
				},
				Check: e.wantHeaders(),
			},
		},
	})
}

// A login method that sends one attribute as two headers, made in the dashboard or by the official
// provider, imports with both; with the configuration that names both, the import changes nothing, the
// next plan is empty, and a later update leaves both in place.
func TestSAMLLoginMethod_importKeepsEveryHeaderOfAnAttribute(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	pairs := []emulator.HeaderAttribute{
		{AttributeName: "groups", HeaderName: "X-Groups"}, // the API's order, not this provider's
		{AttributeName: "groups", HeaderName: "Cf-Access-Groups"},
	}
	seeded, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "Okta", Type: "saml", Config: emulator.Config{
		IssuerURL: "http://www.okta.com/exk7r0qrje5hFQlkk2p7", SSOTargetURL: "https://example.okta.com/app/sso/saml",
		IdPPublicCerts: []string{cert.PEM}, HeaderAttributes: pairs,
	}})
	if err != nil {
		t.Fatal(err)
	}
	cfg := loginMethodConfig(e, `
  name              = "Okta"
  issuer_url        = "http://www.okta.com/exk7r0qrje5hFQlkk2p7"
  sso_target_url    = "https://example.okta.com/app/sso/saml"
  idp_public_cert   = `+hclString(cert.PEM)+`
  header_attributes = [
    { attribute_name = "groups", header_name = "Cf-Access-Groups" },
    { attribute_name = "groups", header_name = "X-Groups" },
  ]`)
	renamed := strings.Replace(cfg, `name              = "Okta"`, `name              = "Okta SSO"`, 1)
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       loginMethodAddr,
				ImportState:        true,
				ImportStateId:      "accounts/" + e.emu.AccountID + "/" + seeded.ID,
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["header_attributes.#"] != "2" {
						return fmt.Errorf("the import holds header_attributes %v, want both pairs", states)
					}
					return nil
				},
			},
			{
				PreConfig: e.emu.ResetCounts,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("header_attributes"),
						headerPairsCheck("groups", "Cf-Access-Groups", "groups", "X-Groups")),
				},
				Check: resource.ComposeTestCheckFunc(e.onlyReadsSince("the plan after the import"), e.wantHeaders(pairs...)),
			},
			{
				// An update of something else keeps both headers, in the API's order.
				Config: renamed,
				Check:  e.wantHeaders(pairs...),
			},
		},
	})
}

// An empty attribute or header name fails validation, naming the attribute at fault.
func TestSAMLLoginMethod_headerAttributesNeedNames(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	for field, pair := range map[string]string{
		"attribute_name": `{ attribute_name = "", header_name = "Cf-Access-Groups" }`,
		"header_name":    `{ attribute_name = "groups", header_name = "" }`,
	} {
		cliTest(t, resource.TestCase{
			ProtoV6ProviderFactories: e.factories(),
			Steps: []resource.TestStep{{
				Config: loginMethodConfig(e, `
  name              = "Okta"
  issuer_url        = "http://www.okta.com/exk7r0qrje5hFQlkk2p7"
  sso_target_url    = "https://example.okta.com/app/sso/saml"
  idp_public_cert   = `+hclString(validCert(t).PEM)+`
  header_attributes = [`+pair+`]`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)header_attributes\[.*\]\.` + field + `\s+string\s+length\s+must\s+be\s+at\s+least\s+1`),
			}},
		})
	}
}

// What the API holds is kept when it is what the configuration asks, in any order and with a pair the
// API repeats; state shows every pair once.
func TestSAMLLoginMethodModel_headerPairsAsTheAPIHoldsThem(t *testing.T) {
	ctx := context.Background()
	a := client.HeaderAttribute{AttributeName: "groups", HeaderName: "Cf-Access-Groups"}
	b := client.HeaderAttribute{AttributeName: "groups", HeaderName: "X-Groups"}
	c := client.HeaderAttribute{AttributeName: "email", HeaderName: "Cf-Access-Email"}
	api := []client.HeaderAttribute{b, a, b}

	var m samlLoginMethodModel
	m.HeaderAttributes = types.SetNull(headerAttributeType)
	m.readFrom(ctx, &client.IdentityProvider{Config: client.IdentityProviderConfig{HeaderAttributes: api}}, nil)
	if got := headerPairs(m.HeaderAttributes); !slices.Equal(got, []client.HeaderAttribute{a, b}) {
		t.Fatalf("read %v from the API's %v, want each pair once", got, api)
	}

	for _, tc := range []struct {
		name      string
		config    types.Set
		wantWrite []client.HeaderAttribute // what the API is sent, in the provider's order
	}{
		{"the same pairs", headerSet([]client.HeaderAttribute{a, b}), api}, // left as the API holds it
		{"another pair", headerSet([]client.HeaderAttribute{b, c, a}), []client.HeaderAttribute{c, a, b}},
		{"one pair fewer", headerSet([]client.HeaderAttribute{a}), []client.HeaderAttribute{a}},
		{"none", types.SetNull(headerAttributeType), nil},
	} {
		cfg := client.IdentityProviderConfig{HeaderAttributes: slices.Clone(api)}
		m.HeaderAttributes = tc.config
		m.applyTo(ctx, &cfg, nil)
		if !slices.Equal(cfg.HeaderAttributes, tc.wantWrite) {
			t.Errorf("%s: applyTo wrote %v, want %v", tc.name, cfg.HeaderAttributes, tc.wantWrite)
		}
	}
}
