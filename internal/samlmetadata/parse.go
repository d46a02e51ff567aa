package samlmetadata

import (
	"context"
	"crypto/x509"
	"time"
)

// Options tune Parse. The zero value is the strict default: 2 MiB cap,
// exactly one IdP entity, HTTP-Redirect then HTTP-POST, https only, no
// signature required.
type Options struct {
	MaxBytes  int64  // input size cap; 0 means DefaultMaxBytes
	EntityID  string // select one entity of an EntitiesDescriptor
	Binding   string // preferred SSO binding URN; "" = HTTP-Redirect, then HTTP-POST
	AllowHTTP bool   // accept http:// SSO locations (development only)
	// TrustedSigners, when non-empty, requires an enveloped signature on the
	// root element made by one of these certificates (pinned out of band,
	// never taken from the document). Unsigned metadata is then refused.
	TrustedSigners []*x509.Certificate
	AllowSHA1      bool             // accept rsa-sha1 / sha1 digests in signatures
	Now            func() time.Time // clock for signer validity; nil = time.Now
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

// Metadata is what one IdP entity's metadata yields.
type Metadata struct {
	EntityID      string
	SSOURL        string     // the chosen SingleSignOnService Location
	SSOBinding    string     // its binding
	SSOEndpoints  []Endpoint // every SingleSignOnService in document order (only the chosen one is URL-checked)
	Certificates  []Certificate
	NameIDFormats []string
	// ValidUntil is the entity's validUntil, falling back to the root
	// EntitiesDescriptor's; nil when neither has one.
	ValidUntil *time.Time
	// Signed is true when a signature was verified against a trusted signer.
	Signed             bool
	SignatureAlgorithm string // SignatureMethod URI, when Signed
}

// Endpoint is one SingleSignOnService.
type Endpoint struct {
	Binding  string
	Location string
}

// Parse is ParseContext without a context: it runs to the end.
func Parse(data []byte, opts Options) (*Metadata, error) {
	return ParseContext(context.Background(), data, opts)
}

// ParseContext checks data against the safety rules, verifies the
// signature when opts.TrustedSigners is set, and extracts one IdP entity.
// It stops, with an error that matches ctx.Err(), when ctx is done: it
// looks between phases and every few hundred elements while walking. A
// panic, in this package or in the libraries it calls, is returned as
// ErrInternal.
func ParseContext(ctx context.Context, data []byte, opts Options) (*Metadata, error) {
	return parseUntimed(ctx, data, opts).result(opts)
}

// outcome is what parsing a document decides without looking at the clock:
// the metadata or the refusal, and the signature verified on the way. Memo
// keeps outcomes, so that a signer's validity is judged at each call.
type outcome struct {
	md  *Metadata
	err error
	// sig is the verified signature, when one was; err is then what was
	// found after verifying it.
	sig *verifiedSignature
}

// result applies the clock, and the other checks of a verified signature,
// before what was found after verifying it, in the order Parse has always
// reported them.
func (o outcome) result(opts Options) (md *Metadata, err error) {
	defer func() {
		if p := recover(); p != nil { // from opts.Now
			md, err = nil, internalError(p)
		}
	}()
	if o.sig != nil {
		if err := checkSigner(o.sig, opts.now(), opts.AllowSHA1); err != nil {
			return nil, err
		}
	}
	return o.md, o.err
}

// internalError reports a recovered panic.
func internalError(p any) error {
	return fail(ErrInternal, "the metadata parser failed unexpectedly (%v), a bug in the parser rather than a problem with the metadata", p)
}

// parseUntimed is ParseContext up to the clock.
func parseUntimed(ctx context.Context, data []byte, opts Options) (o outcome) {
	defer func() {
		if p := recover(); p != nil {
			o = outcome{err: internalError(p)}
		}
	}()
	if limit := opts.maxBytes(); int64(len(data)) > limit {
		return outcome{err: fail(ErrTooLarge, "the metadata is %d bytes, more than the limit of %d bytes; check that this is IdP metadata and not a federation aggregate", len(data), limit)}
	}
	if err := stopped(ctx); err != nil {
		return outcome{err: err}
	}
	t, err := readDocument(ctx, data)
	if err != nil {
		return outcome{err: err}
	}
	if err := checkRoot(t); err != nil {
		return outcome{err: err}
	}
	if len(opts.TrustedSigners) > 0 {
		if o.sig, err = verifySignature(ctx, t, opts); err != nil {
			return outcome{err: err}
		}
		t = o.sig.tree // from here on, only the verified element is used
	}
	o.md, o.err = extractChecked(ctx, t, opts)
	if o.md != nil && o.sig != nil {
		o.md.Signed, o.md.SignatureAlgorithm = true, o.sig.algorithm
	}
	return o
}

// extractChecked refuses duplicate IDs, then extracts one IdP entity.
func extractChecked(ctx context.Context, t *tree, opts Options) (*Metadata, error) {
	if err := checkUniqueIDs(t.root); err != nil {
		return nil, err
	}
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	return extract(t, opts)
}
