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
// looks between phases and every few hundred elements while walking.
func ParseContext(ctx context.Context, data []byte, opts Options) (md *Metadata, err error) {
	defer func() {
		if p := recover(); p != nil {
			md, err = nil, fail(ErrInternal, "the metadata could not be parsed because the parser failed unexpectedly (%v); please report this input", p)
		}
	}()
	if limit := opts.maxBytes(); int64(len(data)) > limit {
		return nil, fail(ErrTooLarge, "the metadata is %d bytes, more than the limit of %d bytes; check that this is IdP metadata and not a federation aggregate", len(data), limit)
	}
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	t, err := readDocument(ctx, data)
	if err != nil {
		return nil, err
	}
	if err := checkRoot(t); err != nil {
		return nil, err
	}
	var sig *verifiedSignature
	if len(opts.TrustedSigners) > 0 {
		if sig, err = verifySignature(ctx, t, opts); err != nil {
			return nil, err
		}
		t = sig.tree // from here on, only the verified element is used
	}
	if err := checkUniqueIDs(t.root); err != nil {
		return nil, err
	}
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	md, err = extract(t, opts)
	if err != nil {
		return nil, err
	}
	if sig != nil {
		md.Signed, md.SignatureAlgorithm = true, sig.algorithm
	}
	return md, nil
}
