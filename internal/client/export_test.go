package client

import "net/http"

// Test helpers for the external tests (package client_test).
var (
	NewHandlerTransport = func(h http.Handler) http.RoundTripper { return handlerTransport{h} }
	MaxInWindow         = maxInWindow
)
