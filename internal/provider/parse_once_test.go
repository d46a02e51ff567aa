package provider

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// resourceCalls calls zerotrust_saml_login_method's methods in-process, as the framework does, with one
// provider process's memo and an emulator behind the store. Every call's context counts the
// certificates read in certificateReads.
type resourceCalls struct {
	t                *testing.T
	ctx              context.Context
	certificateReads *atomic.Int64
	p                *zeroTrustProvider
	r                *samlLoginMethodResource
	schema           resource.SchemaResponse
	objType          tftypes.Type
}

func newResourceCalls(t *testing.T) *resourceCalls {
	t.Helper()
	ctx := context.Background()
	emu := emulator.NewTestServer(t, emulator.Options{})
	api, err := client.New(client.Config{BaseURL: emu.APIBaseURL(), APIToken: emu.WriteToken, RateLimitDisabled: true})
	if err != nil {
		t.Fatal(err)
	}
	p := newProvider("test", "test", time.Now)
	r := newSAMLLoginMethodResource(p).(*samlLoginMethodResource)
	r.data = newProviderData(api, emu.AccountID, 30*24*time.Hour, true)
	reads := new(atomic.Int64)
	c := &resourceCalls{t: t, ctx: context.WithValue(ctx, certificateReadsKey{}, reads), certificateReads: reads, p: p, r: r}
	r.Schema(ctx, resource.SchemaRequest{}, &c.schema)
	c.objType = c.schema.Schema.Type().TerraformType(ctx)
	return c
}

func (c *resourceCalls) raw(m samlLoginMethodModel) tftypes.Value {
	c.t.Helper()
	plan := tfsdk.Plan{Schema: c.schema.Schema, Raw: tftypes.NewValue(c.objType, nil)}
	if diags := plan.Set(c.ctx, &m); diags.HasError() {
		c.t.Fatalf("building a value: %v", diags)
	}
	return plan.Raw
}

func (c *resourceCalls) model(raw tftypes.Value) samlLoginMethodModel {
	c.t.Helper()
	var m samlLoginMethodModel
	if diags := (tfsdk.State{Schema: c.schema.Schema, Raw: raw}).Get(c.ctx, &m); diags.HasError() {
		c.t.Fatalf("reading a value: %v", diags)
	}
	return m
}

func (c *resourceCalls) noErrors(what string, diags diag.Diagnostics) {
	c.t.Helper()
	if diags.HasError() {
		c.t.Fatalf("%s: %v", what, diags.Errors())
	}
}

func (c *resourceCalls) validate(config samlLoginMethodModel) {
	c.t.Helper()
	var resp resource.ValidateConfigResponse
	c.r.ValidateConfig(c.ctx, resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: c.schema.Schema, Raw: c.raw(config)}}, &resp)
	c.noErrors("ValidateConfig", resp.Diagnostics)
}

// plan runs ModifyPlan on proposed, the framework's proposed new state, with state the prior state or nil.
func (c *resourceCalls) plan(config, proposed samlLoginMethodModel, state *samlLoginMethodModel) samlLoginMethodModel {
	c.t.Helper()
	stateRaw := tftypes.NewValue(c.objType, nil)
	if state != nil {
		stateRaw = c.raw(*state)
	}
	plan := tfsdk.Plan{Schema: c.schema.Schema, Raw: c.raw(proposed)}
	resp := resource.ModifyPlanResponse{Plan: plan}
	c.r.ModifyPlan(c.ctx, resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: c.schema.Schema, Raw: c.raw(config)}, Plan: plan, State: tfsdk.State{Schema: c.schema.Schema, Raw: stateRaw},
	}, &resp)
	c.noErrors("ModifyPlan", resp.Diagnostics)
	return c.model(resp.Plan.Raw)
}

func (c *resourceCalls) create(plan samlLoginMethodModel) samlLoginMethodModel {
	c.t.Helper()
	resp := resource.CreateResponse{State: tfsdk.State{Schema: c.schema.Schema, Raw: tftypes.NewValue(c.objType, nil)}}
	c.r.Create(c.ctx, resource.CreateRequest{Plan: tfsdk.Plan{Schema: c.schema.Schema, Raw: c.raw(plan)}}, &resp)
	c.noErrors("Create", resp.Diagnostics)
	return c.model(resp.State.Raw)
}

func (c *resourceCalls) read(state samlLoginMethodModel) samlLoginMethodModel {
	c.t.Helper()
	raw := c.raw(state)
	resp := resource.ReadResponse{State: tfsdk.State{Schema: c.schema.Schema, Raw: raw}}
	c.r.Read(c.ctx, resource.ReadRequest{State: tfsdk.State{Schema: c.schema.Schema, Raw: raw}}, &resp)
	c.noErrors("Read", resp.Diagnostics)
	return c.model(resp.State.Raw)
}

