// Package provider is the Terraform layer of terraform-provider-zerotrust: schemas, the mapping between
// plan/state and the API, and diagnostics. It owns nothing else: SAML metadata parsing lives in
// internal/samlmetadata, the login methods' reads and writes in internal/loginmethod, HTTP access in
// internal/client, and the framework workarounds in the workaround subpackage; none of those imports
// this package. internal/README.md follows a plan from the configuration to the API request.
package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// TypeName is the provider's type name: resources are zerotrust_<name>.
const TypeName = "zerotrust"

var (
	_ provider.Provider                   = (*zeroTrustProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*zeroTrustProvider)(nil)
	_ provider.ProviderWithFunctions      = (*zeroTrustProvider)(nil)
	_ provider.ProviderWithListResources  = (*zeroTrustProvider)(nil)
)

type zeroTrustProvider struct {
	version string
	commit  string
	// now is the clock for certificate expiry checks; tests fix it.
	now func() time.Time
	// metadata keeps what SAML metadata parsed to, so that each document is parsed once per process
	// although Terraform validates and plans it in separate calls.
	metadata *samlmetadata.Memo
	// fetches keeps what metadata_url (and, for OIDC, the issuer's discovery URL) answered: one request
	// per URL and process, however many resources name it.
	fetches *fetch.Memo
	// discoveryTimeout bounds the fetch of a discovery document; 0 means fetch.DefaultTimeout. Tests
	// shorten it.
	discoveryTimeout time.Duration
}

// Bounds of the metadata memo. Terraform validates and plans each resource back to back, at most
// -parallelism (10) resources at a time, so a few dozen entries catch every second parse; a JumpCloud
// export keeps about 6 kB, so the memo holds under 0.5 MB of them. The byte bound keeps large documents
// from piling up.
const (
	metadataMemoEntries = 64
	metadataMemoBytes   = 4 << 20
)

// Bounds of the fetch memo: a process names a handful of distinct URLs; 8 MB keeps a few documents at
// the metadata cap (2 MiB) and thousands of discovery documents (a few kB each).
const (
	fetchMemoEntries = 64
	fetchMemoBytes   = 8 << 20
)

// New returns a constructor for the provider, as providerserver.Serve and the tests expect.
func New(version, commit string) func() provider.Provider {
	return func() provider.Provider { return newProvider(version, commit, time.Now) }
}

func newProvider(version, commit string, now func() time.Time) *zeroTrustProvider {
	return &zeroTrustProvider{version: version, commit: commit, now: now,
		metadata: samlmetadata.NewMemo(metadataMemoEntries, metadataMemoBytes),
		fetches:  fetch.NewMemo(nil, fetchMemoEntries, fetchMemoBytes)}
}

// ProtocolServer returns the provider's plugin protocol 6 server: the framework's, with the workaround
// that releases each request's context (see package workaround). main serves it; the tests run it.
func ProtocolServer(p func() provider.Provider) func() tfprotov6.ProviderServer {
	return workaround.ProtocolServer(p)
}

// providerModel is the provider block.
type providerModel struct {
	APIToken              types.String `tfsdk:"api_token"`
	APIKey                types.String `tfsdk:"api_key"`
	Email                 types.String `tfsdk:"email"`
	AccountID             types.String `tfsdk:"account_id"`
	BaseURL               types.String `tfsdk:"base_url"`
	CertExpiryWarningDays types.Int64  `tfsdk:"cert_expiry_warning_days"`
	RateLimit             types.Int64  `tfsdk:"rate_limit"`
	RefreshByList         types.Bool   `tfsdk:"refresh_by_list"`
}

