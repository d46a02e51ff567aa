package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// MaxPages stops a listing from a server that never ends.
const MaxPages = 1000

const (
	createUnknownAdvice  = "The identity provider may have been created: list the identity providers and look for it by name before trying again, or a retry may create a duplicate."
	refreshUnknownAdvice = "The SCIM secret may have been rotated and the new one lost, so the previous secret may no longer work: refresh it again to obtain a known secret."
)

func idpCollection(s Scope) string { return s.Path() + "/access/identity_providers" }

func idpPath(s Scope, id string) string { return idpCollection(s) + "/" + url.PathEscape(id) }

// ListIdentityProviders returns one page of the scope's identity providers.
func (c *Client) ListIdentityProviders(ctx context.Context, scope Scope, opts ListOptions) ([]IdentityProvider, ResultInfo, error) {
	if err := scope.validate(); err != nil {
		return nil, ResultInfo{}, fmt.Errorf("list identity providers: %w", err)
	}
	q := url.Values{}
	if opts.Page > 0 {
		q.Set("page", strconv.Itoa(opts.Page))
	}
	if opts.PerPage > 0 {
		q.Set("per_page", strconv.Itoa(opts.PerPage))
	}
	if opts.SCIMEnabled != nil {
		q.Set("scim_enabled", strconv.FormatBool(*opts.SCIMEnabled))
	}
	return callPage[IdentityProvider](ctx, c, idpCollection(scope), q)
}

// callPage GETs one page of a list; a response without result_info gives a zero ResultInfo.
func callPage[T any](ctx context.Context, c *Client, path string, q url.Values) ([]T, ResultInfo, error) {
	items, info, err := call[[]T](ctx, c, &request{method: http.MethodGet, path: path, query: q})
	if err != nil {
		return nil, ResultInfo{}, err
	}
	var ri ResultInfo
	if info != nil {
		ri = *info
	}
	return items, ri, nil
}

// GetIdentityProvider returns one identity provider. A missing one is an
// error for which IsNotFound is true.
func (c *Client) GetIdentityProvider(ctx context.Context, scope Scope, id string) (*IdentityProvider, error) {
	if err := validateTarget(scope, id); err != nil {
		return nil, fmt.Errorf("get identity provider: %w", err)
	}
	idp, _, err := call[*IdentityProvider](ctx, c, &request{method: http.MethodGet, path: idpPath(scope, id)})
	return idp, err
}

// CreateIdentityProvider creates an identity provider (POST) and returns it
// as the API stored it. If SCIM is enabled, the result carries the SCIM
// secret in plaintext, exactly once.
//
// The POST is retried only when it provably did not reach the server. When
// its outcome is unknown (a 5xx, a lost or unreadable response), the error
// wraps ErrOutcomeUnknown: the caller must look before trying again.
func (c *Client) CreateIdentityProvider(ctx context.Context, scope Scope, idp IdentityProvider) (*IdentityProvider, error) {
	if err := scope.validate(); err != nil {
		return nil, fmt.Errorf("create identity provider: %w", err)
	}
	body, err := writeBody(idp)
	if err != nil {
		return nil, fmt.Errorf("create identity provider: %w", err)
	}
	res, _, err := call[*IdentityProvider](ctx, c, &request{
		method: http.MethodPost, path: idpCollection(scope), body: body, unknownAdvice: createUnknownAdvice,
		readBack: idpCollection(scope),
	})
	return res, err
}

// UpdateIdentityProvider replaces an identity provider (full PUT: fields not
// sent are reset by the API). It is retried like any idempotent call.
//
// If this update first enables SCIM, the response is the only one with the
// plaintext secret; should that response be lost and the PUT retried, the
// retry's answer carries the redacted secret. Check
// SCIMConfig.SecretAvailable and call RefreshSCIMSecret if needed.
func (c *Client) UpdateIdentityProvider(ctx context.Context, scope Scope, id string, idp IdentityProvider) (*IdentityProvider, error) {
	if err := validateTarget(scope, id); err != nil {
		return nil, fmt.Errorf("update identity provider: %w", err)
	}
	body, err := writeBody(idp)
	if err != nil {
		return nil, fmt.Errorf("update identity provider: %w", err)
	}
	res, _, err := call[*IdentityProvider](ctx, c, &request{method: http.MethodPut, path: idpPath(scope, id), body: body, readBack: idpPath(scope, id)})
	return res, err
}

// DeleteIdentityProvider deletes an identity provider. A 404 is returned as
// an error (IsNotFound), except after a retry whose first attempt may have
// deleted it already, which counts as success.
func (c *Client) DeleteIdentityProvider(ctx context.Context, scope Scope, id string) error {
	if err := validateTarget(scope, id); err != nil {
		return fmt.Errorf("delete identity provider: %w", err)
	}
	req := &request{method: http.MethodDelete, path: idpPath(scope, id), goneIsDone: true, readBack: idpPath(scope, id)}
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	if resp.status == http.StatusNotFound {
		return nil // gone after an attempt that may have deleted it
	}
	if _, err := decodeEnvelope[json.RawMessage](c, req, resp); err != nil {
		return err
	}
	return nil
}

// RefreshSCIMSecret rotates the SCIM secret (POST .../refresh_scim_secret)
// and returns the identity provider with the new secret in plaintext. The
// old secret stops working.
//
// Like a create, this POST is not idempotent in effect (a lost response
// loses the new secret), so it is never retried once it may have reached
// the server; the error then wraps ErrOutcomeUnknown and calling it again
// is the way to obtain a known secret.
func (c *Client) RefreshSCIMSecret(ctx context.Context, scope Scope, id string) (*IdentityProvider, error) {
	if err := validateTarget(scope, id); err != nil {
		return nil, fmt.Errorf("refresh SCIM secret: %w", err)
	}
	res, _, err := call[*IdentityProvider](ctx, c, &request{
		method: http.MethodPost, path: idpPath(scope, id) + "/refresh_scim_secret", unknownAdvice: refreshUnknownAdvice,
		readBack: idpPath(scope, id),
	})
	return res, err
}

// writeBody encodes idp for a write. The SCIM secret is read-only and never
// sent back: the API would ignore it, and it has no business on the wire.
func writeBody(idp IdentityProvider) ([]byte, error) {
	if idp.SCIMConfig != nil && idp.SCIMConfig.Secret != "" {
		sc := *idp.SCIMConfig
		sc.Secret = ""
		idp.SCIMConfig = &sc
	}
	return json.Marshal(idp)
}

func validateTarget(scope Scope, id string) error {
	if err := scope.validate(); err != nil {
		return err
	}
	if id == "" {
		return errors.New("the identity provider ID is empty")
	}
	return nil
}
