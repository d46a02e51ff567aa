package fetch

import "errors"

// Kinds of refusal. Every error Fetch returns matches exactly one of them with errors.Is, except a fetch
// stopped by its caller's context, which matches the context's error.
var (
	ErrURL         = errors.New("URL not acceptable")         // not absolute, credentials, scheme, plain http
	ErrRedirect    = errors.New("redirect refused")           // too many, to another origin, https to http
	ErrStatus      = errors.New("unexpected HTTP status")     // anything but 200
	ErrTooLarge    = errors.New("response too large")         // a body over Policy.MaxBytes
	ErrTimeout     = errors.New("no complete answer in time") // Policy.Timeout ran out
	ErrUnreachable = errors.New("request failed")             // DNS, TCP, TLS, a broken body
)

// Error is a refused or failed fetch. Its text is for a person: what went wrong and what to do.
type Error struct {
	Kind  error  // one of the Err* kinds above
	URL   string // the URL that was asked for (not a redirect's target)
	msg   string
	cause error
}

func (e *Error) Error() string { return e.msg }

// Unwrap gives the kind and, when there is one, the underlying error.
func (e *Error) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Kind, e.cause}
	}
	return []error{e.Kind}
}
