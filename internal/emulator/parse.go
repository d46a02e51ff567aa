package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// maxBodyBytes bounds request bodies; IdP configs are small.
const maxBodyBytes = 1 << 20

// readBody reads a JSON request body.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, *apiError) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return nil, invalidRequest("reading the request body: %v", err)
	}
	return body, nil
}

// parseIdP decodes and validates a POST or PUT body. stored is the IdP a PUT
// replaces, nil for a POST: its client secret stays unless the body sets a new
// one (clientSecretAfterWrite). Read-only fields a client copies from a GET (id,
// read_only, config.redirect_url, scim_config.secret, scim_config.scim_base_url)
// are accepted and ignored, as are unknown top-level keys (Cloudflare ignores
// keys it does not know). Type mismatches, a missing name/type/config, unknown
// types, SAML configs without issuer, SSO URL or certificate, oidc, okta and
// azureAD configs without their required fields (checkOAuthRequired), and SCIM
// enabled on a type without SCIM (scimTypes) are refused with 400/12130.
func parseIdP(body []byte, stored *IdP) (IdP, *apiError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return IdP{}, invalidRequest("request body is required")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return IdP{}, invalidRequest("malformed JSON: %v", err)
	}
	var p IdP
	if err := decodeField(raw, "name", &p.Name); err != nil {
		return IdP{}, err
	}
	if strings.TrimSpace(p.Name) == "" {
		return IdP{}, invalidRequest("name is required")
	}
	if err := decodeField(raw, "type", &p.Type); err != nil {
		return IdP{}, err
	}
	if p.Type == "" {
		return IdP{}, invalidRequest("type is required")
	}
	if !identityProviderTypes[p.Type] {
		return IdP{}, invalidRequest("type %q is not a supported identity provider type", p.Type)
	}
	var cfg map[string]json.RawMessage
	if err := decodeField(raw, "config", &cfg); err != nil {
		return IdP{}, err
	}
	if cfg == nil {
		return IdP{}, invalidRequest("config is required")
	}
	c, aerr := parseConfig(p.Type, cfg)
	if aerr != nil {
		return IdP{}, aerr
	}
	p.Config = c
	var storedSecret string
	if stored != nil {
		storedSecret = stored.Config.ClientSecret
	}
	p.Config.ClientSecret = clientSecretAfterWrite(storedSecret, p.Config.ClientSecret)
	if aerr := checkOAuthRequired(p); aerr != nil {
		return IdP{}, aerr
	}
	sc, aerr := parseSCIMConfig(raw["scim_config"])
	if aerr != nil {
		return IdP{}, aerr
	}
	if sc.Enabled && !scimTypes[p.Type] {
		return IdP{}, invalidRequest("scim_config.enabled: SCIM provisioning is not available for identity providers of type %q "+
			"(only saml, oidc, okta and azureAD)", p.Type)
	}
	p.SCIMConfig = sc
	return p, nil
}

// decodeField decodes raw[key] into dst; absent and null leave dst unchanged.
func decodeField(raw map[string]json.RawMessage, key string, dst any) *apiError {
	v, ok := raw[key]
	if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return invalidRequest("%s: %s", key, typeError(err))
	}
	return nil
}

func typeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("expected %s, got %s", te.Type, te.Value)
	}
	return err.Error()
}

// samlKeys are the SAML config keys the emulator models.
var samlKeys = []string{
	"issuer_url", "sso_target_url", "idp_public_certs", "idp_public_cert", "attributes",
	"email_attribute_name", "header_attributes", "sign_request", "redirect_url",
}

