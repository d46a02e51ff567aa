package schemajson

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Every kind of schema element comes out as Terraform's `providers schema -json` writes it (checked by
// hand against Terraform 1.15.9's output; the provider suite compares the real provider with each CLI).
func TestConvertWritesTerraformsFormat(t *testing.T) {
	md := tfprotov6.StringKindMarkdown
	resp := &tfprotov6.GetProviderSchemaResponse{
		Provider: &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{
			{Name: "token", Type: tftypes.String, Optional: true, Sensitive: true, Description: "The `token`.", DescriptionKind: md},
		}}},
		ResourceSchemas: map[string]*tfprotov6.Schema{"x_thing": {Version: 2, Block: &tfprotov6.SchemaBlock{
			Description: "A thing.", DescriptionKind: md,
			Attributes: []*tfprotov6.SchemaAttribute{
				{Name: "tags", Type: tftypes.List{ElementType: tftypes.String}, Optional: true},
				{Name: "certs", Computed: true, NestedType: &tfprotov6.SchemaObject{Nesting: tfprotov6.SchemaObjectNestingModeList,
					Attributes: []*tfprotov6.SchemaAttribute{{Name: "pem", Type: tftypes.String, Computed: true}}}},
			},
			BlockTypes: []*tfprotov6.SchemaNestedBlock{{TypeName: "rule", Nesting: tfprotov6.SchemaNestedBlockNestingModeSet, MaxItems: 3,
				Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{{Name: "on", Type: tftypes.Bool, Required: true}}}}},
		}}},
		ListResourceSchemas: map[string]*tfprotov6.Schema{"x_thing": {Block: &tfprotov6.SchemaBlock{
			Attributes: []*tfprotov6.SchemaAttribute{{Name: "name", Type: tftypes.String, Optional: true}},
		}}},
		Functions: map[string]*tfprotov6.Function{"parse": {
			Summary: "Parses.", Description: "Parses `x`.", DescriptionKind: md,
			Parameters: []*tfprotov6.FunctionParameter{{Name: "x", Type: tftypes.String, AllowNullValue: true, Description: "Input."}},
			Return:     &tfprotov6.FunctionReturn{Type: tftypes.Object{AttributeTypes: map[string]tftypes.Type{"n": tftypes.Number}}},
		}},
	}
	ids := &tfprotov6.GetResourceIdentitySchemasResponse{IdentitySchemas: map[string]*tfprotov6.ResourceIdentitySchema{
		"x_thing": {IdentityAttributes: []*tfprotov6.ResourceIdentitySchemaAttribute{
			{Name: "id", Type: tftypes.String, RequiredForImport: true, Description: "ID."},
			{Name: "zone", Type: tftypes.String, OptionalForImport: true},
		}},
	}}
	ps, err := Convert(resp, ids)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(ps)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "provider": {"version": 0, "block": {"attributes": {"token": {"type": "string", "description": "The ` + "`token`" + `.",
   "description_kind": "markdown", "optional": true, "sensitive": true}}, "description_kind": "plain"}},
 "resource_schemas": {"x_thing": {"version": 2, "block": {
   "attributes": {
    "tags": {"type": ["list", "string"], "description_kind": "plain", "optional": true},
    "certs": {"nested_type": {"attributes": {"pem": {"type": "string", "description_kind": "plain", "computed": true}},
      "nesting_mode": "list"}, "description_kind": "plain", "computed": true}},
   "block_types": {"rule": {"nesting_mode": "set", "max_items": 3, "block": {
     "attributes": {"on": {"type": "bool", "description_kind": "plain", "required": true}}, "description_kind": "plain"}}},
   "description": "A thing.", "description_kind": "markdown"}}},
 "list_resource_schemas": {"x_thing": {"version": 0, "block": {
   "attributes": {"name": {"type": "string", "description_kind": "plain", "optional": true}}, "description_kind": "plain"}}},
 "functions": {"parse": {"description": "Parses ` + "`x`" + `.", "summary": "Parses.",
   "return_type": ["object", {"n": "number"}],
   "parameters": [{"name": "x", "description": "Input.", "is_nullable": true, "type": "string"}]}},
 "resource_identity_schemas": {"x_thing": {"version": 0, "attributes": {
   "id": {"type": "string", "description": "ID.", "required_for_import": true},
   "zone": {"type": "string", "optional_for_import": true}}}}
}`
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("converted to\n%s\nwant\n%s", got, strings.Join(strings.Fields(want), " "))
	}
}

func TestConvertRefusesWhatItCannotWrite(t *testing.T) {
	_, err := Convert(&tfprotov6.GetProviderSchemaResponse{
		Provider: &tfprotov6.Schema{Block: &tfprotov6.SchemaBlock{Attributes: []*tfprotov6.SchemaAttribute{{Name: "untyped", Optional: true}}}},
	}, nil)
	if err == nil || !strings.Contains(err.Error(), "untyped has no type") {
		t.Errorf("an attribute without a type: %v, want an error naming it", err)
	}
	_, err = Convert(&tfprotov6.GetProviderSchemaResponse{ActionSchemas: map[string]*tfprotov6.ActionSchema{"x_act": {}}}, nil)
	if err == nil || !strings.Contains(err.Error(), "actions") {
		t.Errorf("an action: %v, want an error saying actions are not converted", err)
	}
}
