package oidctest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Under a prefix (as beside the emulator's API), the issuers, their documents and the JWKS are where the
// documents say they are.
func TestProviderUnderAPrefix(t *testing.T) {
	p, err := New("/oidc/")
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewServer(p)
	t.Cleanup(func() { p.Close(); s.Close() })
	issuer := p.Issuer(s.URL, Good)
	if issuer != s.URL+"/oidc/good" {
		t.Fatalf("issuer %s", issuer)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	get(t, issuer+"/.well-known/openid-configuration", http.StatusOK, &doc)
	if doc.Issuer != issuer || doc.JWKSURI != issuer+"/jwks" {
		t.Fatalf("document %+v", doc)
	}
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	get(t, doc.JWKSURI, http.StatusOK, &jwks)
	if len(jwks.Keys) != 1 || jwks.Keys[0]["kty"] != "EC" || len(jwks.Keys[0]["x"]) != 43 || jwks.Keys[0]["kid"] == "" {
		t.Fatalf("jwks %+v", jwks)
	}
	get(t, s.URL+"/oidc/nonesuch/.well-known/openid-configuration", http.StatusNotFound, nil)
	get(t, s.URL+"/good/.well-known/openid-configuration", http.StatusNotFound, nil)
	get(t, issuer+"/token", http.StatusNotImplemented, nil)
	if p.Requests(Good) != 1 {
		t.Errorf("%d requests counted", p.Requests(Good))
	}
	// Once closed, Slow answers at once (so a server can shut down).
	p.Close()
	get(t, p.Issuer(s.URL, Slow)+"/.well-known/openid-configuration", http.StatusOK, nil)
}

func get(t *testing.T, url string, status int, into any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != status {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	if into != nil {
		if err := json.Unmarshal(body, into); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
}
