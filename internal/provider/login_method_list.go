package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

// The list resources zerotrust_saml_login_method and zerotrust_scim_config (Terraform 1.14 and later:
// `list` blocks in .tfquery.hcl files, `terraform query`). Both search one scope through the store's
// Select, which serves them from the same list requests as refreshes, and return each login method's
// identity and, with include_resource, the object a read after importing it yields, so that
// `terraform query -generate-config-out` writes configuration that plans no changes.

// loginMethodListModel is the config block of both list resources.
type loginMethodListModel struct {
	AccountID   types.String `tfsdk:"account_id"`
	ZoneID      types.String `tfsdk:"zone_id"`
	Name        types.String `tfsdk:"name"`
	NameRegex   types.String `tfsdk:"name_regex"`
	SCIMEnabled types.Bool   `tfsdk:"scim_enabled"`
}

// loginMethodListSchema is the config block of both list resources; description says what is listed.
func loginMethodListSchema(description string) schema.Schema {
	return schema.Schema{
		MarkdownDescription: description,
		Attributes: map[string]schema.Attribute{
			"account_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Account to list. Defaults to the provider's `account_id`. Conflicts with `zone_id`.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("zone_id")), scopeIDValidator{client.ScopeAccount}},
			},
			"zone_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Zone to list, for zone-scoped Access. Conflicts with `account_id`.",
				Validators:          []validator.String{scopeIDValidator{client.ScopeZone}},
			},
			"name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Only the login method with exactly this name.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"name_regex": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only login methods whose name matches this regular expression ([RE2 syntax](https://github.com/google/re2/wiki/Syntax); " +
					"it matches anywhere in the name unless anchored, for example `^JumpCloud` or `(?i)okta`).",
				Validators: []validator.String{regexpValidator{}},
			},
			"scim_enabled": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "`true`: only login methods with SCIM provisioning on; `false`: only those with it off.",
			},
		},
	}
}

// filter turns the config block into the store's filter. The pattern was checked by its validator.
func (m loginMethodListModel) filter(diags *diag.Diagnostics) loginmethod.Filter {
	f := loginmethod.Filter{Name: m.Name.ValueString()}
	if isSet(m.NameRegex) {
		re, err := regexp.Compile(m.NameRegex.ValueString())
		if err != nil {
			diags.AddAttributeError(path.Root("name_regex"), "Invalid name_regex", "name_regex is not a regular expression: "+err.Error())
		}
		f.NamePattern = re
	}
	if isSet(m.SCIMEnabled) {
		on := m.SCIMEnabled.ValueBool()
		f.SCIMEnabled = &on
	}
	return f
}

// loginMethodList is what both list resources share: the provider's data and the listing itself.
type loginMethodList struct{ data *providerData }

