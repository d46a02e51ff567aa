package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// scopeFrom turns the account_id/zone_id pair of a resource into an API scope. An empty account_id
// falls back to the provider's. Exactly one of the two must end up set.
func scopeFrom(accountID, zoneID types.String, d *providerData) (client.Scope, error) {
	switch {
	case isSet(zoneID) && zoneID.ValueString() != "":
		if isSet(accountID) && accountID.ValueString() != "" {
			return client.Scope{}, fmt.Errorf("set account_id or zone_id, not both")
		}
		return client.ZoneScope(zoneID.ValueString()), nil
	case isSet(accountID) && accountID.ValueString() != "":
		return client.AccountScope(accountID.ValueString()), nil
	case d != nil && d.accountID != "":
		return client.AccountScope(d.accountID), nil
	default:
		return client.Scope{}, fmt.Errorf("no account or zone to manage it in: set account_id (or zone_id) on the "+
			"resource, or account_id in the provider block (or the %s environment variable)", envAccountID)
	}
}

// scopeAttributes returns the values of account_id and zone_id that describe scope in state.
func scopeAttributes(s client.Scope) (accountID, zoneID types.String) {
	if s.Kind == client.ScopeZone {
		return types.StringNull(), types.StringValue(s.ID)
	}
	return types.StringValue(s.ID), types.StringNull()
}

// parseImportID accepts the login method ID forms users meet: the official Cloudflare provider's
// accounts/<account_id>/<id> and zones/<zone_id>/<id>, the short <account_id>/<id>, and a bare <id>
// in the provider's default account.
func parseImportID(raw string, d *providerData) (client.Scope, string, error) {
	parts := strings.Split(strings.TrimSpace(raw), "/")
	for _, p := range parts {
		if p == "" {
			return client.Scope{}, "", importIDError(raw)
		}
	}
	switch len(parts) {
	case 3:
		switch parts[0] {
		case "accounts":
			return client.AccountScope(parts[1]), parts[2], nil
		case "zones":
			return client.ZoneScope(parts[1]), parts[2], nil
		}
	case 2:
		return client.AccountScope(parts[0]), parts[1], nil
	case 1:
		if d == nil || d.accountID == "" {
			return client.Scope{}, "", fmt.Errorf("import ID %q has no account, and the provider has no account_id: "+
				"use accounts/<account_id>/%s or zones/<zone_id>/%s", raw, raw, raw)
		}
		return client.AccountScope(d.accountID), parts[0], nil
	}
	return client.Scope{}, "", importIDError(raw)
}

func importIDError(raw string) error {
	return fmt.Errorf("import ID %q is not one of accounts/<account_id>/<id>, zones/<zone_id>/<id>, "+
		"<account_id>/<id> or <id> (with the provider's account_id)", raw)
}

// addImportError reports an unusable import ID on the import ID itself.
func addImportError(diags *diag.Diagnostics, err error) {
	diags.AddError("Unable to Import Login Method", err.Error())
}

// planDefaultAccount fills account_id from the provider when neither account_id nor zone_id is
// configured, and replaces the resource when that default moves it to another account.
func planDefaultAccount(d *providerData, cfgAccount, cfgZone types.String, planAccount, stateAccount *types.String, thing string, resp *resource.ModifyPlanResponse) {
	switch {
	case !cfgZone.IsNull():
		*planAccount = types.StringNull()
	case !cfgAccount.IsNull():
	case d != nil && d.accountID != "":
		*planAccount = types.StringValue(d.accountID)
	case d != nil && d.client == nil:
		*planAccount = types.StringUnknown()
	default:
		resp.Diagnostics.AddAttributeError(path.Root("account_id"), "Missing Account",
			"The "+thing+" needs an account or a zone: set account_id or zone_id, or account_id in the provider "+
				"block (or the "+envAccountID+" environment variable).")
		return
	}
	if stateAccount != nil && !planAccount.IsUnknown() && !stateAccount.Equal(*planAccount) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("account_id"))
	}
}
