package provider

import (
	"context"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

// sampleValue builds a value of type t: known everywhere, or with every attribute (and list, map or
// object element) null or unknown when leaf says so.
func sampleValue(t tftypes.Type, leaf func(tftypes.Type) (tftypes.Value, bool)) tftypes.Value {
	if v, ok := leaf(t); ok {
		return v
	}
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, "text")
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, true)
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, big.NewFloat(7))
	case t.Is(tftypes.List{}):
		e := t.(tftypes.List).ElementType
		return tftypes.NewValue(t, []tftypes.Value{sampleValue(e, leaf), sampleValue(e, leaf)})
	case t.Is(tftypes.Set{}):
		// One element: two samples would be equal, and a set holds a value once.
		e := t.(tftypes.Set).ElementType
		return tftypes.NewValue(t, []tftypes.Value{sampleValue(e, leaf)})
	case t.Is(tftypes.Map{}):
		e := t.(tftypes.Map).ElementType
		return tftypes.NewValue(t, map[string]tftypes.Value{"k": sampleValue(e, leaf)})
	case t.Is(tftypes.Object{}):
		vals := map[string]tftypes.Value{}
		for name, at := range t.(tftypes.Object).AttributeTypes {
			vals[name] = sampleValue(at, leaf)
		}
		return tftypes.NewValue(t, vals)
	}
	panic("sampleValue: no sample for " + t.String())
}

// Every model of the provider goes through the workaround codec: it must give exactly what the
// framework's Get and Set give, with known, null and unknown attributes.
func TestModelCodecMatchesFramework(t *testing.T) {
	ctx := context.Background()
	// Each case holds its schema as an empty configuration and state: the framework's schema type is
	// internal.
	type schemaCase struct {
		name   string
		config tfsdk.Config
		state  tfsdk.State
		model  func() any
	}
	resourceCase := func(name string, r resource.Resource, model func() any) schemaCase {
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		return schemaCase{name, tfsdk.Config{Schema: sr.Schema}, tfsdk.State{Schema: sr.Schema}, model}
	}
	dataSourceCase := func(name string, d datasource.DataSource, model func() any) schemaCase {
		var sr datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &sr)
		return schemaCase{name, tfsdk.Config{Schema: sr.Schema}, tfsdk.State{Schema: sr.Schema}, model}
	}
	var ps provider.SchemaResponse
	(&zeroTrustProvider{}).Schema(ctx, provider.SchemaRequest{}, &ps)
	cases := []schemaCase{
		resourceCase("zerotrust_saml_login_method", &samlLoginMethodResource{}, func() any { return &samlLoginMethodModel{} }),
		resourceCase("zerotrust_oidc_login_method", &oidcLoginMethodResource{}, func() any { return &oidcLoginMethodModel{} }),
		resourceCase("zerotrust_scim_config", &scimConfigResource{}, func() any { return &scimConfigModel{} }),
		dataSourceCase("data.zerotrust_scim_endpoint", &scimEndpointDataSource{}, func() any { return &scimEndpointModel{} }),
		dataSourceCase("data.zerotrust_scim_users", &scimUsersDataSource{}, func() any { return &scimUsersModel{} }),
		dataSourceCase("data.zerotrust_scim_groups", &scimGroupsDataSource{}, func() any { return &scimGroupsModel{} }),
		{"provider", tfsdk.Config{Schema: ps.Schema}, tfsdk.State{Schema: ps.Schema}, func() any { return &providerModel{} }},
	}
	for _, tc := range cases {
		objType := tc.config.Schema.Type().TerraformType(ctx)
		root := true
		variants := map[string]func(tftypes.Type) (tftypes.Value, bool){
			"known": func(tftypes.Type) (tftypes.Value, bool) { return tftypes.Value{}, false },
			"null": func(t tftypes.Type) (tftypes.Value, bool) {
				if root {
					root = false
					return tftypes.Value{}, false
				}
				return tftypes.NewValue(t, nil), true
			},
			"unknown": func(t tftypes.Type) (tftypes.Value, bool) {
				if root {
					root = false
					return tftypes.Value{}, false
				}
				return tftypes.NewValue(t, tftypes.UnknownValue), true
			},
		}
		for variant, leaf := range variants {
			t.Run(tc.name+"/"+variant, func(t *testing.T) {
				root = true
				raw := sampleValue(objType, leaf)

				want, got := tc.model(), tc.model()
				config := tc.config
				config.Raw = raw
				if diags := config.Get(ctx, want); diags.HasError() {
					t.Fatalf("framework Get: %v", diags)
				}
				if diags := workaround.GetConfig(ctx, config, got); diags.HasError() {
					t.Fatalf("GetConfig: %v", diags)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("GetConfig gave\n%+v\nthe framework gives\n%+v", got, want)
				}

				framework, ours := tc.state, tc.state
				if diags := framework.Set(ctx, want); diags.HasError() {
					t.Fatalf("framework Set: %v", diags)
				}
				if diags := workaround.SetState(ctx, &ours, got); diags.HasError() {
					t.Fatalf("SetState: %v", diags)
				}
				if !ours.Raw.Equal(framework.Raw) || !ours.Raw.Equal(raw) {
					t.Fatalf("SetState wrote\n%s\nthe framework writes\n%s", ours.Raw, framework.Raw)
				}
			})
		}
	}
}
