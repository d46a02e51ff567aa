package emulator

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// The config of the OAuth and OpenID Connect types the emulator checks (oidc, okta, azureAD), from the
// OpenAPI extract (access_oidc, access_okta, access_azureAD, access_generic-oauth-config,
// access_custom-claims-support) and the 2026 delta. Other types keep their config as sent.

// oauthValueKind is the JSON type a config field must have.
type oauthValueKind int

const (
	oauthString  oauthValueKind = iota + 1
	oauthURL                    // a string holding an absolute http(s) URL (assumed: Cloudflare's own check is not published)
	oauthStrings                // an array of strings
	oauthBool
)

// oauthCommonFields are the fields of every OAuth type (generic-oauth-config and custom-claims-support).
// pkce_enabled is accepted on every type: the official provider v4 sent it on all of them.
var oauthCommonFields = map[string]oauthValueKind{
	"client_id": oauthString, "client_secret": oauthString, "claims": oauthStrings, "email_claim_name": oauthString,
	"pkce_enabled": oauthBool,
}

// oauthTypeFields are the fields each type adds.
var oauthTypeFields = map[string]map[string]oauthValueKind{
	"oidc":    {"auth_url": oauthURL, "token_url": oauthURL, "certs_url": oauthURL, "scopes": oauthStrings},
	"okta":    {"okta_account": oauthURL, "authorization_server_id": oauthString},
	"azureAD": {"directory_id": oauthString, "support_groups": oauthBool, "conditional_access_enabled": oauthBool, "prompt": oauthString},
}

// oauthRequired are the fields a create must set, and a replace must leave set (assumed: the dashboard
// calls them required; the OpenAPI marks none). client_secret may be left out of a replace, which keeps
// the stored one (see clientSecretAfterWrite).
var oauthRequired = map[string][]string{
	"oidc":    {"client_id", "client_secret", "auth_url", "token_url", "certs_url"},
	"okta":    {"client_id", "client_secret", "okta_account"},
	"azureAD": {"client_id", "client_secret", "directory_id"},
}

// azurePrompts are the values of azureAD's prompt.
var azurePrompts = []string{"login", "select_account", "none"}

// clientSecretAfterWrite is the rule for config.client_secret on a POST or PUT, the one place it is
// decided (CONTRACT.md, "The OAuth client secret"): a secret the client sent replaces the stored one; an
// absent, null or empty one, or one containing '*' (the redacted form older API versions returned on
// reads, which clients copied into their writes), keeps the stored one. On a create, stored is "".
func clientSecretAfterWrite(stored, sent string) string {
	if sent == "" || strings.Contains(sent, "*") {
		return stored
	}
	return sent
}

// checkOAuthConfig checks the fields of an oidc, okta or azureAD config: each modelled field has its
// type, URLs are absolute, prompt is one of its values, and no field of another of these types is set
// (assumed: the official provider refuses them; what the API does is not published). Other keys pass.
func checkOAuthConfig(typ string, raw map[string]json.RawMessage) *apiError {
	own := oauthTypeFields[typ]
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys) // one error, the same each time
	for _, k := range keys {
		v := raw[k]
		if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			continue
		}
		kind, ok := oauthCommonFields[k]
		if !ok {
			kind, ok = own[k]
		}
		if !ok {
			for other, fields := range oauthTypeFields {
				if _, theirs := fields[k]; theirs {
					return invalidRequest("config.%s is a setting of %s identity providers, not of %s", k, other, typ)
				}
			}
			continue
		}
		if aerr := checkOAuthValue(k, kind, v); aerr != nil {
			return aerr
		}
	}
	if p, ok := raw["prompt"]; ok && typ == "azureAD" {
		var prompt string
		if err := json.Unmarshal(p, &prompt); err == nil && !slices.Contains(azurePrompts, prompt) {
			return invalidRequest("config.prompt must be one of %s, got %q", strings.Join(azurePrompts, ", "), prompt)
		}
	}
	return nil
}

func checkOAuthValue(key string, kind oauthValueKind, v json.RawMessage) *apiError {
	var err error
	switch kind {
	case oauthString, oauthURL:
		var s string
		if err = json.Unmarshal(v, &s); err == nil && kind == oauthURL && s != "" {
			if u, perr := url.Parse(s); perr != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
				return invalidRequest("config.%s must be an absolute URL, got %q", key, s)
			}
		}
	case oauthStrings:
		var l []string
		err = json.Unmarshal(v, &l)
	case oauthBool:
		var b bool
		err = json.Unmarshal(v, &b)
	}
	if err != nil {
		return invalidRequest("config.%s: %s", key, typeError(err))
	}
	return nil
}

// checkOAuthRequired refuses an oidc, okta or azureAD IdP that lacks a required field, the client
// secret after clientSecretAfterWrite included.
func checkOAuthRequired(p IdP) *apiError {
	for _, k := range oauthRequired[p.Type] {
		s := p.Config.ClientSecret
		if k != "client_secret" {
			s, _ = p.Config.Other[k].(string)
		}
		if strings.TrimSpace(s) == "" {
			return invalidRequest("config.%s is required for %s", k, p.Type)
		}
	}
	return nil
}
