package oidcdiscovery

import (
	"errors"
	"fmt"
)

// Error kinds. Every error Parse returns matches exactly one of them with errors.Is, and one of the
// specific errors below as well. Discover also returns the errors of package fetch (fetch.ErrURL,
// fetch.ErrRedirect, fetch.ErrStatus, fetch.ErrTooLarge, fetch.ErrTimeout, fetch.ErrUnreachable) and its
// caller's context error.
var (
	ErrIssuer          = errors.New("issuer not acceptable")                 // the configured issuer
	ErrTooLarge        = errors.New("discovery document too large")          // over Options.MaxBytes
	ErrMalformed       = errors.New("discovery document is not valid JSON")  // not one JSON object
	ErrInvalidDocument = errors.New("discovery document is not usable")      // members wrong or missing
	ErrEndpointURL     = errors.New("discovery endpoint URL not acceptable") // not absolute https
)

// Specific errors; each also matches its kind.
var (
	ErrHTML            = specific("an HTML page, not JSON", ErrMalformed)
	ErrSyntax          = specific("JSON syntax error", ErrMalformed)
	ErrEncoding        = specific("not UTF-8", ErrMalformed)
	ErrNotObject       = specific("not a single JSON object", ErrMalformed)
	ErrDuplicateMember = specific("duplicate member", ErrMalformed)
	ErrTooDeep         = specific("nested too deeply", ErrMalformed)

	ErrIssuerMismatch = specific("issuer differs from the configured one", ErrInvalidDocument)
	ErrMissingMember  = specific("required member missing", ErrInvalidDocument)
	ErrMemberType     = specific("member of the wrong type", ErrInvalidDocument)
)

// kindError is a specific sentinel that also matches its kind.
type kindError struct {
	msg  string
	kind error
}

func specific(msg string, kind error) error { return &kindError{msg: msg, kind: kind} }

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// detailError carries the message for a person and matches its sentinel.
type detailError struct {
	is  error
	msg string
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.is }

// fail builds an error that matches is; the message says what is wrong and what to do.
func fail(is error, format string, args ...any) error {
	return &detailError{is: is, msg: fmt.Sprintf(format, args...)}
}
