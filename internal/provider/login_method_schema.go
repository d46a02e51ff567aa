package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// withLoginMethodAttributes adds the attributes every login-method resource has (the keys of
// loginMethodKeys, and redirect_url, described by redirectURL) to a resource's own attributes.
func withLoginMethodAttributes(redirectURL string, own map[string]schema.Attribute) map[string]schema.Attribute {
	own["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "ID (UUID) of the login method, as shown in the Zero Trust dashboard.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	own["account_id"] = schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "Account that owns the login method. Defaults to the provider's `account_id`. " +
			"Conflicts with `zone_id`. Changing it replaces the login method.",
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()},
		Validators:    []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("zone_id")), scopeIDValidator{client.ScopeAccount}},
	}
	own["zone_id"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Zone that owns the login method, for zone-scoped Access. Conflicts with `account_id`. Changing it replaces the login method.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		Validators:          []validator.String{scopeIDValidator{client.ScopeZone}},
	}
	own["name"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "Name of the login method, shown to users on the Access login page (for example `JumpCloud`).",
		Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
	}
	own["redirect_url"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: redirectURL,
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	return own
}
