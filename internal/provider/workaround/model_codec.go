package workaround

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The framework's Get and Set convert a whole model struct by reflection, and on every call they compile a
// regular expression for every struct field to check its tfsdk tag (terraform-plugin-framework v1.19,
// internal/reflect.isValidFieldName; upstream: doc.go). A plan of 500 login methods with 500 SCIM configs
// makes about 7,000 such calls: 96,000 compiled expressions, a sixth of everything the provider allocates
// in that plan, and the garbage collector's work grows with it. The functions below do the same
// conversion with the fields worked out once per model type and schema (finding the schema's codec costs
// one Schema.Type() per call, 4.6 kB: the codec still allocates a seventh of what Get does):
//
//	GetPlan(ctx, req.Plan, &plan)     instead of req.Plan.Get(ctx, &plan)
//	SetState(ctx, &resp.State, plan)  instead of resp.State.Set(ctx, plan)
//
// Every model of the provider goes through them: the resources' (and their identities'), the data
// sources', the list resources' (a listing of 500 login methods sets 1,000 models) and the provider
// block's. A model is a struct whose fields are all attr.Value types with a tfsdk tag naming a top-level
// attribute of the schema, and which covers every attribute, the rules the framework enforces for Get
// and Set. The provider's TestModelCodecMatchesFramework checks each of its models against the
// framework's own conversion; TestCanaryFrameworkGetCompilesARegexpPerField fails once the framework
// stops compiling, and then this file can go.

// modelCodec converts between one model type and the object value of one schema.
type modelCodec struct {
	// schemaType is the schema's type the codec was worked out for.
	schemaType attr.Type
	objType    tftypes.Object
	fields     []codecField
}

type codecField struct {
	index  int
	name   string
	typ    attr.Type
	tfType tftypes.Type
}

// schemaTyper is the part of a plan's, state's or config's schema a codec needs.
type schemaTyper interface {
	Type() attr.Type
}

// modelCodecs holds the codecs of each model type, one per schema type it was used with (a model may
// serve two schemas: the same identity model for both resources, say). decode checks that the value has
// the schema's type; the value encode makes has it by construction.
var modelCodecs struct {
	sync.RWMutex
	byModel map[reflect.Type][]*modelCodec
}

func codecFor(ctx context.Context, model reflect.Type, s schemaTyper) (*modelCodec, error) {
	schemaType := s.Type()
	modelCodecs.RLock()
	c := findCodec(modelCodecs.byModel[model], schemaType)
	modelCodecs.RUnlock()
	if c != nil {
		return c, nil
	}
	c, err := newModelCodec(ctx, model, schemaType)
	if err != nil {
		return nil, err
	}
	modelCodecs.Lock()
	defer modelCodecs.Unlock()
	if found := findCodec(modelCodecs.byModel[model], schemaType); found != nil {
		return found, nil
	}
	if modelCodecs.byModel == nil {
		modelCodecs.byModel = map[reflect.Type][]*modelCodec{}
	}
	modelCodecs.byModel[model] = append(modelCodecs.byModel[model], c)
	return c, nil
}

func findCodec(codecs []*modelCodec, schemaType attr.Type) *modelCodec {
	for _, c := range codecs {
		if c.schemaType.Equal(schemaType) {
			return c
		}
	}
	return nil
}

func newModelCodec(ctx context.Context, model reflect.Type, schemaType attr.Type) (*modelCodec, error) {
	obj, ok := schemaType.(attr.TypeWithAttributeTypes)
	if !ok || model.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s: a model must be a struct for an object schema", model)
	}
	attrTypes := obj.AttributeTypes()
	valueType := reflect.TypeFor[attr.Value]()
	c := &modelCodec{schemaType: schemaType, objType: obj.TerraformType(ctx).(tftypes.Object)}
	seen := map[string]bool{}
	for i := range model.NumField() {
		f := model.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("tfsdk"), ",")
		typ, ok := attrTypes[name]
		switch {
		case name == "" || name == "-":
			return nil, fmt.Errorf("%s.%s: every field needs a tfsdk tag", model, f.Name)
		case !ok:
			return nil, fmt.Errorf("%s.%s: the schema has no attribute %q", model, f.Name, name)
		case seen[name]:
			return nil, fmt.Errorf("%s.%s: attribute %q has two fields", model, f.Name, name)
		case !f.Type.Implements(valueType) || reflect.TypeOf(typ.ValueType(ctx)) != f.Type:
			return nil, fmt.Errorf("%s.%s: the field is a %s, the attribute's values are %T", model, f.Name, f.Type, typ.ValueType(ctx))
		}
		seen[name] = true
		c.fields = append(c.fields, codecField{index: i, name: name, typ: typ, tfType: typ.TerraformType(ctx)})
	}
	for name := range attrTypes {
		if !seen[name] {
			return nil, fmt.Errorf("%s: no field for attribute %q", model, name)
		}
	}
	return c, nil
}

