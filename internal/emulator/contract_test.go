package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The contract: every API response the emulator sends in these tests is
// validated against Cloudflare's OpenAPI extract (2024-08, verbatim) and the
// 2026 delta (newer). A response must satisfy every reference that documents
// its route and status. Deliberate exceptions, each handled below:
//
//   - 5xx responses: neither reference documents a 5XX response, so they are
//     validated against the delta's EnvelopeFailure schema.
//   - POST .../refresh_scim_secret: undocumented (the delta lists it under
//     x-undocumented-endpoints); its body is validated as the GET response of
//     the same IdP.
//   - Paths no route matches (404/7003, 405): validated against EnvelopeFailure.
//   - The SCIM service (/populations/...) and the controls (/__emulator/) are
//     not Cloudflare API and are not validated here; SCIM is exercised by a
//     SCIM client in scim_test.go.
const (
	refOld   = "testdata/openapi/cloudflare-access-idp-openapi.json"
	refDelta = "testdata/openapi/cloudflare-access-idp-openapi-2026-delta.json"
)

type contractRef struct {
	name   string
	doc    *openapi3.T
	router routers.Router
}

var (
	contractOnce sync.Once
	contractRefs []contractRef
	contractErr  error
)

func loadContract() ([]contractRef, error) {
	contractOnce.Do(func() {
		for _, f := range []struct{ name, path string }{{"2024 extract", refOld}, {"2026 delta", refDelta}} {
			loader := openapi3.NewLoader()
			doc, err := loader.LoadFromFile(f.path)
			if err != nil {
				contractErr = fmt.Errorf("loading %s: %w", f.name, err)
				return
			}
			// Examples in the extract are Cloudflare's and not always valid
			// against their own schemas; they play no part in the contract.
			if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
				contractErr = fmt.Errorf("validating %s: %w", f.name, err)
				return
			}
			router, err := gorillamux.NewRouter(doc)
			if err != nil {
				contractErr = fmt.Errorf("routing %s: %w", f.name, err)
				return
			}
			contractRefs = append(contractRefs, contractRef{name: f.name, doc: doc, router: router})
		}
	})
	return contractRefs, contractErr
}

// contractChecker validates responses and counts how many it checked.
type contractChecker struct {
	t       testing.TB
	refs    []contractRef
	mu      sync.Mutex
	checked int
}

func (c *contractChecker) observe(r *http.Request, status int, header http.Header, body []byte) {
	if err := c.check(r, status, header, body); err != nil {
		c.t.Errorf("contract: %s %s -> %d: %v\nbody: %s", r.Method, r.URL, status, err, body)
	}
	c.mu.Lock()
	c.checked++
	c.mu.Unlock()
}

func (c *contractChecker) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checked
}

func (c *contractChecker) check(r *http.Request, status int, header http.Header, body []byte) error {
	if !json.Valid(body) {
		return fmt.Errorf("body is not JSON")
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("content type %q", ct)
	}
	delta := c.refs[1]
	if status >= 500 {
		return validateSchema(delta.doc, "EnvelopeFailure", body)
	}
	path := strings.TrimPrefix(r.URL.Path, apiPrefix)
	method := r.Method
	if strings.HasSuffix(path, "/refresh_scim_secret") {
		if status >= 400 {
			return validateSchema(delta.doc, "EnvelopeFailure", body)
		}
		// Undocumented: its result is an IdP, so check it as a GET of the IdP.
		path, method, status = strings.TrimSuffix(path, "/refresh_scim_secret"), http.MethodGet, http.StatusOK
	}
	u := &url.URL{Scheme: "https", Host: "api.cloudflare.com", Path: "/client/v4" + path, RawQuery: r.URL.RawQuery}
	matched := 0
	for _, ref := range c.refs {
		req := &http.Request{Method: method, URL: u, Header: r.Header.Clone(), Host: u.Host}
		route, params, err := ref.router.FindRoute(req)
		if err != nil {
			continue // this reference does not document the route
		}
		matched++
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 status,
			Header:                 header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			return fmt.Errorf("%s: %w", ref.name, err)
		}
	}
	if matched == 0 {
		if status >= 400 {
			return validateSchema(delta.doc, "EnvelopeFailure", body)
		}
		return fmt.Errorf("no reference documents %s %s", method, path)
	}
	return nil
}

func validateSchema(doc *openapi3.T, name string, body []byte) error {
	ref := doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return fmt.Errorf("schema %s missing", name)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	if err := ref.Value.VisitJSON(v, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// newContractServer is NewTestServer with every API response validated
// against the references.
func newContractServer(t testing.TB, opts Options) (*TestServer, *contractChecker) {
	t.Helper()
	refs, err := loadContract()
	if err != nil {
		t.Fatalf("loading the OpenAPI references: %v", err)
	}
	ts := NewTestServer(t, opts)
	c := &contractChecker{t: t, refs: refs}
	ts.observe = c.observe
	return ts, c
}

func TestContractReferencesLoad(t *testing.T) {
	refs, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != 2 {
		t.Fatalf("loaded %d references, want 2", len(refs))
	}
}

// TestContractCheckerRejectsBadBodies proves the checker is not vacuous.
func TestContractCheckerRejectsBadBodies(t *testing.T) {
	refs, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	c := &contractChecker{t: t, refs: refs}
	h := http.Header{"Content-Type": []string{"application/json"}}
	get, _ := http.NewRequest("GET", "http://x/client/v4/accounts/"+TestAccountID+"/access/identity_providers/0f6a2b7c-1111-4222-8333-444455556666", nil)
	good := `{"success":true,"errors":[],"messages":[],"result":{"id":"0f6a2b7c-1111-4222-8333-444455556666","name":"n","type":"saml","config":{}}}`
	if err := c.check(get, 200, h, []byte(good)); err != nil {
		t.Fatalf("a valid body was refused: %v", err)
	}
	for name, body := range map[string]string{
		"wrong type enum":    `{"success":true,"errors":[],"messages":[],"result":{"id":"x","name":"n","type":"ldap","config":{}}}`,
		"no name":            `{"success":true,"errors":[],"messages":[],"result":{"id":"x","type":"saml","config":{}}}`,
		"success false ok":   `{"success":false,"errors":[],"messages":[],"result":null}`,
		"no messages":        `{"success":true,"errors":[],"result":{"id":"x","name":"n","type":"saml","config":{}}}`,
		"bad scim behaviour": `{"success":true,"errors":[],"messages":[],"result":{"id":"x","name":"n","type":"saml","config":{},"scim_config":{"identity_update_behavior":"x"}}}`,
	} {
		if err := c.check(get, 200, h, []byte(body)); err == nil {
			t.Errorf("%s: accepted %s", name, body)
		}
	}
	if err := c.check(get, 404, h, []byte(`{"success":false,"errors":[{"code":12,"message":"x"}],"messages":[],"result":null}`)); err == nil {
		t.Error("an error code below 1000 was accepted")
	}
	if err := c.check(get, 418, h, []byte(`{"success":false,"errors":[{"code":1000,"message":"x"}],"messages":[],"result":{}}`)); err == nil {
		t.Error("a non-null result on failure was accepted")
	}
	if err := c.check(get, 500, h, []byte(`{"success":true}`)); err == nil {
		t.Error("a 5xx success body was accepted")
	}
}
