package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// headerPairsValue is header_attributes holding the given attribute and header names, two strings a pair.
func headerPairsValue(names ...string) tftypes.Value {
	objType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"attribute_name": tftypes.String, "header_name": tftypes.String}}
	elems := []tftypes.Value{}
	for i := 0; i+1 < len(names); i += 2 {
		elems = append(elems, tftypes.NewValue(objType, map[string]tftypes.Value{"attribute_name": str(names[i]), "header_name": str(names[i+1])}))
	}
	return tftypes.NewValue(tftypes.Set{ElementType: objType}, elems)
}

// v0State is the attributes of a login method as schema version 0 wrote them to a state, with
// header_attributes as given (a JSON map, or null); cert is its one certificate.
func v0State(t *testing.T, e *testEnv, id string, cert testCert, headers string) map[string]json.RawMessage {
	t.Helper()
	certs, err := parseCertificates(context.Background(), cert.PEM)
	if err != nil {
		t.Fatal(err)
	}
	certificate := map[string]string{}
	for name, v := range certificateAttrs(certs[0]) {
		certificate[name] = v.(types.String).ValueString()
	}
	attrs := map[string]any{
		"id": id, "account_id": e.emu.AccountID, "zone_id": nil, "name": "Okta",
		"metadata_xml": nil, "metadata_url": nil, "allow_http": false, "entity_id": nil, "sso_binding": nil,
		"metadata_signing_certs": nil, "issuer_url": "http://www.okta.com/exk7r0qrje5hFQlkk2p7",
		"sso_target_url": "https://example.okta.com/app/sso/saml", "idp_public_cert": cert.PEM,
		"attributes": []string{"email", "groups"}, "email_attribute_name": "email", "sign_request": false,
		"redirect_url": "https://emulator-team.cloudflareaccess.com/cdn-cgi/access/callback",
		"certificates": []map[string]string{certificate},
	}
	out := map[string]json.RawMessage{"header_attributes": json.RawMessage(headers)}
	for name, v := range attrs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	return out
}

func marshalJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A state written by schema version 0 (header_attributes a map) is upgraded to pairs, one per map entry,
// every other attribute as it was.
func TestSAMLLoginMethod_upgradeStateFromVersion0(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	p := protocol(t, e.emu)
	cert := validCert(t)
	resType := p.schema.ResourceSchemas[samlLoginMethodType].ValueType()
	if v := p.schema.ResourceSchemas[samlLoginMethodType].Version; v != 1 {
		t.Fatalf("schema version %d, want 1", v)
	}
	for _, tc := range []struct {
		name, v0 string
		want     tftypes.Value
	}{
		{"two attributes", `{"groups": "Cf-Access-Groups", "email": "Cf-Access-Email"}`,
			headerPairsValue("groups", "Cf-Access-Groups", "email", "Cf-Access-Email")},
		{"empty map", `{}`, headerPairsValue()},
		{"null", `null`, tftypes.NewValue(headerPairsValue().Type(), nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := v0State(t, e, "9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21", cert, tc.v0)
			resp, err := p.srv.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
				TypeName: samlLoginMethodType, Version: 0, RawState: &tfprotov6.RawState{JSON: marshalJSON(t, old)},
			})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("UpgradeResourceState: %v %v", err, listOutcome{diags: resp.Diagnostics}.summaries())
			}
			got := p.attributes(resType, resp.UpgradedState)
			if !got["header_attributes"].Equal(tc.want) {
				t.Errorf("header_attributes %s, want %s", got["header_attributes"], tc.want)
			}
			// Every other attribute is what a state of the current version with the same JSON holds.
			delete(old, "header_attributes")
			same, err := (&tfprotov6.RawState{JSON: marshalJSON(t, old)}).UnmarshalWithOpts(resType, tfprotov6.UnmarshalOpts{})
			if err != nil {
				t.Fatal(err)
			}
			var want map[string]tftypes.Value
			if err := same.As(&want); err != nil {
				t.Fatal(err)
			}
			for name, v := range want {
				if name != "header_attributes" && !got[name].Equal(v) {
					t.Errorf("%s: upgraded to %s, want %s", name, got[name], v)
				}
			}
		})
	}

	// A version 0 state whose header_attributes is no map (edited by hand) is an error that says what to do.
	old := v0State(t, e, "9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21", cert, `["groups"]`)
	resp, err := p.srv.UpgradeResourceState(context.Background(), &tfprotov6.UpgradeResourceStateRequest{
		TypeName: samlLoginMethodType, Version: 0, RawState: &tfprotov6.RawState{JSON: marshalJSON(t, old)},
	})
	if err != nil || len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "Unable to Upgrade Login Method State" ||
		!strings.Contains(resp.Diagnostics[0].Detail, "import it again") {
		t.Errorf("upgrading a broken state: %v %v", err, listOutcome{diags: resp.Diagnostics}.summaries())
	}
}

