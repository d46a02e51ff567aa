package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
)

// The values of identity_update_behavior, in the order the documentation lists them. The same list feeds
// the validators and the descriptions of the resource and the data source.
var identityUpdateBehaviors = []string{client.IdentityUpdateAutomatic, client.IdentityUpdateReauth, client.IdentityUpdateNoAction}

// defaultIdentityUpdateBehavior is no_action: the JumpCloud guide's "group membership change
// reauthentication" checkbox starts off, and the official Cloudflare provider's schema defaults the field
// to no_action. What the API applies when the field is not sent is not documented: Cloudflare's OpenAPI
// (internal/emulator/testdata/openapi/cloudflare-access-idp-openapi-2026-delta.json,
// components.schemas.IdentityProviderSCIMConfig.properties.identity_update_behavior) gives its type and
// enum but no default, so this provider always sends a value.
const defaultIdentityUpdateBehavior = client.IdentityUpdateNoAction

// identityUpdateBehaviorDescription documents identity_update_behavior for the resource and the data source.
var identityUpdateBehaviorDescription = "How a SCIM update from the IdP changes a user's identity used in Access policies: " +
	"`" + client.IdentityUpdateAutomatic + "` updates the identity at once and adds the fields of the SCIM user; " +
	"`" + client.IdentityUpdateReauth + "` makes the user sign in again when their group membership changes (the guide's " +
	"*Group membership change reauthentication*), and only then updates the identity; `" + client.IdentityUpdateNoAction +
	"` leaves identities alone and never asks users to sign in again."

// scimTypes lists the login method types Cloudflare provisions with SCIM, from loginmethod's table, for
// descriptions: "`saml`, `oidc`, `okta` and `azureAD` (Microsoft Entra ID)".
func scimTypes() string {
	types := loginmethod.KindSCIMConfig.Types()
	for i, t := range types {
		types[i] = "`" + t + "`"
		if name := loginmethod.TypeName(t); !strings.EqualFold(name, t) {
			types[i] += " (" + name + ")"
		}
	}
	return joinAnd(types)
}

// scimSecretDescription explains Cloudflare's one-time secret wherever it is exposed.
const scimSecretDescription = "Cloudflare shows the SCIM secret in plaintext **exactly once**: in the API response " +
	"that first enables SCIM for a login method, and in the response that regenerates it. Every later read returns it " +
	"redacted. The secret never expires."

func (r *scimConfigResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The **SCIM provisioning** settings of a Zero Trust login method: the second half of " +
			"Cloudflare's JumpCloud guide, *Synchronize users and groups*. Creating it turns SCIM on; give your IdP " +
			"`scim_base_url` and `secret` (JumpCloud: *Identity Management > Base URL* and *Token Key*).\n\n" +
			"Cloudflare provisions SCIM for login methods of the types " + scimTypes() + ", whether this provider, the " +
			"dashboard or another tool made them. A login method of another type (one-time PIN, GitHub, Google, …) is " +
			"refused at plan when its ID is known then, at import, and otherwise at apply, with an error that names its type.\n\n" +
			scimSecretDescription + " This resource captures it from that response and keeps it in state; refreshes " +
			"never replace it. Change `secret_version` to regenerate it. When no plaintext secret can be had (SCIM was " +
			"already on before this resource managed it, or its SCIM config was imported after SCIM had been on), `secret` is null and a warning " +
			"says so; set or change `secret_version` to get a new one (the old one then stops working).\n\n" +
			"There is one SCIM config per login method. Destroying it switches SCIM off and leaves the login method in " +
			"place. It changes only `scim_config` of the login method; `zerotrust_saml_login_method` changes everything " +
			"else, and both can be changed in the same apply.\n\n" +
			"Import with the login method's ID in any of the forms `zerotrust_saml_login_method` accepts " +
			"(`accounts/<account_id>/<id>`, `zones/<zone_id>/<id>`, `<account_id>/<id>` or `<id>`). Import cannot " +
			"recover a secret: when SCIM of the login method was ever on, `secret` stays null until you set or change " +
			"`secret_version`; when it never was, the apply that first enables SCIM captures the secret.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The login method's ID (this resource has no ID of its own).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"login_method_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "ID of the login method to provision, typically `zerotrust_saml_login_method.<name>.id`; " +
					"its type must be one of " + scimTypes() + ". Changing it switches SCIM off for the old login method and " +
					"on for the new one.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"account_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Account that owns the login method. Defaults to the provider's `account_id`. " +
					"Conflicts with `zone_id`.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()},
				Validators:    []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("zone_id")), scopeIDValidator{client.ScopeAccount}},
			},
			"zone_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Zone that owns the login method, for zone-scoped Access. Conflicts with `account_id`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:          []validator.String{scopeIDValidator{client.ScopeZone}},
			},
			"enabled": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Accept SCIM requests from the IdP (the guide's *Enable SCIM*). Defaults to `true`; " +
					"`false` keeps the settings, `scim_base_url` and `secret` but refuses SCIM requests.",
			},
			"user_deprovision": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Revoke a user's Access sessions when the IdP deprovisions them (the guide's " +
					"*Enable user deprovisioning*). Defaults to `false`, like the checkbox.",
			},
			"seat_deprovision": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Also remove the user's Zero Trust seat when the IdP deprovisions them (the guide's " +
					"*Remove user seat on deprovision*). Requires `user_deprovision = true`; the plan fails otherwise. " +
					"Defaults to `false`, like the checkbox.",
			},
			"identity_update_behavior": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultIdentityUpdateBehavior),
				MarkdownDescription: identityUpdateBehaviorDescription + " One of " + quotedList(identityUpdateBehaviors...) +
					". Defaults to `" + defaultIdentityUpdateBehavior + "`, like the guide's reauthentication checkbox, which " +
					"starts off, and the official Cloudflare provider. The provider always sends the setting: Cloudflare's API " +
					"documents no default of its own.",
				Validators: []validator.String{stringvalidator.OneOf(identityUpdateBehaviors...)},
			},
			"secret_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number; setting it or changing it regenerates the SCIM secret through Cloudflare's " +
					"refresh endpoint, and the plan shows `secret` as known after apply. The previous secret stops working " +
					"at once, so give the IdP the new one right after the apply. Removing the attribute keeps the current secret. " +
					"On create the value is only recorded: creating the resource captures the secret that enabling SCIM returns.",
			},
			"scim_base_url": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The SCIM endpoint to give the IdP (JumpCloud: *Base URL*), " +
					"`https://<team>.cloudflareaccess.com/populations/<uuid>/scim/v2`. Set when SCIM is first enabled and stable " +
					"afterwards; null while SCIM has never been enabled.",
			},
			"secret": schema.StringAttribute{
				Computed:  true,
				Sensitive: true,
				MarkdownDescription: "The SCIM secret, a bearer token to give the IdP (JumpCloud: *Token Key*). " +
					scimSecretDescription + " It is captured from the response that enables SCIM or regenerates it, and " +
					"kept in state across refreshes. Null when no plaintext secret could be had (see the resource " +
					"description): set or change `secret_version` to get one. Read it with `terraform output -raw` from a " +
					"`sensitive = true` output.",
			},
		},
	}
}
