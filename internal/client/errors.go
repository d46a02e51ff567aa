package client

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Cloudflare error codes this package recognises.
const (
	CodeMissingAuth    = 9106  // no auth headers (sent with 400)
	CodeAuthentication = 10000 // unknown token or missing permission (403)
	CodeNotEnabled     = 9999  // Zero Trust not enabled for the account (403)
	CodeInvalidRequest = 12130 // access.api.error.invalid_request (400)
	CodeNotFound       = 12135 // access.api.error.not_found (404)
)

// PermissionName is the Cloudflare permission the identity-provider API needs, as the dashboard names
// it: Read to read login methods, Edit to change them.
const PermissionName = "Access: Organizations, Identity Providers, and Groups"

// Credential is the kind of credential a Client sends; the advice of an auth failure names it.
type Credential int

const (
	// CredentialAPIToken is an API token, sent as a Bearer token.
	CredentialAPIToken Credential = iota + 1
	// CredentialAPIKey is a Global API key with its user's e-mail.
	CredentialAPIKey
)

// String returns "API token" or "Global API key", as Cloudflare's dashboard names them.
func (k Credential) String() string {
	switch k {
	case CredentialAPIToken:
		return "API token"
	case CredentialAPIKey:
		return "Global API key"
	}
	return "credential"
}

// ReadCheck is what one GET found after a write was refused as an auth failure: whether the credential
// can read what it may not change.
type ReadCheck int

const (
	// ReadNotChecked: the request was a read, or the GET failed for another reason (a 5xx, a timeout).
	ReadNotChecked ReadCheck = iota
	// ReadAllowed: the GET was served, so the credential is valid and may read, but not edit.
	ReadAllowed
	// ReadRefused: the GET was refused too, so the credential is wrong, revoked, or may not even read.
	ReadRefused
)

// ErrOutcomeUnknown marks a write whose result is unknown: the request may
// have reached the server and been applied, but no usable answer came back.
// Callers must look (GET/list) before trying again; blindly repeating a POST
// is how duplicates are born.
var ErrOutcomeUnknown = errors.New("outcome unknown: the request may have been applied but its response was lost")

// ErrorDetail is one entry of the envelope's "errors" array.
type ErrorDetail struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// APIError is a response the API answered with an error: a non-2xx status,
// success=false, or a body that is not the JSON envelope.
type APIError struct {
	Method     string        // e.g. "GET"
	Path       string        // relative to the base URL, without the query
	StatusCode int           // HTTP status
	Errors     []ErrorDetail // Cloudflare's error codes and messages (redacted)
	// RetryAfter is the server's retry-after on 429/503, zero if absent.
	RetryAfter time.Duration
	// Body is the start of a body that was not the JSON envelope (redacted).
	Body string
	// Credential is the kind of credential the request carried; zero if unknown.
	Credential Credential
	// ReadCheck is, for a write refused as an auth failure, what one GET of the same object (of the
	// collection, for a create) found; ReadNotChecked otherwise.
	ReadCheck ReadCheck
}

// Error says what was asked, what the API answered, and what to do, e.g.
// "GET accounts/abc/access/identity_providers/x: 404 Not Found:
// [12135] access.api.error.not_found. Check the ID; the identity provider may
// have been deleted outside Terraform."
func (e *APIError) Error() string {
	s := e.summary()
	if h := e.hint(); h != "" {
		s += ". " + h
	}
	return s
}

// summary is Error without the advice.
func (e *APIError) summary() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	for i, d := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "[%d] %s", d.Code, d.Message)
	}
	if len(e.Errors) == 0 && e.Body != "" {
		b.WriteString(": unexpected response body: ")
		b.WriteString(e.Body)
	}
	return b.String()
}

func (e *APIError) hint() string {
	switch {
	case e.hasCode(CodeNotEnabled):
		return "Zero Trust is not enabled for this account: enable it in the Cloudflare dashboard, then retry."
	case e.isAuth():
		return e.authHint()
	case e.StatusCode == http.StatusNotFound:
		return "Check the ID; the identity provider may have been deleted outside Terraform."
	case e.StatusCode == http.StatusConflict:
		return "The change conflicts with the current state (for example a duplicate name); read the current state and adjust the request."
	case e.StatusCode == http.StatusTooManyRequests:
		if e.RetryAfter > 0 {
			return "The API rate limit was reached; wait " + e.RetryAfter.String() + " and retry, or lower the request rate."
		}
		return "The API rate limit was reached; wait and retry, or lower the request rate."
	case e.isValidation():
		return "The API rejected the request as invalid; fix the values named above."
	case e.StatusCode >= 500:
		return "The API failed on its side; wait and retry."
	case e.StatusCode >= 200 && e.StatusCode < 300:
		return "The API answered with success status but an unusable body; retry, and report it if it persists."
	}
	return ""
}

