package samlmetadata

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// The shapes of issue #22: signatures whose canonicalization is not the exclusive one the limits model, and
// many certificates. They are built like the shapes of hostile_shapes_test.go, at any size.

// The transforms of the replayed shapes: every canonicalization goxmldsig v1.6.1 accepts (validate.go).
const (
	enveloped      = dsig.EnvelopedSignatureAltorithmId
	excC14N        = dsig.CanonicalXML10ExclusiveAlgorithmId
	c14n10         = dsig.CanonicalXML10RecAlgorithmId
	c14n10Comments = dsig.CanonicalXML10WithCommentsAlgorithmId
	c14n11         = dsig.CanonicalXML11AlgorithmId
	c14n11Comments = dsig.CanonicalXML11WithCommentsAlgorithmId
)

// The shapes' root, which the signatures of the replayed shapes cover.
const (
	shapeRootTag  = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://attacker.example/">`
	shapeRootTail = `</md:EntityDescriptor>`
)

// replayed is a genuine SignedInfo of the pinned signer (the shape key), whose one Reference (URI "", the
// whole document) lists transforms, replayed over a body that passes every limit: 61 nested elements and as
// many leaves with two attributes as MaxElements allows (229 kB). Its signature verifies, so goxmldsig goes
// on to canonicalize the body as the Reference says, and only then finds that the digest differs.
// goxmldsig's inclusive canonicalizers (C14N 1.0 and 1.1, with or without comments), and its serialization
// when no canonicalization is named, copy each element's whole subtree once per ancestor: 252 MB and up to
// 0.7 s of CPU at d2cface, where the exclusive canonicalization of the same body costs 32 MB.
func replayed(transforms ...dsig.AlgorithmID) func(testing.TB, int) []byte {
	return func(t testing.TB, size int) []byte { return replayedShape(t, size, replayedSignature(t, transforms)) }
}

// bodyLevels and bodyLeaf make the body of the replayed shapes: 61 levels and leaves with two attributes.
const (
	bodyLevels = shapeLevels - 1
	bodyLeaf   = `<b a="" c=""/>`
)

// replayedShape puts signature under the shape's root, then the body, within size bytes.
func replayedShape(_ testing.TB, size int, signature string) []byte {
	var b bytes.Buffer
	b.WriteString(shapeRootTag + signature)
	levels := levelsFor(len("<e>"), size)
	levels = min(levels, bodyLevels)
	const margin = 64 // the elements of the root and the signature, rounded up
	return fillShape(&b, strings.Repeat("<e>", levels), bodyLeaf, strings.Repeat("</e>", levels)+shapeRootTail, MaxElements-levels-margin, size)
}

// shapeKey is the throwaway key that signs the replayed shapes, generated once per test process. Its
// certificate is valid when the Azure AD tenant file's signer is, so that one clock serves both.
var (
	shapeKeyOnce sync.Once
	shapeKeyVal  testSigner
)

func shapeKey(t testing.TB) testSigner {
	t.Helper()
	shapeKeyOnce.Do(func() {
		azure := signerFromCorpus(t, "real/signers/azuread-tenant-signed-bom.signer.pem")
		shapeKeyVal = newTestSignerValid(t, "signer of the replayed hostile shapes", azure.NotBefore, azure.NotAfter)
	})
	if shapeKeyVal.cert == nil {
		t.Fatal("the shape key could not be made")
	}
	return shapeKeyVal
}

// hostileSigners are the signers the signed hostile cases pin: the Azure AD tenant file's, whose genuine
// signature the shapes of issue #14 and the xsw- files carry, and the shape key; and a clock at which both
// are valid. The signature's KeyInfo picks one of them.
func hostileSigners(t testing.TB) ([]*x509.Certificate, func() time.Time) {
	t.Helper()
	azure, clock := signerAt(t, "real/signers/azuread-tenant-signed-bom.signer.pem")
	return []*x509.Certificate{azure, shapeKey(t).cert}, clock
}

