package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestIdPLifecycleAtBothScopes(t *testing.T) {
	ts, cc := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	for _, sc := range []Scope{ts.AccountScope(), ts.ZoneScope()} {
		t.Run(string(sc.Kind), func(t *testing.T) {
			base := idpsPath(sc)
			created := c.do("POST", base, samlBody("Okta", nil)).want(t, http.StatusCreated).idp(t)
			if len(created.ID) != 36 || created.Name != "Okta" || created.Type != "saml" {
				t.Fatalf("created %+v", created)
			}
			if got := created.Config["redirect_url"]; got != "https://emulator-team.cloudflareaccess.com/cdn-cgi/access/callback" {
				t.Errorf("redirect_url %v", got)
			}
			if created.SCIMConfig.Enabled || created.SCIMConfig.Secret != "" || created.SCIMConfig.SCIMBaseURL != "" {
				t.Errorf("scim_config of an IdP without SCIM: %+v", created.SCIMConfig)
			}
			got := c.do("GET", base+"/"+created.ID, nil).want(t, http.StatusOK).idp(t)
			if got.Config["issuer_url"] != "https://idp.example.com/entity" || got.Config["sign_request"] != true {
				t.Errorf("GET %+v", got)
			}
			list := c.do("GET", base, nil).want(t, http.StatusOK)
			if ids := list.idps(t); len(ids) != 1 || ids[0].ID != created.ID {
				t.Errorf("list %s", list.raw)
			}
			// PUT is a full replace: attributes and sign_request not sent are cleared, and so no longer echoed.
			put := samlBody("Okta renamed", nil)
			cfg := put["config"].(map[string]any)
			delete(cfg, "attributes")
			delete(cfg, "sign_request")
			updated := c.do("PUT", base+"/"+created.ID, put).want(t, http.StatusOK).idp(t)
			if updated.Name != "Okta renamed" || hasKey(updated.Config, "attributes") || hasKey(updated.Config, "sign_request") {
				t.Errorf("PUT did not replace: %+v", updated)
			}
			del := c.do("DELETE", base+"/"+created.ID, nil).want(t, http.StatusAccepted)
			if string(del.env.Result) != fmt.Sprintf(`{"id":%q}`, created.ID) {
				t.Errorf("DELETE result %s", del.env.Result)
			}
			c.do("GET", base+"/"+created.ID, nil).want(t, http.StatusNotFound, codeNotFound)
			c.do("PUT", base+"/"+created.ID, samlBody("x", nil)).want(t, http.StatusNotFound, codeNotFound)
			c.do("DELETE", base+"/"+created.ID, nil).want(t, http.StatusNotFound, codeNotFound)
		})
	}
	// The scopes are separate: an account IdP is not visible at zone scope.
	a := c.do("POST", idpsPath(ts.AccountScope()), samlBody("acct", nil)).want(t, http.StatusCreated).idp(t)
	c.do("GET", idpsPath(ts.ZoneScope())+"/"+a.ID, nil).want(t, http.StatusNotFound, codeNotFound)
	if cc.count() == 0 {
		t.Fatal("no response was contract-checked")
	}
}

func TestAuthFailures(t *testing.T) {
	ts, _ := newContractServer(t, Options{ZeroTrustDisabledAccounts: []string{"11111111111111111111111111111111"}, Accounts: []string{TestAccountID, "11111111111111111111111111111111"}})
	base := idpsPath(ts.AccountScope())
	none := apiCall{t: t, base: ts.APIBaseURL()}
	none.do("GET", base, nil).want(t, http.StatusBadRequest, codeMissingAuth)
	ts.client(t, "nope").do("GET", base, nil).want(t, http.StatusForbidden, codeAuthError)
	read := ts.client(t, ts.ReadToken)
	read.do("GET", base, nil).want(t, http.StatusOK)
	read.do("POST", base, samlBody("x", nil)).want(t, http.StatusForbidden, codeAuthError)
	key := apiCall{t: t, base: ts.APIBaseURL(), email: TestAPIEmail, key: TestAPIKey}
	key.do("POST", base, samlBody("via key", nil)).want(t, http.StatusCreated)
	apiCall{t: t, base: ts.APIBaseURL(), email: TestAPIEmail, key: "wrong"}.do("GET", base, nil).want(t, http.StatusForbidden, codeAuthError)
	apiCall{t: t, base: ts.APIBaseURL(), email: TestAPIEmail}.do("GET", base, nil).want(t, http.StatusBadRequest, codeMissingAuth)
	w := ts.client(t, ts.WriteToken)
	w.do("GET", "/accounts/ffffffffffffffffffffffffffffffff/access/identity_providers", nil).want(t, http.StatusForbidden, codeAuthError)
	w.do("GET", "/accounts/11111111111111111111111111111111/access/identity_providers", nil).want(t, http.StatusForbidden, codeNotEnabled)
	// Tokens issued at run time work at once.
	ts.AddToken("late", PermRead)
	ts.client(t, "late").do("GET", base, nil).want(t, http.StatusOK)
}

