package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

// The resource identity of zerotrust_saml_login_method and zerotrust_scim_config (Terraform 1.12 and
// later): the login method's scope and ID, the same three values as the import ID. It is set on create,
// on import and on every read (so state written before identities existed gets one), and never
// changes: a new scope or login method replaces the resource. Older CLIs never ask for it.

// loginMethodIdentityModel is the identity of a login method, and of its SCIM config.
type loginMethodIdentityModel struct {
	AccountID types.String `tfsdk:"account_id"`
	ZoneID    types.String `tfsdk:"zone_id"`
	ID        types.String `tfsdk:"id"`
}

// loginMethodIdentitySchema describes the identity; what is the thing the identity names ("login
// method", "login method whose SCIM settings these are").
func loginMethodIdentitySchema(what string) identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"account_id": identityschema.StringAttribute{
				OptionalForImport: true,
				Description: "Account that owns the " + what + ". On import, leave out both `account_id` and `zone_id` " +
					"to use the provider's `account_id`.",
			},
			"zone_id": identityschema.StringAttribute{
				OptionalForImport: true,
				Description:       "Zone that owns the " + what + ", for zone-scoped Access. Conflicts with `account_id`.",
			},
			"id": identityschema.StringAttribute{
				RequiredForImport: true,
				Description:       "ID (UUID) of the " + what + ", as shown in the Zero Trust dashboard.",
			},
		},
	}
}

func newLoginMethodIdentity(scope client.Scope, id string) loginMethodIdentityModel {
	accountID, zoneID := scopeAttributes(scope)
	return loginMethodIdentityModel{AccountID: accountID, ZoneID: zoneID, ID: types.StringValue(id)}
}

// setIdentity records the identity of the login method id in scope. identity is nil only when the
// framework has no identity to fill, which it always has for these resources; nothing is set then.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, scope client.Scope, id string, diags *diag.Diagnostics) {
	if identity == nil {
		return
	}
	diags.Append(workaround.SetIdentity(ctx, identity, newLoginMethodIdentity(scope, id))...)
}

// keepIdentity sets the identity of a read that does not reach the API, or finds the login method gone,
// from the scope and ID the state holds. The framework wants an identity after every read without an
// error, even one that removes the resource, and Terraform before 1.12 sends none to keep. An identity
// Terraform sent is left as it is.
func keepIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, accountID, zoneID, id types.String, diags *diag.Diagnostics) {
	if identity == nil || !identity.Raw.IsFullyNull() || !isSet(id) || (!isSet(accountID) && !isSet(zoneID)) {
		return
	}
	diags.Append(workaround.SetIdentity(ctx, identity, loginMethodIdentityModel{AccountID: accountID, ZoneID: zoneID, ID: id})...)
}

// importTarget reads which login method an import names: an import ID (`terraform import`, an import
// block's id) in any of the forms parseImportID accepts, or an import block's identity (Terraform 1.12+).
// An account or zone ID that is not a Cloudflare ID (a typo, or the two parts of the ID swapped) is
// refused here, as account_id and zone_id are at plan, instead of by the API with a 403 or a 404.
func importTarget(ctx context.Context, req resource.ImportStateRequest, d *providerData) (client.Scope, string, error) {
	scope, id, err := importTargetOf(ctx, req, d)
	if err == nil && !client.IsCloudflareID(scope.ID) {
		what, forms := "import ID "+strconv.Quote(req.ID), " The import ID is accounts/<account_id>/<id>, "+
			"zones/<zone_id>/<id>, <account_id>/<id> or <id> (with the provider's account_id)."
		if req.ID == "" {
			what, forms = "import identity", ""
		}
		err = fmt.Errorf("the %s names no %s: %s%s", what, scope.Kind,
			scopeIDProblem("its "+scopeIDAttribute(scope.Kind), scope.Kind, scope.ID), forms)
	}
	return scope, id, err
}

func importTargetOf(ctx context.Context, req resource.ImportStateRequest, d *providerData) (client.Scope, string, error) {
	if req.Identity == nil || req.Identity.Raw.IsNull() || req.ID != "" {
		return parseImportID(req.ID, d)
	}
	var ident loginMethodIdentityModel
	if diags := workaround.GetIdentity(ctx, *req.Identity, &ident); diags.HasError() {
		return client.Scope{}, "", fmt.Errorf("reading the import identity: %s", diags.Errors()[0].Detail())
	}
	if !isSet(ident.ID) || ident.ID.ValueString() == "" {
		return client.Scope{}, "", fmt.Errorf("the import identity has no id: set id to the login method's ID (UUID)")
	}
	id := ident.ID.ValueString()
	scope, err := scopeFrom(ident.AccountID, ident.ZoneID, d)
	if err != nil {
		return client.Scope{}, "", fmt.Errorf("the import identity of login method %s: %w", id, err)
	}
	return scope, id, nil
}
