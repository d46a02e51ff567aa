package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

var (
	_ resource.ResourceWithConfigure      = (*scimConfigResource)(nil)
	_ resource.ResourceWithImportState    = (*scimConfigResource)(nil)
	_ resource.ResourceWithIdentity       = (*scimConfigResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*scimConfigResource)(nil)
	_ resource.ResourceWithValidateConfig = (*scimConfigResource)(nil)
)

type scimConfigResource struct{ data *providerData }

const scimConfigType = "zerotrust_scim_config"

// NewSCIMConfigResource is zerotrust_scim_config.
func NewSCIMConfigResource() resource.Resource { return &scimConfigResource{} }

func (r *scimConfigResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_config"
}

func (r *scimConfigResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = loginMethodIdentitySchema("login method whose SCIM settings these are")
}

func (r *scimConfigResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// warnNoSecret explains why secret is null and how to get one. It never rotates on its own: an IdP may be
// using the current secret.
func warnNoSecret(diags *diag.Diagnostics, id, why string) {
	diags.AddAttributeWarning(path.Root("secret"), "SCIM Secret Not Available",
		fmt.Sprintf("The SCIM secret of login method %s is not available in plaintext: %s. Cloudflare shows it only once, "+
			"so secret stays null. The current secret keeps working for an IdP that already has it. To get a new one, set "+
			"or change secret_version on this resource and apply; the old secret then stops working.", id, why))
}

func (r *scimConfigResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan scimConfigModel
	resp.Diagnostics.Append(workaround.GetPlan(ctx, req.Plan, &plan)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Enable SCIM", plan.AccountID, plan.ZoneID)
	if !ok {
		return
	}
	id := plan.LoginMethodID.ValueString()
	updated, wasEnabled, ok := r.apply(ctx, scope, id, plan, &resp.Diagnostics, "Enable SCIM")
	if !ok {
		return
	}
	tflog.Info(ctx, "configured SCIM of a login method", map[string]any{"id": id, "scope": scope.String(), "enabled": plan.Enabled.ValueBool()})
	plan.AccountID, plan.ZoneID = scopeAttributes(scope)
	plan.readFrom(updated)
	plan.Secret = types.StringNull()
	switch {
	case updated.SCIMConfig != nil && updated.SCIMConfig.SecretAvailable():
		plan.Secret = types.StringValue(updated.SCIMConfig.Secret)
	case !plan.Enabled.ValueBool():
		// SCIM stays off: there is no secret to hand out yet; enabling it later captures one.
	case wasEnabled:
		warnNoSecret(&resp.Diagnostics, id, "SCIM was already enabled before this resource managed it")
	default:
		warnNoSecret(&resp.Diagnostics, id, "the API's answer to the request that enabled SCIM was lost and the request "+
			"was repeated, or SCIM had been enabled before, so the API returned the secret redacted")
	}
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, plan)...)
	setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
}

func (r *scimConfigResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state scimConfigModel
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &state)...)
	ctx, scope, ok := r.data.beginRead(ctx, &resp.Diagnostics, "Read SCIM Config", state.AccountID, state.ZoneID)
	if !ok {
		keepIdentity(ctx, resp.Identity, state.AccountID, state.ZoneID, state.ID, &resp.Diagnostics)
		return
	}
	id := state.LoginMethodID.ValueString()
	if id == "" {
		id = state.ID.ValueString()
	}
	idp, err := r.data.getLoginMethod(ctx, scope, id)
	if loginmethod.IsGone(err) {
		tflog.Warn(ctx, "the login method of the SCIM config is gone; removing the SCIM config from state", map[string]any{"id": id})
		resp.State.RemoveResource(ctx)
		setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read SCIM Config",
			fmt.Sprintf("Reading login method %s in %s failed: %s", id, scope, err))
		return
	}
	state.AccountID, state.ZoneID = scopeAttributes(scope)
	state.readFrom(idp)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, state)...)
	setIdentity(ctx, resp.Identity, scope, idp.ID, &resp.Diagnostics)
}

func (r *scimConfigResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state scimConfigModel
	resp.Diagnostics.Append(workaround.GetPlan(ctx, req.Plan, &plan)...)
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &state)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Update SCIM Config", plan.AccountID, plan.ZoneID)
	if !ok {
		return
	}
	id := plan.LoginMethodID.ValueString()
	updated, _, ok := r.apply(ctx, scope, id, plan, &resp.Diagnostics, "Update SCIM Config")
	if !ok {
		return
	}
	firstEnabled := state.SCIMBaseURL.IsNull() && everEnabled(updated)
	plan.readFrom(updated)
	plan.Secret = state.Secret
	switch {
	case updated.SCIMConfig != nil && updated.SCIMConfig.SecretAvailable():
		plan.Secret = types.StringValue(updated.SCIMConfig.Secret)
	case secretVersionChanged(state.SecretVersion, plan.SecretVersion) && everEnabled(updated):
		secret, err := r.rotate(ctx, scope, id)
		if err != nil {
			// Keep the old secret_version in state, so the next apply asks for a new secret again.
			plan.SecretVersion = state.SecretVersion
			resp.Diagnostics.AddAttributeError(path.Root("secret_version"), "Unable to Regenerate SCIM Secret",
				fmt.Sprintf("The SCIM settings of login method %s were applied, but regenerating its secret failed: %s. "+
					"Apply again to regenerate it.", id, err))
			resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, plan)...)
			setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
			return
		}
		plan.Secret = types.StringValue(secret)
	case firstEnabled:
		warnNoSecret(&resp.Diagnostics, id, "the API's answer to the request that enabled SCIM was lost and the request "+
			"was repeated, so the API returned the secret redacted")
	case plan.Secret.IsNull() && plan.Enabled.ValueBool():
		warnNoSecret(&resp.Diagnostics, id, "none was captured (the SCIM config was imported, or SCIM had been enabled "+
			"before this resource managed it)")
	}
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, plan)...)
	setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
}

