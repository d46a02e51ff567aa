package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

var (
	_ datasource.DataSourceWithConfigure        = (*scimEndpointDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*scimEndpointDataSource)(nil)
)

type scimEndpointDataSource struct{ data *providerData }

// NewSCIMEndpointDataSource is data "zerotrust_scim_endpoint".
func NewSCIMEndpointDataSource() datasource.DataSource { return &scimEndpointDataSource{} }

type scimEndpointModel struct {
	ID                     types.String `tfsdk:"id"`
	LoginMethodID          types.String `tfsdk:"login_method_id"`
	Name                   types.String `tfsdk:"name"`
	AccountID              types.String `tfsdk:"account_id"`
	ZoneID                 types.String `tfsdk:"zone_id"`
	SCIMBaseURL            types.String `tfsdk:"scim_base_url"`
	Enabled                types.Bool   `tfsdk:"enabled"`
	UserDeprovision        types.Bool   `tfsdk:"user_deprovision"`
	SeatDeprovision        types.Bool   `tfsdk:"seat_deprovision"`
	IdentityUpdateBehavior types.String `tfsdk:"identity_update_behavior"`
	Secret                 types.String `tfsdk:"secret"`
}

func (d *scimEndpointDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_endpoint"
}

func (d *scimEndpointDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *scimEndpointDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The SCIM endpoint and settings of a login method, found by `login_method_id` or by " +
			"`name`, for configurations that do not manage the login method's SCIM settings themselves. The login method " +
			"must be of one of the types Cloudflare provisions with SCIM: " + scimTypes() + ".\n\n" +
			scimSecretDescription + " So this data source almost never has the secret: `secret` is null and a warning " +
			"says where it lives, in the `secret` attribute of the `zerotrust_scim_config` resource that enabled SCIM " +
			"(`zerotrust_scim_config.<name>.secret`, for example through a `sensitive = true` output of that configuration). " +
			"If nobody has the secret any more, regenerate it by setting or changing `secret_version` on that resource.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The login method's ID.",
			},
			"login_method_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "ID of the login method. Exactly one of `login_method_id` and `name` must be set.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Name of the login method, as shown in the Zero Trust dashboard. It must match " +
					"exactly one login method of the account or zone of a type with SCIM; the error lists what was found otherwise.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"account_id": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Account that owns the login method. Defaults to the provider's `account_id`. Conflicts with `zone_id`.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("zone_id")), scopeIDValidator{client.ScopeAccount}},
			},
			"zone_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Zone that owns the login method, for zone-scoped Access. Conflicts with `account_id`.",
				Validators:          []validator.String{scopeIDValidator{client.ScopeZone}},
			},
			"scim_base_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The SCIM endpoint to give the IdP, `https://<team>.cloudflareaccess.com/populations/<uuid>/scim/v2`. " +
					"Null while SCIM has never been enabled for the login method.",
			},
			"enabled": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether SCIM requests from the IdP are accepted.",
			},
			"user_deprovision": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether a user's Access sessions are revoked when the IdP deprovisions them.",
			},
			"seat_deprovision": schema.BoolAttribute{
				Computed:            true,
				MarkdownDescription: "Whether a deprovisioned user's Zero Trust seat is removed too.",
			},
			"identity_update_behavior": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: identityUpdateBehaviorDescription + " One of " + quotedList(identityUpdateBehaviors...) + ".",
			},
			"secret": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The SCIM secret, only when the API returns it in plaintext, which it does only in " +
					"the response that enables SCIM or regenerates the secret, never to a read. So it is null in practice, with a " +
					"warning: use `zerotrust_scim_config.<name>.secret` instead.",
			},
		},
	}
}

func (d *scimEndpointDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("login_method_id"), path.MatchRoot("name")),
	}
}

