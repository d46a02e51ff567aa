package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

var _ datasource.DataSourceWithConfigure = (*scimUsersDataSource)(nil)

// maxResourceIDFilters is the API's limit on idp_resource_ids and cf_resource_ids.
const maxResourceIDFilters = 50

type scimUsersDataSource struct{ data *providerData }

// NewSCIMUsersDataSource is data "zerotrust_scim_users".
func NewSCIMUsersDataSource() datasource.DataSource { return &scimUsersDataSource{} }

type scimUsersModel struct {
	ID             types.String `tfsdk:"id"`
	LoginMethodID  types.String `tfsdk:"login_method_id"`
	AccountID      types.String `tfsdk:"account_id"`
	Username       types.String `tfsdk:"username"`
	Email          types.String `tfsdk:"email"`
	Name           types.String `tfsdk:"name"`
	IDPResourceIDs types.List   `tfsdk:"idp_resource_ids"`
	CFResourceIDs  types.List   `tfsdk:"cf_resource_ids"`
	Users          types.List   `tfsdk:"users"`
}

var scimUserAttrTypes = map[string]attr.Type{
	"id":              types.StringType,
	"idp_resource_id": types.StringType,
	"display_name":    types.StringType,
	"active":          types.BoolType,
	"emails":          types.ListType{ElemType: types.StringType},
	"primary_email":   types.StringType,
	"created":         types.StringType,
	"last_modified":   types.StringType,
}

func (d *scimUsersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_users"
}

func (d *scimUsersDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// scimListCommonAttributes are the attributes the users and groups data sources share: which login
// method, and the resource-ID filters, which the API does not combine with any other filter.
func scimListCommonAttributes(kind string, otherFilters ...string) map[string]schema.Attribute {
	conflicts := func(self string) []path.Expression {
		var out []path.Expression
		for _, name := range append(otherFilters, "idp_resource_ids", "cf_resource_ids") {
			if name != self {
				out = append(out, path.MatchRoot(name))
			}
		}
		return out
	}
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The login method's ID.",
		},
		"login_method_id": schema.StringAttribute{
			Required:            true,
			MarkdownDescription: "ID of the login method whose SCIM " + kind + " to list, e.g. `zerotrust_scim_config.<name>.login_method_id`.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
		"account_id": schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "Account that owns the login method. Defaults to the provider's `account_id`. The API lists " +
				"SCIM " + kind + " only for account-scoped login methods.",
			Validators: []validator.String{scopeIDValidator{client.ScopeAccount}},
		},
		"idp_resource_ids": schema.ListAttribute{
			ElementType: types.StringType,
			Optional:    true,
			MarkdownDescription: "Only the " + kind + " with these IdP-generated IDs (SCIM `externalId`), at most " +
				itoa(maxResourceIDFilters) + ". Cannot be combined with other filters.",
			Validators: []validator.List{
				listvalidator.SizeBetween(1, maxResourceIDFilters),
				listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				listvalidator.ConflictsWith(conflicts("idp_resource_ids")...),
			},
		},
		"cf_resource_ids": schema.ListAttribute{
			ElementType: types.StringType,
			Optional:    true,
			MarkdownDescription: "Only the " + kind + " with these Cloudflare-generated IDs, at most " +
				itoa(maxResourceIDFilters) + ". Cannot be combined with other filters.",
			Validators: []validator.List{
				listvalidator.SizeBetween(1, maxResourceIDFilters),
				listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				listvalidator.ConflictsWith(conflicts("cf_resource_ids")...),
			},
		},
	}
}

