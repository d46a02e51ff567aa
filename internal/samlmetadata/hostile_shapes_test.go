package samlmetadata

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// Generated hostile inputs: the shapes of issue #14 and the most expensive documents the limits let
// through, built at any size so that the repository holds no multi-megabyte files. Each builder returns a
// document of at most size bytes (once its fixed part fits), and the signed ones carry the genuine
// ds:Signature of the Azure AD tenant file: its SignedInfo verifies against that file's signer, so a
// verifier goes on to the expensive digest of the body. hostile/README.md describes them, hostileCases
// says what Parse must answer, BenchmarkHostile measures them at the byte cap, and FuzzParse starts from
// small versions.

// hostileShape is one generated input.
type hostileShape struct {
	name  string
	build func(t testing.TB, size int) []byte
}

var hostileShapes = []hostileShape{
	{"ns-attributes", nsAttributeShape},
	{"ns-attributes-within-limits", nsAttributeWithinLimitsShape},
	{"signed-namespaces", signedNamespaceShape},
	{"fake-root-signature", fakeSignatureShape},
	{"fake-root-signature-within-limits", fakeSignatureWithinLimitsShape},
	{"tiny-elements", tinyElementsShape},
	{"namespace-expansion", namespaceExpansionShape},
	{"at-limits", atLimitsShape},
	// Issue #22 (hostile_c14n_shapes_test.go).
	{"replayed-c14n10", replayed(enveloped, c14n10)},
	{"replayed-c14n10-comments", replayed(enveloped, c14n10Comments)},
	{"replayed-c14n11", replayed(enveloped, c14n11)},
	{"replayed-c14n11-comments", replayed(enveloped, c14n11Comments)},
	{"replayed-no-c14n", replayed(enveloped)},
	{"replayed-exc-then-c14n11", replayed(enveloped, excC14N, c14n11)}, // goxmldsig uses the last
	{"replayed-exc", replayed(enveloped, excC14N)},                     // what metadata uses
	{"replayed-goxmldsig-default", goxmldsigDefaultShape},
	{"signedinfo-c14n11", signedInfo(c14n11)},
	{"signedinfo-exc", signedInfo(excC14N)},
	{"many-certificates", manyCertificatesShape},
}

// shapeLevels is how deep the shapes nest: as deep as MaxDepth allows below the root, with room for leaves.
const shapeLevels = 62

// levelsFor is how many levels of levelLen bytes a shape of size bytes has: shapeLevels, or fewer in a
// small version (a fuzz seed), so that the levels take at most half of it.
func levelsFor(levelLen, size int) int { return max(1, min(shapeLevels, size/2/levelLen)) }

// nsAttributeShape is issue #14's unsigned shape: 62 nested elements with 256 plain attributes each, the
// root declaring prefixes p0…p7 with distinct URIs, then leaves <b p0:k="" … p7:k=""/>, whose attributes
// share a local name so that telling them apart needs each prefix's namespace URI. Resolving those URIs
// through etree searches every attribute of every ancestor, for every pair of attributes.
func nsAttributeShape(_ testing.TB, size int) []byte {
	return nsAttributes(256, size, size)
}

// nsAttributeWithinLimitsShape is the same with MaxAttributes per level and as many leaves as
// MaxDocumentAttributes allows: it passes every limit and is refused only for describing no IdP.
func nsAttributeWithinLimitsShape(_ testing.TB, size int) []byte {
	return nsAttributes(MaxAttributes, (MaxDocumentAttributes-shapeLevels*MaxAttributes-64)/8, size)
}

func nsAttributes(perLevel, leaves, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://attacker.example/"`)
	for i := range 8 {
		fmt.Fprintf(&b, ` xmlns:p%d="urn:p%d"`, i, i)
	}
	b.WriteString(">")
	level := attributeLevel(perLevel)
	levels := levelsFor(len(level), size)
	tail := strings.Repeat("</e>", levels) + "</md:EntityDescriptor>"
	return fillShape(&b, strings.Repeat(level, levels),
		`<b p0:k="" p1:k="" p2:k="" p3:k="" p4:k="" p5:k="" p6:k="" p7:k=""/>`, tail, leaves, size)
}

// attributeLevel is the start tag of one level: n plain attributes.
func attributeLevel(n int) string {
	var level strings.Builder
	level.WriteString("<e")
	for i := range n {
		fmt.Fprintf(&level, ` a%d=""`, i)
	}
	level.WriteString(">")
	return level.String()
}

// signedNamespaceShape is issue #14's signed shape: the root and the genuine ds:Signature of the Azure AD
// tenant file, then 62 nested elements declaring 250 namespace prefixes each (15 500 in scope at the
// bottom), then empty leaves. goxmldsig copies the prefixes in scope for every element it canonicalizes.
func signedNamespaceShape(t testing.TB, size int) []byte {
	rootTag, signature := azureRootAndSignature(t)
	var b bytes.Buffer
	b.WriteString(rootTag + signature)
	var levels strings.Builder
	n := levelsFor(250*len(` xmlns:p10000="u"`), size)
	for i := range n {
		levels.WriteString("<e")
		for j := range 250 {
			fmt.Fprintf(&levels, ` xmlns:p%d="u"`, i*250+j)
		}
		levels.WriteString(">")
	}
	tail := strings.Repeat("</e>", n) + "</EntityDescriptor>"
	return fillShape(&b, levels.String(), "<b/>", tail, size, size)
}

