package samlmetadata

import (
	"errors"
	"fmt"
	"strings"
)

// Error kinds. Every error returned by Parse matches exactly one of these
// with errors.Is, and usually one of the specific errors below as well. The
// one exception is ParseContext stopped by its context: that error matches
// the context's error (context.Canceled or context.DeadlineExceeded) and no
// kind.
var (
	ErrTooLarge        = errors.New("metadata too large")           // E_SIZE
	ErrMalformed       = errors.New("metadata is not well-formed")  // E_XML
	ErrDTD             = errors.New("metadata contains a DOCTYPE")  // E_DTD
	ErrInvalidMetadata = errors.New("metadata is not usable")       // E_STRUCT
	ErrSignature       = errors.New("metadata signature not valid") // E_SIG
	ErrSSOURL          = errors.New("SSO URL not acceptable")       // E_URL
	// ErrInternal is a failure of the parser itself (a recovered panic): a
	// bug to report, whatever the document. Exporting it again does not help.
	ErrInternal = errors.New("metadata parser failure") // E_BUG
)

// Specific errors; each also matches its kind.
var (
	ErrTooManyElements     = specific("too many elements", ErrTooLarge)
	ErrTooManyAttributes   = specific("too many attributes", ErrTooLarge)
	ErrTooManyNamespaces   = specific("too many namespace declarations", ErrTooLarge)
	ErrTooManyCertificates = specific("too many certificates", ErrTooLarge)

	ErrSyntax             = specific("XML syntax error", ErrMalformed)
	ErrEncoding           = specific("encoding is not UTF-8", ErrMalformed)
	ErrDuplicateAttribute = specific("duplicate attribute", ErrMalformed)
	ErrMultipleRoots      = specific("more than one root element", ErrMalformed)
	ErrTooDeep            = specific("elements nested too deeply", ErrMalformed)

	ErrNotMetadata = specific("not SAML 2.0 metadata", ErrInvalidMetadata)
	// ErrHTMLPage is a web page (a login or error page) given as metadata; ErrPEM
	// is a PEM certificate given as metadata. Both also match ErrNotMetadata.
	ErrHTMLPage = specific("an HTML page, not SAML metadata", ErrNotMetadata)
	ErrPEM      = specific("a PEM certificate, not SAML metadata", ErrNotMetadata)

	ErrAmbiguousEntity        = specific("several IdP entities", ErrInvalidMetadata)
	ErrEntityNotFound         = specific("entity not found", ErrInvalidMetadata)
	ErrNoIDPDescriptor        = specific("no SAML 2.0 IdP descriptor", ErrInvalidMetadata)
	ErrMultipleIDPDescriptors = specific("several SAML 2.0 IdP descriptors", ErrInvalidMetadata)
	ErrDuplicateEntityID      = specific("duplicate entityID", ErrInvalidMetadata)
	ErrDuplicateID            = specific("duplicate ID attribute", ErrInvalidMetadata)
	ErrNoSSOEndpoint          = specific("no usable SSO endpoint", ErrInvalidMetadata)
	ErrNoSigningCertificate   = specific("no signing certificate", ErrInvalidMetadata)
	ErrBadCertificate         = specific("certificate does not parse", ErrInvalidMetadata)
	ErrBadValidUntil          = specific("validUntil is not a date", ErrInvalidMetadata)

	ErrSignatureMissing = specific("signature missing", ErrSignature)
	ErrSignatureInvalid = specific("signature does not verify", ErrSignature)
	ErrSignerUntrusted  = specific("signer not trusted", ErrSignature)
	ErrSignerExpired    = specific("signer certificate outside its validity", ErrSignature)
	ErrWeakSignature    = specific("SHA-1 signature", ErrSignature)
	// ErrSignatureTransform is a signature canonicalized otherwise than
	// exclusively, which SAML never does and which costs too much to check.
	ErrSignatureTransform = specific("signature transform not accepted", ErrSignature)
)

// kindError is a specific sentinel that also matches its kind.
type kindError struct {
	msg  string
	kind error
}

func specific(msg string, kind error) error { return &kindError{msg: msg, kind: kind} }

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// detailError carries the human message; it matches its specific sentinel
// (and through it the kind) and, when present, the underlying cause.
type detailError struct {
	is    error
	msg   string
	cause error
}

func (e *detailError) Error() string {
	if e.cause != nil {
		return e.msg + ": " + e.cause.Error()
	}
	return e.msg
}

func (e *detailError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.is, e.cause}
	}
	return []error{e.is}
}

// fail builds an error that matches is; the message is for a person and
// should say what is wrong and what to do.
func fail(is error, format string, args ...any) error {
	return &detailError{is: is, msg: fmt.Sprintf(format, args...)}
}

// failCause is fail with an underlying error appended to the message.
func failCause(is error, cause error, format string, args ...any) error {
	return &detailError{is: is, msg: fmt.Sprintf(format, args...), cause: cause}
}

// AmbiguousEntityError reports metadata with several IdP entities and no
// selection. It matches ErrAmbiguousEntity and ErrInvalidMetadata.
type AmbiguousEntityError struct {
	EntityIDs []string
}

func (e *AmbiguousEntityError) Error() string {
	return fmt.Sprintf("the metadata has %d IdP entities (%s); select one by entityID",
		len(e.EntityIDs), strings.Join(e.EntityIDs, ", "))
}

func (e *AmbiguousEntityError) Unwrap() error { return ErrAmbiguousEntity }
