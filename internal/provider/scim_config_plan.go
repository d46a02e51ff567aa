package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

// ValidateConfig refuses seat_deprovision without user_deprovision, which the API would refuse at apply.
func (r *scimConfigResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg scimConfigModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if isSet(cfg.SeatDeprovision) && cfg.SeatDeprovision.ValueBool() && !cfg.UserDeprovision.IsUnknown() && !cfg.UserDeprovision.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("seat_deprovision"), "Seat Deprovisioning Needs User Deprovisioning",
			"seat_deprovision = true removes the Zero Trust seat of a user the IdP deprovisions, which Cloudflare only does "+
				"when user deprovisioning is on. Set user_deprovision = true as well, or remove seat_deprovision.")
	}
}

// ModifyPlan fills in the default account, says which computed values change (the secret is unknown
// when secret_version asks for a new one or SCIM is enabled for the first time, and otherwise stays what
// state holds; the endpoint is unknown until SCIM was first enabled), and refuses a login method this
// resource cannot manage when the plan would write to it and its ID is known now.
func (r *scimConfigResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, cfg, state, ok := modelInputs[scimConfigModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return // destroy, or the plan could not be read
	}

	var stateAccount *types.String
	if state != nil {
		stateAccount = &state.AccountID
	}
	planDefaultAccount(r.data, cfg.AccountID, cfg.ZoneID, &plan.AccountID, stateAccount, "login method", resp)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID = plan.LoginMethodID

	if state == nil || !state.LoginMethodID.Equal(plan.LoginMethodID) || !state.AccountID.Equal(plan.AccountID) || !state.ZoneID.Equal(plan.ZoneID) {
		// A new resource, or one moving to another login method, learns both from the API.
		plan.SCIMBaseURL, plan.Secret = types.StringUnknown(), types.StringUnknown()
	} else {
		enabling := plan.Enabled.IsUnknown() || plan.Enabled.ValueBool()
		firstEnable := state.SCIMBaseURL.IsNull() && enabling
		plan.SCIMBaseURL, plan.Secret = state.SCIMBaseURL, state.Secret
		if firstEnable {
			plan.SCIMBaseURL = types.StringUnknown()
		}
		if firstEnable || plan.SecretVersion.IsUnknown() || secretVersionChanged(state.SecretVersion, plan.SecretVersion) {
			plan.Secret = types.StringUnknown()
		}
	}
	resp.Diagnostics.Append(workaround.SetPlan(ctx, &resp.Plan, plan)...)
	if resp.Diagnostics.HasError() || resp.Plan.Raw.Equal(req.State.Raw) {
		return // the apply writes nothing
	}
	r.refuseAtPlan(ctx, plan, &resp.Diagnostics)
}

// refuseAtPlan refuses, on login_method_id, a login method this resource cannot manage (another type,
// read-only) when its ID, its scope and the provider configuration are known at plan, so that no apply
// starts that would fail; otherwise the apply checks. The type comes from what this process has seen
// (loginmethod.KnownTypes), else from the scope's list that refreshes read: a plan of many SCIM configs
// costs at most one list request per scope, and the plan an apply makes again once the ID is known costs
// none for a login method this process created or read.
func (r *scimConfigResource) refuseAtPlan(ctx context.Context, plan scimConfigModel, diags *diag.Diagnostics) {
	if !isSet(plan.LoginMethodID) || plan.AccountID.IsUnknown() || plan.ZoneID.IsUnknown() || r.data == nil || r.data.client == nil {
		return
	}
	scope, err := scopeFrom(plan.AccountID, plan.ZoneID, r.data)
	if err != nil {
		return // the scope's own checks report it
	}
	ctx = r.data.logContext(ctx)
	id := plan.LoginMethodID.ValueString()
	idp, found, err := r.data.known.Lookup(ctx, r.data.store, scope, id)
	if err != nil || !found {
		tflog.Debug(ctx, "the login method of the SCIM config cannot be read at plan; the apply checks it",
			map[string]any{"id": id, "scope": scope.String(), "found": found, "error": fmt.Sprint(err)})
		return
	}
	checkManageable(loginmethod.KindSCIMConfig, idp, diags, scimConfigType, path.Root("login_method_id"))
}
