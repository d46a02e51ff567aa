package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// IdentityProvider is an Access identity provider ("login method").
//
// Unknown top-level keys (e.g. saml_certificate_set_id) are kept in Extra and
// sent back on a write, so a full PUT built from a GET never drops them.
type IdentityProvider struct {
	ID         string                 `json:"id,omitempty"` // server-assigned, read-only
	Name       string                 `json:"name"`
	Type       string                 `json:"type"`
	Config     IdentityProviderConfig `json:"config"`
	SCIMConfig *SCIMConfig            `json:"scim_config,omitempty"` // always present on read
	ReadOnly   bool                   `json:"read_only,omitempty"`   // immutable: PUT and DELETE are refused

	// Extra holds top-level keys this package does not model. Keys that
	// collide with a typed field are ignored when encoding.
	Extra map[string]json.RawMessage `json:"-"`
}

// IdentityProviderConfig is the per-type "config" object. The SAML fields and those of the OAuth and
// OpenID Connect types (oidc, okta, azureAD; client_id and client_secret are also those of github,
// google and the others) are typed; every other key is kept in Extra and sent back unchanged.
//
// Typed fields are omitted when empty so that a config does not grow the empty keys of other types;
// the booleans are pointers so that an explicit false can be sent.
//
// ClientSecret is write-only (CONTRACT.md, "The OAuth client secret"): the API never returns it, and a
// PUT without it keeps the stored secret. So a read-modify-write, which starts from a GET, never sends
// it, and the stored secret stays; a secret is sent only when the caller sets one. Decoding drops a
// redacted value (older API versions answered with asterisks), and encoding refuses a value that
// contains '*' (see IsRedacted): the API would take it for the redacted placeholder, so the caller's
// secret would silently not be set.
type IdentityProviderConfig struct {
	IssuerURL          string            `json:"issuer_url,omitempty"`
	SSOTargetURL       string            `json:"sso_target_url,omitempty"`
	IDPPublicCerts     []string          `json:"idp_public_certs,omitempty"`
	IDPPublicCert      string            `json:"idp_public_cert,omitempty"` // legacy single-certificate form
	Attributes         []string          `json:"attributes,omitempty"`
	EmailAttributeName string            `json:"email_attribute_name,omitempty"`
	HeaderAttributes   []HeaderAttribute `json:"header_attributes,omitempty"`
	SignRequest        *bool             `json:"sign_request,omitempty"`
	RedirectURL        string            `json:"redirect_url,omitempty"` // response only

	// OAuth and OpenID Connect (oidc, okta, azureAD).
	ClientID       string   `json:"client_id,omitempty"`
	ClientSecret   string   `json:"client_secret,omitempty"`    // write-only; see the type's comment
	Claims         []string `json:"claims,omitempty"`           // id_token claims added to the Access token
	EmailClaimName string   `json:"email_claim_name,omitempty"` // the id_token claim holding the e-mail
	PKCEEnabled    *bool    `json:"pkce_enabled,omitempty"`
	// oidc: the discovery document's authorization_endpoint, token_endpoint and jwks_uri.
	AuthURL  string   `json:"auth_url,omitempty"`
	TokenURL string   `json:"token_url,omitempty"`
	CertsURL string   `json:"certs_url,omitempty"`
	Scopes   []string `json:"scopes,omitempty"`
	// okta
	OktaAccount           string `json:"okta_account,omitempty"`
	AuthorizationServerID string `json:"authorization_server_id,omitempty"`
	// azureAD
	DirectoryID              string `json:"directory_id,omitempty"`
	SupportGroups            *bool  `json:"support_groups,omitempty"`
	ConditionalAccessEnabled *bool  `json:"conditional_access_enabled,omitempty"`
	Prompt                   string `json:"prompt,omitempty"` // login, select_account or none

	// Extra holds config keys this package does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// Values of IdentityProviderConfig.Prompt (azureAD).
const (
	PromptLogin         = "login"
	PromptSelectAccount = "select_account"
	PromptNone          = "none"
)

// IsRedacted reports whether a secret as the API shows it is the redacted placeholder rather than the
// secret: any value containing '*' (the API redacts with a run of asterisks).
func IsRedacted(secret string) bool { return strings.Contains(secret, "*") }

// String formats the config without the client secret, so that a careless %v in a log line cannot
// leak it.
func (c IdentityProviderConfig) String() string {
	if c.ClientSecret != "" {
		c.ClientSecret = "<redacted>"
	}
	return fmt.Sprintf("%+v", identityProviderConfigWire(c))
}

// GoString is String, for %#v.
func (c IdentityProviderConfig) GoString() string {
	return "client.IdentityProviderConfig" + c.String()
}

// CertificateTexts returns the SAML signing certificates as the API holds
// them, PEM or bare base64: IDPPublicCerts, then the legacy IDPPublicCert.
func (c IdentityProviderConfig) CertificateTexts() []string {
	texts := append([]string(nil), c.IDPPublicCerts...)
	if c.IDPPublicCert != "" {
		texts = append(texts, c.IDPPublicCert)
	}
	return texts
}

// HeaderAttribute forwards a SAML attribute to the origin as a request header.
type HeaderAttribute struct {
	AttributeName string `json:"attribute_name"`
	HeaderName    string `json:"header_name"`
}

// SCIMConfig is the scim_config of an identity provider.
//
// The writable flags are plain bools sent even when false: an update is a
// full replacement, so "false" and "absent" must not be told apart by the
// server's defaults. The legacy group_member_deprovision key is read and
// dropped (the API accepts and ignores it).
type SCIMConfig struct {
	Enabled                bool   `json:"enabled"`
	UserDeprovision        bool   `json:"user_deprovision"`
	SeatDeprovision        bool   `json:"seat_deprovision"`                   // requires UserDeprovision
	IdentityUpdateBehavior string `json:"identity_update_behavior,omitempty"` // automatic, reauth or no_action
	SCIMBaseURL            string `json:"scim_base_url,omitempty"`            // read-only
	// Secret is plaintext exactly once (the response that first enables SCIM,
	// and RefreshSCIMSecret); otherwise redacted. See SecretAvailable.
	// Writes never send it.
	Secret string `json:"secret,omitempty"`

	// Extra holds scim_config keys this package does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// Values of SCIMConfig.IdentityUpdateBehavior.
const (
	IdentityUpdateAutomatic = "automatic"
	IdentityUpdateReauth    = "reauth"
	IdentityUpdateNoAction  = "no_action"
)

// SecretAvailable reports whether Secret holds a usable plaintext secret:
// false for empty and for any redacted value (anything containing '*').
func (s SCIMConfig) SecretAvailable() bool {
	return s.Secret != "" && !IsRedacted(s.Secret)
}

// String formats the config without the secret, so that a careless %v in a
// log line cannot leak it.
func (s SCIMConfig) String() string {
	secret := "<none>"
	if s.Secret != "" {
		secret = "<redacted>"
	}
	return fmt.Sprintf("{Enabled:%t UserDeprovision:%t SeatDeprovision:%t IdentityUpdateBehavior:%q SCIMBaseURL:%q Secret:%s}",
		s.Enabled, s.UserDeprovision, s.SeatDeprovision, s.IdentityUpdateBehavior, s.SCIMBaseURL, secret)
}

// GoString is String, for %#v.
func (s SCIMConfig) GoString() string { return "client.SCIMConfig" + s.String() }

// ResultInfo is the paging information of a list response.
type ResultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"` // items on this page
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

// ListOptions selects one page of identity providers.
type ListOptions struct {
	Page        int   // 1-based; 0 means 1
	PerPage     int   // 0 means the server's default
	SCIMEnabled *bool // non-nil: send scim_enabled=true|false
}

// Wire aliases: same fields, no methods, so encoding/json does not recurse.
type (
	identityProviderWire       IdentityProvider
	identityProviderConfigWire IdentityProviderConfig
	scimConfigWire             SCIMConfig
)

// The keys each type decodes into its typed fields, from their json tags; the others go to Extra.
// group_member_deprovision is read and dropped: see SCIMConfig.
var (
	identityProviderKeys       = jsonKeys[IdentityProvider]()
	identityProviderConfigKeys = jsonKeys[IdentityProviderConfig]()
	scimConfigKeys             = jsonKeys[SCIMConfig]("group_member_deprovision")
)

// MarshalJSON encodes the typed fields followed by Extra.
func (p IdentityProvider) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(identityProviderWire(p))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, p.Extra, identityProviderKeys)
}

