package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// certBundleType is a string holding one or more X.509 certificates, as a PEM bundle or bare base64.
// Two values are equal when they hold the same certificates, whatever their order, armour or line
// breaks, so reformatting a certificate never shows up as a change.
type certBundleType struct{ basetypes.StringType }

var (
	_ basetypes.StringTypable                    = certBundleType{}
	_ basetypes.StringValuableWithSemanticEquals = certBundleValue{}
)

func (t certBundleType) Equal(o attr.Type) bool {
	_, ok := o.(certBundleType)
	return ok
}

func (t certBundleType) String() string { return "certBundleType" }

func (t certBundleType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return certBundleValue{StringValue: in}, nil
}

func (t certBundleType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return certBundleValue{StringValue: s}, nil
}

func (t certBundleType) ValueType(context.Context) attr.Value { return certBundleValue{} }

// certBundleValue is a value of certBundleType.
type certBundleValue struct{ basetypes.StringValue }

func (v certBundleValue) Type(context.Context) attr.Type { return certBundleType{} }

func (v certBundleValue) Equal(o attr.Value) bool {
	other, ok := o.(certBundleValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals compares the certificates by DER. Text that does not parse is only equal to
// the same text, so a broken value is never hidden behind a valid one.
func (v certBundleValue) StringSemanticEquals(ctx context.Context, newValuable basetypes.StringValuable) (bool, diag.Diagnostics) {
	newValue, ok := newValuable.(certBundleValue)
	if !ok {
		return false, nil
	}
	return sameCertBundles(ctx, v.ValueString(), newValue.ValueString()), nil
}

func newCertBundleValue(s string) certBundleValue {
	return certBundleValue{StringValue: basetypes.NewStringValue(s)}
}

func certBundleNull() certBundleValue { return certBundleValue{StringValue: basetypes.NewStringNull()} }

func certBundleUnknown() certBundleValue {
	return certBundleValue{StringValue: basetypes.NewStringUnknown()}
}
