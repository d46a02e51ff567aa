package samlmetadata

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	dsig "github.com/russellhaering/goxmldsig"
)

func TestParseJumpCloud(t *testing.T) {
	md, err := Parse(readCorpus(t, "real/jumpcloud-samlify.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if md.EntityID != "samlify" || md.SSOURL != "https://sso.jumpcloud.com/saml2/samlify" || md.SSOBinding != BindingHTTPRedirect {
		t.Errorf("got %q %q %q", md.EntityID, md.SSOURL, md.SSOBinding)
	}
	if len(md.SSOEndpoints) != 2 || md.Signed || md.ValidUntil != nil {
		t.Errorf("endpoints %v signed %v validUntil %v", md.SSOEndpoints, md.Signed, md.ValidUntil)
	}
	wantCert(t, md, "ffd2074b14b6d0497131928565f71fe4e9b3df896164f3e7fb6a84dbba8fe566")
	c := md.Certificates[0]
	if !strings.Contains(c.Subject, "CN=JumpCloudSAMLUser") || c.NotAfter.UTC().Format(time.DateTime) != "2027-08-04 11:57:54" {
		t.Errorf("subject %q notAfter %v", c.Subject, c.NotAfter)
	}
	if len(md.NameIDFormats) != 1 || !strings.HasPrefix(md.NameIDFormats[0], "urn:oasis:names:tc:SAML:") {
		t.Errorf("NameIDFormats = %q", md.NameIDFormats)
	}

	post, err := Parse(readCorpus(t, "real/jumpcloud-samlify.xml"), Options{Binding: BindingHTTPPOST})
	if err != nil || post.SSOBinding != BindingHTTPPOST {
		t.Errorf("Binding POST: %v %+v", err, post)
	}
	if _, err := Parse(readCorpus(t, "real/jumpcloud-samlify.xml"), Options{Binding: BindingSOAP}); !errors.Is(err, ErrNoSSOEndpoint) {
		t.Errorf("Binding SOAP: %v", err)
	}
}

func TestParseCertificateText(t *testing.T) {
	// Okta puts spaces inside the base64.
	md, err := Parse(readCorpus(t, "real/okta-crewjam.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantCert(t, md, "d40df01ccede49d207cb6d8abd15770a4b6eca14a85448c2959a98f85dc31ed4")

	// Three signing KeyDescriptors, two distinct certificates, order kept.
	md, err = Parse(readCorpus(t, "real/toolkit-multi-signing-certs.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantCert(t, md, "e552d92c3cdc3d095c907682abb675b492922c42877e18eb17f31f39fe9f7c6a", "47051032706842dc361b2aa84e0687becb98341d0e13c4d7202e8f475b4a155d")
	if md.SSOBinding != BindingHTTPRedirect {
		t.Errorf("binding %s", md.SSOBinding)
	}
}

func TestParseEntitySelection(t *testing.T) {
	data := readCorpus(t, "real/toolkit-multiple-descriptors.xml")
	_, err := Parse(data, Options{})
	var amb *AmbiguousEntityError
	if !errors.As(err, &amb) || !errors.Is(err, ErrAmbiguousEntity) || !errors.Is(err, ErrInvalidMetadata) {
		t.Fatalf("error = %v", err)
	}
	if len(amb.EntityIDs) != 2 || !strings.Contains(err.Error(), "select one by entityID") {
		t.Errorf("%v", err)
	}
	// Selecting one reaches its certificate, which is base64 of a PEM block.
	_, err = Parse(data, Options{EntityID: amb.EntityIDs[1]})
	if !errors.Is(err, ErrBadCertificate) || !strings.Contains(err.Error(), "double-encoded") {
		t.Errorf("selected: %v", err)
	}
	_, err = Parse(data, Options{EntityID: "https://nope.example/"})
	if !errors.Is(err, ErrEntityNotFound) || !strings.Contains(err.Error(), amb.EntityIDs[0]) {
		t.Errorf("unknown entity: %v", err)
	}
	if _, err := Parse(readCorpus(t, "real/jumpcloud-samlify.xml"), Options{EntityID: "other"}); !errors.Is(err, ErrEntityNotFound) {
		t.Errorf("single entity, wrong selection: %v", err)
	}
}

func TestParseHostileTestdata(t *testing.T) {
	signer := signerFromCorpus(t, "real/signers/azuread-tenant-signed-bom.signer.pem")
	at := signer.NotBefore.Add(time.Hour)
	signed := Options{TrustedSigners: []*x509.Certificate{signer}, Now: func() time.Time { return at }}
	cases := []struct {
		file       string
		opts       Options
		want, kind error
	}{
		{"hostile/duplicate-attribute.xml", Options{}, ErrDuplicateAttribute, ErrMalformed},
		{"hostile/trailing-second-root.xml", Options{}, ErrMultipleRoots, ErrMalformed},
		{"hostile/utf16le-bom.xml", Options{}, ErrEncoding, ErrMalformed},
		{"hostile/xxe-file.xml", Options{}, ErrDTD, ErrDTD},
		{"hostile/billion-laughs.xml", Options{}, ErrDTD, ErrDTD},
		{"hostile/cdata-pi-x509.xml", Options{}, ErrBadCertificate, ErrInvalidMetadata},
		{"hostile/javascript-location.xml", Options{}, ErrSSOURL, ErrSSOURL},
		{"hostile/xsw-wrapped-in-extensions.xml", signed, ErrSignatureMissing, ErrSignature},
		{"hostile/xsw-tampered-location.xml", signed, ErrSignatureInvalid, ErrSignature},
		{"real/jumpcloud-samlify.xml", Options{MaxBytes: 1000}, ErrTooLarge, ErrTooLarge},
		{"real/jumpcloud-samlify.xml", signed, ErrSignatureMissing, ErrSignature},
	}
	for _, tc := range cases {
		_, err := Parse(readCorpus(t, tc.file), tc.opts)
		if !errors.Is(err, tc.want) || kindOf(err) != tc.kind {
			t.Errorf("%s: error = %v, want %v (kind %v)", tc.file, err, tc.want, tc.kind)
		}
	}
}

func TestParseSignedTestdata(t *testing.T) {
	signer := signerFromCorpus(t, "real/signers/azuread-tenant-signed-bom.signer.pem")
	at := signer.NotBefore.Add(time.Hour)
	md, err := Parse(readCorpus(t, "real/azuread-tenant-signed-bom.xml"),
		Options{TrustedSigners: []*x509.Certificate{signer}, Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	if !md.Signed || md.SignatureAlgorithm != "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" || len(md.Certificates) != 2 {
		t.Errorf("%+v", md)
	}
	// Unsigned parsing of the same file gives the same values.
	plain, err := Parse(readCorpus(t, "real/azuread-tenant-signed-bom.xml"), Options{})
	if err != nil || plain.Signed || plain.SSOURL != md.SSOURL || !SameCertificates(plain.Certificates, md.Certificates) {
		t.Errorf("unsigned parse: %v %+v", err, plain)
	}
}

func TestParseCap(t *testing.T) {
	data := readCorpus(t, "real/jumpcloud-samlify.xml")
	if _, err := Parse(data, Options{MaxBytes: int64(len(data))}); err != nil {
		t.Errorf("exactly at the cap: %v", err)
	}
	if _, err := Parse(data, Options{MaxBytes: int64(len(data)) - 1}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a byte over the cap: %v", err)
	}
	big := bytes.Repeat([]byte(" "), DefaultMaxBytes+1)
	if _, err := Parse(big, Options{}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("default cap: %v", err)
	}
}

const minimal = `<?xml version="1.0" encoding="UTF-8"?>
<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example/" %s>
 <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
  <KeyDescriptor><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>%s</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
  <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s"/>
 </IDPSSODescriptor>
</EntityDescriptor>`

func TestParseRules(t *testing.T) {
	cert := certBase64(t)
	doc := func(attrs, loc string) []byte {
		return []byte(fmt.Sprintf(minimal, attrs, cert, loc))
	}
	cases := []struct {
		name string
		data []byte
		opts Options
		want error
	}{
		{"https", doc("", "https://idp.example/sso"), Options{}, nil},
		{"http refused", doc("", "http://idp.example/sso"), Options{}, ErrSSOURL},
		{"http allowed", doc("", "http://localhost:8080/sso"), Options{AllowHTTP: true}, nil},
		{"relative", doc("", "/sso"), Options{}, ErrSSOURL},
		{"no host", doc("", "https:///sso"), Options{}, ErrSSOURL},
		{"userinfo", doc("", "https://user:pw@idp.example/sso"), Options{}, ErrSSOURL},
		{"data url", doc("", "data:text/html,hi"), Options{}, ErrSSOURL},
		{"validUntil bad", doc(`validUntil="tomorrow"`, "https://idp.example/sso"), Options{}, ErrBadValidUntil},
		{"validUntil ok", doc(`validUntil="2030-01-02T03:04:05Z"`, "https://idp.example/sso"), Options{}, nil},
		{"duplicate via two prefixes", doc(`xmlns:a="urn:x" xmlns:b="urn:x" a:k="1" b:k="2"`, "https://idp.example/sso"), Options{}, ErrDuplicateAttribute},
		{"declared latin1", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><a/>`), Options{}, ErrEncoding},
		{"not metadata", []byte(`<a/>`), Options{}, ErrNotMetadata},
		{"empty", nil, Options{}, ErrSyntax},
		{"text after root", append(doc("", "https://idp.example/sso"), "junk"...), Options{}, ErrSyntax},
		{"too deep", []byte(strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)), Options{}, ErrTooDeep},
		{"SP only", []byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="sp"><SPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/></EntityDescriptor>`), Options{}, ErrNoIDPDescriptor},
		{"SAML 1 IdP only", []byte(`<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:1.1:protocol"/></EntityDescriptor>`), Options{}, ErrNoIDPDescriptor},
	}
	for _, tc := range cases {
		md, err := Parse(tc.data, tc.opts)
		switch {
		case tc.want == nil && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("%s: error = %v, want %v", tc.name, err, tc.want)
		case tc.name == "validUntil ok":
			if md.ValidUntil == nil || !md.ValidUntil.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
				t.Errorf("validUntil = %v", md.ValidUntil)
			}
		}
	}
}

func TestSyntaxErrorNamesLine(t *testing.T) {
	_, err := Parse([]byte("<EntityDescriptor\n xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"\n entityID=\"x><b/>"), Options{})
	if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("%v", err)
	}
}

// Issue #22, item 8: an HTML page or a PEM file given as metadata is named as what it is, whatever its
// DOCTYPE or its XML, and not as a possible XXE attack or an XML syntax error.
func TestParseNamesOtherFormats(t *testing.T) {
	ca, _ := newCertificate(newTestSigner(t, "a").cert.Raw)
	cases := []struct {
		name, doc string
		want      error
		mention   string
	}{
		{"login page", "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Sign in</title>", ErrHTMLPage, "starts with <!DOCTYPE html"},
		{"old DOCTYPE", `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN"><html><head><title>404 Not Found</title>`, ErrHTMLPage, "HTML page"},
		{"nginx 404", "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>", ErrHTMLPage, "starts with <html"},
		{"XHTML", `<?xml version="1.0"?><!-- saved --><html xmlns="http://www.w3.org/1999/xhtml"><body/></html>`, ErrHTMLPage, "login page or an error page"},
		{"no html element", "\n  <HEAD><TITLE>Error</TITLE></HEAD><BODY>x</BODY>", ErrHTMLPage, "starts with <HEAD"},
		{"PEM", ca.PEM(), ErrPEM, "-----BEGIN CERTIFICATE-----"},
		{"PEM after a blank line", "\r\n" + ca.PEM(), ErrPEM, "not SAML metadata"},
		{"PEM, odd label", "-----BEGIN \x00\xff-----", ErrPEM, "-----BEGIN ...-----"},
		// Not HTML: an element whose name only starts like one, and the DOCTYPE of another document.
		{"htmlx root", `<htmlx/>`, ErrNotMetadata, "root element is {}htmlx"},
		{"other DOCTYPE", `<!DOCTYPE htmlx><a/>`, ErrDTD, "DOCTYPE"},
	}
	for _, tc := range cases {
		_, err := Parse([]byte(tc.doc), Options{})
		if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.mention) {
			t.Errorf("%s: %v, want %v mentioning %q", tc.name, err, tc.want, tc.mention)
		}
		if !errors.Is(tc.want, ErrDTD) && (!errors.Is(err, ErrNotMetadata) || !errors.Is(kindOf(err), ErrInvalidMetadata)) {
			t.Errorf("%s: %v is not ErrNotMetadata of kind ErrInvalidMetadata", tc.name, err)
		}
	}
}

// Issue #22, item 10: a panic inside a parse is ErrInternal, a kind of its own that says it is a bug, and
// not a malformed document to export again. A clock that panics is the test's way to make one.
func TestParsePanicIsInternal(t *testing.T) {
	s := newTestSigner(t, "metadata signer")
	doc := docBytes(t, signedDoc(t, s, dsig.ECDSASHA256SignatureMethod, "https://idp.example/sso"))
	opts := Options{TrustedSigners: []*x509.Certificate{s.cert}, Now: func() time.Time { panic("clock broke") }}
	for name, parse := range map[string]func() (*Metadata, error){
		"Parse":      func() (*Metadata, error) { return Parse(doc, opts) },
		"Memo.Parse": func() (*Metadata, error) { return NewMemo(4, 1<<20).Parse(t.Context(), doc, opts) },
	} {
		md, err := parse()
		if md != nil || !errors.Is(kindOf(err), ErrInternal) {
			t.Errorf("%s: %v, %v; want ErrInternal alone", name, md, err)
		}
		if msg := fmt.Sprint(err); !strings.Contains(msg, "clock broke") || !strings.Contains(msg, "bug") {
			t.Errorf("%s: %q does not say it is a bug, with the panic", name, msg)
		}
	}
}