func parseConfig(typ string, raw map[string]json.RawMessage) (Config, *apiError) {
	var c Config
	if _, ok := oauthTypeFields[typ]; ok {
		if aerr := checkOAuthConfig(typ, raw); aerr != nil {
			return Config{}, aerr
		}
	}
	// The client secret of every OAuth type is kept apart: it is never shown (render) and a PUT
	// without it keeps it (clientSecretAfterWrite).
	if err := decodeField(raw, "client_secret", &c.ClientSecret); err != nil {
		err.message = strings.Replace(err.message, ": client_secret:", ": config.client_secret:", 1)
		return Config{}, err
	}
	other := map[string]any{}
	for k, v := range raw {
		if k == "redirect_url" || k == "client_secret" || (typ == "saml" && slices.Contains(samlKeys, k)) {
			continue
		}
		var val any
		if err := json.Unmarshal(v, &val); err != nil {
			return Config{}, invalidRequest("config.%s: %v", k, err)
		}
		if val != nil {
			other[k] = val
		}
	}
	if len(other) > 0 {
		c.Other = other
	}
	if typ != "saml" {
		return c, nil
	}
	var legacyCert string
	for _, f := range []struct {
		key string
		dst any
	}{
		{"issuer_url", &c.IssuerURL},
		{"sso_target_url", &c.SSOTargetURL},
		{"idp_public_certs", &c.IdPPublicCerts},
		{"idp_public_cert", &legacyCert},
		{"attributes", &c.Attributes},
		{"email_attribute_name", &c.EmailAttributeName},
		{"header_attributes", &c.HeaderAttributes},
		{"sign_request", &c.SignRequest},
	} {
		if err := decodeField(raw, f.key, f.dst); err != nil {
			err.message = strings.Replace(err.message, ": "+f.key+":", ": config."+f.key+":", 1)
			return Config{}, err
		}
	}
	// The legacy single certificate (JumpCloud guide) joins the list; the
	// response shows only idp_public_certs, the field of the current API.
	if legacyCert != "" && !slices.Contains(c.IdPPublicCerts, legacyCert) {
		c.IdPPublicCerts = append(c.IdPPublicCerts, legacyCert)
	}
	switch {
	case strings.TrimSpace(c.IssuerURL) == "":
		return Config{}, invalidRequest("config.issuer_url is required for saml")
	case strings.TrimSpace(c.SSOTargetURL) == "":
		return Config{}, invalidRequest("config.sso_target_url is required for saml")
	case len(c.IdPPublicCerts) == 0:
		return Config{}, invalidRequest("config.idp_public_certs: at least one certificate is required for saml")
	}
	for i, cert := range c.IdPPublicCerts {
		if strings.TrimSpace(cert) == "" {
			return Config{}, invalidRequest("config.idp_public_certs[%d] is empty", i)
		}
	}
	return c, nil
}

func parseSCIMConfig(raw json.RawMessage) (SCIMConfig, *apiError) {
	sc := SCIMConfig{IdentityUpdateBehavior: DefaultIdentityUpdateBehavior}
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return sc, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return SCIMConfig{}, invalidRequest("scim_config: %s", typeError(err))
	}
	var groupMemberDeprovision bool // legacy: accepted and ignored
	for _, f := range []struct {
		key string
		dst any
	}{
		{"enabled", &sc.Enabled},
		{"user_deprovision", &sc.UserDeprovision},
		{"seat_deprovision", &sc.SeatDeprovision},
		{"identity_update_behavior", &sc.IdentityUpdateBehavior},
		{"group_member_deprovision", &groupMemberDeprovision},
	} {
		if err := decodeField(m, f.key, f.dst); err != nil {
			err.message = strings.Replace(err.message, ": "+f.key+":", ": scim_config."+f.key+":", 1)
			return SCIMConfig{}, err
		}
	}
	if !identityUpdateBehaviors[sc.IdentityUpdateBehavior] {
		return SCIMConfig{}, invalidRequest("scim_config.identity_update_behavior must be one of automatic, reauth, no_action, got %q", sc.IdentityUpdateBehavior)
	}
	if sc.SeatDeprovision && !sc.UserDeprovision {
		return SCIMConfig{}, invalidRequest("scim_config.seat_deprovision cannot be enabled unless scim_config.user_deprovision is enabled")
	}
	return sc, nil
}