func (l *loginMethodList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// listing is what a list resource contributes to a listing: its type and kind (which login method types
// it lists), whether it lists only login methods whose SCIM was ever on, and the result of one login
// method.
type listing struct {
	resourceType string
	kind         loginmethod.Kind
	onlyEverSCIM bool
	result       func(ctx context.Context, scope client.Scope, idp *client.IdentityProvider, r *list.ListResult)
}

// list runs one listing: it selects the login methods of the scope, then streams a warning about those it
// leaves out or beyond the limit, followed by one result per login method.
func (l *loginMethodList) list(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream, how listing) {
	var diags diag.Diagnostics
	var cfg loginMethodListModel
	diags.Append(workaround.GetConfig(ctx, req.Config, &cfg)...)
	ctx, scope, ok := l.data.begin(ctx, &diags, "List Login Methods", cfg.AccountID, cfg.ZoneID)
	if !ok {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	f := cfg.filter(&diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	f.SCIMEverEnabled = how.onlyEverSCIM
	sel, err := l.data.store.Select(ctx, scope, how.kind, f)
	if err != nil {
		diags.AddError("Unable to List Login Methods", fmt.Sprintf("Listing the login methods of %s failed: %s", scope, err))
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	found := sel.Manageable
	if left := leftOutWarning(sel, scope, how.resourceType); left != "" {
		diags.AddWarning("Login Methods Left Out", left)
	}
	if req.Limit > 0 && int64(len(found)) > req.Limit {
		diags.AddWarning("More Login Methods Than the Limit",
			fmt.Sprintf("%d login methods of %s match, and the list block's limit returns the first %d. Set limit = %d "+
				"(or more) in the list block to list them all.", len(found), scope, req.Limit, len(found)))
		found = found[:req.Limit]
	}
	stream.Results = func(push func(list.ListResult) bool) {
		if len(diags) > 0 && !push(list.ListResult{Diagnostics: diags}) {
			return
		}
		for i := range found {
			r := req.NewListResult(ctx)
			r.DisplayName = found[i].Name
			setIdentity(ctx, r.Identity, scope, found[i].ID, &r.Diagnostics)
			if req.IncludeResource {
				how.result(ctx, scope, &found[i], &r)
			}
			if !push(r) {
				return
			}
		}
	}
}

// leftOutWarning says which matching login methods a listing leaves out and why, or "" when none.
func leftOutWarning(sel loginmethod.Selection, scope client.Scope, resourceType string) string {
	if sel.LeftOut() == 0 {
		return ""
	}
	var parts []string
	for _, t := range slices.Sorted(maps.Keys(sel.OtherType)) {
		parts = append(parts, fmt.Sprintf("%d of type %q", sel.OtherType[t], t))
	}
	for _, t := range slices.Sorted(maps.Keys(sel.ReadOnly)) {
		parts = append(parts, fmt.Sprintf("%d read-only %s", sel.ReadOnly[t], loginmethod.TypeName(t)))
	}
	if len(sel.ReadOnly) > 0 {
		parts[len(parts)-1] += " (marked read_only by Cloudflare)"
	}
	format := "%d more login methods in %s match, but %s cannot manage them, so they are not listed: %s. " +
		"Manage them with the official Cloudflare provider."
	if sel.LeftOut() == 1 {
		format = "%d more login method in %s matches, but %s cannot manage it, so it is not listed: %s. " +
			"Manage it with the official Cloudflare provider."
	}
	return fmt.Sprintf(format, sel.LeftOut(), scope, resourceType, joinAnd(parts))
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

var _ list.ListResourceWithConfigure = (*scimConfigList)(nil)

// scimConfigList is the list resource zerotrust_scim_config.
type scimConfigList struct{ loginMethodList }

func (l *scimConfigList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_scim_config"
}

func (l *scimConfigList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = loginMethodListSchema("Lists the SCIM configs of the login methods of an account or zone, to import them with " +
		"`terraform query` (Terraform 1.14 and later): one for each login method of the types Cloudflare provisions with SCIM (" +
		scimTypes() + ") whose SCIM provisioning was ever switched on (it has a `scim_base_url`), whether it is on now or not; `scim_enabled` narrows that " +
		"down. The filters select login methods, as in the `zerotrust_saml_login_method` list; login methods of other types, and " +
		"those Cloudflare marks read-only, are left out, and a warning counts them. With `include_resource = true` each result is " +
		"the full `zerotrust_scim_config` with its settings; the secret is never part of it (Cloudflare shows it only once).")
}

func (l *scimConfigList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	l.list(ctx, req, stream, listing{resourceType: scimConfigType, kind: loginmethod.KindSCIMConfig, onlyEverSCIM: true, result: scimConfigResult})
}

// scimConfigResult sets the SCIM config a read after importing it yields: the settings, never a secret.
func scimConfigResult(ctx context.Context, scope client.Scope, idp *client.IdentityProvider, r *list.ListResult) {
	var m scimConfigModel
	m.AccountID, m.ZoneID = scopeAttributes(scope)
	m.readFrom(idp)
	r.Diagnostics.Append(workaround.SetResource(ctx, r.Resource, m)...)
}