func (p *zeroTrustProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *zeroTrustProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Cloudflare Zero Trust SAML and OpenID Connect login methods (Access identity providers " +
			"of type `saml` and `oidc`) and their SCIM provisioning settings, built from your identity provider's SAML metadata " +
			"or OpenID Connect discovery document.",
		Attributes: map[string]schema.Attribute{
			"api_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Cloudflare API token with the *" + client.PermissionName + "* " +
					"permission (Edit to apply, Read for plans only). Create it in the Cloudflare dashboard under " +
					"*My Profile > API Tokens*. Falls back to `" + envAPIToken + "`. Conflicts with `api_key`.",
			},
			"api_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "Cloudflare Global API key (legacy; prefer `api_token`). Requires `email`. " +
					"Falls back to `" + envAPIKey + "`. Conflicts with `api_token`.",
			},
			"email": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "E-mail address of the Cloudflare user that owns `api_key`. Falls back to `" + envEmail + "`.",
			},
			"account_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Default Cloudflare account for resources that set neither `account_id` nor `zone_id`. " +
					"Falls back to `" + envAccountID + "`.",
				Validators: []validator.String{scopeIDValidator{client.ScopeAccount}},
			},
			"base_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Base URL of Cloudflare's v4 API. Falls back to `" + envBaseURL + "`, then `" +
					defaultBaseURL + "`. Change it only to point at a proxy or the project's emulator.",
			},
			"cert_expiry_warning_days": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Plans warn when an IdP signing certificate expires within this many days, " +
					"or has expired. Defaults to `" + itoa(defaultCertExpiryWarningDays) + "`; `0` warns only about expired certificates.",
			},
			"rate_limit": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side limit on API requests per five minutes, so large plans and applies stay " +
					"under Cloudflare's limit instead of being locked out for five minutes. The provider never sends more than " +
					"this many requests, retries included, in any five-minute window as the API counts them, nor more than " +
					itoa(perIPRateLimit) + " in any second (Cloudflare's limit per IP): the first requests of a run go at full " +
					"speed and only longer runs wait. Defaults to `" + itoa(defaultRateLimit) + "` (Cloudflare's limit per " +
					"user); `0` turns this count off. " +
					"Cloudflare counts its limit per user, across the dashboard, every token of the user and every run. " +
					"Besides this count, the provider shares that budget through the `Ratelimit` and `Ratelimit-Policy` " +
					"headers Cloudflare sends on every response: it goes at full speed while plenty remains, leaves a client " +
					"that sends at a steady pace (the dashboard, a script) the pace the server's counts show it at (three " +
					"quarters of the budget until they show less), and shares the rest with the user's other runs, so that " +
					"runs that cannot talk to each other (parallel CI plans, a plan and an apply, provider aliases, Atlantis " +
					"or Terraform Cloud workers) and the dashboard share the budget without a lockout. The " +
					"stricter of the two applies. If a lockout happens anyway, every request waits until it ends (up to six " +
					"minutes) and the wait is logged at INFO level with the time left.",
			},
			"refresh_by_list": schema.BoolAttribute{
				Optional: true,
				MarkdownDescription: "Serve refreshes of login methods and SCIM configs, and the `list` blocks of `terraform query`, " +
					"from one paginated list per scope instead of one request per resource (and per `list` block). Defaults to `true`; " +
					"set `false` to read each resource on its own.",
			},
		},
	}
}

func (p *zeroTrustProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateStaticConfig(cfg, &resp.Diagnostics)
}

func (p *zeroTrustProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := configure(ctx, cfg, osEnv, p.userAgent(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ListResourceData = data
}

func (p *zeroTrustProvider) userAgent() string {
	return "terraform-provider-zerotrust/" + p.version + " (+https://registry.terraform.io/providers/zerotrust-tf/zerotrust)"
}

func (p *zeroTrustProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return newSAMLLoginMethodResource(p) },
		func() resource.Resource { return newOIDCLoginMethodResource(p) },
		NewSCIMConfigResource,
	}
}

// ListResources are the list resources of `terraform query` (Terraform 1.14+): one per resource type.
func (p *zeroTrustProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{
		newSAMLLoginMethodList,
		newOIDCLoginMethodList,
		func() list.ListResource { return &scimConfigList{} },
	}
}

func (p *zeroTrustProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewSCIMEndpointDataSource,
		NewSCIMUsersDataSource,
		NewSCIMGroupsDataSource,
	}
}

func (p *zeroTrustProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{
		func() function.Function { return parseSAMLMetadataFunction{metadata: p.metadata} },
	}
}
