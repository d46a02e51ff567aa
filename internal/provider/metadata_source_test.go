package provider

import (
	"context"
	"crypto/x509"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// loginPage is what a browser saves from a sign-in page, or what a URL behind a sign-in serves.
const loginPage = "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Sign in</title></head><body><form></form></body></html>\n"

// Issue #22, items 8 and 10: a web page or a certificate given as metadata, and a failure of the parser
// itself, are explained as what they are, on the attribute that holds the document, with the fix.
func TestMetadataErrorDiagnostics(t *testing.T) {
	t.Parallel()
	signerPEM, err := os.ReadFile(metadataCorpus(t, "real/signers/azuread-tenant-signed-bom.signer.pem"))
	if err != nil {
		t.Fatal(err)
	}
	signed, err := os.ReadFile(metadataCorpus(t, "real/azuread-tenant-signed-bom.xml"))
	if err != nil {
		t.Fatal(err)
	}
	signers, err := samlmetadata.ParseCertificates(string(signerPEM))
	if err != nil {
		t.Fatal(err)
	}
	fromXML := metadataInput{XML: types.StringValue("…"), URL: types.StringNull()}
	fromURL := metadataInput{XML: types.StringNull(), URL: types.StringValue("https://idp.example/metadata")}
	cases := []struct {
		name    string
		in      metadataInput
		doc     []byte
		opts    samlmetadata.Options
		summary string
		mention []string
		refuse  []string // what the detail must no longer say
	}{
		{"HTML page in metadata_xml", fromXML, []byte(loginPage), samlmetadata.Options{}, "Invalid SAML Metadata",
			[]string{"HTML page", "metadata_xml holds a web page", "SSO Applications", "Export Metadata", `file("JumpCloud-saml2-metadata.xml")`},
			[]string{"XXE", "DOCTYPE or ENTITY"}},
		{"HTML page at metadata_url", fromURL, []byte(loginPage), samlmetadata.Options{}, "Invalid SAML Metadata",
			[]string{"HTML page", "metadata_url answered with a web page", "sign-in", "Export Metadata", "metadata_xml = file("},
			[]string{"XXE"}},
		{"PEM in metadata_xml", fromXML, signerPEM, samlmetadata.Options{}, "Invalid SAML Metadata",
			[]string{"-----BEGIN CERTIFICATE-----", "metadata_xml holds a certificate", "idp_public_cert", "issuer_url", "sso_target_url"},
			[]string{"text outside the root"}},
		{"inclusive canonicalization", fromXML, []byte(strings.Replace(string(signed), "http://www.w3.org/2001/10/xml-exc-c14n#", "http://www.w3.org/2006/12/xml-c14n11", 1)),
			samlmetadata.Options{TrustedSigners: []*x509.Certificate{signers[0].X509}}, "Invalid SAML Metadata",
			[]string{"canonicalized with http://www.w3.org/2006/12/xml-c14n11", "exclusive canonicalization", "metadata_signing_certs is not at fault"},
			[]string{"Check that metadata_signing_certs holds"}},
		{"parser failure", fromXML, signed, samlmetadata.Options{
			TrustedSigners: []*x509.Certificate{signers[0].X509},
			Now:            func() time.Time { panic("a test clock that fails") },
		}, "Unable to Parse SAML Metadata",
			[]string{"a test clock that fails", "bug in the provider", "the metadata in metadata_xml", reportURL},
			[]string{"xport the metadata again from", "cannot be used"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := samlmetadata.NewMemo(4, 1<<20).Parse(context.Background(), tc.doc, tc.opts)
			if err == nil {
				t.Fatal("the document was accepted")
			}
			var diags diag.Diagnostics
			addMetadataError(&diags, tc.in, err)
			if len(diags) != 1 {
				t.Fatalf("%d diagnostics", len(diags))
			}
			d := diags[0]
			withPath, ok := d.(diag.DiagnosticWithPath)
			if !ok || !withPath.Path().Equal(tc.in.sourcePath()) || d.Summary() != tc.summary {
				t.Errorf("diagnostic %q on %v, want %q on %v", d.Summary(), withPath, tc.summary, tc.in.sourcePath())
			}
			for _, m := range tc.mention {
				if !strings.Contains(d.Detail(), m) {
					t.Errorf("the detail does not mention %q", m)
				}
			}
			for _, m := range tc.refuse {
				if strings.Contains(d.Detail(), m) {
					t.Errorf("the detail still says %q", m)
				}
			}
			t.Logf("%s\n\n%s", d.Summary(), d.Detail())
			// The function says the same of its argument.
			fn := (&metadataFuncError{err: err}).Error()
			for _, m := range tc.refuse {
				if strings.Contains(fn, m) {
					t.Errorf("the function's error still says %q: %s", m, fn)
				}
			}
			// Terraform adds the final full stop to a function argument's error.
			if advice := strings.TrimSuffix(metadataAdvice(err, parseSAMLMetadataName+"'s xml argument"), "."); !strings.HasSuffix(fn, advice) || strings.HasSuffix(fn, ".") {
				t.Errorf("the function's error %q does not end with the advice %q", fn, advice)
			}
		})
	}
	if p := fromURL.sourcePath(); !p.Equal(path.Root("metadata_url")) {
		t.Fatalf("metadata_url's errors go to %v", p)
	}
}
