package samlmetadata

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/beevik/etree"
)

// TestNamespacesMatchEtree holds the walk's namespace resolution to etree's own (Element.NamespaceURI, which
// searches the ancestors) on every element of every corpus file and of small generated shapes.
func TestNamespacesMatchEtree(t *testing.T) {
	inputs := map[string][]byte{}
	for _, f := range append(corpusFiles(t, "real"), corpusFiles(t, "hostile")...) {
		if data := readCorpus(t, f); len(data) < 1<<20 {
			inputs[f] = data
		}
	}
	for _, s := range hostileShapes {
		inputs[s.name] = s.build(t, 16<<10)
	}
	inputs["scoped"] = []byte(`<a xmlns="urn:d" xmlns:p="urn:p1"><p:b xmlns:p="urn:p2"><c xmlns=""><p:d/></c></p:b><p:e/><xml:f/><q:g/></a>`)
	checked := 0
	for name, data := range inputs {
		doc, err := readEtree(bytes.TrimPrefix(data, utf8BOM))
		if err != nil || len(doc.ChildElements()) != 1 {
			continue // refused before any namespace is resolved
		}
		tr, err := walkTree(context.Background(), doc.Root(), false, 0)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var walk func(e *etree.Element)
		walk = func(e *etree.Element) {
			if got, want := tr.space[e], e.NamespaceURI(); got != want {
				t.Errorf("%s: <%s> resolves to %q, etree says %q", name, e.FullTag(), got, want)
			}
			for _, c := range e.ChildElements() {
				walk(c)
			}
		}
		walk(doc.Root())
		if len(tr.space) == 0 {
			t.Errorf("%s: no element resolved", name)
		}
		checked++
	}
	if checked < 40 {
		t.Fatalf("only %d inputs checked", checked)
	}
}

// TestDuplicateAttributesByNamespace: two prefixes are the same attribute only when they are bound to the
// same URI where the attribute is, with the element's own declarations in force.
func TestDuplicateAttributesByNamespace(t *testing.T) {
	cases := []struct {
		xml  string
		dup  bool
		what string
	}{
		{`<a xmlns:p="urn:x" xmlns:q="urn:x" p:k="" q:k=""/>`, true, "two prefixes, one URI"},
		{`<a xmlns:p="urn:x" xmlns:q="urn:y" p:k="" q:k=""/>`, false, "two URIs"},
		{`<a xmlns:p="urn:x"><b xmlns:q="urn:x" p:k="" q:k=""/></a>`, true, "one declared by the parent"},
		{`<a xmlns:p="urn:x" xmlns:q="urn:x"><b xmlns:p="urn:y" p:k="" q:k=""/></a>`, false, "rebound on the element"},
		{`<a xmlns:p="urn:x"><b xmlns:p="urn:y"/><c xmlns:q="urn:x" p:k="" q:k=""/></a>`, true, "a sibling's binding is out of scope"},
		{`<a p:k="" q:k=""/>`, true, "two unbound prefixes resolve alike, as etree resolves them"},
		{`<a k="" p:k="" xmlns:p="urn:x"/>`, false, "unprefixed is no namespace"},
		{`<a xmlns:p="urn:x" xmlns:p="urn:y"/>`, true, "the same declaration twice"},
	}
	for _, tc := range cases {
		doc, err := readEtree([]byte(tc.xml))
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		_, err = walkTree(context.Background(), doc.Root(), true, 0)
		if errors.Is(err, ErrDuplicateAttribute) != tc.dup {
			t.Errorf("%s: %s: error %v, want duplicate %v", tc.what, tc.xml, err, tc.dup)
		}
	}
}

// TestPrefixedAttributesAreNotMetadataAttributes: x:entityID, x:Location and the like are attributes in
// another namespace; only the unprefixed ones are SAML's.
func TestPrefixedAttributesAreNotMetadataAttributes(t *testing.T) {
	cert := certBase64(t)
	doc := `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:x="urn:x" x:entityID="https://evil.example/" entityID="https://idp.example/" x:validUntil="not a date">
 <IDPSSODescriptor x:protocolSupportEnumeration="urn:none" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <KeyDescriptor x:use="encryption"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>` + cert + `</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
  <SingleSignOnService x:Binding="urn:evil" x:Location="https://evil.example/sso" Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example/sso"/>
 </IDPSSODescriptor>
</EntityDescriptor>`
	md, err := Parse([]byte(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if md.EntityID != "https://idp.example/" || md.SSOURL != "https://idp.example/sso" || md.SSOBinding != BindingHTTPPOST ||
		md.ValidUntil != nil || len(md.Certificates) != 1 {
		t.Errorf("read a prefixed attribute: %+v", md)
	}
	// Alone, a prefixed entityID is no entityID.
	onlyPrefixed := strings.Replace(doc, ` entityID="https://idp.example/"`, "", 1)
	if _, err := Parse([]byte(onlyPrefixed), Options{}); !errors.Is(err, ErrInvalidMetadata) || !strings.Contains(fmt.Sprint(err), "no entityID") {
		t.Errorf("x:entityID alone: %v", err)
	}
}

func TestParseContextStops(t *testing.T) {
	data := readCorpus(t, "real/adfs-toolkit-signed.xml")
	signer, clock := signerAt(t, "real/signers/adfs-toolkit-signed.signer.pem")
	opts := Options{TrustedSigners: []*x509.Certificate{signer}, Now: clock, AllowSHA1: true}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ParseContext(ctx, data, opts)
	if !errors.Is(err, context.Canceled) || kindOf(err) != nil || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("cancelled before: %v (kind %v)", err, kindOf(err))
	}

	// Count the looks of a whole parse, then end the context at each of them in turn: every look stops it.
	looks := countLooks(t, data, opts)
	for n := range looks {
		ctx := newDoneAfter(n)
		if _, err := ParseContext(ctx, data, opts); !errors.Is(err, context.DeadlineExceeded) || kindOf(err) != nil {
			t.Errorf("done after %d of %d looks: %v", n, looks, err)
		}
	}
	// The walk looks every stopEvery elements: the 545 elements of this file take that many more looks than
	// the 9 of a JumpCloud file.
	small := countLooks(t, readCorpus(t, "real/jumpcloud-samlify.xml"), Options{})
	if large := countLooks(t, data, Options{}); large-small != 545/stopEvery {
		t.Errorf("looks: %d for 545 elements, %d for 9; the walk does not look every %d elements", large, small, stopEvery)
	}
}

// countLooks parses data to the end and returns how often ParseContext looked at its context.
func countLooks(t *testing.T, data []byte, opts Options) int {
	t.Helper()
	ctx := newDoneAfter(1 << 30)
	if _, err := ParseContext(ctx, data, opts); err != nil {
		t.Fatal(err)
	}
	return 1<<30 - int(ctx.left.Load())
}

// doneAfter is a context that reports DeadlineExceeded once Err has been called more than n times.
type doneAfter struct {
	context.Context
	left atomic.Int64
}

func newDoneAfter(n int) *doneAfter {
	c := &doneAfter{Context: context.Background()}
	c.left.Store(int64(n))
	return c
}

func (c *doneAfter) Err() error {
	if c.left.Add(-1) < 0 {
		return context.DeadlineExceeded
	}
	return nil
}
