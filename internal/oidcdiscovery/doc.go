// Package oidcdiscovery turns an OpenID Connect discovery document (OpenID Connect Discovery 1.0, §3 and
// §4) into the values a relying party needs: the authorization, token and JWKS endpoints, and whether the
// provider lists PKCE with S256. It is the twin of package samlmetadata: what SAML metadata is to a SAML
// login method, the discovery document is to an OIDC one.
//
// The package owns the safety rules for an untrusted document, whether it was fetched from the issuer
// (Discover) or given inline (Parse): a size cap, UTF-8 JSON with one top-level object, no duplicate
// members at any depth (encoding/json silently keeps the last one, so a reader that keeps the first
// would see another document; they are found by a json.Decoder token walk before the document is
// decoded), a bounded depth, an issuer identical to the one configured (§4.3), the members the provider
// uses present and of their types (§3; members it does not use are not required), and endpoints that are
// absolute https URLs without credentials or fragment (http only when the caller allows it for a
// development IdP). Every refusal is a sentinel error checked with errors.Is; see errors.go.
//
// Fetching goes through package fetch: at most one request per issuer and process when the caller
// passes a *fetch.Memo, bounded in size and time, https only unless allowed, no redirect to another
// origin or from https to http.
//
// It must not import anything from terraform-plugin-*: the provider layer maps these errors to
// diagnostics.
package oidcdiscovery