func TestValidationFailures(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	with := func(mut func(b map[string]any)) map[string]any {
		b := samlBody("v", nil)
		mut(b)
		return b
	}
	cfg := func(b map[string]any) map[string]any { return b["config"].(map[string]any) }
	cases := map[string]any{
		"malformed JSON":   `{"name": "x",`,
		"empty body":       "",
		"not an object":    `[1,2]`,
		"no name":          with(func(b map[string]any) { delete(b, "name") }),
		"blank name":       with(func(b map[string]any) { b["name"] = "  " }),
		"name not string":  with(func(b map[string]any) { b["name"] = 5 }),
		"no type":          with(func(b map[string]any) { delete(b, "type") }),
		"unknown type":     with(func(b map[string]any) { b["type"] = "ldap" }),
		"no config":        with(func(b map[string]any) { delete(b, "config") }),
		"null config":      with(func(b map[string]any) { b["config"] = nil }),
		"config not obj":   with(func(b map[string]any) { b["config"] = "x" }),
		"no issuer":        with(func(b map[string]any) { delete(cfg(b), "issuer_url") }),
		"no sso url":       with(func(b map[string]any) { delete(cfg(b), "sso_target_url") }),
		"no certs":         with(func(b map[string]any) { delete(cfg(b), "idp_public_certs") }),
		"empty certs":      with(func(b map[string]any) { cfg(b)["idp_public_certs"] = []string{} }),
		"certs not list":   with(func(b map[string]any) { cfg(b)["idp_public_certs"] = "x" }),
		"seat w/o user":    with(func(b map[string]any) { b["scim_config"] = map[string]any{"enabled": true, "seat_deprovision": true} }),
		"bad behavior":     with(func(b map[string]any) { b["scim_config"] = map[string]any{"identity_update_behavior": "sometimes"} }),
		"scim not object":  with(func(b map[string]any) { b["scim_config"] = true }),
		"enabled not bool": with(func(b map[string]any) { b["scim_config"] = map[string]any{"enabled": "yes"} }),
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			r := c.do("POST", base, body).want(t, http.StatusBadRequest, codeInvalidRequest)
			if !strings.HasPrefix(r.env.Errors[0].Message, "access.api.error.invalid_request: ") {
				t.Errorf("message %q", r.env.Errors[0].Message)
			}
		})
	}
	if n := len(ts.List(ts.AccountScope())); n != 0 {
		t.Fatalf("%d IdPs were created by invalid requests", n)
	}
	// The same rules hold for PUT.
	p := c.do("POST", base, samlBody("ok", nil)).want(t, http.StatusCreated).idp(t)
	c.do("PUT", base+"/"+p.ID, with(func(b map[string]any) { delete(cfg(b), "issuer_url") })).want(t, http.StatusBadRequest, codeInvalidRequest)
}

func TestLegacySingleCertificateAndOtherTypes(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	// As in Cloudflare's JumpCloud guide: idp_public_cert, a single string.
	body := samlBody("JumpCloud", nil)
	cfg := body["config"].(map[string]any)
	delete(cfg, "idp_public_certs")
	cfg["idp_public_cert"] = "-----BEGIN CERTIFICATE-----\n" + testCert + "\n-----END CERTIFICATE-----"
	p := c.do("POST", base, body).want(t, http.StatusCreated).idp(t)
	certs, _ := p.Config["idp_public_certs"].([]any)
	if len(certs) != 1 || certs[0] != cfg["idp_public_cert"] {
		t.Fatalf("legacy certificate not echoed as a one-element idp_public_certs: %+v", p.Config)
	}
	if _, ok := p.Config["idp_public_cert"]; ok {
		t.Errorf("the legacy field is echoed: %+v", p.Config)
	}
	// Other types keep their config as sent, without the client secret.
	gh := c.do("POST", base, map[string]any{"name": "GitHub", "type": "github", "config": map[string]any{"client_id": "abc", "client_secret": "s3cret"}}).want(t, http.StatusCreated).idp(t)
	if gh.Config["client_id"] != "abc" || gh.Config["client_secret"] != nil {
		t.Errorf("github config %+v", gh.Config)
	}
	// Unknown keys are ignored; read-only ones copied from a GET too.
	c.do("POST", base, map[string]any{"name": "otp", "type": "onetimepin", "config": map[string]any{}, "bogus": 1, "read_only": true}).want(t, http.StatusCreated)
	for _, p := range ts.List(ts.AccountScope()) {
		if p.ReadOnly {
			t.Errorf("read_only was taken from the client: %+v", p)
		}
	}
}

