package workaround

import (
	"context"
	"math/big"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func thingSchema(t *testing.T) resource.SchemaResponse {
	t.Helper()
	var sr resource.SchemaResponse
	thing{}.Schema(context.Background(), resource.SchemaRequest{}, &sr)
	if sr.Diagnostics.HasError() {
		t.Fatal(sr.Diagnostics)
	}
	return sr
}

func knownThing(objType tftypes.Type) tftypes.Value {
	list := tftypes.List{ElementType: tftypes.String}
	m := tftypes.Map{ElementType: tftypes.String}
	return tftypes.NewValue(objType, map[string]tftypes.Value{
		"id":      tftypes.NewValue(tftypes.String, "t-1"),
		"name":    tftypes.NewValue(tftypes.String, "thing"),
		"count":   tftypes.NewValue(tftypes.Number, big.NewFloat(3)),
		"enabled": tftypes.NewValue(tftypes.Bool, nil),
		"tags":    tftypes.NewValue(list, []tftypes.Value{tftypes.NewValue(tftypes.String, "a")}),
		"labels":  tftypes.NewValue(m, tftypes.UnknownValue),
	})
}

// The framework's Get compiles a regular expression for every field it converts. When this canary
// fails, the framework no longer does: delete model_codec.go and call Get and Set again.
func TestCanaryFrameworkGetCompilesARegexpPerField(t *testing.T) {
	ctx := context.Background()
	sr := thingSchema(t)
	plan := tfsdk.Plan{Schema: sr.Schema, Raw: knownThing(sr.Schema.Type().TerraformType(ctx))}

	// Record every allocation with its stack while the framework converts models.
	defer func(rate int) { runtime.MemProfileRate = rate }(runtime.MemProfileRate)
	runtime.MemProfileRate = 1
	for range 200 {
		var m thingModel
		if diags := plan.Get(ctx, &m); diags.HasError() {
			t.Fatal(diags)
		}
	}
	runtime.GC()
	runtime.GC()

	var records []runtime.MemProfileRecord
	for n := 0; ; {
		records = make([]runtime.MemProfileRecord, n+64)
		var ok bool
		if n, ok = runtime.MemProfile(records, true); ok {
			records = records[:n]
			break
		}
	}
	var compiles int64
	for _, r := range records {
		var inFieldCheck, inCompile bool
		frames := runtime.CallersFrames(r.Stack())
		for {
			f, more := frames.Next()
			inFieldCheck = inFieldCheck || strings.HasSuffix(f.Function, "internal/reflect.isValidFieldName")
			inCompile = inCompile || strings.HasPrefix(f.Function, "regexp.compile") || strings.HasPrefix(f.Function, "regexp.MustCompile")
			if !more {
				break
			}
		}
		if inFieldCheck && inCompile {
			compiles += r.AllocObjects
		}
	}
	if compiles == 0 {
		t.Error("the framework's Get no longer compiles a regular expression per field: the workaround in model_codec.go can go")
	}
}

// The codec converts as the framework does, both ways.
func TestModelCodecRoundTrip(t *testing.T) {
	ctx := context.Background()
	sr := thingSchema(t)
	raw := knownThing(sr.Schema.Type().TerraformType(ctx))
	var want, got thingModel
	if diags := (tfsdk.Plan{Schema: sr.Schema, Raw: raw}).Get(ctx, &want); diags.HasError() {
		t.Fatal(diags)
	}
	if diags := GetPlan(ctx, tfsdk.Plan{Schema: sr.Schema, Raw: raw}, &got); diags.HasError() {
		t.Fatal(diags)
	}
	if !reflect.DeepEqual(got, want) || got.Name.ValueString() != "thing" || !got.Labels.IsUnknown() || !got.Enabled.IsNull() {
		t.Fatalf("GetPlan gave %+v, the framework %+v", got, want)
	}
	state := tfsdk.State{Schema: sr.Schema}
	if diags := SetState(ctx, &state, got); diags.HasError() {
		t.Fatal(diags)
	}
	if !state.Raw.Equal(raw) {
		t.Errorf("SetState wrote %s, want %s", state.Raw, raw)
	}
}

// A model that does not match its schema is refused with an error, as the framework refuses it.
func TestModelCodecRefusesMismatchedModels(t *testing.T) {
	ctx := context.Background()
	sr := thingSchema(t)
	raw := knownThing(sr.Schema.Type().TerraformType(ctx))
	type missingField struct {
		ID types.String `tfsdk:"id"`
	}
	var wrong missingField
	if diags := GetState(ctx, tfsdk.State{Schema: sr.Schema, Raw: raw}, &wrong); !diags.HasError() {
		t.Error("a model without every attribute was read without an error")
	}
	var null thingModel
	if diags := GetState(ctx, tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(raw.Type(), nil)}, &null); !diags.HasError() {
		t.Error("a null state was read into a model without an error")
	}
}

// One model type may serve two schemas: each gets its own codec, and the first never converts values of
// the other.
func TestModelCodecKeysBySchema(t *testing.T) {
	ctx := context.Background()
	textTags := thingSchema(t).Schema
	numberTags := thingSchema(t).Schema
	numberTags.Attributes["tags"] = schema.ListAttribute{ElementType: types.Int64Type, Optional: true}
	for _, tc := range []struct {
		schema schema.Schema
		tag    tftypes.Value
	}{
		{textTags, tftypes.NewValue(tftypes.String, "a")},
		{numberTags, tftypes.NewValue(tftypes.Number, big.NewFloat(42))},
	} {
		objType := tc.schema.Type().TerraformType(ctx).(tftypes.Object)
		vals := map[string]tftypes.Value{}
		for name, typ := range objType.AttributeTypes {
			vals[name] = tftypes.NewValue(typ, nil)
		}
		vals["tags"] = tftypes.NewValue(objType.AttributeTypes["tags"], []tftypes.Value{tc.tag})
		raw := tftypes.NewValue(objType, vals)

		var m thingModel
		if diags := GetPlan(ctx, tfsdk.Plan{Schema: tc.schema, Raw: raw}, &m); diags.HasError() {
			t.Fatalf("tags of %s: %v", tc.tag.Type(), diags)
		}
		state := tfsdk.State{Schema: tc.schema}
		if diags := SetState(ctx, &state, m); diags.HasError() {
			t.Fatalf("tags of %s: %v", tc.tag.Type(), diags)
		}
		if !state.Raw.Equal(raw) {
			t.Errorf("tags of %s: SetState wrote %s, want %s", tc.tag.Type(), state.Raw, raw)
		}
	}
}