// decodeModel fills target, a pointer to a model, from an object value of the schema.
func decodeModel(ctx context.Context, s schemaTyper, raw tftypes.Value, target any) diag.Diagnostics {
	if err := decode(ctx, s, raw, reflect.ValueOf(target).Elem()); err != nil {
		return codecError("read", err)
	}
	return nil
}

func decode(ctx context.Context, s schemaTyper, raw tftypes.Value, rv reflect.Value) error {
	c, err := codecFor(ctx, rv.Type(), s)
	if err != nil {
		return err
	}
	if !raw.IsKnown() || raw.IsNull() {
		return fmt.Errorf("%s: the value is null or unknown", rv.Type())
	}
	if !raw.Type().Equal(c.objType) {
		return fmt.Errorf("%s: the value is a %s, the model's schema is %s", rv.Type(), raw.Type(), c.objType)
	}
	var vals map[string]tftypes.Value
	if err := raw.As(&vals); err != nil {
		return err
	}
	for _, f := range c.fields {
		v, err := f.typ.ValueFromTerraform(ctx, vals[f.name])
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		rv.Field(f.index).Set(reflect.ValueOf(v))
	}
	return nil
}

// encodeModel returns the object value of a model (or of a pointer to one).
func encodeModel(ctx context.Context, s schemaTyper, model any) (tftypes.Value, diag.Diagnostics) {
	rv := reflect.Indirect(reflect.ValueOf(model))
	v, err := encode(ctx, s, rv)
	if err != nil {
		return tftypes.Value{}, codecError("write", err)
	}
	return v, nil
}

func encode(ctx context.Context, s schemaTyper, rv reflect.Value) (tftypes.Value, error) {
	c, err := codecFor(ctx, rv.Type(), s)
	if err != nil {
		return tftypes.Value{}, err
	}
	vals := make(map[string]tftypes.Value, len(c.fields))
	for _, f := range c.fields {
		tv, err := rv.Field(f.index).Interface().(attr.Value).ToTerraformValue(ctx)
		if err == nil && !tv.Type().Equal(f.tfType) {
			err = fmt.Errorf("a value of type %s, want %s", tv.Type(), f.tfType)
		}
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%s: %w", f.name, err)
		}
		vals[f.name] = tv
	}
	return tftypes.NewValue(c.objType, vals), nil
}

func codecError(verb string, err error) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.AddError("Value Conversion Error", "The provider could not "+verb+" a value. This is always a bug in the provider; "+
		"please report it with this message: "+err.Error())
	return diags
}

// GetPlan is req.Plan.Get(ctx, target).
func GetPlan(ctx context.Context, p tfsdk.Plan, target any) diag.Diagnostics {
	return decodeModel(ctx, p.Schema, p.Raw, target)
}

// GetState is req.State.Get(ctx, target).
func GetState(ctx context.Context, s tfsdk.State, target any) diag.Diagnostics {
	return decodeModel(ctx, s.Schema, s.Raw, target)
}

// GetConfig is req.Config.Get(ctx, target).
func GetConfig(ctx context.Context, c tfsdk.Config, target any) diag.Diagnostics {
	return decodeModel(ctx, c.Schema, c.Raw, target)
}

// SetPlan is resp.Plan.Set(ctx, model).
func SetPlan(ctx context.Context, p *tfsdk.Plan, model any) diag.Diagnostics {
	v, diags := encodeModel(ctx, p.Schema, model)
	if !diags.HasError() {
		p.Raw = v
	}
	return diags
}

// SetState is resp.State.Set(ctx, model).
func SetState(ctx context.Context, s *tfsdk.State, model any) diag.Diagnostics {
	v, diags := encodeModel(ctx, s.Schema, model)
	if !diags.HasError() {
		s.Raw = v
	}
	return diags
}

// GetIdentity is identity.Get(ctx, target).
func GetIdentity(ctx context.Context, identity tfsdk.ResourceIdentity, target any) diag.Diagnostics {
	return decodeModel(ctx, identity.Schema, identity.Raw, target)
}

// SetIdentity is identity.Set(ctx, model).
func SetIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, model any) diag.Diagnostics {
	v, diags := encodeModel(ctx, identity.Schema, model)
	if !diags.HasError() {
		identity.Raw = v
	}
	return diags
}

// SetResource is r.Set(ctx, model), for the resource objects of list results.
func SetResource(ctx context.Context, r *tfsdk.Resource, model any) diag.Diagnostics {
	v, diags := encodeModel(ctx, r.Schema, model)
	if !diags.HasError() {
		r.Raw = v
	}
	return diags
}