// A state file written by a provider of schema version 0, whose login method sends groups as one header,
// plans clean with the configuration in the new form, on the suite's CLI: first without a refresh (the
// upgraded state alone matches the configuration), then with one.
func TestSAMLLoginMethod_stateFileFromVersion0PlansClean(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	cert := validCert(t)
	seeded, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "Okta", Type: "saml", Config: emulator.Config{
		IssuerURL: "http://www.okta.com/exk7r0qrje5hFQlkk2p7", SSOTargetURL: "https://example.okta.com/app/sso/saml",
		IdPPublicCerts: []string{cert.PEM}, Attributes: []string{"email", "groups"}, EmailAttributeName: "email", SignRequest: new(false),
		HeaderAttributes: []emulator.HeaderAttribute{{AttributeName: "groups", HeaderName: "Cf-Access-Groups"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	registry := "registry.terraform.io"
	if onOpenTofu() {
		registry = "registry.opentofu.org"
	}
	state := map[string]any{
		"version": 4, "terraform_version": "1.5.7", "serial": 1, "lineage": "5b0a2b8e-7c1e-4a57-9f53-0c8f1d2a3b4c", "outputs": map[string]any{},
		"resources": []any{map[string]any{
			"mode": "managed", "type": samlLoginMethodType, "name": "okta",
			"provider": `provider["` + registry + `/` + providerSource + `"]`,
			"instances": []any{map[string]any{
				"schema_version": 0, "sensitive_attributes": []any{},
				"attributes": v0State(t, e, seeded.ID, cert, `{"groups": "Cf-Access-Groups"}`),
			}},
		}},
	}
	dir := t.TempDir()
	config := requiredProvidersTF + e.provider() + fmt.Sprintf(`
resource "zerotrust_saml_login_method" "okta" {
  name                 = "Okta"
  issuer_url           = "http://www.okta.com/exk7r0qrje5hFQlkk2p7"
  sso_target_url       = "https://example.okta.com/app/sso/saml"
  idp_public_cert      = %s
  attributes           = ["email", "groups"]
  email_attribute_name = "email"
  header_attributes    = [{ attribute_name = "groups", header_name = "Cf-Access-Groups" }]
}
`, hclString(cert.PEM))
	for name, data := range map[string][]byte{"main.tf": []byte(config), "terraform.tfstate": marshalJSON(t, state)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cli := needCLI(t)
	cliConfig := devOverrides(t)
	for _, args := range [][]string{{"plan", "-refresh=false"}, {"plan"}} {
		out, err := runCLIErr(cli, cliConfig, dir, nil, append(args, "-detailed-exitcode", "-no-color", "-input=false")...)
		if err != nil {
			t.Errorf("%s: %v (exit 2 is a planned change)\n%s", strings.Join(args, " "), err, withoutDevOverridesWarning(out))
		}
	}
}
