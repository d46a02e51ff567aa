package samlmetadata

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/beevik/etree"
)

// Certificate is one X.509 certificate, identified by its DER bytes.
type Certificate struct {
	DER       []byte
	X509      *x509.Certificate
	SHA256    string // lowercase hex of sha256(DER)
	Subject   string
	NotBefore time.Time
	NotAfter  time.Time
}

func newCertificate(der []byte) (Certificate, error) {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return Certificate{}, err
	}
	sum := sha256.Sum256(der)
	return Certificate{
		DER:       c.Raw,
		X509:      c,
		SHA256:    hex.EncodeToString(sum[:]),
		Subject:   c.Subject.String(),
		NotBefore: c.NotBefore,
		NotAfter:  c.NotAfter,
	}, nil
}

// PEM returns the canonical PEM form: one CERTIFICATE block, 64 columns,
// trailing newline.
func (c Certificate) PEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}))
}

// PEMBundle concatenates the canonical PEM of certs in the given order.
func PEMBundle(certs []Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.WriteString(c.PEM())
	}
	return b.String()
}

// SameCertificates reports whether a and b hold the same set of DER
// certificates, ignoring order and repetition.
func SameCertificates(a, b []Certificate) bool {
	set := func(cs []Certificate) map[string]bool {
		m := make(map[string]bool, len(cs))
		for _, c := range cs {
			m[string(c.DER)] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	if len(sa) != len(sb) {
		return false
	}
	for k := range sa {
		if !sb[k] {
			return false
		}
	}
	return true
}

// stripSpace removes every whitespace character, so line breaks, CRLF,
// indentation and the spaces some IdPs put inside base64 do not matter.
func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// decodeBase64Cert decodes whitespace-insensitive base64 into a
// certificate, refusing base64 of PEM text (double encoding).
func decodeBase64Cert(text string) (Certificate, error) {
	b64 := stripSpace(text)
	if b64 == "" {
		return Certificate{}, fmt.Errorf("the certificate text is empty")
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return Certificate{}, fmt.Errorf("the certificate text is not base64: %w", err)
	}
	if bytes.HasPrefix(bytes.TrimSpace(der), []byte("-----BEGIN")) {
		return Certificate{}, fmt.Errorf("the base64 decodes to PEM text (double-encoded); use the base64 between the BEGIN and END lines instead")
	}
	c, err := newCertificate(der)
	if err != nil {
		return Certificate{}, fmt.Errorf("the decoded bytes are not an X.509 certificate: %w", err)
	}
	return c, nil
}

// ParseCertificates reads certificates given by a person: a PEM bundle
// (one or many CERTIFICATE blocks; text outside the blocks is ignored) or
// one bare base64 certificate with any whitespace. The result is
// de-duplicated by DER in first-seen order. Errors match ErrBadCertificate
// and name the item that failed.
func ParseCertificates(text string) ([]Certificate, error) {
	if !strings.Contains(text, "-----BEGIN") {
		c, err := decodeBase64Cert(text)
		if err != nil {
			return nil, failCause(ErrBadCertificate, err, "the certificate could not be read; give PEM (-----BEGIN CERTIFICATE-----) or the bare base64 of one certificate")
		}
		return []Certificate{c}, nil
	}
	var out uniqueCertificates
	rest := text
	for n := 1; ; n++ {
		i := strings.Index(rest, "-----BEGIN ")
		if i < 0 {
			break
		}
		if n > MaxCertificates {
			return nil, fail(ErrBadCertificate, "the text holds more than %d PEM blocks; an IdP signs with one to four certificates, so give only those", MaxCertificates)
		}
		rest = rest[i+len("-----BEGIN "):]
		typ, body, ok := strings.Cut(rest, "-----")
		if !ok {
			return nil, fail(ErrBadCertificate, "PEM block %d has a broken BEGIN line", n)
		}
		end := "-----END " + typ + "-----"
		j := strings.Index(body, end)
		if j < 0 {
			return nil, fail(ErrBadCertificate, "PEM block %d (%s) has no matching %q line", n, typ, end)
		}
		body, rest = body[:j], body[j+len(end):]
		if typ != "CERTIFICATE" {
			return nil, fail(ErrBadCertificate, "PEM block %d is a %s, not a CERTIFICATE; give only certificates", n, typ)
		}
		if strings.Contains(body, ":") {
			return nil, fail(ErrBadCertificate, "PEM block %d has headers; a certificate block holds only base64", n)
		}
		c, err := decodeBase64Cert(body)
		if err != nil {
			return nil, failCause(ErrBadCertificate, err, "PEM block %d could not be read", n)
		}
		out.add(c)
	}
	if len(out.list) == 0 {
		return nil, fail(ErrBadCertificate, "no certificate found in the text")
	}
	return out.list, nil
}

// uniqueCertificates collects certificates in first-seen order, each DER once.
type uniqueCertificates struct {
	list []Certificate
	seen map[string]bool // by DER
}

func (u *uniqueCertificates) add(c Certificate) {
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	if !u.seen[string(c.DER)] {
		u.seen[string(c.DER)] = true
		u.list = append(u.list, c)
	}
}

// signingCertificates reads the X509Certificates of the descriptor's
// KeyDescriptors with use="signing" or no use, in document order,
// de-duplicated by DER; at most MaxCertificates of them.
func signingCertificates(t *tree, idp *etree.Element) ([]Certificate, error) {
	var out uniqueCertificates
	nonDSKeyInfo, n := 0, 0
	for _, kd := range t.children(idp, NamespaceMetadata, "KeyDescriptor") {
		if use, _ := attr(kd, "use"); use != "" && use != "signing" {
			continue
		}
		for _, c := range kd.ChildElements() {
			if c.Tag == "KeyInfo" && t.space[c] != NamespaceDSig {
				nonDSKeyInfo++
			}
		}
		for _, ki := range t.children(kd, NamespaceDSig, "KeyInfo") {
			for _, xd := range t.children(ki, NamespaceDSig, "X509Data") {
				for _, xc := range t.children(xd, NamespaceDSig, "X509Certificate") {
					if n++; n > MaxCertificates {
						return nil, fail(ErrTooManyCertificates, "the IdP descriptor lists more than %d signing certificates; an IdP signs with one to four, so check that this is the IdP's own metadata", MaxCertificates)
					}
					text, err := certText(xc)
					if err == nil {
						var c Certificate
						if c, err = decodeBase64Cert(text); err == nil {
							out.add(c)
							continue
						}
					}
					return nil, failCause(ErrBadCertificate, err, "signing certificate %d of the IdP is unusable", n)
				}
			}
		}
	}
	if len(out.list) == 0 {
		msg := "the IdP descriptor has no signing certificate (a KeyDescriptor with use=\"signing\" or no use, holding ds:KeyInfo/ds:X509Data/ds:X509Certificate)"
		if nonDSKeyInfo > 0 {
			msg += fmt.Sprintf("; %d KeyInfo element(s) are not in the XML-DSig namespace %s, so the file is malformed: bind the ds prefix correctly or export it again", nonDSKeyInfo, NamespaceDSig)
		}
		return nil, fail(ErrNoSigningCertificate, "%s", msg)
	}
	return out.list, nil
}

// certText returns an X509Certificate's text, which must be plain character
// data; comments are skipped (as exclusive C14N does), CDATA, processing
// instructions and child elements are refused.
func certText(e *etree.Element) (string, error) {
	var b strings.Builder
	for _, t := range e.Child {
		switch t := t.(type) {
		case *etree.CharData:
			if t.IsCData() {
				return "", fmt.Errorf("the certificate text contains a CDATA section; give plain base64")
			}
			b.WriteString(t.Data)
		case *etree.Comment:
		case *etree.ProcInst:
			return "", fmt.Errorf("the certificate text contains a processing instruction <?%s?>; give plain base64", t.Target)
		case *etree.Element:
			return "", fmt.Errorf("the certificate text contains an element <%s>; give plain base64", qname(t.Space, t.Tag))
		default:
			return "", fmt.Errorf("the certificate text contains markup; give plain base64")
		}
	}
	return b.String(), nil
}
