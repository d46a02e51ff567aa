// Package oidctest serves OpenID providers for tests, the demo and examples: at one address, one issuer
// per Behavior, each serving its discovery document (OpenID Connect Discovery 1.0) and a JWKS, the good
// one and each way a discovery document can be refused (wrong issuer, an http endpoint, a missing member,
// an HTML page, a duplicate member, too large, a redirect to another origin, a redirect from https to
// http, no answer). It logs nobody in: the authorization and token endpoints exist only as URLs.
//
// Provider is the http.Handler (what cmd/emulator mounts beside the API); Server runs one on an
// httptest server for a test. It imports nothing of this module but package oidcdiscovery, so provider
// tests and cmd/emulator can both use it without the provider importing the emulator.
package oidctest
