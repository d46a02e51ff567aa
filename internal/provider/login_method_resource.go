package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

// What the login-method resources (zerotrust_saml_login_method, zerotrust_oidc_login_method) share, once:
// the scope and identity, create, refresh, update, delete and import through the store, the refusal of
// login methods of another type or read-only, and the list resource of `terraform query`. Each resource
// adds its schema, its model's mapping to the API's config (a loginMethodSpec) and its plan.

// loginMethodModel is what the shared code needs of a resource's model: its scope, ID and name.
type loginMethodModel interface {
	keys() loginMethodKeys
}

// loginMethodKeys points at the attributes every login-method model has.
type loginMethodKeys struct {
	ID, AccountID, ZoneID, Name *types.String
}

// modelPointer is a pointer to a model M that is a loginMethodModel, so the shared code can work on M
// values and reach their keys.
type modelPointer[M any] interface {
	*M
	loginMethodModel
}

// loginMethodSpec is what one login-method resource adds to the shared code. M is its model.
type loginMethodSpec[M any] struct {
	// kind decides which login methods the resource may manage (loginmethod's table).
	kind loginmethod.Kind
	// apiType is the type the resource creates, as the API names it.
	apiType string
	// suffix is the resource's type name after the provider's ("_saml_login_method").
	suffix string
	// listDescription describes the list resource.
	listDescription string
	// write prepares a create (prior is nil) or an update (prior is the state) of plan: it reads what the
	// write and the read-back need once, and adds an error on the attribute at fault when it cannot.
	// config is the configuration, which alone holds write-only values.
	write func(ctx context.Context, plan, prior *M, config tfsdk.Config, diags *diag.Diagnostics) loginMethodWrite[M]
	// read sets m from the API's login method on a refresh, after an import and in a listing; it keeps
	// what the API does not return (inputs such as metadata, a secret) as m holds them.
	read func(ctx context.Context, m *M, idp *client.IdentityProvider) diag.Diagnostics
	// imported sets, on import, the attributes with a default that a read does not set.
	imported func(ctx context.Context, state *tfsdk.State) diag.Diagnostics
}

// loginMethodWrite is one prepared write.
type loginMethodWrite[M any] struct {
	// apply writes the settings the resource owns into the API's config, leaving every other key as it is.
	apply func(ctx context.Context, cfg *client.IdentityProviderConfig) diag.Diagnostics
	// readBack sets the model from the API's answer to the write.
	readBack func(ctx context.Context, m *M, idp *client.IdentityProvider) diag.Diagnostics
}

func (s *loginMethodSpec[M]) resourceType() string { return TypeName + s.suffix }

// noun names the login methods of the resource in messages ("SAML login method").
func (s *loginMethodSpec[M]) noun() string { return string(s.kind) }

// loginMethodResource is the shared part of a login-method resource: everything but its schema and plan.
type loginMethodResource[M any, P modelPointer[M]] struct {
	data *providerData
	spec *loginMethodSpec[M]
}

func (r *loginMethodResource[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.spec.suffix
}

func (r *loginMethodResource[M, P]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = loginMethodIdentitySchema("login method")
}

func (r *loginMethodResource[M, P]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *loginMethodResource[M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	k := P(&plan).keys()
	resp.Diagnostics.Append(workaround.GetPlan(ctx, req.Plan, &plan)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Create Login Method", *k.AccountID, *k.ZoneID)
	if !ok {
		return
	}
	w := r.spec.write(ctx, &plan, nil, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	want := client.IdentityProvider{Name: k.Name.ValueString(), Type: r.spec.apiType}
	if resp.Diagnostics.Append(w.apply(ctx, &want.Config)...); resp.Diagnostics.HasError() {
		return
	}
	created, err := r.data.store.Create(ctx, scope, want)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Login Method",
			fmt.Sprintf("Creating %s %q in %s failed: %s", r.spec.noun(), want.Name, scope, err))
		return
	}
	tflog.Info(ctx, "created "+r.spec.noun(), map[string]any{"id": created.ID, "scope": scope.String()})
	r.data.known.Remember(scope, created)
	*k.ID = types.StringValue(created.ID)
	*k.AccountID, *k.ZoneID = scopeAttributes(scope)
	resp.Diagnostics.Append(w.readBack(ctx, &plan, created)...)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, plan)...)
	setIdentity(ctx, resp.Identity, scope, created.ID, &resp.Diagnostics)
}

func (r *loginMethodResource[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	k := P(&state).keys()
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &state)...)
	ctx, scope, ok := r.data.beginRead(ctx, &resp.Diagnostics, "Read Login Method", *k.AccountID, *k.ZoneID)
	if !ok {
		keepIdentity(ctx, resp.Identity, *k.AccountID, *k.ZoneID, *k.ID, &resp.Diagnostics)
		return
	}
	id := k.ID.ValueString()
	idp, err := r.data.getLoginMethod(ctx, scope, id)
	if loginmethod.IsGone(err) {
		tflog.Warn(ctx, "login method is gone; removing it from state so the next apply recreates it", map[string]any{"id": id})
		resp.State.RemoveResource(ctx)
		setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Login Method", fmt.Sprintf("Reading login method %s in %s failed: %s", id, scope, err))
		return
	}
	if !checkManageable(r.spec.kind, idp, &resp.Diagnostics, r.spec.resourceType(), path.Empty()) {
		return
	}
	*k.AccountID, *k.ZoneID = scopeAttributes(scope)
	resp.Diagnostics.Append(r.spec.read(ctx, &state, idp)...)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, state)...)
	setIdentity(ctx, resp.Identity, scope, idp.ID, &resp.Diagnostics)
}

