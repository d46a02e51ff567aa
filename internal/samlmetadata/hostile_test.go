package samlmetadata

import (
	"crypto/x509"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// signerAt loads a PEM signer file of the corpus and returns its first certificate and
// a clock at notBefore+1h, as in hostile/README.md.
func signerAt(t testing.TB, name string) (*x509.Certificate, func() time.Time) {
	t.Helper()
	certs, err := ParseCertificates(string(readCorpus(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	at := certs[0].NotBefore.Add(time.Hour)
	return certs[0].X509, func() time.Time { return at }
}

type hostileCase struct {
	file   string // a file of the hostile corpus, or
	shape  string // a generated shape (hostileShapes), at size bytes
	size   int
	signed bool  // verify with hostileSigners (the Azure tenant signer, the shape key) at notBefore+1h
	max    int64 // MaxBytes override
	want   error // nil = accepted
	kind   error
}

func (tc hostileCase) name() string {
	if tc.shape != "" {
		return fmt.Sprintf("%s-%dk", tc.shape, tc.size>>10)
	}
	return tc.file
}

func (tc hostileCase) data(t testing.TB) []byte {
	if tc.shape == "" {
		return readCorpus(t, "hostile/"+tc.file)
	}
	for _, s := range hostileShapes {
		if s.name == tc.shape {
			return s.build(t, tc.size)
		}
	}
	t.Fatalf("no hostile shape %q", tc.shape)
	return nil
}

// hostileCases mirrors the tables in hostile/README.md.
var hostileCases = []hostileCase{
	{file: "billion-laughs.xml", want: ErrDTD, kind: ErrDTD},
	{file: "quadratic-blowup.xml", want: ErrDTD, kind: ErrDTD},
	{file: "xxe-file.xml", want: ErrDTD, kind: ErrDTD},
	{file: "xxe-ssrf.xml", want: ErrDTD, kind: ErrDTD},
	{file: "xxe-parameter-entity.xml", want: ErrDTD, kind: ErrDTD},
	{file: "doctype-benign.xml", want: ErrDTD, kind: ErrDTD},
	{file: "deep-nesting-10k.xml", want: ErrTooDeep, kind: ErrMalformed},
	{file: "deep-nesting-1m.xml", want: ErrTooLarge, kind: ErrTooLarge},
	{file: "deep-nesting-1m.xml", max: 8 << 20, want: ErrTooManyElements, kind: ErrTooLarge},
	{file: "many-attributes.xml", want: ErrTooLarge, kind: ErrTooLarge},
	{file: "many-attributes.xml", max: 4 << 20, want: ErrTooManyAttributes, kind: ErrTooLarge},
	{file: "duplicate-entityid.xml", want: ErrDuplicateEntityID, kind: ErrInvalidMetadata},
	{file: "two-idpssodescriptors.xml", want: ErrMultipleIDPDescriptors, kind: ErrInvalidMetadata},
	{file: "duplicate-attribute.xml", want: ErrDuplicateAttribute, kind: ErrMalformed},
	{file: "comment-split-x509.xml"},
	{file: "comment-split-nameidformat.xml"},
	{file: "cdata-pi-x509.xml", want: ErrBadCertificate, kind: ErrInvalidMetadata},
	{file: "wrong-namespace.xml", want: ErrNotMetadata, kind: ErrInvalidMetadata},
	{file: "rebound-ds-prefix.xml", want: ErrNoSigningCertificate, kind: ErrInvalidMetadata},
	{file: "iso-8859-1.xml", want: ErrEncoding, kind: ErrMalformed},
	{file: "utf16le-bom.xml", want: ErrEncoding, kind: ErrMalformed},
	{file: "invalid-utf8.xml", want: ErrEncoding, kind: ErrMalformed},
	{file: "trailing-second-root.xml", want: ErrMultipleRoots, kind: ErrMalformed},
	{file: "javascript-location.xml", want: ErrSSOURL, kind: ErrSSOURL},
	{file: "real-jumpcloud-unterminated-quote.xml", want: ErrSyntax, kind: ErrMalformed},
	{file: "real-jumpcloud-mojibake-quote.xml", want: ErrSyntax, kind: ErrMalformed},
	{file: "xsw-tampered-location.xml", signed: true, want: ErrSignatureInvalid, kind: ErrSignature},
	{file: "xsw-signature-removed.xml", signed: true, want: ErrSignatureMissing, kind: ErrSignature},
	{file: "xsw-signature-removed.xml"}, // unsigned metadata is fine when no signer is pinned
	{file: "xsw-wrapped-in-extensions.xml", signed: true, want: ErrSignatureMissing, kind: ErrSignature},
	{file: "xsw-wrapped-duplicate-id.xml", signed: true, want: ErrSignature, kind: ErrSignature},
	{file: "xsw-wrapped-duplicate-id.xml", want: ErrDuplicateID, kind: ErrInvalidMetadata},
	{file: "xsw-signature-moved-to-root.xml", signed: true, want: ErrSignatureInvalid, kind: ErrSignature},
	{file: "xsw-sibling-entities.xml", signed: true, want: ErrSignatureMissing, kind: ErrSignature},
	{file: "xsw-sibling-entities.xml", want: ErrDuplicateEntityID, kind: ErrInvalidMetadata},
	{file: "xsw-comment-in-signed-cert.xml", signed: true},

	// Generated (hostile_shapes_test.go), at the byte cap and at sizes that reach the later limits.
	{shape: "ns-attributes", size: 2 << 20, want: ErrTooManyElements, kind: ErrTooLarge},
	{shape: "ns-attributes", size: 128 << 10, want: ErrTooManyAttributes, kind: ErrTooLarge},
	{shape: "ns-attributes-within-limits", size: 2 << 20, want: ErrNoIDPDescriptor, kind: ErrInvalidMetadata},
	{shape: "ns-attributes-within-limits", size: 2 << 20, signed: true, want: ErrSignatureMissing, kind: ErrSignature},
	{shape: "signed-namespaces", size: 2 << 20, signed: true, want: ErrTooManyElements, kind: ErrTooLarge},
	{shape: "signed-namespaces", size: 64 << 10, signed: true, want: ErrTooManyAttributes, kind: ErrTooLarge},
	{shape: "signed-namespaces", size: 64 << 10, want: ErrTooManyAttributes, kind: ErrTooLarge},
	{shape: "fake-root-signature", size: 2 << 20, signed: true, want: ErrTooManyElements, kind: ErrTooLarge},
	{shape: "fake-root-signature", size: 128 << 10, signed: true, want: ErrTooManyAttributes, kind: ErrTooLarge},
	{shape: "fake-root-signature-within-limits", size: 2 << 20, signed: true, want: ErrSignatureInvalid, kind: ErrSignature},
	{shape: "fake-root-signature-within-limits", size: 2 << 20, want: ErrNoIDPDescriptor, kind: ErrInvalidMetadata},
	{shape: "tiny-elements", size: 2 << 20, want: ErrTooManyElements, kind: ErrTooLarge},
	{shape: "namespace-expansion", size: 2 << 20, signed: true, want: ErrTooManyNamespaces, kind: ErrTooLarge},
	{shape: "namespace-expansion", size: 64 << 10, signed: true, want: ErrTooManyNamespaces, kind: ErrTooLarge},
	{shape: "at-limits", size: 2 << 20, signed: true, want: ErrSignatureInvalid, kind: ErrSignature},
	{shape: "at-limits", size: 2 << 20, want: ErrNoIDPDescriptor, kind: ErrInvalidMetadata},
	// Issue #22: every canonicalization goxmldsig accepts but the exclusive one is refused before goxmldsig
	// canonicalizes anything; the exclusive one costs what the limits allow.
	{shape: "replayed-c14n10", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "replayed-c14n10-comments", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "replayed-c14n11", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "replayed-c14n11", size: 2 << 20, want: ErrNoIDPDescriptor, kind: ErrInvalidMetadata},
	{shape: "replayed-c14n11-comments", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "replayed-no-c14n", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "replayed-exc-then-c14n11", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "replayed-exc", size: 2 << 20, signed: true, want: ErrSignatureInvalid, kind: ErrSignature},
	{shape: "replayed-goxmldsig-default", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "signedinfo-c14n11", size: 2 << 20, signed: true, want: ErrSignatureTransform, kind: ErrSignature},
	{shape: "signedinfo-exc", size: 2 << 20, signed: true, want: ErrSignatureInvalid, kind: ErrSignature},
	{shape: "signedinfo-exc", size: 2 << 20, want: ErrNoIDPDescriptor, kind: ErrInvalidMetadata},
	{shape: "many-certificates", size: 2 << 20, want: ErrTooManyCertificates, kind: ErrTooLarge},
	{shape: "many-certificates", size: 2 << 20, signed: true, want: ErrSignatureMissing, kind: ErrSignature},
}

var allKinds = []error{ErrTooLarge, ErrMalformed, ErrDTD, ErrInvalidMetadata, ErrSignature, ErrSSOURL, ErrInternal}

func TestCorpusHostile(t *testing.T) {
	signers, clock := hostileSigners(t)
	covered := map[string]bool{}
	shapes := map[string]bool{}
	for _, tc := range hostileCases {
		covered[tc.file], shapes[tc.shape] = true, true
		t.Run(tc.name(), func(t *testing.T) {
			data := tc.data(t)
			opts := Options{MaxBytes: tc.max}
			if tc.signed {
				opts.TrustedSigners, opts.Now = signers, clock
			}
			// How long hostile inputs take is measured by BenchmarkHostile, not asserted here: a timed
			// assertion fails on a loaded machine (and under -race) without saying anything about the code.
			md, err := Parse(data, opts)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				checkHostileAccepted(t, tc, md)
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error = %v, want %v", err, tc.want)
			}
			for _, k := range allKinds {
				if errors.Is(err, k) != (k == tc.kind) {
					t.Errorf("errors.Is(err, %v) = %v; want only kind %v", k, !(k == tc.kind), tc.kind)
				}
			}
			t.Logf("%v", err)
		})
	}
	files := corpusFiles(t, "hostile")
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("hostile file %s has no test case", filepath.Base(f))
		}
	}
	for _, s := range hostileShapes {
		if !shapes[s.name] {
			t.Errorf("hostile shape %s has no test case", s.name)
		}
	}
	t.Logf("hostile corpus: %d files, %d generated shapes, %d cases", len(files), len(hostileShapes), len(hostileCases))
}

func checkHostileAccepted(t *testing.T, tc hostileCase, md *Metadata) {
	switch tc.file {
	case "comment-split-x509.xml": // the full cert, as in the unsplit original
		wantCert(t, md, "8febe62bfe26928faf51aa265f98d89f6307e17ef09e7c3e5a4eb55530985a99")
	case "comment-split-nameidformat.xml":
		if len(md.NameIDFormats) != 1 || md.NameIDFormats[0] != "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" {
			t.Errorf("NameIDFormats = %q", md.NameIDFormats)
		}
	case "xsw-comment-in-signed-cert.xml", "xsw-signature-removed.xml":
		wantCert(t, md, "b82354437d45ff3769ad6b20928054b0968dd5809c8f5515a069a14a90f972fd", "d407d95ecdb5fa904c154a33e23f485f9a35b074528bf354539ce09b6a9d46b7")
		if md.Signed != tc.signed {
			t.Errorf("Signed = %v, want %v", md.Signed, tc.signed)
		}
	}
}

func wantCert(t *testing.T, md *Metadata, sha ...string) {
	t.Helper()
	if len(md.Certificates) != len(sha) {
		t.Fatalf("%d certificates, want %d", len(md.Certificates), len(sha))
	}
	for i, c := range md.Certificates {
		if c.SHA256 != sha[i] {
			t.Errorf("cert %d SHA-256 = %s, want %s", i, c.SHA256, sha[i])
		}
	}
}
