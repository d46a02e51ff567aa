package oidctest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery"
)

// Behavior is what the issuer at /<behavior> serves; it is also the last segment of its issuer URL.
type Behavior string

// The behaviors. The issuer of each is <origin><prefix>/<behavior>.
const (
	// Good serves a valid document listing S256 PKCE, and its JWKS.
	Good Behavior = "good"
	// NoPKCE is Good without S256 in code_challenge_methods_supported (it lists only "plain").
	NoPKCE Behavior = "no-pkce"
	// Moved redirects, on the same origin, to where it serves a good document: a redirect to follow.
	Moved Behavior = "moved"
	// WrongIssuer's document names another issuer: its own with a trailing "/".
	WrongIssuer Behavior = "wrong-issuer"
	// HTTPEndpoint's token_endpoint is a plain http URL (refused unless allow_http, so serve it over TLS).
	HTTPEndpoint Behavior = "http-endpoint"
	// MissingMember's document has no jwks_uri.
	MissingMember Behavior = "missing-member"
	// HTMLPage answers 200 with a login page.
	HTMLPage Behavior = "html-page"
	// DuplicateMember's document has "issuer" twice: an attacker's first, the right one last, which is
	// the one encoding/json keeps.
	DuplicateMember Behavior = "duplicate-member"
	// Oversize serves a valid document padded past oidcdiscovery.DefaultMaxBytes.
	Oversize Behavior = "oversize"
	// RedirectOtherOrigin redirects to the same server by another name (localhost and 127.0.0.1 swapped).
	RedirectOtherOrigin Behavior = "redirect-other-origin"
	// RedirectToHTTP redirects from https to the same path over http (serve it over TLS).
	RedirectToHTTP Behavior = "redirect-to-http"
	// Slow never answers: the request waits until the client gives up or the Provider is closed.
	Slow Behavior = "slow"
)

// Behaviors lists every behavior, Good first.
func Behaviors() []Behavior {
	return []Behavior{Good, NoPKCE, Moved, WrongIssuer, HTTPEndpoint, MissingMember, HTMLPage, DuplicateMember,
		Oversize, RedirectOtherOrigin, RedirectToHTTP, Slow}
}

// Provider is the handler. Create it with New.
type Provider struct {
	// Prefix is the path the issuers live under ("" or, beside the emulator's API, "/oidc").
	Prefix string

	jwks      []byte
	done      chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	requests map[Behavior]int
}

// New returns a provider with a fresh P-256 signing key in its JWKS, serving its issuers under prefix.
func New(prefix string) (*Provider, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("oidctest: generating the signing key: %w", err)
	}
	pub, err := key.PublicKey.Bytes() // uncompressed point: 0x04 || X || Y
	if err != nil {
		return nil, fmt.Errorf("oidctest: encoding the signing key: %w", err)
	}
	x, y := pub[1:33], pub[33:]
	kid := sha256.Sum256(pub)
	b64 := base64.RawURLEncoding.EncodeToString
	jwks, err := json.Marshal(map[string]any{"keys": []map[string]string{{
		"kty": "EC", "crv": "P-256", "x": b64(x), "y": b64(y), "use": "sig", "alg": "ES256", "kid": b64(kid[:8]),
	}}})
	if err != nil {
		return nil, err
	}
	return &Provider{Prefix: strings.TrimSuffix(prefix, "/"), jwks: jwks, done: make(chan struct{}), requests: map[Behavior]int{}}, nil
}

// Close releases every request of Slow that is still waiting. The provider keeps serving the others.
func (p *Provider) Close() { p.closeOnce.Do(func() { close(p.done) }) }

// Issuer is the issuer URL of b on a server at origin ("http://127.0.0.1:8080").
func (p *Provider) Issuer(origin string, b Behavior) string {
	return strings.TrimSuffix(origin, "/") + p.Prefix + "/" + string(b)
}

// Requests returns how many requests for b's discovery document the provider has answered or is answering.
func (p *Provider) Requests(b Behavior) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests[b]
}

