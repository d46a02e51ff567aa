package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery"
)

// defaultScopes are the scopes of a login method that sets none: what Cloudflare's dashboard proposes.
var defaultScopes = []string{"openid", "email", "profile"}

// oidcEndpointAttrs are the endpoints that come from the discovery document or from the configuration,
// never both, with the discovery document's member each one is read from.
var oidcEndpointAttrs = []struct{ name, member string }{
	{"auth_url", "authorization_endpoint"},
	{"token_url", "token_endpoint"},
	{"certs_url", "jwks_uri"},
}

func (r *oidcLoginMethodResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	scopes := make([]attr.Value, len(defaultScopes))
	for i, s := range defaultScopes {
		scopes[i] = types.StringValue(s)
	}
	endpoint := func(member, what string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "The IdP's " + what + " (`" + member + "` of its discovery document). Read from the " +
				"discovery document when `issuer` is set; otherwise required.",
			Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A Cloudflare Zero Trust **OpenID Connect login method** (an Access identity provider of type `oidc`), " +
			"built from your identity provider's issuer: its discovery document (`issuer`, or the document itself in " +
			"`discovery_json`) gives the authorization, token and key endpoints, or they are set by hand for an IdP " +
			"without discovery. Register `redirect_url` at the IdP as the application's redirect URI. The client secret " +
			"is sent only when it is new and is never read back. SCIM provisioning is managed by `zerotrust_scim_config`; " +
			"this resource never changes it.",
		Attributes: withLoginMethodAttributes(oidcRedirectURLDescription, map[string]schema.Attribute{
			"issuer": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The IdP's issuer identifier, exactly as the IdP publishes it (JumpCloud: " +
					"`https://oauth.id.jumpcloud.com/`, with its trailing `/`). At every plan the provider reads the discovery " +
					"document at the issuer without its trailing `/` followed by `" + oidcdiscovery.WellKnownPath + "` (" +
					fetch.DefaultTimeout.String() + " timeout, " + itoa(oidcdiscovery.DefaultMaxBytes>>10) + " KiB limit, at most " +
					itoa(fetch.DefaultMaxRedirects) + " redirects and only on the same origin, `https` only unless `allow_http` " +
					"is set), once per plan however many login methods name it, and plans `auth_url`, `token_url` and `certs_url` " +
					"from it. The document must name this same issuer, character for character (OpenID Connect Discovery 1.0 §4.3). " +
					"Required unless `auth_url`, `token_url` and `certs_url` are set; conflicts with them.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"discovery_json": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The issuer's discovery document itself, typically `file(\"${path.module}/openid-configuration.json\")`, " +
					"so that plans need no network path to the IdP (as `metadata_xml` does for SAML). It is checked as a fetched " +
					"one is, against `issuer`, which it requires; nothing is fetched.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"allow_http": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Accept plain `http://` for `issuer` and for the endpoints. Only for development IdPs " +
					"on a private network; defaults to `false`.",
			},
			"auth_url":  endpoint("authorization_endpoint", "authorization endpoint"),
			"token_url": endpoint("token_endpoint", "token endpoint"),
			"certs_url": endpoint("jwks_uri", "JSON Web Key Set URL, where its signing keys are"),
			"client_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The client ID the IdP issued for Cloudflare Access (JumpCloud: the application's *Client ID*).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"client_secret": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The client secret, for CLIs without write-only attributes (Terraform before 1.11, " +
					"OpenTofu before 1.11): kept in state as configured, sent on create and whenever it changes. Prefer " +
					"`client_secret_wo`, which is never stored. Conflicts with `client_secret_wo`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.ConflictsWith(path.MatchRoot("client_secret_wo"))},
			},
			"client_secret_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "The client secret, write-only (Terraform 1.11 and later, OpenTofu 1.11 and later): " +
					"never in the plan or the state. It is sent on create and when `client_secret_wo_version` changes, which " +
					"it requires. Conflicts with `client_secret`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1),
					stringvalidator.AlsoRequires(path.MatchRoot("client_secret_wo_version"))},
			},
			"client_secret_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "A number to change whenever `client_secret_wo` holds a new secret: the apply that " +
					"sees it change sends the secret. Requires `client_secret_wo`.",
			},
			"scopes": schema.ListAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     listdefault.StaticValue(types.ListValueMust(types.StringType, scopes)),
				MarkdownDescription: "The scopes Access asks the IdP for. Defaults to `" + `["openid", "email", "profile"]` +
					"`; `openid` is what makes it OpenID Connect.",
				Validators: []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"claims": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "Claims of the IdP's ID token to pass into the Access JWT (dashboard: *OIDC Claims*), for example `[\"groups\"]`.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"email_claim_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The ID token claim that carries the user's e-mail, when it is not `email`.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"pkce_enabled": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Use PKCE (RFC 7636) with the `S256` method in the authorization code flow. The plan " +
					"warns when the discovery document does not list `S256` in `code_challenge_methods_supported`. Defaults to `false`.",
			},
		}),
	}
}

// oidcRedirectURLDescription describes redirect_url for OIDC.
const oidcRedirectURLDescription = "The redirect URI to register at the IdP, `https://<team>.cloudflareaccess.com/cdn-cgi/access/callback` " +
	"(JumpCloud: *Redirect URIs* of the OIDC application)."
