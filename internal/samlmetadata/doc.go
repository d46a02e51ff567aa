// Package samlmetadata turns SAML 2.0 identity-provider metadata into the
// values a service provider needs: the IdP entityID (issuer), the single
// sign-on URL and binding, and the signing certificates. It also verifies
// enveloped metadata signatures against pinned signer certificates and
// offers certificate helpers (canonical PEM, DER comparison, expiry).
//
// The package owns the security policy for untrusted metadata: a byte cap,
// UTF-8 only, no DOCTYPE, a depth limit, no duplicate attributes or IDs,
// exactly one root, namespace-URI matching, exactly one SAML 2.0 IdP
// descriptor, parseable signing certificates and an absolute https SSO URL.
// Every refusal is a sentinel error checked with errors.Is; see errors.go.
//
// Round-trip instability of encoding/xml (CVE-2020-29509/29510/29511) is
// handled without github.com/mattermost/xml-roundtrip-validator, which
// costs about five etree parses: names with extra colons and all
// directives are refused, and signed metadata is read only from the element
// goxmldsig re-parses from the exact canonical bytes it digested, so what
// is verified and what is extracted cannot differ.
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

// DefaultMaxBytes is the input size cap used when Options.MaxBytes is 0.
// The largest real IdP metadata seen is about 71 kB.
const DefaultMaxBytes = 2 << 20

// MaxDepth is the deepest element nesting accepted; metadata needs fewer
// than 20 levels.
const MaxDepth = 64

// MaxAttributes is the most attributes accepted on one element; real
// metadata uses fewer than 20.
const MaxAttributes = 256
