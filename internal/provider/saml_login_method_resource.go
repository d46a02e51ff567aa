package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

var (
	_ resource.ResourceWithConfigure      = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithImportState    = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithIdentity       = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithValidateConfig = (*samlLoginMethodResource)(nil)
)

// samlLoginMethodResource is zerotrust_saml_login_method.
type samlLoginMethodResource struct {
	data *providerData
	// now, metadata and fetches are the provider's clock, metadata memo and fetch memo; validation runs
	// before the provider is configured, so they are set here.
	now      func() time.Time
	metadata *samlmetadata.Memo
	fetches  *fetch.Memo
}

const samlLoginMethodType = "zerotrust_saml_login_method"

func (r *samlLoginMethodResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_saml_login_method"
}

func (r *samlLoginMethodResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = loginMethodIdentitySchema("login method")
}

func (r *samlLoginMethodResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *samlLoginMethodResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan samlLoginMethodModel
	resp.Diagnostics.Append(workaround.GetPlan(ctx, req.Plan, &plan)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Create Login Method", plan.AccountID, plan.ZoneID)
	if !ok {
		return
	}
	certs, err := parseCertificates(ctx, plan.IDPPublicCert.ValueString())
	if err != nil {
		invalidCertificate(&resp.Diagnostics, path.Root("idp_public_cert"), err)
		return
	}
	want := client.IdentityProvider{Name: plan.Name.ValueString(), Type: loginmethod.TypeSAML}
	resp.Diagnostics.Append(plan.applyTo(ctx, &want.Config, certs)...)
	if resp.Diagnostics.HasError() {
		return
	}

	created, err := r.data.store.Create(ctx, scope, want)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create Login Method",
			fmt.Sprintf("Creating SAML login method %q in %s failed: %s", want.Name, scope, err))
		return
	}
	tflog.Info(ctx, "created SAML login method", map[string]any{"id": created.ID, "scope": scope.String()})
	r.data.known.Remember(scope, created)
	plan.ID = types.StringValue(created.ID)
	plan.AccountID, plan.ZoneID = scopeAttributes(scope)
	resp.Diagnostics.Append(plan.readFrom(ctx, created, certs)...)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, plan)...)
	setIdentity(ctx, resp.Identity, scope, created.ID, &resp.Diagnostics)
}

func (r *samlLoginMethodResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state samlLoginMethodModel
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &state)...)
	ctx, scope, ok := r.data.beginRead(ctx, &resp.Diagnostics, "Read Login Method", state.AccountID, state.ZoneID)
	if !ok {
		keepIdentity(ctx, resp.Identity, state.AccountID, state.ZoneID, state.ID, &resp.Diagnostics)
		return
	}
	idp, err := r.data.getLoginMethod(ctx, scope, state.ID.ValueString())
	if loginmethod.IsGone(err) {
		tflog.Warn(ctx, "login method is gone; removing it from state so the next apply recreates it", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		setIdentity(ctx, resp.Identity, scope, state.ID.ValueString(), &resp.Diagnostics)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Login Method",
			fmt.Sprintf("Reading login method %s in %s failed: %s", state.ID.ValueString(), scope, err))
		return
	}
	if !checkManageable(loginmethod.KindSAMLLoginMethod, idp, &resp.Diagnostics, samlLoginMethodType, path.Empty()) {
		return
	}
	state.AccountID, state.ZoneID = scopeAttributes(scope)
	resp.Diagnostics.Append(state.readFrom(ctx, idp, nil)...)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, state)...)
	setIdentity(ctx, resp.Identity, scope, idp.ID, &resp.Diagnostics)
}

func (r *samlLoginMethodResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan samlLoginMethodModel
	resp.Diagnostics.Append(workaround.GetPlan(ctx, req.Plan, &plan)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Update Login Method", plan.AccountID, plan.ZoneID)
	if !ok {
		return
	}
	certs, err := parseCertificates(ctx, plan.IDPPublicCert.ValueString())
	if err != nil {
		invalidCertificate(&resp.Diagnostics, path.Root("idp_public_cert"), err)
		return
	}
	id := plan.ID.ValueString()
	updated, err := r.data.store.Modify(ctx, scope, id, func(idp *client.IdentityProvider) error {
		if !checkManageable(loginmethod.KindSAMLLoginMethod, idp, &resp.Diagnostics, samlLoginMethodType, path.Empty()) {
			return errReported
		}
		idp.Name = plan.Name.ValueString()
		if diags := plan.applyTo(ctx, &idp.Config, certs); diags.HasError() {
			resp.Diagnostics.Append(diags...)
			return errReported
		}
		return nil
	})
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Update Login Method",
			fmt.Sprintf("Updating login method %s in %s failed: %s", id, scope, err))
		return
	}
	resp.Diagnostics.Append(plan.readFrom(ctx, updated, certs)...)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, plan)...)
	setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
}

func (r *samlLoginMethodResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state samlLoginMethodModel
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &state)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Delete Login Method", state.AccountID, state.ZoneID)
	if !ok {
		return
	}
	id := state.ID.ValueString()
	if err := r.data.store.Delete(ctx, scope, id); err != nil {
		resp.Diagnostics.AddError("Unable to Delete Login Method",
			fmt.Sprintf("Deleting login method %s in %s failed: %s", id, scope, err))
	}
}

func (r *samlLoginMethodResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	scope, id, err := importTarget(ctx, req, r.data)
	if err != nil {
		addImportError(&resp.Diagnostics, err)
		return
	}
	accountID, zoneID := scopeAttributes(scope)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), accountID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), zoneID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("allow_http"), false)...)
	setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
}
