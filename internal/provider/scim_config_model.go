package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// scimConfigModel is the state and plan of zerotrust_scim_config.
type scimConfigModel struct {
	ID                     types.String `tfsdk:"id"`
	LoginMethodID          types.String `tfsdk:"login_method_id"`
	AccountID              types.String `tfsdk:"account_id"`
	ZoneID                 types.String `tfsdk:"zone_id"`
	Enabled                types.Bool   `tfsdk:"enabled"`
	UserDeprovision        types.Bool   `tfsdk:"user_deprovision"`
	SeatDeprovision        types.Bool   `tfsdk:"seat_deprovision"`
	IdentityUpdateBehavior types.String `tfsdk:"identity_update_behavior"`
	SecretVersion          types.Int64  `tfsdk:"secret_version"`
	SCIMBaseURL            types.String `tfsdk:"scim_base_url"`
	Secret                 types.String `tfsdk:"secret"`
}

// applyTo writes the SCIM settings this resource owns into scim_config, keeping the keys it does not own.
func (m scimConfigModel) applyTo(idp *client.IdentityProvider) {
	if idp.SCIMConfig == nil {
		idp.SCIMConfig = &client.SCIMConfig{}
	}
	idp.SCIMConfig.Enabled = m.Enabled.ValueBool()
	idp.SCIMConfig.UserDeprovision = m.UserDeprovision.ValueBool()
	idp.SCIMConfig.SeatDeprovision = m.SeatDeprovision.ValueBool()
	idp.SCIMConfig.IdentityUpdateBehavior = m.IdentityUpdateBehavior.ValueString()
}

// readFrom sets the settings and the endpoint from the API. It never touches secret or secret_version:
// the API only ever shows a redacted secret on a read. An endpoint the API does not show keeps its
// prior value.
func (m *scimConfigModel) readFrom(idp *client.IdentityProvider) {
	s := readSCIMSettings(idp)
	m.ID = types.StringValue(idp.ID)
	m.LoginMethodID = types.StringValue(idp.ID)
	m.Enabled, m.UserDeprovision, m.SeatDeprovision = s.enabled, s.userDeprovision, s.seatDeprovision
	m.IdentityUpdateBehavior = s.identityUpdateBehavior
	if !s.scimBaseURL.IsNull() || m.SCIMBaseURL.IsUnknown() {
		m.SCIMBaseURL = s.scimBaseURL
	}
}

// scimSettings is the read-back of a login method's scim_config, as zerotrust_scim_config and the
// zerotrust_scim_endpoint data source show it.
type scimSettings struct {
	enabled, userDeprovision, seatDeprovision types.Bool
	identityUpdateBehavior                    types.String
	scimBaseURL                               types.String // null while SCIM was never enabled
	secret                                    types.String // null unless the API answered with the plaintext
}

// readSCIMSettings is the one mapping from the API's scim_config to its attributes. A login method the
// API shows without identity_update_behavior (the API documents no default) reads as this provider's
// default, so it plans no change unless another value is configured.
func readSCIMSettings(idp *client.IdentityProvider) scimSettings {
	sc := client.SCIMConfig{}
	if idp.SCIMConfig != nil {
		sc = *idp.SCIMConfig
	}
	behavior := sc.IdentityUpdateBehavior
	if behavior == "" {
		behavior = defaultIdentityUpdateBehavior
	}
	s := scimSettings{
		enabled:                types.BoolValue(sc.Enabled),
		userDeprovision:        types.BoolValue(sc.UserDeprovision),
		seatDeprovision:        types.BoolValue(sc.SeatDeprovision),
		identityUpdateBehavior: types.StringValue(behavior),
		scimBaseURL:            nullIfEmpty(sc.SCIMBaseURL),
		secret:                 types.StringNull(),
	}
	if sc.SecretAvailable() {
		s.secret = types.StringValue(sc.Secret)
	}
	return s
}

// everEnabled reports whether SCIM was ever switched on for the login method: only then is there a secret.
func everEnabled(idp *client.IdentityProvider) bool {
	return idp.SCIMConfig != nil && idp.SCIMConfig.SCIMBaseURL != ""
}