// authHint tells a credential that can read but not edit from one that is refused altogether, in the
// words of the credential in use (a Global API key has no permissions of its own: its user's role
// decides).
func (e *APIError) authHint() string {
	cred := e.Credential.String()
	switch {
	case e.ReadCheck == ReadAllowed && e.Credential == CredentialAPIKey:
		return "The Global API key can read the login methods of this account or zone but not change them: its user's " +
			"role does not grant " + PermissionName + " at Edit. Give the user a role that does (Manage Account > " +
			"Members in the Cloudflare dashboard)."
	case e.ReadCheck == ReadAllowed:
		return "The API token can read the login methods of this account or zone but not change them: it has " +
			"the " + PermissionName + " permission at Read only, which is enough to plan but not to apply. Give " +
			"the token that permission at Edit (Cloudflare dashboard, My Profile > API Tokens), for this account or zone."
	case e.Credential == CredentialAPIKey:
		return "The Global API key was refused" + readsToo(e) + ": the key or its e-mail is wrong, the key was " +
			"changed, or its user has no access to this account or zone. Check the key and the e-mail, and the " +
			"account or zone ID."
	}
	return "The " + cred + " was refused" + readsToo(e) + ": it is wrong, expired or revoked, or it lacks the " +
		PermissionName + " permission (Read to plan, Edit to apply) on this account or zone. Check the " + cred +
		", and the account or zone ID."
}

// readsToo says that the read that followed a refused write was refused as well.
func readsToo(e *APIError) string {
	if e.ReadCheck == ReadRefused {
		return " for reading too"
	}
	return ""
}

func (e *APIError) hasCode(code int) bool {
	for _, d := range e.Errors {
		if d.Code == code {
			return true
		}
	}
	return false
}

// isAuth: a 5xx is a server error whatever code its body carries (a gateway or an overloaded API may
// send 10000 with a 5xx); taking it for an auth failure would skip the re-read of an ambiguous write.
func (e *APIError) isAuth() bool {
	if e.StatusCode >= 500 {
		return false
	}
	return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden ||
		e.hasCode(CodeMissingAuth) || e.hasCode(CodeAuthentication)
}

func (e *APIError) isValidation() bool {
	return (e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnprocessableEntity) && !e.isAuth()
}

func asAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

// IsNotFound reports whether err is an API 404.
func IsNotFound(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode == http.StatusNotFound
}

// IsAuth reports whether err is an authentication or permission failure
// (401, 403, or codes 9106/10000, which the API also sends with 400).
func IsAuth(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.isAuth()
}

// IsValidation reports whether the API rejected the request as invalid
// (400/422 that is not an auth failure, e.g. code 12130).
func IsValidation(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.isValidation()
}

// IsConflict reports whether err is an API 409.
func IsConflict(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode == http.StatusConflict
}

// IsRateLimited reports whether err is an API 429 (after retries, if any).
func IsRateLimited(err error) bool {
	e, ok := asAPIError(err)
	return ok && e.StatusCode == http.StatusTooManyRequests
}

// OutcomeUnknownError is returned by a POST whose outcome is unknown. It
// matches both ErrOutcomeUnknown and its Cause with errors.Is/As.
type OutcomeUnknownError struct {
	Method, Path string
	Cause        error  // the transport error, 5xx APIError or decoding error
	Advice       string // what the caller should do before trying again
}

func (e *OutcomeUnknownError) Error() string {
	cause := e.Cause.Error()
	var ae *APIError
	if errors.As(e.Cause, &ae) {
		cause = ae.summary() // its "wait and retry" advice is wrong for an unknown outcome
	}
	msg := e.Method + " " + e.Path + ": " + ErrOutcomeUnknown.Error() + ": " + cause
	if e.Advice != "" {
		msg += ". " + e.Advice
	}
	return msg
}

// Unwrap returns ErrOutcomeUnknown and the cause.
func (e *OutcomeUnknownError) Unwrap() []error { return []error{ErrOutcomeUnknown, e.Cause} }
