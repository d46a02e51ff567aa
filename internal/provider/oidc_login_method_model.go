package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// oidcLoginMethodModel is the state and plan of zerotrust_oidc_login_method.
type oidcLoginMethodModel struct {
	ID                    types.String `tfsdk:"id"`
	AccountID             types.String `tfsdk:"account_id"`
	ZoneID                types.String `tfsdk:"zone_id"`
	Name                  types.String `tfsdk:"name"`
	Issuer                types.String `tfsdk:"issuer"`
	DiscoveryJSON         types.String `tfsdk:"discovery_json"`
	AllowHTTP             types.Bool   `tfsdk:"allow_http"`
	AuthURL               types.String `tfsdk:"auth_url"`
	TokenURL              types.String `tfsdk:"token_url"`
	CertsURL              types.String `tfsdk:"certs_url"`
	ClientID              types.String `tfsdk:"client_id"`
	ClientSecret          types.String `tfsdk:"client_secret"`
	ClientSecretWO        types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion types.Int64  `tfsdk:"client_secret_wo_version"`
	Scopes                types.List   `tfsdk:"scopes"`
	Claims                types.List   `tfsdk:"claims"`
	EmailClaimName        types.String `tfsdk:"email_claim_name"`
	PKCEEnabled           types.Bool   `tfsdk:"pkce_enabled"`
	RedirectURL           types.String `tfsdk:"redirect_url"`
}

func (m *oidcLoginMethodModel) keys() loginMethodKeys {
	return loginMethodKeys{ID: &m.ID, AccountID: &m.AccountID, ZoneID: &m.ZoneID, Name: &m.Name}
}

// applyTo writes the OIDC settings this resource owns into an API config, leaving every other key as it
// is. secret is the client secret to send, "" to send none: the API then keeps the one it has
// (CONTRACT.md, "The OAuth client secret"), and the read this config came from never holds it.
func (m oidcLoginMethodModel) applyTo(ctx context.Context, cfg *client.IdentityProviderConfig, secret string) diag.Diagnostics {
	var diags diag.Diagnostics
	cfg.ClientID = m.ClientID.ValueString()
	if secret != "" {
		cfg.ClientSecret = secret
	}
	cfg.AuthURL, cfg.TokenURL, cfg.CertsURL = m.AuthURL.ValueString(), m.TokenURL.ValueString(), m.CertsURL.ValueString()
	cfg.Scopes, cfg.Claims = nil, nil
	diags.Append(m.Scopes.ElementsAs(ctx, &cfg.Scopes, false)...)
	diags.Append(m.Claims.ElementsAs(ctx, &cfg.Claims, false)...)
	cfg.EmailClaimName = m.EmailClaimName.ValueString()
	pkce := m.PKCEEnabled.ValueBool()
	if cfg.PKCEEnabled != nil || pkce {
		cfg.PKCEEnabled = &pkce
	}
	return diags
}

// readFrom sets the model from the API's login method. What the API does not hold (the issuer and its
// discovery document, allow_http) and what it never returns (the client secret, and so its version) keep
// the model's values: a refresh never shows a secret as changed. Empty values that were null stay null.
func (m *oidcLoginMethodModel) readFrom(ctx context.Context, idp *client.IdentityProvider) diag.Diagnostics {
	var diags diag.Diagnostics
	c := idp.Config
	m.ID, m.Name = types.StringValue(idp.ID), types.StringValue(idp.Name)
	m.AuthURL, m.TokenURL, m.CertsURL = types.StringValue(c.AuthURL), types.StringValue(c.TokenURL), types.StringValue(c.CertsURL)
	m.ClientID = types.StringValue(c.ClientID)
	m.RedirectURL = types.StringValue(c.RedirectURL)
	// scopes has a default, so it is never null in a plan: an API without scopes reads as [], which a
	// configuration generated from it says, rather than as the default.
	scopes, d := types.ListValueFrom(ctx, types.StringType, nonNil(c.Scopes))
	diags.Append(d...)
	m.Scopes = scopes
	if len(c.Claims) == 0 && m.Claims.IsNull() {
		m.Claims = types.ListNull(types.StringType)
	} else {
		claims, d := types.ListValueFrom(ctx, types.StringType, nonNil(c.Claims))
		diags.Append(d...)
		m.Claims = claims
	}
	m.EmailClaimName = keepNull(c.EmailClaimName, m.EmailClaimName)
	m.PKCEEnabled = types.BoolValue(c.PKCEEnabled != nil && *c.PKCEEnabled)
	if m.AllowHTTP.IsNull() || m.AllowHTTP.IsUnknown() {
		m.AllowHTTP = types.BoolValue(false)
	}
	m.ClientSecretWO = types.StringNull() // write-only: never in state
	return diags
}

// nonNil returns s, or an empty slice for nil, so a list value is [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// secretChanged reports whether an update must send the client secret: the configuration has a new one
// (client_secret changed, or client_secret_wo_version did). Otherwise the update sends none and the
// API keeps the secret it has.
func (m oidcLoginMethodModel) secretChanged(prior oidcLoginMethodModel) bool {
	return !m.ClientSecret.Equal(prior.ClientSecret) || !m.ClientSecretWOVersion.Equal(prior.ClientSecretWOVersion)
}

// clientSecret returns the configured client secret: client_secret from the plan, or client_secret_wo,
// which only the configuration holds.
func (m oidcLoginMethodModel) clientSecret(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) string {
	if isSet(m.ClientSecret) {
		return m.ClientSecret.ValueString()
	}
	var wo types.String
	diags.Append(config.GetAttribute(ctx, path.Root("client_secret_wo"), &wo)...)
	return wo.ValueString()
}

// writeOIDC sends the client secret on a create, and on an update only when it changed.
func writeOIDC(ctx context.Context, plan, prior *oidcLoginMethodModel, config tfsdk.Config, diags *diag.Diagnostics) loginMethodWrite[oidcLoginMethodModel] {
	var secret string
	if prior == nil || plan.secretChanged(*prior) {
		secret = plan.clientSecret(ctx, config, diags)
	}
	return loginMethodWrite[oidcLoginMethodModel]{
		apply: func(ctx context.Context, cfg *client.IdentityProviderConfig) diag.Diagnostics {
			return plan.applyTo(ctx, cfg, secret)
		},
		readBack: func(ctx context.Context, m *oidcLoginMethodModel, idp *client.IdentityProvider) diag.Diagnostics {
			return m.readFrom(ctx, idp)
		},
	}
}
