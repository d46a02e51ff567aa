package emulator

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// minimalOAuth sets what each OAuth type requires.
func minimalOAuth(typ, name, secret string) map[string]any {
	cfg := map[string]any{"client_id": "client-" + typ}
	if secret != "" {
		cfg["client_secret"] = secret
	}
	switch typ {
	case "oidc":
		cfg["auth_url"] = "https://idp.example.com/oauth2/auth"
		cfg["token_url"] = "https://idp.example.com/oauth2/token"
		cfg["certs_url"] = "https://idp.example.com/.well-known/jwks.json"
	case "okta":
		cfg["okta_account"] = "https://dev-123.okta.com"
	case "azureAD":
		cfg["directory_id"] = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	}
	return map[string]any{"name": name, "type": typ, "config": cfg}
}

// fullOAuth sets every field of the type, with the values that tell "set" from "unset" apart.
func fullOAuth(typ, name, secret string) map[string]any {
	b := minimalOAuth(typ, name, secret)
	cfg := b["config"].(map[string]any)
	cfg["claims"], cfg["email_claim_name"], cfg["pkce_enabled"] = []string{}, "email", false
	switch typ {
	case "oidc":
		cfg["scopes"] = []string{"openid", "email", "profile"}
	case "okta":
		cfg["authorization_server_id"] = "aus9o8wzkhckw9TLa0h7z"
	case "azureAD":
		cfg["support_groups"], cfg["conditional_access_enabled"], cfg["prompt"] = false, true, "select_account"
	}
	b["scim_config"] = map[string]any{"enabled": true, "user_deprovision": true, "identity_update_behavior": "automatic"}
	return b
}

var oauthTypes = []string{"oidc", "okta", "azureAD"}

// The client secret is write-only: no response shows it, and only a write that sets a new one changes
// it. A read-modify-write, which starts from a GET, keeps it.
func TestClientSecretIsWriteOnlyAndKept(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	stored := func(id string) string {
		t.Helper()
		p, ok := ts.Get(ts.AccountScope(), id)
		if !ok {
			t.Fatalf("%s gone", id)
		}
		return p.Config.ClientSecret
	}
	noSecret := func(step string, r testResp) {
		t.Helper()
		if strings.Contains(string(r.raw), "client_secret") || strings.Contains(string(r.raw), "s3cret") {
			t.Errorf("%s: the response shows the client secret: %s", step, r.raw)
		}
	}
	for _, typ := range oauthTypes {
		created := c.do("POST", base, minimalOAuth(typ, "IdP "+typ, "s3cret-1")).want(t, http.StatusCreated)
		noSecret(typ+" POST", created)
		id := created.idp(t).ID
		if got := stored(id); got != "s3cret-1" {
			t.Fatalf("%s: stored secret %q", typ, got)
		}
		got := c.do("GET", base+"/"+id, nil).want(t, http.StatusOK)
		noSecret(typ+" GET", got)
		noSecret(typ+" list", c.do("GET", base+"?per_page=1000", nil).want(t, http.StatusOK))

		// A rename built from the GET, as every read-modify-write is; then the same with what clients
		// have been seen to send back: null, "" and the redacted form.
		body := resultObject(t, got)
		body["name"] = "Renamed " + typ
		noSecret(typ+" PUT without", c.do("PUT", base+"/"+id, body).want(t, http.StatusOK))
		for _, sent := range []any{nil, "", strings.Repeat("*", 34), "abc*"} {
			cfg(body)["client_secret"] = sent
			c.do("PUT", base+"/"+id, body).want(t, http.StatusOK)
			if got := stored(id); got != "s3cret-1" {
				t.Fatalf("%s: a PUT with client_secret %v changed the stored secret to %q", typ, sent, got)
			}
		}
		// Enabling SCIM is a read-modify-write too.
		delete(cfg(body), "client_secret")
		body["scim_config"] = map[string]any{"enabled": true}
		scim := c.do("PUT", base+"/"+id, body).want(t, http.StatusOK)
		if w := scim.idp(t).SCIMConfig; w.Secret == "" || strings.Contains(w.Secret, "*") || w.SCIMBaseURL == "" {
			t.Errorf("%s: enabling SCIM: %+v", typ, w)
		}
		if got := stored(id); got != "s3cret-1" {
			t.Fatalf("%s: enabling SCIM changed the client secret to %q", typ, got)
		}
		// A new secret replaces the old one.
		cfg(body)["client_secret"] = "s3cret-2"
		noSecret(typ+" PUT with a new secret", c.do("PUT", base+"/"+id, body).want(t, http.StatusOK))
		if got := stored(id); got != "s3cret-2" {
			t.Fatalf("%s: a new secret was not stored: %q", typ, got)
		}
	}
}

