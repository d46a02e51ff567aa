// Package fetch reads, at plan time, a document that a configuration points at on a server the provider
// does not trust: SAML metadata at metadata_url, an OpenID Connect discovery document at an issuer. Every
// fetch is bounded: https only unless the policy allows http, a size cap, a timeout over the whole
// exchange (headers and body), a cap on redirects, optionally no redirect to another origin, and response
// headers of at most MaxResponseHeaderBytes. Each refusal is an *Error that matches one of the sentinel
// errors with errors.Is and whose text names the configuration attribute, what is wrong and the fix.
//
// Memo makes it one request per distinct URL (and policy) per process: Terraform validates and plans every
// resource in separate calls, and many resources may point at the same URL. Concurrent callers share one
// request in flight.
//
// It must not import anything from terraform-plugin-*: the provider layer turns these errors into
// diagnostics.
package fetch
