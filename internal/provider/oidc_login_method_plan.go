package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
)

// endpoints are the model's endpoint attributes by name (oidcEndpointAttrs).
func (m oidcLoginMethodModel) endpoints() map[string]types.String {
	return map[string]types.String{"auth_url": m.AuthURL, "token_url": m.TokenURL, "certs_url": m.CertsURL}
}

// ValidateConfig checks that the endpoints come from exactly one place and that the client secret can
// be sent, and checks discovery_json, so that a broken document fails `terraform validate` as well as
// the plan. Nothing is fetched here.
func (r *oidcLoginMethodResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg oidcLoginMethodModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateClientSecret(cfg, req.ClientCapabilities.WriteOnlyAttributesAllowed, &resp.Diagnostics)
	in, endpoints := cfg.discoveryInput(), cfg.endpoints()
	if in.given() {
		for _, e := range oidcEndpointAttrs {
			if !endpoints[e.name].IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root(e.name), "Conflicting IdP Settings",
					e.name+" is read from the issuer's discovery document ("+e.member+") when issuer is set. Remove "+e.name+
						", or remove issuer and discovery_json and set auth_url, token_url and certs_url yourself.")
			}
		}
		switch {
		case !in.known() || resp.Diagnostics.HasError():
		case isSet(in.JSON):
			loadDiscovery(ctx, nil, in, &resp.Diagnostics)
		default:
			if err := oidcdiscovery.CheckIssuer(in.Issuer.ValueString(), in.options()); err != nil {
				addDiscoveryError(&resp.Diagnostics, in, err)
			}
		}
		return
	}
	if !cfg.DiscoveryJSON.IsNull() {
		resp.Diagnostics.AddAttributeError(path.Root("discovery_json"), "Setting Needs Issuer",
			"discovery_json is checked against issuer, the identifier the document must name (OpenID Connect Discovery 1.0 §4.3). "+
				"Set issuer too (JumpCloud: \"https://oauth.id.jumpcloud.com/\"), or remove discovery_json and set auth_url, "+
				"token_url and certs_url yourself.")
	}
	for _, e := range oidcEndpointAttrs {
		v := endpoints[e.name]
		switch {
		case v.IsNull():
			resp.Diagnostics.AddAttributeError(path.Root(e.name), "Missing IdP Setting",
				e.name+" is required unless issuer is set: set issuer (for example \"https://oauth.id.jumpcloud.com/\") to "+
					"read the endpoints from the IdP's discovery document, or set auth_url, token_url and certs_url.")
		case isSet(v):
			if err := oidcdiscovery.CheckEndpoint(e.name, v.ValueString(), in.options()); err != nil {
				resp.Diagnostics.AddAttributeError(path.Root(e.name), "Invalid Endpoint URL", err.Error()+".")
			}
		}
	}
}

// validateClientSecret refuses a secret the API would take for its redacted placeholder, and explains
// what to do when the CLI cannot send a write-only attribute, rather than leaving that to the framework's
// bare "WriteOnly Attribute Not Allowed".
func validateClientSecret(cfg oidcLoginMethodModel, writeOnlyAllowed bool, diags *diag.Diagnostics) {
	if !writeOnlyAllowed && !cfg.ClientSecretWO.IsNull() {
		diags.AddAttributeError(path.Root("client_secret_wo"), "Write-Only Client Secret Not Supported by This CLI",
			"client_secret_wo is write-only, and this Terraform or OpenTofu version cannot send write-only attributes "+
				"(Terraform 1.11 and OpenTofu 1.11 are the first that can). Set client_secret instead, with the same value "+
				"(it is Sensitive, and kept in the state), and remove client_secret_wo and client_secret_wo_version; or "+
				"upgrade the CLI.")
	}
	for name, v := range map[string]types.String{"client_secret": cfg.ClientSecret, "client_secret_wo": cfg.ClientSecretWO} {
		if isSet(v) && client.IsRedacted(v.ValueString()) {
			diags.AddAttributeError(path.Root(name), "Invalid Client Secret",
				name+" contains '*', which Cloudflare takes for its redacted placeholder: the secret would silently not be "+
					"set. Copy the secret again from the IdP (a value shown as asterisks is not the secret).")
		}
	}
}

// ModifyPlan plans the endpoints from the discovery document, fills in the default account, warns when
// PKCE is asked for but the IdP does not list S256, and requires a client secret for a create.
func (r *oidcLoginMethodResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, cfg, state, ok := modelInputs[oidcLoginMethodModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	planAccount(r.data, &plan, &cfg, state, resp)
	if state == nil || len(resp.RequiresReplace) > 0 {
		if cfg.ClientSecret.IsNull() && cfg.ClientSecretWO.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("client_secret"), "Missing Client Secret",
				"Creating an OIDC login method needs the client secret the IdP issued with client_id. Set client_secret_wo "+
					"with client_secret_wo_version = 1 (Terraform or OpenTofu 1.11 and later: never stored), or client_secret.")
			return
		}
	}
	in := plan.discoveryInput()
	in.Timeout = r.discoveryTimeout
	switch {
	case !in.given():
	case !in.known():
		plan.AuthURL, plan.TokenURL, plan.CertsURL = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
	default:
		doc := loadDiscovery(ctx, r.fetches, in, &resp.Diagnostics)
		if doc == nil {
			return
		}
		plan.AuthURL = types.StringValue(doc.AuthorizationEndpoint)
		plan.TokenURL = types.StringValue(doc.TokenEndpoint)
		plan.CertsURL = types.StringValue(doc.JWKSURI)
		if plan.PKCEEnabled.ValueBool() && !doc.SupportsS256() {
			methods := "does not list code_challenge_methods_supported"
			if doc.CodeChallengeMethodsSupported != nil {
				methods = "lists code_challenge_methods_supported [" + strings.Join(doc.CodeChallengeMethodsSupported, ", ") + "]"
			}
			resp.Diagnostics.AddAttributeWarning(path.Root("pkce_enabled"), "IdP Does Not List PKCE S256",
				"pkce_enabled is true, but the IdP's discovery document "+methods+", without \""+oidcdiscovery.PKCEMethodS256+
					"\", the method Cloudflare uses. The IdP may support it without saying so; if sign-ins fail, set "+
					"pkce_enabled = false or turn PKCE on at the IdP.")
		}
	}
	resp.Diagnostics.Append(workaround.SetPlan(ctx, &resp.Plan, plan)...)
}