func (r *loginMethodResource[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior M
	k := P(&plan).keys()
	resp.Diagnostics.Append(workaround.GetPlan(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &prior)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Update Login Method", *k.AccountID, *k.ZoneID)
	if !ok {
		return
	}
	w := r.spec.write(ctx, &plan, &prior, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	id := k.ID.ValueString()
	updated, err := r.data.store.Modify(ctx, scope, id, func(idp *client.IdentityProvider) error {
		if !checkManageable(r.spec.kind, idp, &resp.Diagnostics, r.spec.resourceType(), path.Empty()) {
			return errReported
		}
		idp.Name = k.Name.ValueString()
		if diags := w.apply(ctx, &idp.Config); diags.HasError() {
			resp.Diagnostics.Append(diags...)
			return errReported
		}
		return nil
	})
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Update Login Method", fmt.Sprintf("Updating login method %s in %s failed: %s", id, scope, err))
		return
	}
	resp.Diagnostics.Append(w.readBack(ctx, &plan, updated)...)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, plan)...)
	setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
}

func (r *loginMethodResource[M, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	k := P(&state).keys()
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &state)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Delete Login Method", *k.AccountID, *k.ZoneID)
	if !ok {
		return
	}
	id := k.ID.ValueString()
	if err := r.data.store.Delete(ctx, scope, id); err != nil {
		resp.Diagnostics.AddError("Unable to Delete Login Method", fmt.Sprintf("Deleting login method %s in %s failed: %s", id, scope, err))
	}
}

// ImportState sets the scope and ID, from an import ID or an identity; the read that follows fills in
// the rest, and refuses a login method of another type or a read-only one.
func (r *loginMethodResource[M, P]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	scope, id, err := importTarget(ctx, req, r.data)
	if err != nil {
		addImportError(&resp.Diagnostics, err)
		return
	}
	accountID, zoneID := scopeAttributes(scope)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), accountID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), zoneID)...)
	if r.spec.imported != nil {
		resp.Diagnostics.Append(r.spec.imported(ctx, &resp.State)...)
	}
	setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
}

// importAllowHTTPDefault sets allow_http to its default on import: a read never sets it.
func importAllowHTTPDefault(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	return state.SetAttribute(ctx, path.Root("allow_http"), false)
}

// modelInputs reads the plan, the configuration and, unless the resource is being created, the prior
// state of a ModifyPlan; state is nil on a create. ok is false on a destroy and after an error.
func modelInputs[M any](ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) (plan, cfg M, state *M, ok bool) {
	if req.Plan.Raw.IsNull() {
		return plan, cfg, nil, false // destroy
	}
	diags.Append(workaround.GetPlan(ctx, req.Plan, &plan)...)
	diags.Append(workaround.GetConfig(ctx, req.Config, &cfg)...)
	if !req.State.Raw.IsNull() {
		state = new(M)
		diags.Append(workaround.GetState(ctx, req.State, state)...)
	}
	return plan, cfg, state, !diags.HasError()
}

// planAccount fills in the default account of a login method, and replaces it when that moves it.
func planAccount[M any, P modelPointer[M]](d *providerData, plan, cfg, state *M, resp *resource.ModifyPlanResponse) {
	pk, ck := P(plan).keys(), P(cfg).keys()
	var stateAccount *types.String
	if state != nil {
		stateAccount = P(state).keys().AccountID
	}
	planDefaultAccount(d, *ck.AccountID, *ck.ZoneID, pk.AccountID, stateAccount, "login method", resp)
}

// loginMethodListResource is the list resource of a login-method resource: the same type name, listing
// the login methods the resource may manage, each with what a read after importing it yields.
type loginMethodListResource[M any, P modelPointer[M]] struct {
	loginMethodList
	spec *loginMethodSpec[M]
}

func (l *loginMethodListResource[M, P]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + l.spec.suffix
}

func (l *loginMethodListResource[M, P]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = loginMethodListSchema(l.spec.listDescription)
}

func (l *loginMethodListResource[M, P]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	l.list(ctx, req, stream, listing{resourceType: l.spec.resourceType(), kind: l.spec.kind, result: l.result})
}

// result sets the login method a read after importing it yields.
func (l *loginMethodListResource[M, P]) result(ctx context.Context, scope client.Scope, idp *client.IdentityProvider, r *list.ListResult) {
	var m M
	k := P(&m).keys()
	*k.AccountID, *k.ZoneID = scopeAttributes(scope)
	r.Diagnostics.Append(l.spec.read(ctx, &m, idp)...)
	r.Diagnostics.Append(workaround.SetResource(ctx, r.Resource, m)...)
}
