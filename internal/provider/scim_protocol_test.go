package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// protocolValue builds an object of schema s with the given attributes set and every other one null.
func protocolValue(t *testing.T, s *tfprotov6.Schema, set map[string]tftypes.Value) (tftypes.Object, *tfprotov6.DynamicValue) {
	t.Helper()
	typ := s.ValueType().(tftypes.Object)
	vals := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		if v, ok := set[name]; ok {
			vals[name] = v
		} else {
			vals[name] = tftypes.NewValue(at, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return typ, &dv
}

// Terraform's test harness cannot see warnings, so this reads the data source over the plugin protocol:
// the API redacts the secret, the data source leaves it null and says where the secret lives.
func TestSCIMEndpoint_warnsWhereTheSecretLives(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	idp := e.seedSAML(t, "JumpCloud", validCert(t), emulator.SCIMConfig{Enabled: true})
	ctx := context.Background()
	srv := e.server()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	_, provCfg := protocolValue(t, schemas.Provider, map[string]tftypes.Value{
		"api_token":  tftypes.NewValue(tftypes.String, e.emu.WriteToken),
		"base_url":   tftypes.NewValue(tftypes.String, e.emu.APIBaseURL()),
		"account_id": tftypes.NewValue(tftypes.String, e.emu.AccountID),
	})
	conf, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: provCfg})
	if err != nil || len(conf.Diagnostics) > 0 {
		t.Fatalf("configure: %v %+v", err, conf.Diagnostics)
	}
	typ, dsCfg := protocolValue(t, schemas.DataSourceSchemas["zerotrust_scim_endpoint"], map[string]tftypes.Value{
		"login_method_id": tftypes.NewValue(tftypes.String, idp.ID),
	})
	read, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "zerotrust_scim_endpoint", Config: dsCfg})
	if err != nil {
		t.Fatal(err)
	}
	var warning string
	for _, d := range read.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Fatalf("read failed: %s: %s", d.Summary, d.Detail)
		}
		warning += d.Summary + ": " + d.Detail
	}
	for _, want := range []string{"zerotrust_scim_config.<name>.secret", "secret_version", "only once"} {
		if !strings.Contains(warning, want) {
			t.Errorf("the warning %q does not mention %q", warning, want)
		}
	}
	state, err := read.State.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	if err := state.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if !attrs["secret"].IsNull() {
		t.Error("secret is set although the API only returns it redacted")
	}
	var base string
	if err := attrs["scim_base_url"].As(&base); err != nil || !strings.HasSuffix(base, "/scim/v2") {
		t.Errorf("scim_base_url = %q (%v)", base, err)
	}
}
