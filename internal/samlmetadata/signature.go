package samlmetadata

import (
	"crypto/x509"
	"errors"
	"fmt"
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
	element   *etree.Element // the root as covered by the signature
	algorithm string
	signer    *x509.Certificate
}

// verifySignature requires one enveloped signature on root, made by one of
// opts.TrustedSigners, and returns the element goxmldsig verified. Values
// must be read from that element only.
func verifySignature(root *etree.Element, opts Options) (*verifiedSignature, error) {
	for i, s := range opts.TrustedSigners {
		if s == nil {
			return nil, fail(ErrSignerUntrusted, "trusted signer %d is empty; give the metadata-signing certificate", i+1)
		}
	}
	sigs := children(root, NamespaceDSig, "Signature")
	switch len(sigs) {
	case 0:
		return nil, fail(ErrSignatureMissing, "the metadata is not signed on its root element, but a trusted signer is configured; obtain signed metadata from the IdP or stop requiring a signature")
	case 1:
	default:
		return nil, fail(ErrSignatureInvalid, "the root element carries %d signatures; exactly one is allowed", len(sigs))
	}
	sig := sigs[0]
	rootID := root.SelectAttrValue(dsig.DefaultIdAttr, "")
	if n := signaturesReferencing(root, rootID); n != 1 {
		return nil, fail(ErrSignatureInvalid, "%d signatures in the document refer to the root element; exactly one is allowed (signature wrapping?)", n)
	}
	method, digests := signatureAlgorithms(sig)

	candidates, err := candidateSigners(sig, opts.TrustedSigners)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for _, signer := range candidates {
		el, err := validateWith(root, signer)
		if err != nil {
			lastErr = err
			continue
		}
		if !is(el, root.NamespaceURI(), root.Tag) {
			return nil, fail(ErrSignatureInvalid, "the signed element is not the document root")
		}
		now := opts.now()
		if now.Before(signer.NotBefore) || now.After(signer.NotAfter) {
			return nil, fail(ErrSignerExpired, "the signature is valid, but the signer certificate %q is valid only from %s to %s (now %s); obtain the IdP's current metadata-signing certificate",
				signer.Subject.String(), signer.NotBefore.UTC().Format(time.RFC3339), signer.NotAfter.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
		if !opts.AllowSHA1 {
			for _, alg := range append([]string{method}, digests...) {
				if sha1Algorithms[alg] {
					return nil, fail(ErrWeakSignature, "the signature is valid but uses SHA-1 (%s); ask the IdP to sign with SHA-256, or allow SHA-1 explicitly", alg)
				}
			}
		}
		return &verifiedSignature{element: el, algorithm: method, signer: signer}, nil
	}
	if errors.Is(lastErr, dsig.ErrMissingSignature) {
		return nil, failCause(ErrSignatureMissing, lastErr, "the signature does not cover the root element")
	}
	return nil, failCause(ErrSignatureInvalid, lastErr, "the metadata signature does not verify; the file was changed after signing (even re-indenting breaks it), so download it again unmodified")
}

// validateWith runs goxmldsig with one trusted certificate. The clock is
// set inside the certificate's validity so that goxmldsig checks only the
// cryptography; the caller checks validity itself to report it distinctly.
func validateWith(root *etree.Element, signer *x509.Certificate) (el *etree.Element, err error) {
	defer func() {
		if p := recover(); p != nil {
			el, err = nil, fmt.Errorf("signature verification failed unexpectedly: %v", p)
		}
	}()
	ctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{signer}})
	ctx.Clock = dsig.NewFakeClockAt(signer.NotBefore)
	return ctx.Validate(root)
}

// candidateSigners picks the trusted signer matching the certificate in the
// signature's KeyInfo, or all of them when KeyInfo has none.
func candidateSigners(sig *etree.Element, trusted []*x509.Certificate) ([]*x509.Certificate, error) {
	var embedded *etree.Element
	for _, ki := range children(sig, NamespaceDSig, "KeyInfo") {
		for _, xd := range children(ki, NamespaceDSig, "X509Data") {
			for _, xc := range children(xd, NamespaceDSig, "X509Certificate") {
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
	for _, t := range trusted {
		if t.Equal(c.X509) {
			return []*x509.Certificate{t}, nil
		}
	}
	return nil, fail(ErrSignerUntrusted, "the metadata is signed by %q (SHA-256 %s), which is not a trusted signer; if the IdP rotated its signing key, pin the new certificate after checking it out of band",
		c.Subject, c.SHA256)
}

// signatureAlgorithms returns the SignatureMethod and DigestMethod URIs.
func signatureAlgorithms(sig *etree.Element) (method string, digests []string) {
	for _, si := range children(sig, NamespaceDSig, "SignedInfo") {
		for _, sm := range children(si, NamespaceDSig, "SignatureMethod") {
			method = sm.SelectAttrValue("Algorithm", "")
		}
		for _, ref := range children(si, NamespaceDSig, "Reference") {
			for _, dm := range children(ref, NamespaceDSig, "DigestMethod") {
				digests = append(digests, dm.SelectAttrValue("Algorithm", ""))
			}
		}
	}
	return method, digests
}

// signaturesReferencing counts ds:Signature elements anywhere under root
// with a Reference to the root ("" or "#rootID"), the same rule goxmldsig
// uses to pick the signature it verifies.
func signaturesReferencing(root *etree.Element, rootID string) int {
	n := 0
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		for _, c := range e.ChildElements() {
			if is(c, NamespaceDSig, "Signature") {
				for _, si := range children(c, NamespaceDSig, "SignedInfo") {
					for _, ref := range children(si, NamespaceDSig, "Reference") {
						uri := ref.SelectAttrValue("URI", "")
						if uri == "" || uri == "#"+rootID { // goxmldsig: URI[1:] == ID
							n++
						}
					}
				}
			}
			walk(c)
		}
	}
	walk(root)
	return n
}