// parses runs op and returns how many documents the provider's memo parsed and how many certificates
// the provider read from text meanwhile.
func (c *resourceCalls) parses(op func()) (documents, certificates int64) {
	docs, certs := c.p.metadata.Parses(), c.certificateReads.Load()
	op()
	return c.p.metadata.Parses() - docs, c.certificateReads.Load() - certs
}

// configOf is the configuration of a planned login method: what is not configured is null.
func configOf(plan samlLoginMethodModel) samlLoginMethodModel {
	c := plan
	c.ID, c.AccountID, c.RedirectURL = types.StringNull(), types.StringNull(), types.StringNull()
	c.IssuerURL, c.SSOTargetURL, c.IDPPublicCert = types.StringNull(), types.StringNull(), certBundleNull()
	c.AllowHTTP, c.SignRequest = types.BoolNull(), types.BoolNull()
	c.Certificates = types.ListNull(types.ObjectType{AttrTypes: certificateAttrTypes})
	return c
}

// proposedUpdate is the plan Terraform proposes for config when state exists: the configuration, with
// the computed values the resource recomputes unknown and the others from state.
func proposedUpdate(config, state samlLoginMethodModel) samlLoginMethodModel {
	p := config
	p.AllowHTTP, p.SignRequest = state.AllowHTTP, state.SignRequest
	p.ID, p.AccountID, p.RedirectURL = state.ID, state.AccountID, state.RedirectURL
	p.IssuerURL, p.SSOTargetURL, p.IDPPublicCert = types.StringUnknown(), types.StringUnknown(), certBundleUnknown()
	p.Certificates = types.ListUnknown(types.ObjectType{AttrTypes: certificateAttrTypes})
	return p
}

// Each metadata document is parsed once per provider process, however often it is validated and
// planned, and each certificate text is read at most once per operation: certificates travel parsed.
func TestSAMLLoginMethod_parsesEachDocumentOnceAndEachCertificateOncePerOperation(t *testing.T) {
	t.Parallel()
	c := newResourceCalls(t)
	a, b, next := validCert(t), validCert(t), validCert(t)
	md := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", a, b)
	config := configOf(newModel(md))
	proposed := newModel(md)

	type step struct {
		name                 string
		op                   func()
		documents, certsRead int64
	}
	var planned, state, refreshed samlLoginMethodModel
	check := func(s step) {
		t.Helper()
		docs, certs := c.parses(s.op)
		if docs != s.documents || certs != s.certsRead {
			t.Errorf("%s: %d documents parsed and %d certificates read, want %d and %d", s.name, docs, certs, s.documents, s.certsRead)
		}
	}
	rollover := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", a, b, next)
	rolled := config
	rolled.MetadataXML = types.StringValue(rollover)
	for _, s := range []step{
		// A new login method: the document is parsed when it is validated, and planning it reuses that.
		{"validate", func() { c.validate(config) }, 1, 0},
		{"plan a new login method", func() { planned = c.plan(config, proposed, nil) }, 0, 0},
		{"validate again", func() { c.validate(config) }, 0, 0},
		// The apply reads the planned certificates once and recognises the API's echo of them.
		{"create", func() { state = c.create(planned) }, 0, 2},
		// A refresh of an unchanged login method reads nothing: the API holds the state's very text.
		{"refresh", func() { refreshed = c.read(state) }, 0, 0},
		{"plan without a change", func() { c.plan(config, proposedUpdate(config, refreshed), &refreshed) }, 0, 0},
		// New metadata (a rollover): one new document; the prior certificates are read once to compare.
		{"plan a rollover", func() { planned = c.plan(rolled, proposedUpdate(rolled, refreshed), &refreshed) }, 1, 2},
	} {
		check(s)
	}
	if got := planned.IDPPublicCert.ValueString(); got != a.PEM+b.PEM+next.PEM {
		t.Errorf("rollover planned idp_public_cert %q", got)
	}
	if n := len(planned.Certificates.Elements()); n != 3 {
		t.Errorf("rollover planned %d certificates, want 3", n)
	}
	if refreshed.IDPPublicCert.ValueString() != a.PEM+b.PEM || len(refreshed.Certificates.Elements()) != 2 {
		t.Errorf("refresh gave idp_public_cert %q with %d certificates", refreshed.IDPPublicCert.ValueString(), len(refreshed.Certificates.Elements()))
	}
}
