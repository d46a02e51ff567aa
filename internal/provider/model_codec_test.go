package provider

import (
	"context"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	datasourceschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
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

// codecCase is one model with its schema, and the framework's conversions it replaces: get reads raw
// into a model the framework's way and the codec's way, set writes a model both ways. The helpers below
// take the schema in an empty tfsdk.Config: the framework's schema type is internal.
type codecCase struct {
	name    string
	objType tftypes.Type
	model   func() any
	get     func(ctx context.Context, raw tftypes.Value, framework, ours any) (diag.Diagnostics, diag.Diagnostics)
	set     func(ctx context.Context, framework, ours any) (tftypes.Value, tftypes.Value, diag.Diagnostics)
}

// configAndState: models read from a configuration (GetConfig) and written to a state (SetState), as
// every resource, data source and the provider block do (GetPlan, GetState and SetPlan are the same
// conversion).
func configAndState(ctx context.Context, name string, schema tfsdk.Config, model func() any) codecCase {
	s := schema.Schema
	return codecCase{name, s.Type().TerraformType(ctx), model,
		func(ctx context.Context, raw tftypes.Value, framework, ours any) (diag.Diagnostics, diag.Diagnostics) {
			config := tfsdk.Config{Schema: s, Raw: raw}
			return config.Get(ctx, framework), workaround.GetConfig(ctx, config, ours)
		},
		func(ctx context.Context, framework, ours any) (tftypes.Value, tftypes.Value, diag.Diagnostics) {
			want, got := tfsdk.State{Schema: s}, tfsdk.State{Schema: s}
			diags := want.Set(ctx, framework)
			diags.Append(workaround.SetState(ctx, &got, ours)...)
			return want.Raw, got.Raw, diags
		}}
}

// identity: resource identities, read on import (GetIdentity) and written on every read (SetIdentity).
func identity(ctx context.Context, name string, schema tfsdk.Config, model func() any) codecCase {
	s := schema.Schema
	return codecCase{name, s.Type().TerraformType(ctx), model,
		func(ctx context.Context, raw tftypes.Value, framework, ours any) (diag.Diagnostics, diag.Diagnostics) {
			id := tfsdk.ResourceIdentity{Schema: s, Raw: raw}
			return id.Get(ctx, framework), workaround.GetIdentity(ctx, id, ours)
		},
		func(ctx context.Context, framework, ours any) (tftypes.Value, tftypes.Value, diag.Diagnostics) {
			want, got := tfsdk.ResourceIdentity{Schema: s}, tfsdk.ResourceIdentity{Schema: s}
			diags := want.Set(ctx, framework)
			diags.Append(workaround.SetIdentity(ctx, &got, ours)...)
			return want.Raw, got.Raw, diags
		}}
}

// listResult: the resource objects of list results (SetResource).
func listResult(ctx context.Context, name string, schema tfsdk.Config, model func() any) codecCase {
	s := schema.Schema
	c := configAndState(ctx, name, schema, model)
	c.set = func(ctx context.Context, framework, ours any) (tftypes.Value, tftypes.Value, diag.Diagnostics) {
		want, got := tfsdk.Resource{Schema: s}, tfsdk.Resource{Schema: s}
		diags := want.Set(ctx, framework)
		diags.Append(workaround.SetResource(ctx, &got, ours)...)
		return want.Raw, got.Raw, diags
	}
	return c
}

// Every model of the provider goes through the workaround codec: it must give exactly what the
// framework's Get and Set give, with known, null and unknown attributes, for every schema it serves.
func TestModelCodecMatchesFramework(t *testing.T) {
	ctx := context.Background()
	resourceSchema := func(r resource.Resource) resourceschema.Schema {
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		return sr.Schema
	}
	identitySchema := func(r resource.ResourceWithIdentity) identityschema.Schema {
		var sr resource.IdentitySchemaResponse
		r.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &sr)
		return sr.IdentitySchema
	}
	dataSourceSchema := func(d datasource.DataSource) datasourceschema.Schema {
		var sr datasource.SchemaResponse
		d.Schema(ctx, datasource.SchemaRequest{}, &sr)
		return sr.Schema
	}
	listSchema := func(l list.ListResource) listschema.Schema {
		var sr list.ListResourceSchemaResponse
		l.ListResourceConfigSchema(ctx, list.ListResourceSchemaRequest{}, &sr)
		return sr.Schema
	}
	var ps provider.SchemaResponse
	(&zeroTrustProvider{}).Schema(ctx, provider.SchemaRequest{}, &ps)
	saml := func() any { return &samlLoginMethodModel{} }
	oidc := func() any { return &oidcLoginMethodModel{} }
	scim := func() any { return &scimConfigModel{} }
	ident := func() any { return &loginMethodIdentityModel{} }
	listConfig := func() any { return &loginMethodListModel{} }
	cases := []codecCase{
		configAndState(ctx, "zerotrust_saml_login_method", tfsdk.Config{Schema: resourceSchema(&samlLoginMethodResource{})}, saml),
		configAndState(ctx, "zerotrust_oidc_login_method", tfsdk.Config{Schema: resourceSchema(&oidcLoginMethodResource{})}, oidc),
		configAndState(ctx, "zerotrust_scim_config", tfsdk.Config{Schema: resourceSchema(&scimConfigResource{})}, scim),
		identity(ctx, "zerotrust_saml_login_method identity", tfsdk.Config{Schema: identitySchema(&samlLoginMethodResource{})}, ident),
		identity(ctx, "zerotrust_oidc_login_method identity", tfsdk.Config{Schema: identitySchema(&oidcLoginMethodResource{})}, ident),
		identity(ctx, "zerotrust_scim_config identity", tfsdk.Config{Schema: identitySchema(&scimConfigResource{})}, ident),
		configAndState(ctx, "data.zerotrust_scim_endpoint", tfsdk.Config{Schema: dataSourceSchema(&scimEndpointDataSource{})}, func() any { return &scimEndpointModel{} }),
		configAndState(ctx, "data.zerotrust_scim_users", tfsdk.Config{Schema: dataSourceSchema(&scimUsersDataSource{})}, func() any { return &scimUsersModel{} }),
		configAndState(ctx, "data.zerotrust_scim_groups", tfsdk.Config{Schema: dataSourceSchema(&scimGroupsDataSource{})}, func() any { return &scimGroupsModel{} }),
		configAndState(ctx, "list zerotrust_saml_login_method", tfsdk.Config{Schema: listSchema(newSAMLLoginMethodList())}, listConfig),
		configAndState(ctx, "list zerotrust_oidc_login_method", tfsdk.Config{Schema: listSchema(newOIDCLoginMethodList())}, listConfig),
		configAndState(ctx, "list zerotrust_scim_config", tfsdk.Config{Schema: listSchema(&scimConfigList{})}, listConfig),
		listResult(ctx, "list zerotrust_saml_login_method result", tfsdk.Config{Schema: resourceSchema(&samlLoginMethodResource{})}, saml),
		listResult(ctx, "list zerotrust_oidc_login_method result", tfsdk.Config{Schema: resourceSchema(&oidcLoginMethodResource{})}, oidc),
		listResult(ctx, "list zerotrust_scim_config result", tfsdk.Config{Schema: resourceSchema(&scimConfigResource{})}, scim),
		configAndState(ctx, "provider", tfsdk.Config{Schema: ps.Schema}, func() any { return &providerModel{} }),
	}
	for _, tc := range cases {
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
				raw := sampleValue(tc.objType, leaf)

				want, got := tc.model(), tc.model()
				frameworkDiags, ourDiags := tc.get(ctx, raw, want, got)
				if frameworkDiags.HasError() {
					t.Fatalf("the framework's Get: %v", frameworkDiags)
				}
				if ourDiags.HasError() {
					t.Fatalf("the codec's Get: %v", ourDiags)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("the codec read\n%+v\nthe framework reads\n%+v", got, want)
				}

				framework, ours, diags := tc.set(ctx, want, got)
				if diags.HasError() {
					t.Fatalf("Set: %v", diags)
				}
				if !ours.Equal(framework) || !ours.Equal(raw) {
					t.Fatalf("the codec wrote\n%s\nthe framework writes\n%s", ours, framework)
				}
			})
		}
	}
}
