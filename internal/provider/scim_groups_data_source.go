package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

var _ datasource.DataSourceWithConfigure = (*scimGroupsDataSource)(nil)

type scimGroupsDataSource struct{ data *providerData }

// NewSCIMGroupsDataSource is data "zerotrust_scim_groups".
func NewSCIMGroupsDataSource() datasource.DataSource { return &scimGroupsDataSource{} }

type scimGroupsModel struct {
	ID             types.String `tfsdk:"id"`
	LoginMethodID  types.String `tfsdk:"login_method_id"`
	AccountID      types.String `tfsdk:"account_id"`
	Name           types.String `tfsdk:"name"`
	IDPResourceIDs types.List   `tfsdk:"idp_resource_ids"`
	CFResourceIDs  types.List   `tfsdk:"cf_resource_ids"`
	Groups         types.List   `tfsdk:"groups"`
}

var scimGroupAttrTypes = map[string]attr.Type{
	"id":              types.StringType,
	"idp_resource_id": types.StringType,
	"name":            types.StringType,
	"created":         types.StringType,
	"last_modified":   types.StringType,
}

func (d *scimGroupsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_groups"
}

func (d *scimGroupsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimGroupsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := scimListCommonAttributes("groups", "name")
	attrs["name"] = schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "Only the group with this name (SCIM `displayName`), e.g. the JumpCloud user group an " +
			"Access policy refers to.",
		Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	attrs["groups"] = schema.ListNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The groups that match, in the API's order. Empty when none match.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"id":              schema.StringAttribute{Computed: true, MarkdownDescription: "Cloudflare's ID of the group (`cf_resource_id`)."},
			"idp_resource_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The IdP's ID of the group (SCIM `externalId`); null when the IdP sent none."},
			"name":            schema.StringAttribute{Computed: true, MarkdownDescription: "The group's name (SCIM `displayName`), as Access policies see it."},
			"created":         schema.StringAttribute{Computed: true, MarkdownDescription: "When the IdP first pushed the group (RFC 3339)."},
			"last_modified":   schema.StringAttribute{Computed: true, MarkdownDescription: "When the IdP last changed the group (RFC 3339)."},
		}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The groups an identity provider has pushed to a login method over SCIM (the API's " +
			"`/scim/groups` list, all pages), optionally filtered as the API allows, so a CI check or an Access policy " +
			"can find a synchronised group by name. Account-scoped login methods only.",
		Attributes: attrs,
	}
}

func (d *scimGroupsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scimGroupsModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &m)...)
	if resp.Diagnostics.HasError() || !d.data.ready(&resp.Diagnostics, "List SCIM Groups") {
		return
	}
	ctx = d.data.logContext(ctx)
	accountID := scimListAccount(m.AccountID, d.data, &resp.Diagnostics)
	filter := client.SCIMGroupFilter{Name: m.Name.ValueString()}
	resp.Diagnostics.Append(m.IDPResourceIDs.ElementsAs(ctx, &filter.IDPResourceIDs, false)...)
	resp.Diagnostics.Append(m.CFResourceIDs.ElementsAs(ctx, &filter.CFResourceIDs, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	groups, err := d.data.client.ListSCIMGroups(ctx, accountID, m.LoginMethodID.ValueString(), filter)
	if err != nil {
		resp.Diagnostics.AddError("Unable to List SCIM Groups",
			fmt.Sprintf("Listing the SCIM groups of login method %s in account %s failed: %s", m.LoginMethodID.ValueString(), accountID, err))
		return
	}
	elems := make([]attr.Value, len(groups))
	for i, g := range groups {
		elems[i] = types.ObjectValueMust(scimGroupAttrTypes, map[string]attr.Value{
			"id":              types.StringValue(g.ID),
			"idp_resource_id": nullIfEmpty(g.ExternalID),
			"name":            types.StringValue(g.DisplayName),
			"created":         rfc3339(g.Meta.Created),
			"last_modified":   rfc3339(g.Meta.LastModified),
		})
	}
	m.ID = m.LoginMethodID
	m.AccountID = types.StringValue(accountID)
	m.Groups = types.ListValueMust(types.ObjectType{AttrTypes: scimGroupAttrTypes}, elems)
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, m)...)
}