func TestOAuthConfigValidation(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	bad := func(name string, body map[string]any, want string) {
		t.Helper()
		r := c.do("POST", base, body).want(t, http.StatusBadRequest, codeInvalidRequest)
		if !strings.Contains(string(r.raw), want) {
			t.Errorf("%s: %s does not say %q", name, r.raw, want)
		}
	}
	edit := func(typ string, fn func(cfg map[string]any)) map[string]any {
		b := minimalOAuth(typ, "x", "s3cret")
		fn(b["config"].(map[string]any))
		return b
	}
	for typ, required := range oauthRequired {
		for _, k := range required {
			bad(typ+" without "+k, edit(typ, func(cfg map[string]any) { delete(cfg, k) }), "config."+k+" is required for "+typ)
			bad(typ+" with an empty "+k, edit(typ, func(cfg map[string]any) { cfg[k] = " " }), "config."+k)
		}
	}
	bad("a redacted secret is no secret", minimalOAuth("oidc", "x", strings.Repeat("*", 34)), "config.client_secret is required")
	bad("a URL that is not one", edit("oidc", func(cfg map[string]any) { cfg["token_url"] = "/oauth2/token" }), "config.token_url must be an absolute URL")
	bad("an okta account that is no URL", edit("okta", func(cfg map[string]any) { cfg["okta_account"] = "dev-123" }), "config.okta_account")
	bad("a field of another type", edit("oidc", func(cfg map[string]any) { cfg["directory_id"] = "d" }), "config.directory_id is a setting of azureAD")
	bad("a number for a string", edit("okta", func(cfg map[string]any) { cfg["client_id"] = 7 }), "config.client_id: expected string")
	bad("a string for a list", edit("oidc", func(cfg map[string]any) { cfg["scopes"] = "openid" }), "config.scopes")
	bad("a string for a bool", edit("azureAD", func(cfg map[string]any) { cfg["support_groups"] = "yes" }), "config.support_groups")
	bad("an unknown prompt", edit("azureAD", func(cfg map[string]any) { cfg["prompt"] = "always" }), "config.prompt must be one of")
	bad("a secret that is no string", edit("github", func(cfg map[string]any) { cfg["client_secret"] = 1 }), "config.client_secret")
	// pkce_enabled is accepted on every type (the official provider v4 sent it on all); unknown keys pass.
	c.do("POST", base, edit("okta", func(cfg map[string]any) { cfg["pkce_enabled"] = true; cfg["future_option"] = 1 })).want(t, http.StatusCreated)

	// A replace must leave the required fields set, the secret included: one that never had a secret
	// (seeded) needs one.
	seeded, err := ts.Seed(ts.AccountScope(), IdP{Name: "seeded", Type: "oidc", Config: Config{Other: map[string]any{"client_id": "abc"}}})
	if err != nil {
		t.Fatal(err)
	}
	r := c.do("PUT", base+"/"+seeded.ID, minimalOAuth("oidc", "seeded", "")).want(t, http.StatusBadRequest, codeInvalidRequest)
	if !strings.Contains(string(r.raw), "config.client_secret is required") {
		t.Errorf("PUT without a secret on an IdP without one: %s", r.raw)
	}
	c.do("PUT", base+"/"+seeded.ID, minimalOAuth("oidc", "seeded", "s3cret")).want(t, http.StatusOK)
}

// SCIM is provisioned for saml, oidc, okta and azureAD; other types accept scim_config only with SCIM off.
func TestSCIMOnlyOnTypesThatHaveIt(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	on := map[string]any{"enabled": true}
	for _, typ := range oauthTypes {
		b := minimalOAuth(typ, typ, "s3cret")
		b["scim_config"] = on
		if w := c.do("POST", base, b).want(t, http.StatusCreated).idp(t).SCIMConfig; !w.Enabled || w.Secret == "" || strings.Contains(w.Secret, "*") {
			t.Errorf("%s: %+v", typ, w)
		}
	}
	for _, b := range []map[string]any{
		{"name": "otp", "type": "onetimepin", "config": map[string]any{}},
		{"name": "gh", "type": "github", "config": map[string]any{"client_id": "a", "client_secret": "b"}},
		{"name": "g", "type": "google", "config": map[string]any{"client_id": "a", "client_secret": "b"}},
	} {
		b["scim_config"] = on
		r := c.do("POST", base, b).want(t, http.StatusBadRequest, codeInvalidRequest)
		if !strings.Contains(string(r.raw), "not available for identity providers of type") {
			t.Errorf("%s: %s", b["type"], r.raw)
		}
		b["scim_config"] = map[string]any{"enabled": false, "identity_update_behavior": "reauth"}
		c.do("POST", base, b).want(t, http.StatusCreated)
	}
}

// A client secret seeded or set in the dashboard follows the same rules, and the state file keeps it.
func TestClientSecretSeededAndPersisted(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	ts, _ := newContractServer(t, Options{StateFile: state})
	p, err := ts.Seed(ts.AccountScope(), IdP{Name: "Okta", Type: "okta", Config: Config{Other: map[string]any{
		"client_id": "abc", "client_secret": "seeded", "okta_account": "https://dev-123.okta.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Config.ClientSecret != "seeded" || p.Config.Other["client_secret"] != nil {
		t.Fatalf("seeded config %+v", p.Config)
	}
	c := ts.client(t, ts.WriteToken)
	r := c.do("GET", idpsPath(ts.AccountScope())+"/"+p.ID, nil).want(t, http.StatusOK)
	if strings.Contains(string(r.raw), "seeded") {
		t.Fatalf("a seeded secret is shown: %s", r.raw)
	}
	if err := ts.Mutate(ts.AccountScope(), p.ID, func(p *IdP) { p.Config.Other["client_secret"] = "rotated" }); err != nil {
		t.Fatal(err)
	}
	again, err := Open(Options{StateFile: state, Accounts: []string{ts.AccountID}})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := again.Get(ts.AccountScope(), p.ID); got.Config.ClientSecret != "rotated" {
		t.Fatalf("after a restart: %+v", got.Config)
	}
}
