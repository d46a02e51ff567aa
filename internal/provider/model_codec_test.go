package provider

import (
	"context"
	"math/big"
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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

// The codec must give exactly what the framework's Get and Set give, for every model, with known, null
// and unknown attributes.
func TestModelCodecMatchesFramework(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		resource resource.Resource
		model    func() any
	}{
		{"zerotrust_saml_login_method", &samlLoginMethodResource{}, func() any { return &samlLoginMethodModel{} }},
		{"zerotrust_scim_config", &scimConfigResource{}, func() any { return &scimConfigModel{} }},
	} {
		var sr resource.SchemaResponse
		tc.resource.Schema(ctx, resource.SchemaRequest{}, &sr)
		objType := sr.Schema.Type().TerraformType(ctx)
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
				if diags := (tfsdk.Plan{Schema: sr.Schema, Raw: raw}).Get(ctx, want); diags.HasError() {
					t.Fatalf("framework Get: %v", diags)
				}
				if diags := getPlan(ctx, tfsdk.Plan{Schema: sr.Schema, Raw: raw}, got); diags.HasError() {
					t.Fatalf("getPlan: %v", diags)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("getPlan gave\n%+v\nthe framework gives\n%+v", got, want)
				}

				framework, ours := tfsdk.State{Schema: sr.Schema}, tfsdk.State{Schema: sr.Schema}
				if diags := framework.Set(ctx, want); diags.HasError() {
					t.Fatalf("framework Set: %v", diags)
				}
				if diags := setState(ctx, &ours, got); diags.HasError() {
					t.Fatalf("setState: %v", diags)
				}
				if !ours.Raw.Equal(framework.Raw) || !ours.Raw.Equal(raw) {
					t.Fatalf("setState wrote\n%s\nthe framework writes\n%s", ours.Raw, framework.Raw)
				}
			})
		}
	}
}

// A model that does not match its schema is refused with an error, as the framework refuses it.
func TestModelCodecRefusesMismatchedModels(t *testing.T) {
	ctx := context.Background()
	var sr resource.SchemaResponse
	(&scimConfigResource{}).Schema(ctx, resource.SchemaRequest{}, &sr)
	raw := sampleValue(sr.Schema.Type().TerraformType(ctx), func(tftypes.Type) (tftypes.Value, bool) { return tftypes.Value{}, false })
	var wrongModel samlLoginMethodModel
	if diags := getState(ctx, tfsdk.State{Schema: sr.Schema, Raw: raw}, &wrongModel); !diags.HasError() {
		t.Error("a login method model read from a SCIM config's state without an error")
	}
	var null scimConfigModel
	if diags := getState(ctx, tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(raw.Type(), nil)}, &null); !diags.HasError() {
		t.Error("a null state read into a model without an error")
	}
}