func TestPaging(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	for i := range 25 {
		var scim map[string]any
		if i%5 == 0 {
			scim = map[string]any{"enabled": true}
		}
		c.do("POST", base, samlBody(fmt.Sprintf("idp-%02d", i), scim)).want(t, http.StatusCreated)
	}
	first := c.do("GET", base, nil).want(t, http.StatusOK)
	if ri := first.env.ResultInfo; ri == nil || *ri != (resultInfo{Page: 1, PerPage: DefaultIdPPerPage, Count: 20, TotalCount: 25, TotalPages: 2}) {
		t.Fatalf("result_info %+v", first.env.ResultInfo)
	}
	second := c.do("GET", base+"?page=2", nil).want(t, http.StatusOK)
	names := second.idps(t)
	if len(names) != 5 || names[0].Name != "idp-20" {
		t.Fatalf("page 2 %s", second.raw)
	}
	past := c.do("GET", base+"?page=9&per_page=10", nil).want(t, http.StatusOK)
	if string(past.env.Result) != "[]" || past.env.ResultInfo.Count != 0 || past.env.ResultInfo.TotalCount != 25 {
		t.Fatalf("page past the end %s", past.raw)
	}
	all := c.do("GET", base+"?per_page=1000", nil).want(t, http.StatusOK)
	if len(all.idps(t)) != 25 {
		t.Fatalf("per_page=1000: %d", len(all.idps(t)))
	}
	for _, q := range []string{"per_page=1001", "per_page=0", "page=0", "page=x", "scim_enabled=maybe"} {
		c.do("GET", base+"?"+q, nil).want(t, http.StatusBadRequest, codeInvalidRequest)
	}
	scim := c.do("GET", base+"?scim_enabled=true", nil).want(t, http.StatusOK).idps(t)
	if len(scim) != 5 {
		t.Fatalf("scim_enabled=true returned %d", len(scim))
	}
	for _, p := range scim {
		if !p.SCIMConfig.Enabled || p.SCIMConfig.Secret != RedactedSecret {
			t.Errorf("listed %+v", p.SCIMConfig)
		}
	}
}

