// Package emulator is a local, in-memory stand-in for Cloudflare's Zero Trust
// Access identity-provider API ("login methods"), faithful enough that the
// project's client, the Terraform provider and the official Cloudflare clients
// work against it unchanged. It owns:
//
//   - the v4 REST API under /client/v4 for identity providers at account and
//     zone scope, with Cloudflare's envelope, status codes, error codes,
//     validation, paging, auth (API tokens and X-Auth-Email/X-Auth-Key), the
//     SCIM secret lifecycle and the write-only OAuth client secret described in
//     CONTRACT.md (this package's directory), for saml, oidc, okta and azureAD
//     and, with their config kept as sent, the other types;
//   - a real SCIM 2.0 service for every login method at its scim_base_url
//     (/populations/<uuid>/scim/v2 on the emulator's own address), whose users and
//     groups show up in the API's /scim/users and /scim/groups lists;
//   - test controls that are not part of Cloudflare's API (seeding and
//     inspecting state, per-route request counters, fault injection) as Go
//     methods on *Server and, when Options.Controls is set, over HTTP under
//     /__emulator/;
//   - an optional state file, written atomically, so a restarted emulator keeps
//     its state.
//
// The emulator has its own wire types on purpose: it must not import
// internal/client (or anything under internal/provider), so that client and
// emulator are two independent readings of the same contract that check each
// other. Facts that Cloudflare does not publish are marked "assumed" next to the
// code that implements them; see assumptions.go.
package emulator