// fakeSignatureShape is issue #14's third shape: a root carrying a ds:Signature child that references it
// but verifies against nothing, over 62 nested elements with 256 attributes each and leaves named
// Signature (in no namespace), which a search for signatures has to look at one by one.
func fakeSignatureShape(_ testing.TB, size int) []byte {
	return fakeSignature(256, size, size)
}

// fakeSignatureWithinLimitsShape is the same with MaxAttributes per level and as many leaves as
// MaxElements allows: it passes every limit, so with a trusted signer goxmldsig copies it all before
// the signature fails.
func fakeSignatureWithinLimitsShape(_ testing.TB, size int) []byte {
	return fakeSignature(MaxAttributes, MaxElements-shapeLevels-64, size)
}

func fakeSignature(perLevel, leaves, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_fake" entityID="https://attacker.example/">`)
	b.WriteString(`<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>` +
		`<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>` +
		`<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>` +
		`<ds:Reference URI="#_fake"><ds:Transforms>` +
		`<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
		`<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>` +
		`<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>` +
		`<ds:DigestValue>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=</ds:DigestValue></ds:Reference></ds:SignedInfo>` +
		`<ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>`)
	level := attributeLevel(perLevel)
	levels := levelsFor(len(level), size)
	tail := strings.Repeat("</e>", levels) + "</md:EntityDescriptor>"
	return fillShape(&b, strings.Repeat(level, levels), "<Signature/>", tail, leaves, size)
}

// tinyElementsShape is as many empty elements as fit: reading 2 MiB of them into a tree took 0.4 s and
// 120 MB before MaxElements was counted on the raw bytes.
func tinyElementsShape(_ testing.TB, size int) []byte {
	var b bytes.Buffer
	b.WriteString(`<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://attacker.example/">`)
	return fillShape(&b, "", "<b/>", "</md:EntityDescriptor>", size, size)
}

// namespaceExpansionShape declares one prefix with a URI as long as the byte cap allows, on an element
// that does not use it, then uses it on a thousand empty children. Exclusive canonicalization writes the
// declaration out again on each of them: 100 kB became 100 MB and 2.7 s before MaxNamespaceExpansion.
func namespaceExpansionShape(t testing.TB, size int) []byte {
	rootTag, signature := azureRootAndSignature(t)
	const uses = 1000
	head := rootTag + signature + `<e xmlns:p="urn:`
	tail := `">` + strings.Repeat("<p:a/>", uses) + "</e></EntityDescriptor>"
	return []byte(head + strings.Repeat("x", max(1, size-len(head)-len(tail))) + tail)
}

// atLimitsShape is the most expensive document the limits let through: the genuine root signature of the
// Azure AD tenant file over as many elements as MaxElements allows, each with as many namespace bindings in
// scope as MaxNamespaces and MaxNamespaceScope allow, the attributes MaxDocumentAttributes allows and text
// up to size. Verifying it canonicalizes all of it before the digest fails; without a signer it is refused
// for describing no IdP, after every check.
func atLimitsShape(t testing.TB, size int) []byte {
	rootTag, signature := azureRootAndSignature(t)
	head := rootTag + signature
	const margin = 64 // elements, '<' and '=' of the head and tail, rounded up
	leaves := MaxElements - margin
	prefixes := min(MaxNamespaces-8, MaxNamespaceScope/leaves-2)
	attrs := min(MaxAttributes, (MaxDocumentAttributes-strings.Count(head, "=")-2*prefixes-margin)/leaves)
	var b bytes.Buffer
	b.WriteString(head + "<e")
	for i := range prefixes { // declared and used here, so canonicalization writes each out once
		fmt.Fprintf(&b, ` xmlns:p%d="urn:oasis:names:tc:SAML:2.0:p%d" p%d:a=""`, i, i, i)
	}
	b.WriteString(">")
	var leaf strings.Builder
	leaf.WriteString("<b")
	for i := range attrs {
		fmt.Fprintf(&leaf, ` p%d:a=""`, i%max(prefixes, 1))
	}
	tail := "</e></EntityDescriptor>"
	text := max(0, (size-b.Len()-len(tail))/leaves-leaf.Len()-len("></b>"))
	leaf.WriteString(">" + strings.Repeat("x", text) + "</b>")
	return fillShape(&b, "", leaf.String(), tail, leaves, size)
}

// fillShape appends the opening levels, up to leaves leaves that fit in size, and the closing tail.
func fillShape(b *bytes.Buffer, levels, leaf, tail string, leaves, size int) []byte {
	b.WriteString(levels)
	for n := 0; n < leaves && b.Len()+len(leaf)+len(tail) <= size; n++ {
		b.WriteString(leaf)
	}
	b.WriteString(tail)
	return b.Bytes()
}

// azureRootAndSignature returns the root start tag and the ds:Signature element of the signed Azure AD
// tenant file, byte for byte.
func azureRootAndSignature(t testing.TB) (rootTag, signature string) {
	t.Helper()
	data := string(bytes.TrimPrefix(readCorpus(t, "real/azuread-tenant-signed-bom.xml"), utf8BOM))
	start := strings.Index(data, "<EntityDescriptor ")
	sigStart := strings.Index(data, "<Signature ")
	sigEnd := strings.Index(data, "</Signature>")
	if start < 0 || sigStart < start || sigEnd < sigStart {
		t.Fatal("the Azure AD tenant file no longer has the expected root and signature")
	}
	return data[start:sigStart], data[sigStart : sigEnd+len("</Signature>")]
}
