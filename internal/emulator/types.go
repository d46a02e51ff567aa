package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Permission is what an API credential may do.
type Permission int

const (
	// PermRead allows GET requests only.
	PermRead Permission = iota + 1
	// PermWrite allows every request.
	PermWrite
)

// String returns "read" or "write".
func (p Permission) String() string {
	switch p {
	case PermRead:
		return "read"
	case PermWrite:
		return "write"
	}
	return fmt.Sprintf("Permission(%d)", int(p))
}

// APIKeyCred is a legacy global API key credential (X-Auth-Email + X-Auth-Key).
type APIKeyCred struct {
	Email      string
	Key        string
	Permission Permission
}

// ScopeKind is the first path segment of a scope: accounts or zones.
type ScopeKind string

const (
	ScopeAccounts ScopeKind = "accounts"
	ScopeZones    ScopeKind = "zones"
)

// Scope is the owner of an identity provider: an account or a zone.
type Scope struct {
	Kind ScopeKind `json:"kind"`
	ID   string    `json:"id"`
}

// AccountScope returns the scope of an account.
func AccountScope(accountID string) Scope { return Scope{Kind: ScopeAccounts, ID: accountID} }

// ZoneScope returns the scope of a zone.
func ZoneScope(zoneID string) Scope { return Scope{Kind: ScopeZones, ID: zoneID} }

// String returns the path form, e.g. "accounts/<id>".
func (s Scope) String() string { return string(s.Kind) + "/" + s.ID }

// ParseScope parses "accounts/<id>" or "zones/<id>".
func ParseScope(v string) (Scope, error) {
	kind, id, ok := strings.Cut(v, "/")
	if !ok || id == "" || strings.Contains(id, "/") || (kind != string(ScopeAccounts) && kind != string(ScopeZones)) {
		return Scope{}, fmt.Errorf("scope %q is not of the form accounts/<id> or zones/<id>", v)
	}
	return Scope{Kind: ScopeKind(kind), ID: id}, nil
}

// IdP is an identity provider as the emulator stores it. Server-owned values
// (the SCIM secret, the SCIM population and the redirect URL) are not part of
// it: they cannot be changed through Mutate, only through the API.
type IdP struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Type       string     `json:"type"`
	Config     Config     `json:"config"`
	SCIMConfig SCIMConfig `json:"scim_config"`
	// ReadOnly marks an immutable IdP: PUT and DELETE are refused. It can only
	// be set by seeding (the API ignores it on write, see parseIdP).
	ReadOnly bool `json:"read_only"`
}

// Config is an IdP's config. The SAML fields and the client secret are
// modelled; everything else (other IdP types' settings, checked for oidc, okta
// and azureAD by checkOAuthConfig; newer SAML options such as force_authn) is
// kept in Other and echoed as sent.
//
// The optional SAML fields remember whether they were set, because the API
// echoes them only then (CONTRACT.md, "Which fields a response carries"): nil
// slices and a nil SignRequest were never set; an empty, non-nil slice was set
// to [].
type Config struct {
	IssuerURL          string            `json:"issuer_url,omitempty"`
	SSOTargetURL       string            `json:"sso_target_url,omitempty"`
	IdPPublicCerts     []string          `json:"idp_public_certs,omitempty"`
	Attributes         []string          `json:"attributes"`
	EmailAttributeName string            `json:"email_attribute_name,omitempty"`
	HeaderAttributes   []HeaderAttribute `json:"header_attributes"`
	SignRequest        *bool             `json:"sign_request,omitempty"`
	// ClientSecret is the OAuth client secret of oidc, okta, azureAD and the other
	// OAuth types. It is write-only: no response shows it, and a PUT that does not
	// set a new one keeps it (clientSecretAfterWrite). Tests read it with Get.
	ClientSecret string         `json:"client_secret,omitempty"`
	Other        map[string]any `json:"other,omitempty"`
}

// liftClientSecret moves a client secret a seed or a dashboard edit put in
// Other to ClientSecret, where the API's rules for it apply.
func (c *Config) liftClientSecret() {
	if s, ok := c.Other["client_secret"].(string); ok {
		if s != "" {
			c.ClientSecret = s
		}
		delete(c.Other, "client_secret")
	}
}

// HeaderAttribute forwards a SAML attribute to the origin as a request header.
type HeaderAttribute struct {
	AttributeName string `json:"attribute_name"`
	HeaderName    string `json:"header_name"`
}

// SCIMConfig holds the writable SCIM settings of an IdP.
type SCIMConfig struct {
	Enabled                bool   `json:"enabled"`
	UserDeprovision        bool   `json:"user_deprovision"`
	SeatDeprovision        bool   `json:"seat_deprovision"`
	IdentityUpdateBehavior string `json:"identity_update_behavior"`
}

// clone returns a deep copy so callers never share slices or maps with the store.
func (p IdP) clone() IdP {
	c := p
	c.Config.IdPPublicCerts = slices.Clone(p.Config.IdPPublicCerts)
	c.Config.Attributes = slices.Clone(p.Config.Attributes) // nil stays nil: "never set"
	c.Config.HeaderAttributes = slices.Clone(p.Config.HeaderAttributes)
	if p.Config.SignRequest != nil {
		v := *p.Config.SignRequest
		c.Config.SignRequest = &v
	}
	c.Config.Other = deepCopyMap(p.Config.Other)
	return c
}

func deepCopyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("emulator: copying a JSON map: %v", err))
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("emulator: copying a JSON map: %v", err))
	}
	return out
}
