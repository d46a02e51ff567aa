// Package schemajson writes a provider's schemas in the format of `terraform providers schema -json`,
// straight from the provider's own plugin protocol server: GetProviderSchema and
// GetResourceIdentitySchemas, converted to terraform-json's types the way Terraform's own
// command/jsonprovider converts them. The docs are generated from it (internal/cmd/providerschema,
// scripts/generate-docs.sh), so they do not depend on which CLI is installed: Terraform 1.5 leaves out
// functions, OpenTofu 1.12 list resources, and only Terraform 1.14 and later
// export everything. The provider suite's TestProviderSchemaJSONMatchesTheCLI holds the output to what
// the suite's CLI exports.
//
// It imports terraform-plugin-go and terraform-json, and nothing of this provider.
package schemajson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"
)

// FormatVersion is the format_version Terraform writes (1.5 to 1.15 alike).
const FormatVersion = "1.0"

// Export asks server for its schemas and returns them as `providers schema -json` shows the provider at
// address (e.g. registry.terraform.io/hashicorp/zerotrust).
func Export(ctx context.Context, server tfprotov6.ProviderServer, address string) (*tfjson.ProviderSchemas, error) {
	resp, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetProviderSchema: %w", err)
	}
	if err := diagnosticsError("GetProviderSchema", resp.Diagnostics); err != nil {
		return nil, err
	}
	ids, err := server.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		return nil, fmt.Errorf("GetResourceIdentitySchemas: %w", err)
	}
	if err := diagnosticsError("GetResourceIdentitySchemas", ids.Diagnostics); err != nil {
		return nil, err
	}
	ps, err := Convert(resp, ids)
	if err != nil {
		return nil, err
	}
	return &tfjson.ProviderSchemas{FormatVersion: FormatVersion, Schemas: map[string]*tfjson.ProviderSchema{address: ps}}, nil
}

func diagnosticsError(call string, diags []*tfprotov6.Diagnostic) error {
	var errs []error
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			errs = append(errs, fmt.Errorf("%s: %s: %s", call, d.Summary, d.Detail))
		}
	}
	return errors.Join(errs...)
}

// Convert turns the protocol's schemas into terraform-json's. Empty sections are left out, as Terraform
// leaves them out.
func Convert(resp *tfprotov6.GetProviderSchemaResponse, ids *tfprotov6.GetResourceIdentitySchemasResponse) (*tfjson.ProviderSchema, error) {
	c := converter{}
	ps := &tfjson.ProviderSchema{
		ConfigSchema:             c.schema(resp.Provider),
		ResourceSchemas:          c.schemas(resp.ResourceSchemas),
		DataSourceSchemas:        c.schemas(resp.DataSourceSchemas),
		EphemeralResourceSchemas: c.schemas(resp.EphemeralResourceSchemas),
		ListResourceSchemas:      c.schemas(resp.ListResourceSchemas),
	}
	if len(resp.Functions) > 0 {
		ps.Functions = map[string]*tfjson.FunctionSignature{}
		for name, f := range resp.Functions {
			ps.Functions[name] = c.function(f)
		}
	}
	if ids != nil && len(ids.IdentitySchemas) > 0 {
		ps.ResourceIdentitySchemas = map[string]*tfjson.IdentitySchema{}
		for name, s := range ids.IdentitySchemas {
			ps.ResourceIdentitySchemas[name] = c.identity(s)
		}
	}
	if len(resp.ActionSchemas) > 0 || len(resp.StateStoreSchemas) > 0 {
		c.fail(errors.New("actions and state stores are not converted; this provider has none"))
	}
	return ps, c.err
}

// converter converts one response, keeping the first error.
type converter struct{ err error }

func (c *converter) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

func (c *converter) schemas(in map[string]*tfprotov6.Schema) map[string]*tfjson.Schema {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]*tfjson.Schema, len(in))
	for name, s := range in {
		out[name] = c.schema(s)
	}
	return out
}

func (c *converter) schema(s *tfprotov6.Schema) *tfjson.Schema {
	if s == nil {
		return nil
	}
	return &tfjson.Schema{Version: uint64(s.Version), Block: c.block(s.Block)}
}

// descriptionKind is Terraform's marshalStringKind: every block and attribute says its kind.
func descriptionKind(k tfprotov6.StringKind) tfjson.SchemaDescriptionKind {
	if k == tfprotov6.StringKindMarkdown {
		return tfjson.SchemaDescriptionKindMarkdown
	}
	return tfjson.SchemaDescriptionKindPlain
}

