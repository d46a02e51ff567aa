package samlmetadata

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// testSigner is a throwaway key and self-signed certificate.
type testSigner struct {
	key  crypto.Signer
	cert *x509.Certificate
}

var testEpoch = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func newTestSigner(t testing.TB, cn string) testSigner {
	t.Helper()
	return newTestSignerValid(t, cn, testEpoch, testEpoch.AddDate(1, 0, 0))
}

// newTestSignerValid is newTestSigner with a certificate valid from notBefore to notAfter.
func newTestSignerValid(t testing.TB, cn string, notBefore, notAfter time.Time) testSigner {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testSigner{key: key, cert: cert}
}

var (
	sharedSignerOnce sync.Once
	sharedSigner     testSigner
)

func certBase64(t testing.TB) string {
	sharedSignerOnce.Do(func() { sharedSigner = newTestSigner(t, "idp.example") })
	return base64.StdEncoding.EncodeToString(sharedSigner.cert.Raw)
}

// signedDoc builds minimal metadata with an ID and signs it enveloped, with exclusive canonicalization.
func signedDoc(t testing.TB, s testSigner, method string, location string) *etree.Document {
	t.Helper()
	return signedDocWith(t, s, method, location, dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(""))
}

// signedDocWith is signedDoc with c14n for the SignedInfo and the Reference.
func signedDocWith(t testing.TB, s testSigner, method, location string, c14n dsig.Canonicalizer) *etree.Document {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromString(fmt.Sprintf(minimal, `ID="_root"`, base64.StdEncoding.EncodeToString(s.cert.Raw), location)); err != nil {
		t.Fatal(err)
	}
	ctx, err := dsig.NewSigningContext(s.key, [][]byte{s.cert.Raw})
	if err != nil {
		t.Fatal(err)
	}
	ctx.Canonicalizer = c14n
	if err := ctx.SetSignatureMethod(method); err != nil {
		t.Fatal(err)
	}
	signed, err := ctx.SignEnveloped(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	doc.SetRoot(signed)
	return doc
}

func docBytes(t testing.TB, doc *etree.Document) []byte {
	t.Helper()
	b, err := doc.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSignaturePolicy(t *testing.T) {
	s := newTestSigner(t, "metadata signer")
	other := newTestSigner(t, "someone else")
	during := func() time.Time { return testEpoch.Add(time.Hour) }
	trust := func(certs ...*x509.Certificate) Options {
		return Options{TrustedSigners: certs, Now: during}
	}
	sha256Doc := docBytes(t, signedDoc(t, s, dsig.ECDSASHA256SignatureMethod, "https://idp.example/sso"))
	sha1Doc := docBytes(t, signedDoc(t, s, dsig.ECDSASHA1SignatureMethod, "https://idp.example/sso"))

	md, err := Parse(sha256Doc, trust(other.cert, s.cert))
	if err != nil {
		t.Fatalf("SHA-256: %v", err)
	}
	if !md.Signed || md.SignatureAlgorithm != dsig.ECDSASHA256SignatureMethod || md.SSOURL != "https://idp.example/sso" {
		t.Errorf("SHA-256: %+v", md)
	}
	if md, err := Parse(sha256Doc, Options{}); err != nil || md.Signed {
		t.Errorf("no signer pinned: Signed=%v err=%v", md != nil && md.Signed, err)
	}

	cases := []struct {
		name string
		data []byte
		opts Options
		want error
	}{
		{"SHA-1 refused", sha1Doc, trust(s.cert), ErrWeakSignature},
		{"untrusted signer", sha256Doc, trust(other.cert), ErrSignerUntrusted},
		{"signer not yet valid", sha256Doc, Options{TrustedSigners: []*x509.Certificate{s.cert}, Now: func() time.Time { return testEpoch.Add(-time.Hour) }}, ErrSignerExpired},
		{"signer expired", sha256Doc, Options{TrustedSigners: []*x509.Certificate{s.cert}, Now: func() time.Time { return testEpoch.AddDate(2, 0, 0) }}, ErrSignerExpired},
		{"tampered location", []byte(strings.Replace(string(sha256Doc), "https://idp.example/sso", "https://evil.example/sso", 1)), trust(s.cert), ErrSignatureInvalid},
		{"wrapped in Extensions", wrapInExtensions(t, sha256Doc), trust(s.cert), ErrSignatureMissing},
		{"second signature", duplicateSignature(t, sha256Doc), trust(s.cert), ErrSignatureInvalid},
		{"signature below the root", nestedSignature(t, sha256Doc, "#_root"), trust(s.cert), ErrSignatureInvalid},
		// goxmldsig takes a Reference URI whose tail after the first character is the root's ID.
		{"signature below the root, URI without #", nestedSignature(t, sha256Doc, "X_root"), trust(s.cert), ErrSignatureInvalid},
		{"nil signer", sha256Doc, trust(nil), ErrSignerUntrusted},
	}
	for _, tc := range cases {
		_, err := Parse(tc.data, tc.opts)
		if !errors.Is(err, tc.want) || !errors.Is(err, ErrSignature) {
			t.Errorf("%s: error = %v, want %v", tc.name, err, tc.want)
		}
	}
	if md, err := Parse(sha1Doc, Options{TrustedSigners: []*x509.Certificate{s.cert}, Now: during, AllowSHA1: true}); err != nil || md.SignatureAlgorithm != dsig.ECDSASHA1SignatureMethod {
		t.Errorf("SHA-1 allowed: %v", err)
	}
	if _, err := Parse(nestedSignature(t, sha256Doc, "X_root"), trust(s.cert)); !strings.Contains(fmt.Sprint(err), "below the root") {
		t.Errorf("a signature below the root is refused for another reason: %v", err)
	}
	// Without a trusted signer, signatures are not looked at, wherever they are.
	if _, err := Parse(nestedSignature(t, sha256Doc, "#_root"), Options{}); err != nil {
		t.Errorf("a signature below the root, no signer pinned: %v", err)
	}
}

// wrapInExtensions builds the classic XSW: an attacker root with its own
// SSO URL that carries the genuine signed element inside md:Extensions.
func wrapInExtensions(t testing.TB, signed []byte) []byte {
	orig := etree.NewDocument()
	if err := orig.ReadFromBytes(signed); err != nil {
		t.Fatal(err)
	}
	evil := etree.NewDocument()
	if err := evil.ReadFromString(fmt.Sprintf(minimal, "", certBase64(t), "https://evil.example/sso")); err != nil {
		t.Fatal(err)
	}
	ext := etree.NewElement("Extensions")
	ext.AddChild(orig.Root())
	evil.Root().InsertChildAt(0, ext)
	return docBytes(t, evil)
}

// nestedSignature copies the root's signature into an Extensions element below the root, with its
// Reference URI set to uri.
func nestedSignature(t testing.TB, signed []byte, uri string) []byte {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(signed); err != nil {
		t.Fatal(err)
	}
	sig := doc.Root().SelectElement("ds:Signature").Copy()
	sig.FindElement(".//ds:Reference").CreateAttr("URI", uri)
	ext := etree.NewElement("Extensions")
	ext.AddChild(sig)
	doc.Root().InsertChildAt(0, ext)
	return docBytes(t, doc)
}

func duplicateSignature(t testing.TB, signed []byte) []byte {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(signed); err != nil {
		t.Fatal(err)
	}
	sig := doc.Root().SelectElement("ds:Signature")
	doc.Root().AddChild(sig.Copy())
	return docBytes(t, doc)
}

// Issue #22, item 1: of the canonicalizations goxmldsig signs and verifies, only the exclusive ones, which
// SAML uses, are accepted; the others are refused before goxmldsig canonicalizes anything. Each document
// here is genuinely signed, with a digest that matches.
func TestSignatureCanonicalization(t *testing.T) {
	s := newTestSigner(t, "metadata signer")
	during := func() time.Time { return testEpoch.Add(time.Hour) }
	cases := []struct {
		c14n dsig.Canonicalizer
		want error
	}{
		{dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList(""), nil},
		{dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList(""), nil},
		{dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("md ds"), nil},
		{dsig.MakeC14N10RecCanonicalizer(), ErrSignatureTransform},
		{dsig.MakeC14N10WithCommentsCanonicalizer(), ErrSignatureTransform},
		{dsig.MakeC14N11Canonicalizer(), ErrSignatureTransform}, // goxmldsig's default when signing
		{dsig.MakeC14N11WithCommentsCanonicalizer(), ErrSignatureTransform},
	}
	for _, tc := range cases {
		doc := docBytes(t, signedDocWith(t, s, dsig.ECDSASHA256SignatureMethod, "https://idp.example/sso", tc.c14n))
		// goxmldsig itself verifies every one of them.
		if _, err := validateWith(mustRead(t, doc).root, s.cert); err != nil {
			t.Fatalf("%s: goxmldsig refuses its own signature: %v", tc.c14n.Algorithm(), err)
		}
		md, err := Parse(doc, Options{TrustedSigners: []*x509.Certificate{s.cert}, Now: during})
		switch {
		case tc.want == nil && (err != nil || !md.Signed):
			t.Errorf("%s: %v", tc.c14n.Algorithm(), err)
		case tc.want != nil && (!errors.Is(err, tc.want) || !strings.Contains(err.Error(), string(tc.c14n.Algorithm()))):
			t.Errorf("%s: error = %v, want %v naming the algorithm", tc.c14n.Algorithm(), err, tc.want)
		}
	}

	// Transform lists goxmldsig accepts, changed in a signed exclusive document: refused whatever they end
	// with (goxmldsig takes the last canonicalization), before the signature is looked at.
	exc := string(docBytes(t, signedDoc(t, s, dsig.ECDSASHA256SignatureMethod, "https://idp.example/sso")))
	const excTransform = `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`
	const c14n11Transform = `<ds:Transform Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>`
	if !strings.Contains(exc, excTransform) {
		t.Fatalf("the signed document has no %s", excTransform)
	}
	for name, doc := range map[string]string{
		"no canonicalization":            strings.Replace(exc, excTransform, "", 1),
		"inclusive after exclusive":      strings.Replace(exc, excTransform, excTransform+c14n11Transform, 1),
		"inclusive before exclusive":     strings.Replace(exc, excTransform, c14n11Transform+excTransform, 1),
		"two Algorithm attributes":       strings.Replace(exc, excTransform, `<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" xmlns:x="urn:x" x:Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>`, 1),
		"Transform in another namespace": strings.Replace(exc, excTransform, excTransform+`<x:Transform xmlns:x="urn:x" Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>`, 1),
		"inclusive SignedInfo":           strings.Replace(exc, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>`, `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>`, 1),
		"an unknown transform (XPath)":   strings.Replace(exc, excTransform, `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/>`+excTransform, 1),
	} {
		if doc == exc {
			t.Fatalf("%s: the document did not change", name)
		}
		_, err := Parse([]byte(doc), Options{TrustedSigners: []*x509.Certificate{s.cert}, Now: during})
		if !errors.Is(err, ErrSignatureTransform) {
			t.Errorf("%s: error = %v, want ErrSignatureTransform", name, err)
		}
	}
}

func mustRead(t testing.TB, data []byte) *tree {
	t.Helper()
	tr, err := readDocument(t.Context(), data)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
