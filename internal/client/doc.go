// Package client owns HTTP access to Cloudflare's Access identity-provider
// API (the v4 REST API under /{accounts|zones}/{id}/access/identity_providers).
//
// It knows the wire format, the envelope, authentication, retries, the
// client-side rate limit, sharing the user's budget through the API's
// rate-limit fields, and the redaction of secrets in logs and errors.
// It must not import anything from terraform-plugin-* (the provider adapts
// its logger to [Logger]) nor the emulator package (which has its own wire
// types, so the two sides check each other).
package client