func (d *scimEndpointDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m scimEndpointModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &m)...)
	ctx, scope, ok := d.data.begin(ctx, &resp.Diagnostics, "Read SCIM Endpoint", m.AccountID, m.ZoneID)
	if !ok {
		return
	}
	var idp *client.IdentityProvider
	var err error
	if isSet(m.LoginMethodID) {
		idp, err = d.data.getLoginMethod(ctx, scope, m.LoginMethodID.ValueString())
		if loginmethod.IsGone(err) {
			resp.Diagnostics.AddAttributeError(path.Root("login_method_id"), "Login Method Not Found",
				fmt.Sprintf("There is no login method %s in %s.", m.LoginMethodID.ValueString(), scope))
			return
		}
	} else {
		idp, err = d.findByName(ctx, scope, m.Name.ValueString(), &resp.Diagnostics)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read SCIM Endpoint", fmt.Sprintf("Reading the login method in %s failed: %s", scope, err))
		return
	}
	if !loginmethod.KindSCIMConfig.Manages(idp.Type) {
		resp.Diagnostics.AddAttributeError(path.Root("login_method_id"), "Login Method Type Has No SCIM",
			noSCIMDetail(idp, "Set login_method_id to the ID of a login method of one of these types."))
		return
	}

	s := readSCIMSettings(idp)
	m.ID, m.LoginMethodID, m.Name = types.StringValue(idp.ID), types.StringValue(idp.ID), types.StringValue(idp.Name)
	m.AccountID, m.ZoneID = scopeAttributes(scope)
	m.Enabled, m.UserDeprovision, m.SeatDeprovision = s.enabled, s.userDeprovision, s.seatDeprovision
	m.IdentityUpdateBehavior, m.SCIMBaseURL, m.Secret = s.identityUpdateBehavior, s.scimBaseURL, s.secret
	if m.Secret.IsNull() && !m.SCIMBaseURL.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("secret"), "SCIM Secret Not Readable",
			fmt.Sprintf("Cloudflare returns the SCIM secret of login method %s (%q) in plaintext only once, when SCIM is "+
				"enabled or the secret is regenerated, so secret is null here. The secret lives in the state of the "+
				"zerotrust_scim_config resource that enabled SCIM: zerotrust_scim_config.<name>.secret. If nobody has it any "+
				"more, set or change secret_version on that resource and apply to regenerate it (the old secret then stops working).",
				idp.ID, idp.Name))
	}
	resp.Diagnostics.Append(workaround.SetState(ctx, &resp.State, m)...)
}

// findByName returns the one login method of scope with this name among those Cloudflare provisions
// with SCIM. A name only a login method of another type has is an error that names its type.
func (d *scimEndpointDataSource) findByName(ctx context.Context, scope client.Scope, name string, diags *diag.Diagnostics) (*client.IdentityProvider, error) {
	// Only the matches are copied; of the others the errors below need the names, IDs and types alone.
	var others []client.IdentityProvider
	var found []string
	matches, err := d.data.store.Find(ctx, scope, func(idp *client.IdentityProvider) bool {
		if !loginmethod.KindSCIMConfig.Manages(idp.Type) {
			if idp.Name == name {
				others = append(others, client.IdentityProvider{ID: idp.ID, Name: idp.Name, Type: idp.Type})
			}
			return false
		}
		found = append(found, fmt.Sprintf("%q (%s)", idp.Name, idp.ID))
		return idp.Name == name
	})
	if err != nil {
		return nil, err
	}
	types := joinAnd(loginmethod.KindSCIMConfig.Types())
	switch {
	case len(matches) == 1:
		return &matches[0], nil
	case len(matches) > 1:
		diags.AddAttributeError(path.Root("name"), "Login Method Name Is Ambiguous",
			fmt.Sprintf("%d login methods in %s are named %q (%s). Use login_method_id to pick one.",
				len(matches), scope, name, strings.Join(loginmethod.IDs(matches), ", ")))
	case len(others) > 0:
		diags.AddAttributeError(path.Root("name"), "Login Method Type Has No SCIM",
			noSCIMDetail(&others[0], "Set name to the name of a login method of one of these types, or use login_method_id."))
	default:
		if len(found) == 0 {
			found = []string{"none"}
		}
		diags.AddAttributeError(path.Root("name"), "Login Method Not Found",
			fmt.Sprintf("No login method in %s of the types Cloudflare provisions with SCIM (%s) is named %q. Login methods "+
				"of these types found: %s.", scope, types, name, strings.Join(found, ", ")))
	}
	return nil, nil
}