// Document returns the body b's discovery URL answers with on a server at origin, for an inline
// discovery_json; nil for the behaviors that answer with a redirect or not at all.
func (p *Provider) Document(origin string, b Behavior) []byte {
	issuer := p.Issuer(origin, b)
	switch b {
	case Moved, RedirectOtherOrigin, RedirectToHTTP, Slow:
		return nil
	case HTMLPage:
		return []byte("<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form method=\"post\">" +
			"<input name=\"username\"><input type=\"password\" name=\"password\"></form></body></html>\n")
	case DuplicateMember:
		good := p.document(issuer, issuer, true)
		return append([]byte(`{"issuer":"https://attacker.example/",`), good[1:]...)
	case Oversize:
		doc := p.document(issuer, issuer, true)
		pad := bytes.Repeat([]byte("x"), oidcdiscovery.DefaultMaxBytes)
		return append(append(append(doc[:len(doc)-1:len(doc)-1], `,"x_padding":"`...), pad...), `"}`...)
	case WrongIssuer:
		return p.document(issuer+"/", issuer, true)
	case NoPKCE:
		return p.document(issuer, issuer, false)
	}
	doc := p.document(issuer, issuer, true)
	switch b {
	case HTTPEndpoint:
		return bytes.Replace(doc, []byte(`"token_endpoint":"https:`), []byte(`"token_endpoint":"http:`), 1)
	case MissingMember:
		var m map[string]any
		_ = json.Unmarshal(doc, &m) // our own document
		delete(m, "jwks_uri")
		out, _ := json.Marshal(m)
		return out
	}
	return doc
}

// document is a discovery document that says issuer, with endpoints under base. Endpoints use https
// when the issuer does, as a real IdP's would.
func (p *Provider) document(issuer, base string, s256 bool) []byte {
	methods := []string{"plain"}
	if s256 {
		methods = []string{"S256", "plain"}
	}
	// A stable member order reads well in a demo; json.Marshal of a struct keeps it.
	doc := struct {
		Issuer                 string   `json:"issuer"`
		AuthorizationEndpoint  string   `json:"authorization_endpoint"`
		TokenEndpoint          string   `json:"token_endpoint"`
		JWKSURI                string   `json:"jwks_uri"`
		ResponseTypes          []string `json:"response_types_supported"`
		SubjectTypes           []string `json:"subject_types_supported"`
		SigningAlgs            []string `json:"id_token_signing_alg_values_supported"`
		Scopes                 []string `json:"scopes_supported"`
		CodeChallengeMethods   []string `json:"code_challenge_methods_supported"`
		TokenEndpointAuthMeths []string `json:"token_endpoint_auth_methods_supported"`
	}{
		Issuer: issuer, AuthorizationEndpoint: base + "/authorize", TokenEndpoint: base + "/token", JWKSURI: base + "/jwks",
		ResponseTypes: []string{"code"}, SubjectTypes: []string{"public"}, SigningAlgs: []string{"ES256"},
		Scopes: []string{"openid", "email", "profile"}, CodeChallengeMethods: methods,
		TokenEndpointAuthMeths: []string{"client_secret_basic", "client_secret_post"},
	}
	out, _ := json.Marshal(doc) // strings and string lists only
	return out
}

// ServeHTTP serves <prefix>/<behavior>/.well-known/openid-configuration, <prefix>/<behavior>/jwks, and
// 501 at the authorization and token endpoints.
func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, p.Prefix+"/")
	name, tail, _ := strings.Cut(rest, "/")
	b := Behavior(name)
	if !ok || !slices.Contains(Behaviors(), b) {
		http.NotFound(w, r)
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	origin := scheme + "://" + r.Host
	switch "/" + tail {
	case oidcdiscovery.WellKnownPath:
		p.serveDiscovery(w, r, origin, b)
	case "/moved" + oidcdiscovery.WellKnownPath:
		if b != Moved {
			http.NotFound(w, r)
			return
		}
		p.count(b)
		writeJSON(w, p.document(p.Issuer(origin, b), p.Issuer(origin, b), true))
	case "/jwks":
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(p.jwks)
	case "/authorize", "/token":
		http.Error(w, "oidctest serves discovery only: nobody can log in here", http.StatusNotImplemented)
	default:
		http.NotFound(w, r)
	}
}

func (p *Provider) serveDiscovery(w http.ResponseWriter, r *http.Request, origin string, b Behavior) {
	p.count(b)
	switch b {
	case Moved:
		http.Redirect(w, r, p.Issuer(origin, b)+"/moved"+oidcdiscovery.WellKnownPath, http.StatusFound)
	case RedirectOtherOrigin:
		host := r.Host
		if strings.Contains(host, "127.0.0.1") {
			host = strings.Replace(host, "127.0.0.1", "localhost", 1)
		} else {
			host = strings.Replace(host, "localhost", "127.0.0.1", 1)
		}
		http.Redirect(w, r, strings.Replace(origin, r.Host, host, 1)+r.URL.Path, http.StatusFound)
	case RedirectToHTTP:
		http.Redirect(w, r, "http://"+r.Host+r.URL.Path, http.StatusFound)
	case Slow:
		select {
		case <-r.Context().Done():
		case <-p.done:
		}
	case HTMLPage:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(p.Document(origin, b))
	default:
		writeJSON(w, p.Document(origin, b))
	}
}

func (p *Provider) count(b Behavior) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests[b]++
}

func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
