package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// testCert is a (bare base64) certificate body; the emulator stores
// certificates as given, so it need not parse.
const testCert = "MIIBszCCAVmgAwIBAgIUKSAMPLEexample0000000000000000000wCgYIKoZIzj0EAwIw"

type testEnvelope struct {
	Success    bool              `json:"success"`
	Errors     []apiMessage      `json:"errors"`
	Messages   []apiMessage      `json:"messages"`
	Result     json.RawMessage   `json:"result"`
	ResultInfo *resultInfo       `json:"result_info"`
	Extra      map[string]string `json:"-"`
}

type testResp struct {
	status int
	header http.Header
	env    testEnvelope
	raw    []byte
}

// apiCall is one API request; auth is "token", "key" (X-Auth-Email/Key) or a
// header map.
type apiCall struct {
	t     testing.TB
	base  string
	token string
	email string
	key   string
}

func (ts *TestServer) client(t testing.TB, token string) apiCall {
	return apiCall{t: t, base: ts.APIBaseURL(), token: token}
}

func (c apiCall) do(method, path string, body any) testResp {
	c.t.Helper()
	r, err := c.try(method, path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	return r
}

// try is do for goroutines other than the test's: it returns what went wrong instead of failing the test.
func (c apiCall) try(method, path string, body any) (testResp, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return testResp{}, fmt.Errorf("encoding the body: %w", err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return testResp{}, fmt.Errorf("building the request: %w", err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.email != "" {
		req.Header.Set("X-Auth-Email", c.email)
		req.Header.Set("X-Auth-Key", c.key)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return testResp{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return testResp{}, fmt.Errorf("%s %s: reading the response: %w", method, path, err)
	}
	r := testResp{status: resp.StatusCode, header: resp.Header, raw: raw}
	if err := json.Unmarshal(raw, &r.env); err != nil {
		return testResp{}, fmt.Errorf("%s %s: decoding %q: %w", method, path, raw, err)
	}
	return r, nil
}

// want fails the test unless the response has the status (and, for failures,
// the error code).
func (r testResp) want(t testing.TB, status int, code ...int) testResp {
	t.Helper()
	if err := r.check(status, code...); err != nil {
		t.Fatal(err)
	}
	return r
}

// check is want for goroutines other than the test's.
func (r testResp) check(status int, code ...int) error {
	if r.status != status {
		return fmt.Errorf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	if status < 300 && !r.env.Success {
		return fmt.Errorf("success=false on %d: %s", status, r.raw)
	}
	if status >= 300 {
		if r.env.Success || string(r.env.Result) != "null" {
			return fmt.Errorf("failure must have success=false and result null: %s", r.raw)
		}
		if len(code) > 0 && (len(r.env.Errors) == 0 || r.env.Errors[0].Code != code[0]) {
			return fmt.Errorf("error code: %s, want %d", r.raw, code[0])
		}
	}
	return nil
}

func (r testResp) idp(t testing.TB) wireIdP {
	t.Helper()
	var p wireIdP
	if err := json.Unmarshal(r.env.Result, &p); err != nil {
		t.Fatalf("decoding the IdP %s: %v", r.env.Result, err)
	}
	return p
}

func (r testResp) idps(t testing.TB) []wireIdP {
	t.Helper()
	var p []wireIdP
	if err := json.Unmarshal(r.env.Result, &p); err != nil {
		t.Fatalf("decoding the IdPs %s: %v", r.env.Result, err)
	}
	return p
}

func samlBody(name string, scim map[string]any) map[string]any {
	b := map[string]any{
		"name": name,
		"type": "saml",
		"config": map[string]any{
			"issuer_url":       "https://idp.example.com/entity",
			"sso_target_url":   "https://idp.example.com/sso",
			"idp_public_certs": []string{testCert},
			"attributes":       []string{"email", "groups"},
			"sign_request":     true,
		},
	}
	if scim != nil {
		b["scim_config"] = scim
	}
	return b
}

func idpsPath(sc Scope) string { return "/" + sc.String() + "/access/identity_providers" }

func httptestServer(t testing.TB, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