func TestSCIMSecretLifecycle(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())

	// Enabled at creation: plaintext once, in the POST response.
	p := c.do("POST", base, samlBody("a", map[string]any{"enabled": true, "user_deprovision": true, "seat_deprovision": true, "identity_update_behavior": "reauth"})).want(t, http.StatusCreated).idp(t)
	secret := p.SCIMConfig.Secret
	if secret == "" || strings.Contains(secret, "*") {
		t.Fatalf("POST did not show the secret: %+v", p.SCIMConfig)
	}
	if want := ts.URL + "/populations/"; !strings.HasPrefix(p.SCIMConfig.SCIMBaseURL, want) || !strings.HasSuffix(p.SCIMConfig.SCIMBaseURL, "/scim/v2") {
		t.Fatalf("scim_base_url %q", p.SCIMConfig.SCIMBaseURL)
	}
	g := c.do("GET", base+"/"+p.ID, nil).want(t, http.StatusOK).idp(t)
	if g.SCIMConfig.Secret != RedactedSecret || len(g.SCIMConfig.Secret) != 34 || g.SCIMConfig.SCIMBaseURL != p.SCIMConfig.SCIMBaseURL || g.SCIMConfig.IdentityUpdateBehavior != "reauth" {
		t.Fatalf("GET scim_config %+v", g.SCIMConfig)
	}
	// A PUT that copies the GET (redacted secret and all) changes nothing secret.
	var asSent map[string]any
	if err := json.Unmarshal(c.do("GET", base+"/"+p.ID, nil).env.Result, &asSent); err != nil {
		t.Fatal(err)
	}
	u := c.do("PUT", base+"/"+p.ID, asSent).want(t, http.StatusOK).idp(t)
	if u.SCIMConfig.Secret != RedactedSecret || u.SCIMConfig.SCIMBaseURL != p.SCIMConfig.SCIMBaseURL {
		t.Fatalf("PUT of a GET body: %+v", u.SCIMConfig)
	}
	if s, _ := ts.SCIMSecret(ts.AccountScope(), p.ID); s != secret {
		t.Fatal("the secret changed on PUT")
	}
	// Disable and re-enable: same secret, redacted, same URL.
	c.do("PUT", base+"/"+p.ID, samlBody("a", map[string]any{"enabled": false})).want(t, http.StatusOK)
	re := c.do("PUT", base+"/"+p.ID, samlBody("a", map[string]any{"enabled": true})).want(t, http.StatusOK).idp(t)
	if re.SCIMConfig.Secret != RedactedSecret || re.SCIMConfig.SCIMBaseURL != p.SCIMConfig.SCIMBaseURL {
		t.Fatalf("re-enabled %+v", re.SCIMConfig)
	}
	// Refresh: a new plaintext secret, once.
	r := c.do("POST", base+"/"+p.ID+"/refresh_scim_secret", nil).want(t, http.StatusOK).idp(t)
	if r.SCIMConfig.Secret == secret || strings.Contains(r.SCIMConfig.Secret, "*") || r.SCIMConfig.SCIMBaseURL != p.SCIMConfig.SCIMBaseURL {
		t.Fatalf("refresh %+v", r.SCIMConfig)
	}
	if g := c.do("GET", base+"/"+p.ID, nil).idp(t); g.SCIMConfig.Secret != RedactedSecret {
		t.Fatalf("after refresh GET shows %q", g.SCIMConfig.Secret)
	}

	// Enabled later by PUT: the PUT shows it.
	q := c.do("POST", idpsPath(ts.ZoneScope()), samlBody("b", nil)).want(t, http.StatusCreated).idp(t)
	c.do("POST", idpsPath(ts.ZoneScope())+"/"+q.ID+"/refresh_scim_secret", nil).want(t, http.StatusBadRequest, codeInvalidRequest)
	e := c.do("PUT", idpsPath(ts.ZoneScope())+"/"+q.ID, samlBody("b", map[string]any{"enabled": true})).want(t, http.StatusOK).idp(t)
	if e.SCIMConfig.Secret == "" || strings.Contains(e.SCIMConfig.Secret, "*") || e.SCIMConfig.SCIMBaseURL == "" {
		t.Fatalf("first enable by PUT %+v", e.SCIMConfig)
	}
	ts.client(t, ts.ReadToken).do("POST", idpsPath(ts.ZoneScope())+"/"+q.ID+"/refresh_scim_secret", nil).want(t, http.StatusForbidden, codeAuthError)
}

func TestReadOnlyIdPsRefuseWrites(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	p, err := ts.Seed(ts.AccountScope(), IdP{Name: "Managed", Type: "onetimepin", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	c := ts.client(t, ts.WriteToken)
	path := idpsPath(ts.AccountScope()) + "/" + p.ID
	if !c.do("GET", path, nil).want(t, http.StatusOK).idp(t).ReadOnly {
		t.Fatal("read_only not shown")
	}
	c.do("PUT", path, map[string]any{"name": "x", "type": "onetimepin", "config": map[string]any{}}).want(t, http.StatusBadRequest, codeInvalidRequest)
	c.do("DELETE", path, nil).want(t, http.StatusBadRequest, codeInvalidRequest)
	// The dashboard (controls) can still change it.
	if err := ts.Mutate(ts.AccountScope(), p.ID, func(p *IdP) { p.Name = "Renamed in dashboard" }); err != nil {
		t.Fatal(err)
	}
	if got := c.do("GET", path, nil).idp(t); got.Name != "Renamed in dashboard" {
		t.Fatalf("mutate not visible: %+v", got)
	}
}

func TestNoRouteAndMethodNotAllowed(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	c.do("GET", "/accounts/"+ts.AccountID+"/access/nothing", nil).want(t, http.StatusNotFound, codeNoRoute)
	c.do("PATCH", idpsPath(ts.AccountScope())+"/x", map[string]any{}).want(t, http.StatusMethodNotAllowed, codeMethodNotAllowed)
	// SCIM lists exist at account scope only.
	c.do("GET", idpsPath(ts.ZoneScope())+"/x/scim/users", nil).want(t, http.StatusNotFound, codeNoRoute)
}

func hasKey(m map[string]any, key string) bool {
	_, ok := m[key]
	return ok
}
