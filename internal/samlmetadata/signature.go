package samlmetadata

import (
	"context"
	"crypto/x509"
	"errors"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// sha1Algorithms are refused unless Options.AllowSHA1.
var sha1Algorithms = map[string]bool{
	"http://www.w3.org/2000/09/xmldsig#rsa-sha1":           true,
	"http://www.w3.org/2000/09/xmldsig#dsa-sha1":           true,
	"http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1":    true,
	"http://www.w3.org/2000/09/xmldsig#sha1":               true,
	"http://www.w3.org/2000/09/xmldsig#hmac-sha1":          true,
	"http://www.w3.org/2001/04/xmldsig-more#hmac-sha1":     true,
	"http://www.w3.org/2009/xmldsig11#dsa-sha1":            true,
	"http://www.w3.org/2007/05/xmldsig-more#sha1-rsa-MGF1": true,
}

type verifiedSignature struct {
	tree      *tree // the root as covered by the signature
	algorithm string
	// signer made the signature; whether it was valid at the time is for
	// checkSigner, with the caller's clock.
	signer *x509.Certificate
	// algorithms are the SignatureMethod and DigestMethods, for the SHA-1 check.
	algorithms []string
}

// verifySignature requires one enveloped signature on the root, made by one
// of opts.TrustedSigners, and no other ds:Signature anywhere in the
// document, and returns the tree of the element goxmldsig verified. Values
// must be read from that tree only. It does not look at the clock: the
// signer's validity is checked by checkSigner.
func verifySignature(ctx context.Context, t *tree, opts Options) (*verifiedSignature, error) {
	for i, s := range opts.TrustedSigners {
		if s == nil {
			return nil, fail(ErrSignerUntrusted, "trusted signer %d is empty; give the metadata-signing certificate", i+1)
		}
	}
	sigs := t.children(t.root, NamespaceDSig, "Signature")
	switch len(sigs) {
	case 0:
		return nil, fail(ErrSignatureMissing, "the metadata is not signed on its root element, but a trusted signer is configured; obtain signed metadata from the IdP or stop requiring a signature")
	case 1:
	default:
		return nil, fail(ErrSignatureInvalid, "the root element carries %d signatures; exactly one is allowed", len(sigs))
	}
	// goxmldsig verifies the first ds:Signature, in document order and at
	// any depth, whose Reference names the root (URI "" or URI[1:] equal to
	// the root's ID). With the root's own signature the only one, that is
	// always the signature checked here, whatever the URIs say.
	if t.nestedSignatures > 0 {
		return nil, fail(ErrSignatureInvalid, "the metadata carries %d ds:Signature element(s) below the root besides the root's own; with a trusted signer only the root's signature is accepted, because a verifier could check another one than intended (signature wrapping)", t.nestedSignatures)
	}
	sig := sigs[0]
	method, digests := signatureAlgorithms(t, sig)
	algorithms := append([]string{method}, digests...)

	candidates, err := candidateSigners(t, sig, opts.TrustedSigners)
	if err != nil {
		return nil, err
	}
	if err := checkCanonicalization(sig); err != nil {
		return nil, err
	}
	var lastErr error
	for _, signer := range candidates {
		if err := stopped(ctx); err != nil {
			return nil, err
		}
		el, err := validateWith(t.root, signer)
		if err != nil {
			lastErr = err
			continue
		}
		verified, err := walkTree(ctx, el, false, len(t.space))
		if err != nil {
			return nil, err
		}
		if !verified.is(el, t.space[t.root], t.root.Tag) {
			return nil, fail(ErrSignatureInvalid, "the signed element is not the document root")
		}
		return &verifiedSignature{tree: verified, algorithm: method, algorithms: algorithms, signer: signer}, nil
	}
	if errors.Is(lastErr, dsig.ErrMissingSignature) {
		return nil, failCause(ErrSignatureMissing, lastErr, "the signature does not cover the root element")
	}
	return nil, failCause(ErrSignatureInvalid, lastErr, "the metadata signature does not verify; the file was changed after signing (even re-indenting breaks it), so download it again unmodified")
}

// checkSigner refuses a verified signature whose signer is outside its
// validity at now, then one that uses SHA-1 unless allowed. Parse applies it
// after verifying, and Memo to what it kept, each time with the caller's clock.
func checkSigner(sig *verifiedSignature, now time.Time, allowSHA1 bool) error {
	signer := sig.signer
	if now.Before(signer.NotBefore) || now.After(signer.NotAfter) {
		return fail(ErrSignerExpired, "the signature is valid, but the signer certificate %q is valid only from %s to %s (now %s); obtain the IdP's current metadata-signing certificate",
			signer.Subject.String(), signer.NotBefore.UTC().Format(time.RFC3339), signer.NotAfter.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if !allowSHA1 {
		for _, alg := range sig.algorithms {
			if sha1Algorithms[alg] {
				return fail(ErrWeakSignature, "the signature is valid but uses SHA-1 (%s); ask the IdP to sign with SHA-256, or allow SHA-1 explicitly", alg)
			}
		}
	}
	return nil
}

// validateWith runs goxmldsig with one trusted certificate. The clock is
// set inside the certificate's validity so that goxmldsig checks only the
// cryptography; checkSigner checks validity to report it distinctly. A
// panic in goxmldsig is left to ParseContext, which reports it as ErrInternal.
func validateWith(root *etree.Element, signer *x509.Certificate) (*etree.Element, error) {
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{signer}})
	ctx.Clock = dsig.NewFakeClockAt(signer.NotBefore)
	return ctx.Validate(root)
}

// checkCanonicalization requires what saml-core 5.4.3 and 5.4.4 ask of a SAML
// signature and the limits model: the SignedInfo canonicalized exclusively,
// and every Reference transformed by the enveloped-signature transform and
// exclusive canonicalization only. goxmldsig also accepts inclusive C14N 1.0
// and 1.1, and serializes a Reference without canonicalization; each of those
// copies every element's subtree once per ancestor (about 250 MB for a 229 kB body
// that passes every limit), before the digest is compared. Elements are
// matched by local name, in any namespace, so that no element goxmldsig
// reads escapes the check: its shape check counts the Signature's children
// by local name, and encoding/xml reads the Reference's transforms so.
func checkCanonicalization(sig *etree.Element) error {
	const fix = "metadata signatures use exclusive canonicalization (" + string(dsig.CanonicalXML10ExclusiveAlgorithmId) + ") and the enveloped-signature transform only, as SAML 2.0 requires (saml-core sections 5.4.3 and 5.4.4); ask the IdP to sign its metadata that way"
	for _, si := range childrenNamed(sig, "SignedInfo") {
		for _, cm := range childrenNamed(si, "CanonicalizationMethod") {
			alg, err := algorithmOf(cm)
			if err != nil {
				return err
			}
			if !exclusiveC14N(alg) {
				return fail(ErrSignatureTransform, "the signature's SignedInfo is canonicalized with %s; %s", alg, fix)
			}
		}
		for _, ref := range childrenNamed(si, "Reference") {
			exclusive := false
			for _, trs := range childrenNamed(ref, "Transforms") {
				for _, tr := range childrenNamed(trs, "Transform") {
					alg, err := algorithmOf(tr)
					if err != nil {
						return err
					}
					switch {
					case alg == dsig.EnvelopedSignatureAltorithmId:
					case exclusiveC14N(alg):
						exclusive = true
					default:
						return fail(ErrSignatureTransform, "the signature's Reference uses the transform %s; %s", alg, fix)
					}
				}
			}
			if !exclusive {
				return fail(ErrSignatureTransform, "the signature's Reference names no canonicalization, so the whole document would be serialized as it is; %s", fix)
			}
		}
	}
	return nil
}

func exclusiveC14N(alg dsig.AlgorithmID) bool {
	return alg == dsig.CanonicalXML10ExclusiveAlgorithmId || alg == dsig.CanonicalXML10ExclusiveWithCommentsAlgorithmId
}

// algorithmOf returns the Algorithm attribute of a canonicalization method or
// transform, which must have exactly one (encoding/xml takes any prefix).
func algorithmOf(e *etree.Element) (dsig.AlgorithmID, error) {
	var values []dsig.AlgorithmID
	for _, a := range e.Attr {
		if a.Key == "Algorithm" {
			values = append(values, dsig.AlgorithmID(a.Value))
		}
	}
	if len(values) != 1 {
		return "", fail(ErrSignatureTransform, "a %s element of the signature has %d Algorithm attributes; it must have exactly one", e.Tag, len(values))
	}
	return values[0], nil
}

// childrenNamed returns e's child elements with the local name tag, in any namespace.
func childrenNamed(e *etree.Element, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range e.ChildElements() {
		if c.Tag == tag {
			out = append(out, c)
		}
	}
	return out
}

// candidateSigners picks the trusted signer matching the certificate in the
// signature's KeyInfo, or all of them when KeyInfo has none.
func candidateSigners(t *tree, sig *etree.Element, trusted []*x509.Certificate) ([]*x509.Certificate, error) {
	var embedded *etree.Element
	for _, ki := range t.children(sig, NamespaceDSig, "KeyInfo") {
		for _, xd := range t.children(ki, NamespaceDSig, "X509Data") {
			for _, xc := range t.children(xd, NamespaceDSig, "X509Certificate") {
				if embedded == nil {
					embedded = xc
				}
			}
		}
	}
	if embedded == nil {
		return trusted, nil
	}
	c, err := decodeBase64Cert(charData(embedded))
	if err != nil {
		return nil, failCause(ErrSignatureInvalid, err, "the certificate in the signature's KeyInfo is unusable")
	}
	for _, tc := range trusted {
		if tc.Equal(c.X509) {
			return []*x509.Certificate{tc}, nil
		}
	}
	return nil, fail(ErrSignerUntrusted, "the metadata is signed by %q (SHA-256 %s), which is not a trusted signer; if the IdP rotated its signing key, pin the new certificate after checking it out of band",
		c.Subject, c.SHA256)
}

// signatureAlgorithms returns the SignatureMethod and DigestMethod URIs.
func signatureAlgorithms(t *tree, sig *etree.Element) (method string, digests []string) {
	for _, si := range t.children(sig, NamespaceDSig, "SignedInfo") {
		for _, sm := range t.children(si, NamespaceDSig, "SignatureMethod") {
			method, _ = attr(sm, "Algorithm")
		}
		for _, ref := range t.children(si, NamespaceDSig, "Reference") {
			for _, dm := range t.children(ref, NamespaceDSig, "DigestMethod") {
				alg, _ := attr(dm, "Algorithm")
				digests = append(digests, alg)
			}
		}
	}
	return method, digests
}