// UnmarshalJSON decodes the typed fields and keeps the rest in Extra.
func (p *IdentityProvider) UnmarshalJSON(data []byte) error {
	var w identityProviderWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	extra, err := splitExtra(data, identityProviderKeys)
	if err != nil {
		return err
	}
	w.Extra = extra
	*p = IdentityProvider(w)
	return nil
}

// ErrRedactedSecret is returned (wrapped) when a config to be sent holds a client secret that contains
// '*': see IdentityProviderConfig.
var ErrRedactedSecret = errors.New("client_secret contains '*', which the API reads as the redacted placeholder " +
	"and ignores, keeping the stored secret; set the IdP's real client secret")

// MarshalJSON encodes the typed fields followed by Extra. It refuses a client secret that contains '*'.
func (c IdentityProviderConfig) MarshalJSON() ([]byte, error) {
	if IsRedacted(c.ClientSecret) {
		return nil, ErrRedactedSecret
	}
	b, err := json.Marshal(identityProviderConfigWire(c))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, c.Extra, identityProviderConfigKeys)
}

// UnmarshalJSON decodes the typed fields and keeps the rest in Extra.
func (c *IdentityProviderConfig) UnmarshalJSON(data []byte) error {
	var w identityProviderConfigWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	extra, err := splitExtra(data, identityProviderConfigKeys)
	if err != nil {
		return err
	}
	w.Extra = extra
	if IsRedacted(w.ClientSecret) { // a redaction is not the secret: never send it back
		w.ClientSecret = ""
	}
	*c = IdentityProviderConfig(w)
	return nil
}

// MarshalJSON encodes the typed fields followed by Extra.
func (s SCIMConfig) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(scimConfigWire(s))
	if err != nil {
		return nil, err
	}
	return appendExtra(b, s.Extra, scimConfigKeys)
}

// UnmarshalJSON decodes the typed fields and keeps the rest in Extra.
func (s *SCIMConfig) UnmarshalJSON(data []byte) error {
	var w scimConfigWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	extra, err := splitExtra(data, scimConfigKeys)
	if err != nil {
		return err
	}
	w.Extra = extra
	*s = SCIMConfig(w)
	return nil
}

// jsonKeys returns the JSON keys of T's fields, as encoding/json names them, and the keys given.
func jsonKeys[T any](more ...string) map[string]bool {
	keys := map[string]bool{}
	for f := range reflect.TypeFor[T]().Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case !f.IsExported() || name == "-":
		case name == "":
			keys[f.Name] = true
		default:
			keys[name] = true
		}
	}
	for _, k := range more {
		keys[k] = true
	}
	return keys
}
