package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

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
