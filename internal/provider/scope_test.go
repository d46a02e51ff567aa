package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// An import ID or identity whose account or zone is not a Cloudflare ID is refused before any request,
// naming the value and the forms (#22 item 9: a typo, or the two parts swapped).
func TestImportTargetRefusesAScopeThatIsNoCloudflareID(t *testing.T) {
	const idp = "1e2f4c1a-6b1d-4c57-9a5e-2f8a0b7d3c11"
	withAccount := &providerData{accountID: emulator.TestAccountID}
	cases := []struct {
		id      string
		wantErr string
	}{
		{"accounts/" + emulator.TestAccountID + "/" + idp, ""},
		{"zones/" + emulator.TestZoneID + "/" + idp, ""},
		{emulator.TestAccountID + "/" + idp, ""},
		{idp, ""},
		{idp + "/" + emulator.TestAccountID, `names no account: its account_id must be the 32 hexadecimal characters of the account's ID, as in the dashboard URL https://dash.cloudflare.com/<account_id>; "` + idp + `" is not. The import ID is accounts/<account_id>/<id>`},
		{"accounts/023e105f4ecef8ad9ca31a8372d0c35/" + idp, `"023e105f4ecef8ad9ca31a8372d0c35" is not`},
		{"zones/example.com/" + idp, `names no zone: its zone_id must be the 32 hexadecimal characters of the zone's ID`},
	}
	for _, tc := range cases {
		_, _, err := importTarget(context.Background(), resource.ImportStateRequest{ID: tc.id}, withAccount)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("importTarget(%q): %v", tc.id, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("importTarget(%q) error = %v, want it to contain %q", tc.id, err, tc.wantErr)
		}
	}
}

func TestParseImportID(t *testing.T) {
	withAccount := &providerData{accountID: "acc1"}
	cases := []struct {
		id        string
		d         *providerData
		wantScope client.Scope
		wantID    string
		wantErr   string
	}{
		{"accounts/acc2/idp1", nil, client.AccountScope("acc2"), "idp1", ""},
		{"zones/zone1/idp1", nil, client.ZoneScope("zone1"), "idp1", ""},
		{"acc3/idp1", nil, client.AccountScope("acc3"), "idp1", ""},
		{"idp1", withAccount, client.AccountScope("acc1"), "idp1", ""},
		{" idp1 ", withAccount, client.AccountScope("acc1"), "idp1", ""},
		{"idp1", nil, client.Scope{}, "", "provider has no account_id"},
		{"users/x/idp1", nil, client.Scope{}, "", "is not one of"},
		{"accounts//idp1", nil, client.Scope{}, "", "is not one of"},
		{"a/b/c/d", nil, client.Scope{}, "", "is not one of"},
	}
	for _, tc := range cases {
		scope, id, err := parseImportID(tc.id, tc.d)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseImportID(%q) error = %v, want %q", tc.id, err, tc.wantErr)
			}
			continue
		}
		if err != nil || scope != tc.wantScope || id != tc.wantID {
			t.Errorf("parseImportID(%q) = %v, %q, %v; want %v, %q", tc.id, scope, id, err, tc.wantScope, tc.wantID)
		}
	}
}

// Credentials computed by another resource are unknown while planning: the provider waits for them
// instead of reporting them missing.
func TestConfigureWithUnknownCredentials(t *testing.T) {
	var diags diag.Diagnostics
	cfg := providerModel{
		APIToken: types.StringUnknown(), APIKey: types.StringNull(), Email: types.StringNull(),
		AccountID: types.StringValue("acc"), BaseURL: types.StringNull(),
		CertExpiryWarningDays: types.Int64Null(), RateLimit: types.Int64Null(), RefreshByList: types.BoolNull(),
	}
	noEnv := func(string) string { return "" }
	d := configure(context.Background(), cfg, noEnv, "test", &diags)
	if diags.HasError() || d == nil || d.client != nil || !strings.Contains(d.unconfigured, "api_token") {
		t.Fatalf("configure = %+v, %v; want an unconfigured provider waiting for api_token", d, diags)
	}
	var applyDiags diag.Diagnostics
	if d.ready(&applyDiags, "Create Login Method") || !strings.Contains(applyDiags[0].Detail(), "not known until apply") {
		t.Fatalf("ready() on an unconfigured provider: %v", applyDiags)
	}
}

func TestConfigureFromEnvironmentMasksSecrets(t *testing.T) {
	var diags diag.Diagnostics
	cfg := providerModel{
		APIToken: types.StringNull(), APIKey: types.StringNull(), Email: types.StringNull(), AccountID: types.StringNull(),
		BaseURL: types.StringNull(), CertExpiryWarningDays: types.Int64Value(7), RateLimit: types.Int64Value(0), RefreshByList: types.BoolValue(false),
	}
	emu := emulator.NewTestServer(t, emulator.Options{})
	env := map[string]string{envAPIToken: emu.WriteToken, envAccountID: emu.AccountID, envBaseURL: emu.APIBaseURL()}
	d := configure(context.Background(), cfg, func(k string) string { return env[k] }, "test", &diags)
	if diags.HasError() || d == nil || d.client == nil {
		t.Fatalf("configure: %v", diags)
	}
	if d.accountID != emu.AccountID || d.certExpiryWarning.Hours() != 7*24 {
		t.Fatalf("configure = %+v", d)
	}
	if len(d.secrets) != 1 || d.secrets[0] != emu.WriteToken {
		t.Fatalf("log masks = %q, want the token only", d.secrets)
	}
	// refresh_by_list = false reached the store: a read is one GET of the login method, never a list.
	if _, err := d.store.Get(context.Background(), client.AccountScope(emu.AccountID), "missing"); !client.IsNotFound(err) {
		t.Fatalf("Get of a missing login method: %v", err)
	}
	const list, get = "GET /accounts/{account_id}/access/identity_providers", "GET /accounts/{account_id}/access/identity_providers/{identity_provider_id}"
	if counts := emu.RequestCounts(); counts[list] != 0 || counts[get] != 1 {
		t.Fatalf("requests = %v, want one GET of the login method and no list", counts)
	}
}