// replayedSignature is a ds:Signature the shape key made: a SignedInfo canonicalized exclusively, with one
// Reference to the whole document through transforms and the digest of an empty document, and the shape
// key's certificate in KeyInfo.
func replayedSignature(t testing.TB, transforms []dsig.AlgorithmID) string {
	t.Helper()
	s := shapeKey(t)
	var tr strings.Builder
	for _, a := range transforms {
		tr.WriteString(`<ds:Transform Algorithm="` + string(a) + `"/>`)
	}
	empty := sha256.Sum256(nil)
	signedInfo := `<ds:SignedInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` +
		`<ds:CanonicalizationMethod Algorithm="` + string(dsig.CanonicalXML10ExclusiveAlgorithmId) + `"/>` +
		`<ds:SignatureMethod Algorithm="` + dsig.ECDSASHA256SignatureMethod + `"/>` +
		`<ds:Reference URI=""><ds:Transforms>` + tr.String() + `</ds:Transforms>` +
		`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>` +
		`<ds:DigestValue>` + base64.StdEncoding.EncodeToString(empty[:]) + `</ds:DigestValue></ds:Reference></ds:SignedInfo>`
	// What goxmldsig checks the signature value against: the SignedInfo, detached and exclusively canonicalized.
	doc := etree.NewDocument()
	if err := doc.ReadFromString(signedInfo); err != nil {
		t.Fatal(err)
	}
	canonical, err := dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("").Canonicalize(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	digest := sha256.Sum256(canonical)
	value, err := s.key.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">` + signedInfo +
		`<ds:SignatureValue>` + base64.StdEncoding.EncodeToString(value) + `</ds:SignatureValue>` +
		`<ds:KeyInfo><ds:X509Data><ds:X509Certificate>` + base64.StdEncoding.EncodeToString(s.cert.Raw) +
		`</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`
}

// goxmldsigDefaultShape is the replay with the signature goxmldsig's own signing context makes by default
// (inclusive C14N 1.1 for the SignedInfo and the Reference) over an empty root of the same start tag.
func goxmldsigDefaultShape(t testing.TB, size int) []byte {
	t.Helper()
	s := shapeKey(t)
	doc := etree.NewDocument()
	if err := doc.ReadFromString(shapeRootTag + shapeRootTail); err != nil {
		t.Fatal(err)
	}
	ctx, err := dsig.NewSigningContext(s.key, [][]byte{s.cert.Raw})
	if err != nil {
		t.Fatal(err)
	}
	if err := ctx.SetSignatureMethod(dsig.ECDSASHA256SignatureMethod); err != nil {
		t.Fatal(err)
	}
	signed, err := ctx.SignEnveloped(doc.Root())
	if err != nil {
		t.Fatal(err)
	}
	out := etree.NewDocument()
	out.SetRoot(signed.SelectElement("Signature"))
	sig, err := out.WriteToString()
	if err != nil {
		t.Fatal(err)
	}
	return replayedShape(t, size, sig)
}

// signedInfoShape is the genuine signature of the Azure AD tenant file with the body inside its SignedInfo
// and the SignedInfo's CanonicalizationMethod set to c14n. The signature value no longer matches, but
// goxmldsig canonicalizes the SignedInfo before it checks the value: the attacker needs no signature at all.
func signedInfo(c14n dsig.AlgorithmID) func(testing.TB, int) []byte {
	return func(t testing.TB, size int) []byte { return signedInfoShape(t, size, c14n) }
}

func signedInfoShape(t testing.TB, size int, c14n dsig.AlgorithmID) []byte {
	rootTag, signature := azureRootAndSignature(t)
	const method = `<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" />`
	if !strings.Contains(signature, method) {
		t.Fatal("the Azure AD tenant file's signature no longer has the expected CanonicalizationMethod")
	}
	signature = strings.Replace(signature, method, `<CanonicalizationMethod Algorithm="`+string(c14n)+`" />`, 1)
	head, tail, _ := strings.Cut(signature, "</SignedInfo>")
	tail = "</SignedInfo>" + tail + "</EntityDescriptor>"
	var b bytes.Buffer
	b.WriteString(rootTag + head)
	levels := min(levelsFor(len("<e>"), size), MaxDepth-4) // below the root, Signature and SignedInfo, above the leaves
	const margin = 64
	return fillShape(&b, strings.Repeat("<e>", levels), bodyLeaf, strings.Repeat("</e>", levels)+tail, MaxElements-levels-margin, size)
}

// manyCertificatesShape is an unsigned IdP whose one KeyDescriptor holds as many distinct small
// certificates as fit: 7 000 in 2 MiB. Removing duplicates by a scan of those already kept was quadratic
// (0.23 s), and the provider read the bundle of them again for idp_public_cert.
func manyCertificatesShape(t testing.TB, size int) []byte {
	return idpWithCertificates(smallCertificates(t), -1, size)
}

// idpWithCertificates is an unsigned IdP whose one KeyDescriptor holds the first n certificates of certs,
// or as many as fit in size bytes when n < 0.
func idpWithCertificates(certs func(uint64) []byte, n, size int) []byte {
	var b bytes.Buffer
	b.WriteString(shapeRootTag + `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
		`<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>`)
	tail := `</ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://attacker.example/sso"/>` +
		`</md:IDPSSODescriptor>` + shapeRootTail
	for i := 0; i != n; i++ {
		leaf := "<ds:X509Certificate>" + base64.StdEncoding.EncodeToString(certs(uint64(i))) + "</ds:X509Certificate>"
		if n < 0 && b.Len()+len(leaf)+len(tail) > size {
			break
		}
		b.WriteString(leaf)
	}
	b.WriteString(tail)
	return b.Bytes()
}

// certificateBundle is the PEM bundle of the first n certificates of certs, or of as many as fit in size
// bytes when n < 0: what idp_public_cert holds.
func certificateBundle(certs func(uint64) []byte, n, size int) string {
	var b strings.Builder
	for i := 0; i != n; i++ {
		block := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certs(uint64(i))}))
		if n < 0 && b.Len()+len(block) > size {
			break
		}
		b.WriteString(block)
	}
	return b.String()
}

// smallCertificates returns a function that gives the n-th of distinct small (170-byte) certificates: one
// Ed25519 certificate with its serial number replaced by n, which x509.ParseCertificate accepts because it
// does not check the signature.
func smallCertificates(t testing.TB) func(uint64) []byte {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	const serial = 0x0102030405060708
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), NotBefore: testEpoch, NotAfter: testEpoch.AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(der, big.NewInt(serial).Bytes())
	if at < 0 {
		t.Fatal("serial number not found in the certificate")
	}
	return func(n uint64) []byte {
		c := bytes.Clone(der)
		for i := range 8 {
			c[at+7-i] = byte(n >> (8 * i))
		}
		c[at] &= 0x7f // a positive serial number
		c[at] |= 0x01 // and no leading zero byte
		return c
	}
}
