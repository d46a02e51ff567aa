package client

import (
	"context"
	"net/http"
)

// Test helpers for the external tests (package client_test).
var (
	NewHandlerTransport = func(h http.Handler) http.RoundTripper { return handlerTransport{h} }
	MaxInWindow         = maxInWindow
	CanReadButNotEdit   = canReadButNotEdit
)

// canReadButNotEdit reports whether err is a write refused as an auth failure although one GET of the
// same object right after it was served: the credential is valid and may read, but not edit.
func canReadButNotEdit(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.isAuth() && e.ReadCheck == ReadAllowed
}

// IsServerError reports whether err is an API 5xx.
func IsServerError(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode >= 500
}

// testPerPage is the page size ListAllIdentityProviders asks for when opts.PerPage is zero.
const testPerPage = 100

// ListAllIdentityProviders returns every identity provider of the scope, starting at opts.Page (default 1)
// with opts.PerPage (default testPerPage): the pages of IdentityProviderPages, which the provider's
// store walks itself.
func (c *Client) ListAllIdentityProviders(ctx context.Context, scope Scope, opts ListOptions) ([]IdentityProvider, error) {
	if opts.PerPage <= 0 {
		opts.PerPage = testPerPage
	}
	return c.IdentityProviderPages(ctx, scope, opts).all()
}
