package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFaultInjection(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	listKey := "GET /accounts/{account_id}/access/identity_providers"
	postKey := "POST /accounts/{account_id}/access/identity_providers"

	ts.SetFaults(FaultConfig{ErrorRate: 1, ErrorStatus: 503})
	r := c.do("GET", base, nil).want(t, http.StatusServiceUnavailable, codeInternal)
	if r.env.Errors[0].Message != msgInternal {
		t.Errorf("5xx message %q", r.env.Errors[0].Message)
	}

	ts.SetFaults(FaultConfig{RateLimitBurst: 2, RetryAfter: 3 * time.Second})
	for range 2 {
		r := c.do("GET", base, nil).want(t, http.StatusTooManyRequests, codeRateLimited)
		for h, want := range map[string]string{"Retry-After": "3", "Ratelimit": `"default";r=0;t=3`, "Ratelimit-Policy": `"default";q=1200;w=300`} {
			if got := r.header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
	}
	c.do("GET", base, nil).want(t, http.StatusOK)

	ts.SetFaults(FaultConfig{ConflictRate: 1})
	c.do("GET", base, nil).want(t, http.StatusOK) // reads are never conflicts
	r = c.do("POST", base, samlBody("x", nil)).want(t, http.StatusConflict, codeConflict)
	if r.header.Get("X-Should-Retry") != "false" || !strings.HasPrefix(r.env.Errors[0].Message, "access.api.error.conflict: ") {
		t.Errorf("409 %v %s", r.header, r.raw)
	}

	// Dropped: no response, nothing applied.
	ts.SetFaults(FaultConfig{DropRate: 1, Routes: []string{postKey}})
	if err := rawPost(ts, base, samlBody("dropped", nil)); err == nil {
		t.Fatal("a dropped request got a response")
	}
	c.do("GET", base, nil).want(t, http.StatusOK) // other routes unaffected
	if n := len(ts.List(ts.AccountScope())); n != 0 {
		t.Fatalf("a dropped request was applied: %d IdPs", n)
	}
	// Lost response: applied, then dropped.
	ts.SetFaults(FaultConfig{LostResponseRate: 1})
	if err := rawPost(ts, base, samlBody("lost", nil)); err == nil {
		t.Fatal("a lost response arrived")
	}
	if l := ts.List(ts.AccountScope()); len(l) != 1 || l[0].Name != "lost" {
		t.Fatalf("the write behind a lost response was not applied: %+v", l)
	}

	ts.SetFaults(FaultConfig{Latency: 50 * time.Millisecond})
	start := time.Now()
	c.do("GET", base, nil).want(t, http.StatusOK)
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("latency %v", d)
	}

	// Same seed, same faults.
	pattern := func() string {
		ts.SetFaults(FaultConfig{ErrorRate: 0.5, Seed: 42})
		var b strings.Builder
		for range 20 {
			if c.do("GET", base, nil).status == 200 {
				b.WriteByte('.')
			} else {
				b.WriteByte('x')
			}
		}
		return b.String()
	}
	if a, b := pattern(), pattern(); a != b || !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Errorf("seeded faults differ or are degenerate: %s vs %s", a, b)
	}
	ts.SetFaults(FaultConfig{})
	if got := ts.RequestCounts()[listKey]; got < 20 {
		t.Errorf("list counter %d", got)
	}
}

// rawPost sends a POST with its own transport, so a dropped connection is
// not retried by a shared keep-alive pool.
func rawPost(ts *TestServer, path string, body any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", ts.APIBaseURL()+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+ts.WriteToken)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func TestRequestCounters(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	c := ts.client(t, ts.WriteToken)
	p := c.do("POST", idpsPath(ts.ZoneScope()), samlBody("z", nil)).want(t, http.StatusCreated).idp(t)
	c.do("GET", idpsPath(ts.ZoneScope())+"/"+p.ID, nil)
	c.do("GET", idpsPath(ts.ZoneScope())+"/"+p.ID, nil)
	c.do("GET", idpsPath(ts.AccountScope()), nil)
	want := map[string]int{
		"POST /zones/{zone_id}/access/identity_providers":                       1,
		"GET /zones/{zone_id}/access/identity_providers/{identity_provider_id}": 2,
		"GET /accounts/{account_id}/access/identity_providers":                  1,
	}
	got := ts.RequestCounts()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d, want %d (all: %v)", k, got[k], v, got)
		}
	}
	ts.ResetCounts()
	if len(ts.RequestCounts()) != 0 {
		t.Fatal("ResetCounts left counts")
	}
}

func TestStateFileSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	ts, _ := newContractServer(t, Options{StateFile: path})
	c := ts.client(t, ts.WriteToken)
	p := c.do("POST", idpsPath(ts.AccountScope()), samlBody("persisted", map[string]any{"enabled": true})).want(t, http.StatusCreated).idp(t)
	sc := scimClient{t: t, base: p.SCIMConfig.SCIMBaseURL, secret: p.SCIMConfig.Secret}
	if st, _ := sc.do("POST", "/Users", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "kept"}); st != 201 {
		t.Fatalf("create user %d", st)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	again, _ := newContractServer(t, Options{StateFile: path})
	c2 := again.client(t, again.WriteToken)
	got := c2.do("GET", idpsPath(again.AccountScope())+"/"+p.ID, nil).want(t, http.StatusOK).idp(t)
	if got.Name != "persisted" || got.SCIMConfig.Secret != RedactedSecret {
		t.Fatalf("after restart %+v", got)
	}
	// The secret still works on the new address.
	sc2 := scimClient{t: t, base: got.SCIMConfig.SCIMBaseURL, secret: p.SCIMConfig.Secret}
	if st, body := sc2.do("GET", "/Users", nil); st != 200 || body["totalResults"] != float64(1) {
		t.Fatalf("users after restart %d %v", st, body)
	}

	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{StateFile: path}); err == nil {
		t.Fatal("a corrupt state file was accepted")
	}
}

func TestHTTPControls(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	ctl := func(method, path string, body any) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, ts.URL+"/__emulator"+path, rd)
		if method != "GET" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, out
	}
	st, body := ctl("POST", "/idps", map[string]any{"scope": "accounts/" + ts.AccountID, "idp": map[string]any{
		"name": "seeded", "type": "saml", "config": map[string]any{"issuer_url": "https://i", "sso_target_url": "https://s", "idp_public_certs": []string{testCert}},
		"scim_config": map[string]any{"enabled": true},
	}})
	if st != 201 {
		t.Fatalf("seed %d %s", st, body)
	}
	var v controlIdPView
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if v.SCIMSecret == "" || v.SCIMBaseURL == "" {
		t.Fatalf("seed view %s", body)
	}
	item := "/idps/accounts/" + ts.AccountID + "/" + v.IdP.ID
	if st, body := ctl("PATCH", item, map[string]any{"name": "changed in dashboard", "config": map[string]any{"issuer_url": "https://other"}}); st != 200 {
		t.Fatalf("patch %d %s", st, body)
	}
	got := ts.client(t, ts.ReadToken).do("GET", idpsPath(ts.AccountScope())+"/"+v.IdP.ID, nil).want(t, 200).idp(t)
	if got.Name != "changed in dashboard" || got.Config["issuer_url"] != "https://other" || got.Config["sso_target_url"] != "https://s" {
		t.Fatalf("after PATCH %+v", got)
	}
	if st, body := ctl("GET", "/counters", nil); st != 200 || !strings.Contains(string(body), `"GET /accounts/{account_id}/access/identity_providers/{identity_provider_id}":1`) {
		t.Fatalf("counters %d %s", st, body)
	}
	if st, _ := ctl("DELETE", "/counters", nil); st != 204 {
		t.Fatal(st)
	}
	if st, body := ctl("PUT", "/faults", map[string]any{"rate_limit_burst": 1, "retry_after": "2s"}); st != 200 || !strings.Contains(string(body), `"retry_after":"2s"`) {
		t.Fatalf("faults %d %s", st, body)
	}
	ts.client(t, ts.ReadToken).do("GET", idpsPath(ts.AccountScope()), nil).want(t, 429)
	if st, _ := ctl("POST", "/tokens", map[string]any{"token": "demo", "permission": "write"}); st != 201 {
		t.Fatal(st)
	}
	ts.client(t, "demo").do("POST", idpsPath(ts.AccountScope()), samlBody("by demo", nil)).want(t, 201)
	st, body = ctl("GET", "/state", nil)
	var state State
	if err := json.Unmarshal(body, &state); err != nil || st != 200 || len(state.IdentityProviders) != 2 {
		t.Fatalf("state %d %s", st, body)
	}
	state.IdentityProviders = state.IdentityProviders[:1]
	if st, body := ctl("POST", "/state", state); st != 200 {
		t.Fatalf("restore %d %s", st, body)
	}
	if n := len(ts.List(ts.AccountScope())); n != 1 {
		t.Fatalf("after restore %d IdPs", n)
	}
	if st, _ := ctl("DELETE", item, nil); st != 204 {
		t.Fatal(st)
	}
	if st, _ := ctl("DELETE", item, nil); st != 404 {
		t.Fatal(st)
	}
	// Controls are off unless asked for.
	plain := httptestServer(t, New(Options{Accounts: []string{TestAccountID}}))
	resp, err := http.Get(plain + "/__emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Fatalf("controls reachable without Options.Controls: %d", resp.StatusCode)
	}
}