func (d *scimUsersDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := scimListCommonAttributes("users", "username", "email", "name")
	attrs["username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Only the user with this SCIM `userName`.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["email"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Only users with this e-mail address.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["name"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Only users with this name.",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["users"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The users that match, in the API's order. Empty when none match.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"id":              schema.StringAttribute{Computed: true, MarkdownDescription: "Cloudflare's ID of the user (`cf_resource_id`)."},
			"idp_resource_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The IdP's ID of the user (SCIM `externalId`); null when the IdP sent none."},
			"display_name":    schema.StringAttribute{Computed: true, MarkdownDescription: "The user's display name; null when the IdP sent none."},
			"active":          schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the IdP has the user active."},
			"emails":          schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "The user's e-mail addresses, in the IdP's order."},
			"primary_email":   schema.StringAttribute{Computed: true, MarkdownDescription: "The e-mail address marked primary, else the first one; null when there is none."},
			"created":         schema.StringAttribute{Computed: true, MarkdownDescription: "When the IdP first pushed the user (RFC 3339)."},
			"last_modified":   schema.StringAttribute{Computed: true, MarkdownDescription: "When the IdP last changed the user (RFC 3339)."},
		}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The users an identity provider has pushed to a login method over SCIM (the API's " +
			"`/scim/users` list, all pages), optionally filtered as the API allows, for example to check in CI " +
			"that JumpCloud synchronised a user. Account-scoped login methods only.",
		Attributes: attrs,
	}
}

func (d *scimUsersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scimUsersModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics, "List SCIM Users") {
		return
	}
	ctx = d.data.logContext(ctx)
	accountID := scimListAccount(m.AccountID, d.data, &resp.Diagnostics)
	filter := client.SCIMUserFilter{Username: m.Username.ValueString(), Email: m.Email.ValueString(), Name: m.Name.ValueString()}
	resp.Diagnostics.Append(m.IDPResourceIDs.ElementsAs(ctx, &filter.IDPResourceIDs, false)...)
	resp.Diagnostics.Append(m.CFResourceIDs.ElementsAs(ctx, &filter.CFResourceIDs, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	users, err := d.data.client.ListSCIMUsers(ctx, accountID, m.LoginMethodID.ValueString(), filter)
	if err != nil {
		resp.Diagnostics.AddError("Unable to List SCIM Users",
			fmt.Sprintf("Listing the SCIM users of login method %s in account %s failed: %s", m.LoginMethodID.ValueString(), accountID, err))
		return
	}
	elems := make([]attr.Value, len(users))
	for i, u := range users {
		emails := make([]attr.Value, len(u.Emails))
		primary := types.StringNull()
		for j, e := range u.Emails {
			emails[j] = types.StringValue(e.Value)
			if e.Primary && primary.IsNull() {
				primary = types.StringValue(e.Value)
			}
		}
		if primary.IsNull() && len(u.Emails) > 0 {
			primary = types.StringValue(u.Emails[0].Value)
		}
		elems[i] = types.ObjectValueMust(scimUserAttrTypes, map[string]attr.Value{
			"id":              types.StringValue(u.ID),
			"idp_resource_id": nullIfEmpty(u.ExternalID),
			"display_name":    nullIfEmpty(u.DisplayName),
			"active":          types.BoolValue(u.Active),
			"emails":          types.ListValueMust(types.StringType, emails),
			"primary_email":   primary,
			"created":         rfc3339(u.Meta.Created),
			"last_modified":   rfc3339(u.Meta.LastModified),
		})
	}
	m.ID = m.LoginMethodID
	m.AccountID = types.StringValue(accountID)
	m.Users = types.ListValueMust(types.ObjectType{AttrTypes: scimUserAttrTypes}, elems)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, m)...)
}

// scimListAccount is the account whose SCIM lists are read: the data source's, else the provider's.
func scimListAccount(accountID types.String, d *providerData, diags *diag.Diagnostics) string {
	if isSet(accountID) {
		return accountID.ValueString()
	}
	if d.accountID == "" {
		diags.AddAttributeError(path.Root("account_id"), "Missing Account",
			"SCIM users and groups are listed per account: set account_id here, or account_id in the provider block "+
				"(or the "+envAccountID+" environment variable).")
	}
	return d.accountID
}
