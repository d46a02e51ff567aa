// Package samlmetadata turns SAML 2.0 identity-provider metadata into the
// values a service provider needs: the IdP entityID (issuer), the single
// sign-on URL and binding, and the signing certificates. It also verifies
// enveloped metadata signatures against pinned signer certificates and
// offers certificate helpers (canonical PEM, DER comparison, expiry).
//
// The package owns the security policy for untrusted metadata: the size
// limits below, UTF-8 only, no DOCTYPE, no duplicate attributes or IDs,
// exactly one root, namespace-URI matching, exactly one SAML 2.0 IdP
// descriptor, parseable signing certificates and an absolute https SSO URL.
// Every refusal is a sentinel error checked with errors.Is; see errors.go.
//
// Metadata is untrusted (whoever edits metadata_xml or controls the IdP's
// URL writes it) and is parsed on every plan, so every input costs bounded
// time and memory. The document is bounded before anything reads it:
// DefaultMaxBytes, then MaxElements and MaxDocumentAttributes counted on
// the raw bytes, before the XML reader builds a tree; then MaxDepth while
// reading; then, on the tree and before a signature is verified,
// MaxAttributes per element, MaxNamespaces, and MaxNamespaceScope and
// MaxNamespaceExpansion, which bound what checking a signature costs in
// namespaces (goxmldsig copies the namespace scope for every element it
// canonicalizes). All are refused as ErrTooLarge. The limits are a large
// multiple of the largest real metadata in testdata/corpus, and small
// enough that the most expensive document they let through costs under
// 250 ms and 64 MB. They model exclusive canonicalization, the only one
// SAML uses (saml-core 5.4.3 and 5.4.4) and every real signed file of the
// corpus uses: goxmldsig's inclusive canonicalizers, and its serialization
// when a Reference names no canonicalization, copy each element's whole
// subtree once per ancestor, so a signature is checked only when its
// SignedInfo and every Reference canonicalize exclusively, with the
// enveloped-signature transform and nothing else (ErrSignatureTransform).
// MaxCertificates bounds the certificates read from one IdP descriptor,
// and from one certificate bundle. Every element's namespace is resolved
// once, while walking the tree with a scope of prefixes, never by searching
// its ancestors; attributes that metadata defines are read without a
// prefix only.
// ParseContext stops when its context is done, between phases and while
// walking; goxmldsig cannot be interrupted, which the limits make harmless.
//
// Round-trip instability of encoding/xml (CVE-2020-29509/29510/29511) is
// handled without github.com/mattermost/xml-roundtrip-validator, which
// costs about five etree parses: names with extra colons and all
// directives are refused, and signed metadata is read only from the element
// goxmldsig re-parses from the exact canonical bytes it digested, so what
// is verified and what is extracted cannot differ. With a pinned signer the
// only ds:Signature allowed is the root's own child, so goxmldsig, which
// takes the first signature anywhere in the document that references the
// root, cannot pick another one.
//
// Documents are read by etree, on encoding/xml, and by nothing else: one
// XML reader at the trust boundary.
//
// It is plain Go on top of github.com/beevik/etree and
// github.com/russellhaering/goxmldsig and must not import anything from
// terraform-plugin-*: the provider layer maps these errors to diagnostics.
package samlmetadata

// XML namespaces, matched by URI and never by prefix.
const (
	NamespaceMetadata = "urn:oasis:names:tc:SAML:2.0:metadata"
	NamespaceDSig     = "http://www.w3.org/2000/09/xmldsig#"
	ProtocolSAML20    = "urn:oasis:names:tc:SAML:2.0:protocol"
)

// SSO bindings (saml-bindings-2.0-os section 3).
const (
	BindingHTTPRedirect   = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
	BindingHTTPPOST       = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
	BindingHTTPPOSTSimple = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST-SimpleSign"
	BindingHTTPArtifact   = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact"
	BindingSOAP           = "urn:oasis:names:tc:SAML:2.0:bindings:SOAP"
	BindingPAOS           = "urn:oasis:names:tc:SAML:2.0:bindings:PAOS"
)

// Limits on one document. In brackets: the largest value among the 31 real
// files of testdata/corpus/real, then the value in 2 MiB of the densest of
// them, which is what an aggregate of such entities at the byte cap has.
// They keep the most expensive document they let through (the hostile shape
// at-limits) under 250 ms of CPU and 64 MB allocated, signed or not; see
// BenchmarkHostile.
const (
	// DefaultMaxBytes is the input size cap used when Options.MaxBytes is 0
	// [71 kB, real/adfs-toolkit-signed.xml].
	DefaultMaxBytes = 2 << 20
	// MaxDepth is the deepest element nesting accepted [9].
	MaxDepth = 64
	// MaxElements bounds the elements of a document, comments, processing
	// instructions and CDATA sections included [545; 16 300].
	MaxElements = 1 << 14
	// MaxDocumentAttributes bounds the attributes of a document, counted as
	// its '=' signs [734; 31 000, most of them a comment's banner].
	MaxDocumentAttributes = 1 << 15
	// MaxAttributes is the most attributes accepted on one element [15].
	MaxAttributes = 64
	// MaxNamespaces is the most distinct namespace declarations (prefix and
	// URI) in a document [12]. A file may repeat one on many elements.
	MaxNamespaces = 32
	// MaxNamespaceScope bounds the namespace bindings in scope summed over
	// the elements, which goxmldsig copies one element at a time
	// [1 815; 195 000 for 2 MiB of the eduGAIN aggregate, whose root declares
	// 12 namespaces, so such an aggregate passes up to 1.3 MiB].
	MaxNamespaceScope = 1 << 17
	// MaxNamespaceExpansion bounds the bytes of namespace declarations that
	// exclusive canonicalization writes out when a signature is checked:
	// again on every element that uses a prefix its ancestors' output does
	// not declare [13 277; 392 000].
	MaxNamespaceExpansion = 1 << 20
	// MaxCertificates is the most signing certificates one IdP descriptor
	// may list (duplicates included), and the most certificates
	// ParseCertificates reads from one bundle [4, real/azuread-common-signed-bom.xml;
	// 7 000 small ones fit in 2 MiB].
	MaxCertificates = 32
)
