package provider

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// Certificates cross into the provider as text (a configuration, a state, the API's answer) and are
// read once per operation, by parseCertificates; from there on they travel as []samlmetadata.Certificate.

// certificateReadsKey is the context key of an *atomic.Int64 that parseCertificates adds the
// certificates it reads to: a test puts one in the context of an operation to show that the operation
// reads each certificate text at most once.
type certificateReadsKey struct{}

// parseCertificates is the provider's one way to read certificates from text: a PEM bundle or the
// bare base64 of one certificate.
func parseCertificates(ctx context.Context, text string) ([]samlmetadata.Certificate, error) {
	certs, err := samlmetadata.ParseCertificates(text)
	if reads, ok := ctx.Value(certificateReadsKey{}).(*atomic.Int64); ok {
		reads.Add(int64(len(certs)))
	}
	return certs, err
}

// invalidCertificate reports certificate text that does not parse on the attribute that holds it.
func invalidCertificate(diags *diag.Diagnostics, at path.Path, err error) {
	diags.AddAttributeError(at, "Invalid Certificate",
		"The value is not a usable certificate bundle: "+err.Error()+". Paste the certificates as PEM "+
			"(-----BEGIN CERTIFICATE----- blocks) or as the base64 text of an X509Certificate element.")
}

// sameCertBundles reports whether two certificate bundles hold the same certificates. Text that does
// not parse is only the same as the same text.
func sameCertBundles(ctx context.Context, a, b string) bool {
	if a == b {
		return true
	}
	ca, errA := parseCertificates(ctx, a)
	cb, errB := parseCertificates(ctx, b)
	return errA == nil && errB == nil && samlmetadata.SameCertificates(ca, cb)
}

// samePEMs reports whether texts are exactly the canonical PEM of certs, in order: what this provider
// sent, echoed back, which needs no parsing to be recognised.
func samePEMs(texts []string, certs []samlmetadata.Certificate) bool {
	if len(texts) != len(certs) || len(certs) == 0 {
		return false
	}
	for i, c := range certs {
		if texts[i] != c.PEM() {
			return false
		}
	}
	return true
}

// apiCertificates reads the certificates of a SAML config as the API returned them: each text PEM or
// bare base64. Texts that are the canonical PEM of known certificates (what this provider sent) are not
// read again. bundle is the canonical PEM of every text; a text that is no certificate is kept in it as
// it is, so the plan shows it instead of hiding it, and then ok is false.
func apiCertificates(ctx context.Context, texts []string, known []samlmetadata.Certificate) (certs []samlmetadata.Certificate, bundle string, ok bool) {
	if samePEMs(texts, known) {
		return known, strings.Join(texts, ""), true
	}
	var b strings.Builder
	seen := map[string]bool{} // a certificate given twice is listed once, as in a bundle
	ok = true
	for _, t := range texts {
		parsed, err := parseCertificates(ctx, t)
		if err != nil {
			b.WriteString(strings.TrimSpace(t) + "\n")
			ok = false
			continue
		}
		b.WriteString(samlmetadata.PEMBundle(parsed))
		for _, c := range parsed {
			if !seen[string(c.DER)] {
				seen[string(c.DER)] = true
				certs = append(certs, c)
			}
		}
	}
	return certs, b.String(), ok
}

// certificateAttrTypes describes one certificate as the login method's certificates attribute and the
// parse_saml_metadata function show it.
var certificateAttrTypes = map[string]attr.Type{
	"sha256_fingerprint": types.StringType,
	"subject":            types.StringType,
	"not_before":         types.StringType,
	"not_after":          types.StringType,
}

// certificateAttrs is the one mapping from a certificate to its attributes.
func certificateAttrs(c samlmetadata.Certificate) map[string]attr.Value {
	return map[string]attr.Value{
		"sha256_fingerprint": types.StringValue(c.SHA256),
		"subject":            types.StringValue(c.Subject),
		"not_before":         types.StringValue(c.NotBefore.UTC().Format(time.RFC3339)),
		"not_after":          types.StringValue(c.NotAfter.UTC().Format(time.RFC3339)),
	}
}

// certificatesList is the login method's certificates attribute.
func certificatesList(certs []samlmetadata.Certificate) types.List {
	objType := types.ObjectType{AttrTypes: certificateAttrTypes}
	elems := make([]attr.Value, len(certs))
	for i, c := range certs {
		elems[i] = types.ObjectValueMust(certificateAttrTypes, certificateAttrs(c))
	}
	return types.ListValueMust(objType, elems)
}
