package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchServer answers every request with one stored SAML identity provider.
func benchServer(b *testing.B) *httptest.Server {
	body, err := json.Marshal(map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": storedIdP(redacted34)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkRawHTTPGet is the baseline: a bare net/http GET and read of the
// same response, no envelope, no decoding.
func BenchmarkRawHTTPGet(b *testing.B) {
	srv := benchServer(b)
	hc := srv.Client()
	u := srv.URL + "/accounts/" + testAccount + "/access/identity_providers/" + testIdPID
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkGetIdentityProvider measures a typed GET end to end: headers,
// limiter, retry loop, envelope and IdP decoding (no logger).
func BenchmarkGetIdentityProvider(b *testing.B) {
	srv := benchServer(b)
	c, err := New(Config{BaseURL: srv.URL, APIToken: testToken, HTTPClient: srv.Client(), RateLimitDisabled: true})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateIdentityProvider adds encoding the body.
func BenchmarkUpdateIdentityProvider(b *testing.B) {
	srv := benchServer(b)
	c, err := New(Config{BaseURL: srv.URL, APIToken: testToken, HTTPClient: srv.Client(), RateLimitDisabled: true})
	if err != nil {
		b.Fatal(err)
	}
	idp := storedIdP(redacted34)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.UpdateIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID, idp); err != nil {
			b.Fatal(err)
		}
	}
}