// TestHTTPControlsRefuseWebPages: a page in a browser can POST text/plain to any origin, and through DNS
// rebinding send requests whose Host is its own name; the controls answer neither.
func TestHTTPControlsRefuseWebPages(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	do := func(method, host, contentType, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+"/__emulator/tokens", strings.NewReader(body))
		if method == "GET" {
			req, _ = http.NewRequest(method, ts.URL+"/__emulator/state", nil)
		}
		req.Host = host
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	token := `{"token":"from-a-web-page","permission":"write"}`
	cases := []struct {
		method, host, contentType string
		want                      int
	}{
		{"POST", "127.0.0.1:" + port, "text/plain", http.StatusUnsupportedMediaType},
		{"POST", "127.0.0.1:" + port, "application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"POST", "127.0.0.1:" + port, "multipart/form-data; boundary=x", http.StatusUnsupportedMediaType},
		{"POST", "127.0.0.1:" + port, "", http.StatusUnsupportedMediaType},
		{"POST", "attacker.example:" + port, "application/json", http.StatusForbidden},
		{"POST", "127.0.0.1:1", "application/json", http.StatusForbidden},
		{"GET", "attacker.example:" + port, "", http.StatusForbidden},
		{"GET", "attacker.example", "", http.StatusForbidden},
		{"GET", "10.0.0.1:" + port, "", http.StatusForbidden},
	}
	for _, tc := range cases {
		if st, body := do(tc.method, tc.host, tc.contentType, token); st != tc.want || !strings.Contains(body, `"error"`) {
			t.Errorf("%s Host %s Content-Type %q: %d %s, want %d", tc.method, tc.host, tc.contentType, st, body, tc.want)
		}
	}
	if ts.client(t, "from-a-web-page").do("GET", idpsPath(ts.AccountScope()), nil).status != http.StatusForbidden {
		t.Error("a refused control request issued a token")
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port} {
		if st, body := do("GET", host, "", ""); st != http.StatusOK {
			t.Errorf("GET Host %s: %d %s", host, st, body)
		}
	}
	if st, body := do("POST", "localhost:"+port, "application/json; charset=utf-8", token); st != http.StatusCreated {
		t.Errorf("POST with JSON from localhost: %d %s", st, body)
	}
	ts.client(t, "from-a-web-page").do("GET", idpsPath(ts.AccountScope()), nil).want(t, http.StatusOK)
}

func TestMutateUnknownIdP(t *testing.T) {
	ts := NewTestServer(t, Options{})
	if err := ts.Mutate(ts.AccountScope(), "nope", func(*IdP) {}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("err %v", err)
	}
	if ts.Delete(ts.AccountScope(), "nope") {
		t.Fatal("deleted a missing IdP")
	}
}

// controlRaw sends a control request with a raw body and returns the status
// and the error message (or the body, if it has none).
func controlRaw(t *testing.T, ts *TestServer, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+"/__emulator"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(out, &e) == nil && e.Error != "" {
		return resp.StatusCode, e.Error
	}
	return resp.StatusCode, string(out)
}

// TestControlsRefuseUnknownKeysAndTrailingData: a typo such as "errorRate"
// used to answer 200 and turn every fault off; each control refuses it with a
// 400 that names the key, and refuses data after the JSON value, changing
// nothing.
func TestControlsRefuseUnknownKeysAndTrailingData(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	ts.SetFaults(FaultConfig{ErrorRate: 1, Routes: []string{"GET /zones/{zone_id}/access/identity_providers"}})
	seeded, err := ts.Seed(ts.AccountScope(), IdP{Name: "seeded", Type: "saml", Config: Config{IssuerURL: "https://i", SSOTargetURL: "https://s", IdPPublicCerts: []string{testCert}}})
	if err != nil {
		t.Fatal(err)
	}
	item := "/idps/accounts/" + ts.AccountID + "/" + seeded.ID
	cases := []struct {
		method, path, body, want string
	}{
		{"PUT", "/faults", `{"errorRate":1}`, `"errorRate"`},
		{"PUT", "/faults", `{"error_rate":1,"routes":[],"seed":1,"latncy":"1s"}`, `"latncy"`},
		{"PUT", "/faults", `{"error_rate":0} {"error_rate":1}`, "after the JSON value"},
		{"PUT", "/faults", `{}x`, "after the JSON value"},
		{"POST", "/tokens", `{"token":"t","perm":"write"}`, `"perm"`},
		{"POST", "/tokens", `{"token":"t","permission":"write"}{}`, "after the JSON value"},
		{"POST", "/idps", `{"scope":"accounts/` + ts.AccountID + `","idp":{"name":"x","type":"saml","confg":{}}}`, `"confg"`},
		{"POST", "/state", `{"version":1,"identity_provider":[]}`, `"identity_provider"`},
		{"PATCH", item, `{"title":"renamed"}`, `"title"`},
		{"PATCH", item, `{"name":"renamed"} {}`, "after the JSON value"},
	}
	for _, tc := range cases {
		st, body := controlRaw(t, ts, tc.method, tc.path, tc.body)
		if st != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s %s: %d %s, want 400 naming %s", tc.method, tc.path, tc.body, st, body, tc.want)
		}
	}
	if f := ts.Faults(); f.ErrorRate != 1 || len(f.Routes) != 1 {
		t.Errorf("a refused PUT /faults changed the faults: %+v", f)
	}
	if l := ts.List(ts.AccountScope()); len(l) != 1 || l[0].Name != "seeded" {
		t.Errorf("a refused control changed the IdPs: %+v", l)
	}
	ts.client(t, "t").do("GET", idpsPath(ts.AccountScope()), nil).want(t, http.StatusForbidden) // no token issued
	if st, body := controlRaw(t, ts, "PUT", "/faults", "{\"error_rate\":0.5}\n"); st != http.StatusOK {
		t.Errorf("a valid PUT /faults with a trailing newline: %d %s", st, body)
	}
}