// A mistyped account_id or zone_id fails validation (so the plan) on the attribute, wherever it can be
// set: the provider block, every resource, data source and list resource. Valid and unknown values pass.
func TestScopeIDsAreCheckedAtPlan(t *testing.T) {
	t.Parallel()
	emu := emulator.NewTestServer(t, emulator.Options{})
	p := protocol(t, emu)
	ctx := context.Background()
	type target struct {
		what     string
		typ      tftypes.Type
		validate func(cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic
	}
	targets := []target{{"provider", p.schema.Provider.ValueType(), func(cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
		resp, err := p.srv.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		return resp.Diagnostics
	}}}
	for name, s := range p.schema.ResourceSchemas {
		targets = append(targets, target{"resource " + name, s.ValueType(), func(cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := p.srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: name, Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		}})
	}
	for name, s := range p.schema.DataSourceSchemas {
		targets = append(targets, target{"data source " + name, s.ValueType(), func(cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := p.srv.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: name, Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		}})
	}
	for name, s := range p.schema.ListResourceSchemas {
		targets = append(targets, target{"list resource " + name, s.ValueType(), func(cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
			resp, err := p.srv.ValidateListResourceConfig(ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: name, Config: cfg})
			if err != nil {
				t.Fatal(err)
			}
			return resp.Diagnostics
		}})
	}
	checked := map[string]int{}
	for _, tg := range targets {
		for _, attr := range []string{"account_id", "zone_id"} {
			if _, ok := tg.typ.(tftypes.Object).AttributeTypes[attr]; !ok {
				continue
			}
			checked[attr]++
			at := tftypes.NewAttributePath().WithAttributeName(attr)
			// Only what is said about the ID counts: other attributes are left null, and some are required.
			about := func(cfg *tfprotov6.DynamicValue) []*tfprotov6.Diagnostic {
				var out []*tfprotov6.Diagnostic
				for _, d := range tg.validate(cfg) {
					if d.Attribute != nil && d.Attribute.Equal(at) || strings.Contains(d.Detail, "hexadecimal") {
						out = append(out, d)
					}
				}
				return out
			}
			kind := map[string]string{"account_id": "account", "zone_id": "zone"}[attr]
			for _, bad := range []string{"", "0123456789abcdef0123456789abcde", "0123456789abcdef0123456789abcdef0", "my-account", "0123456789abcdef0123456789abcdeg"} {
				diags := about(p.value(tg.typ, map[string]tftypes.Value{attr: str(bad)}))
				if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError || diags[0].Summary != "Invalid "+attr ||
					!strings.HasPrefix(diags[0].Detail, attr+" must be the 32 hexadecimal characters of the "+kind+"'s ID, ") ||
					!strings.Contains(diags[0].Detail, fmt.Sprintf("%q is not.", bad)) ||
					diags[0].Attribute == nil || !diags[0].Attribute.Equal(at) {
					t.Errorf("%s %s = %q: diagnostics %v, want one error on %s", tg.what, attr, bad, diagStrings(diags), attr)
				}
			}
			for _, good := range []tftypes.Value{str(emu.AccountID), str("0123456789ABCDEF0123456789abcdef"), tftypes.NewValue(tftypes.String, tftypes.UnknownValue)} {
				if diags := about(p.value(tg.typ, map[string]tftypes.Value{attr: good})); len(diags) != 0 {
					t.Errorf("%s %s = %v: diagnostics %v, want none", tg.what, attr, good, diagStrings(diags))
				}
			}
		}
	}
	// The provider, 3 resources, 3 data sources and 3 list resources have account_id; all but the provider
	// and the SCIM users and groups data sources have zone_id.
	if checked["account_id"] != 10 || checked["zone_id"] != 7 {
		t.Errorf("checked %v: a schema gained or lost account_id or zone_id; update this count", checked)
	}
}

func diagStrings(diags []*tfprotov6.Diagnostic) []string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return out
}

// CLOUDFLARE_ACCOUNT_ID is checked like the provider block's account_id, when Configure reads it.
func TestConfigureRefusesAMistypedAccountIDFromTheEnvironment(t *testing.T) {
	var diags diag.Diagnostics
	cfg := providerModel{
		APIToken: types.StringValue("token"), APIKey: types.StringNull(), Email: types.StringNull(),
		AccountID: types.StringNull(), BaseURL: types.StringNull(),
		CertExpiryWarningDays: types.Int64Null(), RateLimit: types.Int64Null(), RefreshByList: types.BoolNull(),
	}
	env := func(name string) string {
		return map[string]string{envAccountID: "dash.cloudflare.com/0123456789abcdef"}[name]
	}
	if d := configure(context.Background(), cfg, env, "test", &diags); d != nil || diags.ErrorsCount() != 1 ||
		diags[0].Summary() != "Invalid account_id" ||
		diags[0].Detail() != `CLOUDFLARE_ACCOUNT_ID must be the 32 hexadecimal characters of the account's ID, as in the dashboard URL https://dash.cloudflare.com/<account_id>; "dash.cloudflare.com/0123456789abcdef" is not.` {
		t.Fatalf("configure = %+v, %v", d, diags)
	}
}