func (c *converter) block(b *tfprotov6.SchemaBlock) *tfjson.SchemaBlock {
	if b == nil {
		return &tfjson.SchemaBlock{DescriptionKind: tfjson.SchemaDescriptionKindPlain}
	}
	out := &tfjson.SchemaBlock{Description: b.Description, DescriptionKind: descriptionKind(b.DescriptionKind), Deprecated: b.Deprecated}
	if len(b.Attributes) > 0 {
		out.Attributes = make(map[string]*tfjson.SchemaAttribute, len(b.Attributes))
		for _, a := range b.Attributes {
			out.Attributes[a.Name] = c.attribute(a)
		}
	}
	if len(b.BlockTypes) > 0 {
		out.NestedBlocks = make(map[string]*tfjson.SchemaBlockType, len(b.BlockTypes))
		for _, nb := range b.BlockTypes {
			out.NestedBlocks[nb.TypeName] = &tfjson.SchemaBlockType{
				NestingMode: blockNesting[nb.Nesting], Block: c.block(nb.Block),
				MinItems: uint64(nb.MinItems), MaxItems: uint64(nb.MaxItems),
			}
		}
	}
	return out
}

var blockNesting = map[tfprotov6.SchemaNestedBlockNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaNestedBlockNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaNestedBlockNestingModeGroup:  tfjson.SchemaNestingModeGroup,
	tfprotov6.SchemaNestedBlockNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaNestedBlockNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaNestedBlockNestingModeMap:    tfjson.SchemaNestingModeMap,
}

var objectNesting = map[tfprotov6.SchemaObjectNestingMode]tfjson.SchemaNestingMode{
	tfprotov6.SchemaObjectNestingModeSingle: tfjson.SchemaNestingModeSingle,
	tfprotov6.SchemaObjectNestingModeList:   tfjson.SchemaNestingModeList,
	tfprotov6.SchemaObjectNestingModeSet:    tfjson.SchemaNestingModeSet,
	tfprotov6.SchemaObjectNestingModeMap:    tfjson.SchemaNestingModeMap,
}

func (c *converter) attribute(a *tfprotov6.SchemaAttribute) *tfjson.SchemaAttribute {
	out := &tfjson.SchemaAttribute{
		Description: a.Description, DescriptionKind: descriptionKind(a.DescriptionKind), Deprecated: a.Deprecated,
		Required: a.Required, Optional: a.Optional, Computed: a.Computed, Sensitive: a.Sensitive, WriteOnly: a.WriteOnly,
	}
	if a.NestedType != nil {
		nested := &tfjson.SchemaNestedAttributeType{NestingMode: objectNesting[a.NestedType.Nesting]}
		if len(a.NestedType.Attributes) > 0 {
			nested.Attributes = make(map[string]*tfjson.SchemaAttribute, len(a.NestedType.Attributes))
			for _, na := range a.NestedType.Attributes {
				nested.Attributes[na.Name] = c.attribute(na)
			}
		}
		out.AttributeNestedType = nested
		return out
	}
	out.AttributeType = c.ctyType(a.Type, a.Name)
	return out
}

func (c *converter) function(f *tfprotov6.Function) *tfjson.FunctionSignature {
	out := &tfjson.FunctionSignature{Description: f.Description, Summary: f.Summary, DeprecationMessage: f.DeprecationMessage}
	if f.Return != nil {
		out.ReturnType = c.ctyType(f.Return.Type, "return")
	}
	for _, p := range f.Parameters {
		out.Parameters = append(out.Parameters, c.parameter(p))
	}
	if f.VariadicParameter != nil {
		out.VariadicParameter = c.parameter(f.VariadicParameter)
	}
	return out
}

func (c *converter) parameter(p *tfprotov6.FunctionParameter) *tfjson.FunctionParameter {
	return &tfjson.FunctionParameter{Name: p.Name, Description: p.Description, IsNullable: p.AllowNullValue, Type: c.ctyType(p.Type, p.Name)}
}

func (c *converter) identity(s *tfprotov6.ResourceIdentitySchema) *tfjson.IdentitySchema {
	out := &tfjson.IdentitySchema{Version: uint64(s.Version)}
	if len(s.IdentityAttributes) > 0 {
		out.Attributes = make(map[string]*tfjson.IdentityAttribute, len(s.IdentityAttributes))
		for _, a := range s.IdentityAttributes {
			out.Attributes[a.Name] = &tfjson.IdentityAttribute{
				IdentityType: c.ctyType(a.Type, a.Name), Description: a.Description,
				RequiredForImport: a.RequiredForImport, OptionalForImport: a.OptionalForImport,
			}
		}
	}
	return out
}

// ctyType converts a protocol type to cty's through the type JSON both share ("string",
// ["list","string"], ["object",{…}]).
func (c *converter) ctyType(t tftypes.Type, what string) cty.Type {
	if t == nil {
		c.fail(fmt.Errorf("%s has no type", what))
		return cty.NilType
	}
	raw, err := json.Marshal(t)
	if err == nil {
		var out cty.Type
		if err = out.UnmarshalJSON(raw); err == nil {
			return out
		}
	}
	c.fail(fmt.Errorf("the type of %s (%s): %w", what, strings.TrimSpace(t.String()), err))
	return cty.NilType
}