// TestFaultsComeAfterAuthentication: every fault applies only to a request
// whose credential was accepted; a missing, unknown or too weak credential, or
// a scope the credential cannot reach, gets its 400 or 403, never an injected
// 5xx, 429, 409 or a dropped connection.
func TestFaultsComeAfterAuthentication(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	base := idpsPath(ts.AccountScope())
	for _, cfg := range []FaultConfig{{ErrorRate: 1}, {RateLimitBurst: 1000}, {DropRate: 1}, {ConflictRate: 1}, {LostResponseRate: 1}} {
		ts.SetFaults(cfg)
		ts.client(t, "").do("GET", base, nil).want(t, http.StatusBadRequest, codeMissingAuth)
		ts.client(t, "wrong").do("GET", base, nil).want(t, http.StatusForbidden, codeAuthError)
		ts.client(t, "wrong").do("POST", base, samlBody("x", nil)).want(t, http.StatusForbidden, codeAuthError)
		ts.client(t, ts.ReadToken).do("POST", base, samlBody("x", nil)).want(t, http.StatusForbidden, codeAuthError)
		ts.client(t, ts.ReadToken).do("GET", idpsPath(AccountScope("0123456789abcdef0123456789abcdef")), nil).want(t, http.StatusForbidden, codeAuthError)
	}
	// The same faults do reach an accepted credential.
	ts.SetFaults(FaultConfig{ErrorRate: 1})
	ts.client(t, ts.ReadToken).do("GET", base, nil).want(t, http.StatusInternalServerError, codeInternal)
	ts.SetFaults(FaultConfig{})
	if n := len(ts.List(ts.AccountScope())); n != 0 {
		t.Fatalf("a refused write was applied: %d IdPs", n)
	}
}
