package emulator

import (
	"strings"
	"time"
)

// Deliberate choices and deviations, in one place:
//
//   - Duplicate IdP names are accepted: Cloudflare documents no uniqueness
//     rule. 409 (access.api.error.conflict, x-should-retry: false) is therefore
//     produced only by fault injection (FaultConfig.ConflictRate).
//   - Unknown accounts and zones answer 403/10000, not 404 (assumed: what a
//     token without access to them sees).
//   - page/per_page outside the documented bounds answer 400/12130 (assumed).
//   - The legacy config.idp_public_cert is folded into idp_public_certs and
//     only idp_public_certs is echoed. Certificates are stored as sent.
//   - Which fields a response carries follows the official Terraform
//     provider's schema (CONTRACT.md, "Which fields a response carries"):
//     Computed fields always (redirect_url, scim_config and its fields), the
//     Optional-only ones only when set (sign_request, attributes,
//     email_attribute_name, header_attributes; read_only only when true).
//     issuer_url, sso_target_url and idp_public_certs are required for SAML,
//     so always set. Other types echo their config as sent, minus
//     client_secret.
//   - config.client_secret is write-only (CONTRACT.md, "The OAuth client
//     secret"): never in a response; a PUT without it, with null, "" or a value
//     containing '*' keeps the stored one (clientSecretAfterWrite, the one place
//     the rule lives).
//   - oidc, okta and azureAD configs are checked field by field (oauth.go): the
//     OpenAPI's types, absolute URLs, azureAD's prompt values, no field of
//     another of these types; and the fields the dashboard calls required must
//     be set (oauthRequired; the OpenAPI marks none).
//   - SCIM can be enabled only on the types in scimTypes; other types accept a
//     scim_config with enabled false.
//   - scim_base_url uses a population UUID distinct from the IdP ID (the
//     delta's example shows the IdP ID; CONTRACT.md says <uuid>) so clients that
//     build the URL instead of reading it fail in tests. It is computed from
//     the emulator's current address when rendered.
//   - The API's /scim/users items carry exactly the documented SCIMUser
//     fields (no userName); the username filter still matches userName.
//   - refresh_scim_secret is POST without a body and answers the IdP with the
//     new plaintext secret; it is refused (400/12130) for IdPs that never had
//     SCIM enabled and for read-only IdPs.
//   - The client's read_only is ignored; only seeding makes an IdP read-only.
//   - 429 uses code 10429 and 5xx code 12000: both unpublished, and the spec
//     requires codes >= 1000 (Cloudflare's observed 971 would violate it).
//
// Facts of the API that the emulator builds in. Those marked "assumed" are not
// published by Cloudflare (see CONTRACT.md); they are kept together here so that
// they are easy to find and to change.
const (
	// DefaultIdPPerPage is the page size of the identity-provider list when
	// per_page is not sent. Assumed: the delta says "default not documented";
	// the 2024 extract's result_info example shows 20, which is also the v4
	// API's usual default. A small default makes clients that forget to page
	// fail visibly in tests.
	DefaultIdPPerPage = 20
	// MaxIdPPerPage is the documented maximum per_page for identity providers.
	MaxIdPPerPage = 1000
	// DefaultSCIMPerPage and MaxSCIMPerPage are documented for /scim/users and
	// /scim/groups.
	DefaultSCIMPerPage = 100
	MaxSCIMPerPage     = 100
	// MaxResourceIDFilters is the documented limit of repeated cf_resource_id or
	// idp_resource_id filters on the SCIM lists.
	MaxResourceIDFilters = 50

	// DefaultTeamDomain is the team name used for redirect_url when
	// Options.TeamDomain is empty.
	DefaultTeamDomain = "emulator-team"

	// DefaultIdentityUpdateBehavior is what scim_config.identity_update_behavior
	// reads as when a client never set it. Assumed: Cloudflare's OpenAPI gives
	// no default; its Terraform provider (v5) defaults the field to "no_action"
	// in its own schema, and always sends it.
	DefaultIdentityUpdateBehavior = "no_action"

	// RateLimitRequests and RateLimitWindow are Cloudflare's documented
	// per-user limit; going over it refuses every call for the next window
	// (documented: "all API calls for the next five minutes will be blocked").
	// The limiter is off unless Options.RateLimit is set.
	RateLimitRequests = 1200
	RateLimitWindow   = 5 * time.Minute
)

// RedactedSecret is how every response except the one that created it shows a
// SCIM secret: 34 asterisks (observed).
var RedactedSecret = strings.Repeat("*", 34)

// Error codes and messages of Cloudflare's v4 API used by the emulator.
const (
	codeMissingAuth      = 9106
	msgMissingAuth       = "Missing X-Auth-Key, X-Auth-Email or Authorization headers"
	codeAuthError        = 10000
	msgAuthError         = "Authentication error"
	codeInvalidAuthFmt   = 6111
	msgInvalidAuthFmt    = "Invalid format for Authorization header"
	codeNotEnabled       = 9999
	msgNotEnabled        = "access.api.error.not_enabled: Zero Trust is not enabled for this account"
	codeInvalidRequest   = 12130
	msgInvalidRequest    = "access.api.error.invalid_request"
	codeNotFound         = 12135
	msgNotFound          = "access.api.error.not_found"
	codeConflict         = 12131 // assumed: the conflict code is not published
	msgConflict          = "access.api.error.conflict"
	codeInternal         = 12000 // assumed: 5xx code is not published, message is
	msgInternal          = "access.api.error.internal_server_error"
	codeRateLimited      = 10429 // assumed; Cloudflare has been seen to send 971, below the spec's minimum of 1000
	msgRateLimited       = "Please wait and consider throttling your request speed"
	codeNoRoute          = 7003
	codeMethodNotAllowed = 10405
)

// identityProviderTypes are the values the API accepts in "type" (2026 delta).
var identityProviderTypes = map[string]bool{
	"onetimepin": true, "azureAD": true, "saml": true, "centrify": true,
	"facebook": true, "github": true, "google-apps": true, "google": true,
	"linkedin": true, "oidc": true, "okta": true, "onelogin": true,
	"pingone": true, "yandex": true, "cloudflare": true, "passkeys": true,
}

// scimTypes are the identity provider types on which SCIM can be enabled.
// Evidence: Cloudflare's SCIM page lists Microsoft Entra ID (azureAD) and Okta,
// and later "all SAML and OIDC identity providers"; the official provider (v5)
// refuses scim_config on onetimepin. For github, google, google-apps, linkedin,
// facebook, yandex, centrify, onelogin, pingone, cloudflare and passkeys the API's
// answer is not published: refusing is assumed (a stricter emulator makes a
// client's mistake show in tests rather than in production).
var scimTypes = map[string]bool{"saml": true, "oidc": true, "okta": true, "azureAD": true}

// identityUpdateBehaviors are the values of scim_config.identity_update_behavior.
var identityUpdateBehaviors = map[string]bool{"automatic": true, "reauth": true, "no_action": true}
