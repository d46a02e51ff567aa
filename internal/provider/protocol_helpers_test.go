package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// protoServer is the provider's protocol server, as main serves it, configured for an emulator: tests
// and benchmarks send it what Terraform would send, without a CLI, to check what a CLI does not show
// (warnings of a listing, request counts, identities of a read).
type protoServer struct {
	t      testing.TB
	srv    tfprotov6.ProviderServerWithListResource
	schema *tfprotov6.GetProviderSchemaResponse
}

// protocol configures a provider for emu with a write token and its first account as the default.
func protocol(t testing.TB, emu *emulator.TestServer) *protoServer {
	t.Helper()
	return protocolWith(t, emu, map[string]tftypes.Value{
		"api_token":  tftypes.NewValue(tftypes.String, emu.WriteToken),
		"base_url":   tftypes.NewValue(tftypes.String, emu.APIBaseURL()),
		"account_id": tftypes.NewValue(tftypes.String, emu.AccountID),
		"rate_limit": tftypes.NewValue(tftypes.Number, 0),
	})
}

// protocolWith configures a provider for emu with the given attributes of the provider block.
func protocolWith(t testing.TB, emu *emulator.TestServer, provider map[string]tftypes.Value) *protoServer {
	t.Helper()
	e := &testEnv{emu: emu, now: time.Now}
	srv, ok := e.server().(tfprotov6.ProviderServerWithListResource)
	if !ok {
		t.Fatal("the provider's protocol server does not serve list resources")
	}
	ctx := context.Background()
	schema, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schema.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schema.Diagnostics)
	}
	p := &protoServer{t: t, srv: srv, schema: schema}
	cfg := p.value(schema.Provider.ValueType(), provider)
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.15.9", Config: cfg})
	if err != nil || len(resp.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, resp.Diagnostics)
	}
	return p
}

// value is an object of typ with the given attributes and every other one null.
func (p *protoServer) value(typ tftypes.Type, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	obj := typ.(tftypes.Object)
	vals := make(map[string]tftypes.Value, len(obj.AttributeTypes))
	for name, at := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range set {
		if _, ok := obj.AttributeTypes[name]; !ok {
			p.t.Fatalf("the schema has no attribute %q", name)
		}
		vals[name] = v
	}
	dv, err := tfprotov6.NewDynamicValue(obj, tftypes.NewValue(obj, vals))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

// attributes decodes an object of typ into its attributes.
func (p *protoServer) attributes(typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	p.t.Helper()
	if dv == nil {
		return nil
	}
	v, err := dv.Unmarshal(typ)
	if err != nil {
		p.t.Fatal(err)
	}
	var out map[string]tftypes.Value
	if err := v.As(&out); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// identityType is the identity type of a resource type.
func (p *protoServer) identityType(typeName string) tftypes.Type {
	p.t.Helper()
	ids, err := p.srv.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || ids.IdentitySchemas[typeName] == nil {
		p.t.Fatalf("no identity schema for %s: %v", typeName, err)
	}
	return ids.IdentitySchemas[typeName].ValueType()
}

// listed is one result of a listing.
type listed struct {
	name     string
	identity map[string]tftypes.Value
	resource map[string]tftypes.Value // nil unless the resource was included
}

// listOutcome is what ListResource streamed: its results and the diagnostics of all of them.
type listOutcome struct {
	results []listed
	diags   []*tfprotov6.Diagnostic
}

// list runs a list block of typeName with the given config attributes, as `terraform query` does.
func (p *protoServer) list(typeName string, config map[string]tftypes.Value, includeResource bool, limit int64) listOutcome {
	p.t.Helper()
	ctx := context.Background()
	stream, err := p.srv.ListResource(ctx, &tfprotov6.ListResourceRequest{
		TypeName: typeName, Config: p.value(p.schema.ListResourceSchemas[typeName].ValueType(), config),
		IncludeResource: includeResource, Limit: limit,
	})
	if err != nil {
		p.t.Fatal(err)
	}
	idType, resType := p.identityType(typeName), p.schema.ResourceSchemas[typeName].ValueType()
	var out listOutcome
	for r := range stream.Results {
		out.diags = append(out.diags, r.Diagnostics...)
		if r.Identity == nil {
			continue
		}
		out.results = append(out.results, listed{
			name: r.DisplayName, identity: p.attributes(idType, r.Identity.IdentityData), resource: p.attributes(resType, r.Resource),
		})
	}
	return out
}
