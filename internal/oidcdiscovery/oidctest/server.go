package oidctest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Server is a Provider on an httptest server, closed when the test ends.
type Server struct {
	Provider *Provider
	// HTTP is the httptest server: its URL is the origin, its Client trusts its certificate (TLS).
	HTTP *httptest.Server
	// URL is the origin, e.g. http://127.0.0.1:12345.
	URL string
}

// NewServer starts a provider over http (a development IdP: the client needs allow_http).
func NewServer(t testing.TB) *Server { return start(t, httptest.NewServer) }

// NewTLSServer starts a provider over https with a certificate that HTTP.Client() trusts; needed for
// HTTPEndpoint and RedirectToHTTP, which http clients that allow http accept.
func NewTLSServer(t testing.TB) *Server { return start(t, httptest.NewTLSServer) }

func start(t testing.TB, newServer func(http.Handler) *httptest.Server) *Server {
	t.Helper()
	p, err := New("")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Provider: p, HTTP: newServer(p)}
	s.URL = s.HTTP.URL
	t.Cleanup(func() {
		p.Close() // release Slow's requests first: httptest waits for every handler
		s.HTTP.Close()
	})
	return s
}

// Issuer is the issuer URL of b on this server.
func (s *Server) Issuer(b Behavior) string { return s.Provider.Issuer(s.URL, b) }

// Document is what b's discovery URL answers on this server (see Provider.Document).
func (s *Server) Document(b Behavior) []byte { return s.Provider.Document(s.URL, b) }

// Transport is a transport that trusts the server's certificate, for a fetch.Fetcher.
func (s *Server) Transport() http.RoundTripper { return s.HTTP.Client().Transport }