// apply writes the planned SCIM settings into the login method through its read-modify-write cycle. It
// reports whether SCIM was on before, and ok is false once an error has been added.
func (r *scimConfigResource) apply(ctx context.Context, scope client.Scope, id string, plan scimConfigModel, diags *diag.Diagnostics, action string) (updated *client.IdentityProvider, wasEnabled, ok bool) {
	updated, err := r.data.store.Modify(ctx, scope, id, func(idp *client.IdentityProvider) error {
		if !checkManageable(loginmethod.KindSCIMConfig, idp, diags, scimConfigType, path.Root("login_method_id")) {
			return errReported
		}
		wasEnabled = idp.SCIMConfig != nil && idp.SCIMConfig.Enabled
		plan.applyTo(idp)
		return nil
	})
	if diags.HasError() {
		return nil, false, false
	}
	if err != nil {
		diags.AddError("Unable to "+action,
			fmt.Sprintf("Configuring SCIM of login method %s in %s failed: %s", id, scope, err))
		return nil, false, false
	}
	return updated, wasEnabled, true
}

// rotate regenerates the SCIM secret and returns the new one.
func (r *scimConfigResource) rotate(ctx context.Context, scope client.Scope, id string) (string, error) {
	refreshed, err := r.data.store.RefreshSCIMSecret(ctx, scope, id)
	if err != nil {
		return "", err
	}
	if refreshed.SCIMConfig == nil || !refreshed.SCIMConfig.SecretAvailable() {
		return "", errors.New("the API's answer carried no plaintext secret")
	}
	tflog.Info(ctx, "regenerated the SCIM secret", map[string]any{"id": id})
	return refreshed.SCIMConfig.Secret, nil
}

// secretVersionChanged reports whether secret_version asks for a new secret: it was set or changed.
// Removing it keeps the secret.
func secretVersionChanged(prior, planned types.Int64) bool {
	return !planned.IsNull() && !planned.Equal(prior)
}

func (r *scimConfigResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state scimConfigModel
	resp.Diagnostics.Append(workaround.GetState(ctx, req.State, &state)...)
	ctx, scope, ok := r.data.begin(ctx, &resp.Diagnostics, "Disable SCIM", state.AccountID, state.ZoneID)
	if !ok {
		return
	}
	id := state.LoginMethodID.ValueString()
	_, err := r.data.store.Modify(ctx, scope, id, func(idp *client.IdentityProvider) error {
		if idp.SCIMConfig == nil {
			idp.SCIMConfig = &client.SCIMConfig{}
		}
		idp.SCIMConfig.Enabled = false
		return nil
	})
	if err != nil && !loginmethod.IsGone(err) {
		resp.Diagnostics.AddError("Unable to Disable SCIM",
			fmt.Sprintf("Switching SCIM off for login method %s in %s failed: %s", id, scope, err))
	}
}

// ImportState refuses a login method of a type Cloudflare has no SCIM for, or one that is read-only,
// before anything is in state, and warns that the secret is not imported when there is one (SCIM was
// ever on).
func (r *scimConfigResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	scope, id, err := importTarget(ctx, req, r.data)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Import SCIM Config", err.Error())
		return
	}
	// The import reads the login method: the provider is configured by now, unless its configuration is
	// known only at apply, and then the refresh and the apply check it.
	var idp *client.IdentityProvider
	if r.data != nil && r.data.client != nil {
		if idp, err = r.data.getLoginMethod(r.data.logContext(ctx), scope, id); err != nil {
			tflog.Debug(ctx, "the login method cannot be read at import; the refresh reads it", map[string]any{"id": id, "error": err.Error()})
			idp = nil
		} else if !checkManageable(loginmethod.KindSCIMConfig, idp, &resp.Diagnostics, scimConfigType, path.Empty()) {
			return
		}
	}
	accountID, zoneID := scopeAttributes(scope)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("login_method_id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("account_id"), accountID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("zone_id"), zoneID)...)
	setIdentity(ctx, resp.Identity, scope, id, &resp.Diagnostics)
	if idp != nil && everEnabled(idp) {
		resp.Diagnostics.AddAttributeWarning(path.Root("secret"), "SCIM Secret Not Imported",
			"Cloudflare shows a SCIM secret in plaintext only once, so import cannot recover it: secret stays null. "+
				"The IdP keeps using the secret it has. To get a new one, set or change secret_version and apply; the old "+
				"secret then stops working.")
	}
}
