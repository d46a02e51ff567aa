package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

const (
	MD = "urn:oasis:names:tc:SAML:2.0:metadata"
	DS = "http://www.w3.org/2000/09/xmldsig#"
)

func kids(e *etree.Element, ns, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range e.ChildElements() {
		if c.Tag == tag && c.NamespaceURI() == ns {
			out = append(out, c)
		}
	}
	return out
}

func allText(e *etree.Element) string {
	var b strings.Builder
	for _, t := range e.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String()
}

func strip(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

type certRes struct {
	Sha256             string `json:"sha256,omitempty"`
	ParseErr           string `json:"x509_error,omitempty"`
	TextFirstChunkOnly bool   `json:"text_differs_from_all_chardata,omitempty"`
}

func parseCert(el *etree.Element) (certRes, *x509.Certificate) {
	r := certRes{}
	full := strip(allText(el))
	if strip(el.Text()) != full {
		r.TextFirstChunkOnly = true
	}
	der, err := base64.StdEncoding.DecodeString(full)
	if err != nil {
		r.ParseErr = "base64: " + err.Error()
		return r, nil
	}
	h := sha256.Sum256(der)
	r.Sha256 = hex.EncodeToString(h[:])
	c, err := x509.ParseCertificate(der)
	if err != nil {
		r.ParseErr = err.Error()
		return r, nil
	}
	return r, c
}

type out struct {
	File             string    `json:"file"`
	ReadErr          string    `json:"etree_read_error,omitempty"`
	ReadMs           int64     `json:"read_ms"`
	Directives       []string  `json:"directives,omitempty"`
	Root             string    `json:"root,omitempty"`
	RootNS           string    `json:"root_ns,omitempty"`
	EntityIDs        []string  `json:"entity_ids,omitempty"`
	RootAttrs        int       `json:"root_attr_count,omitempty"`
	Certs            []certRes `json:"idp_signing_certs,omitempty"`
	SigPresent       bool      `json:"root_signature_present"`
	VerifyNow        string    `json:"goxmldsig_now,omitempty"`
	VerifyAtNB       string    `json:"goxmldsig_at_cert_notbefore_plus_1h,omitempty"`
	VerifiedEntityID string    `json:"verified_entity_id,omitempty"`
	VerifiedPOST     string    `json:"verified_sso_post,omitempty"`
	ValidateMs       int64     `json:"validate_ms,omitempty"`
}

func entities(root *etree.Element) []*etree.Element {
	if root.NamespaceURI() == MD && root.Tag == "EntityDescriptor" {
		return []*etree.Element{root}
	}
	var r []*etree.Element
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		for _, c := range e.ChildElements() {
			if c.NamespaceURI() == MD && c.Tag == "EntityDescriptor" {
				r = append(r, c)
			} else if c.NamespaceURI() == MD && c.Tag == "EntitiesDescriptor" {
				walk(c)
			}
		}
	}
	walk(root)
	return r
}

func main() {
	// usage: mdprobe FILE [trustcert-from-file]
	path := os.Args[1]
	o := out{File: path}
	data, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	doc := etree.NewDocument()
	t0 := time.Now()
	err = doc.ReadFromBytes(data)
	o.ReadMs = time.Since(t0).Milliseconds()
	if err != nil {
		o.ReadErr = err.Error()
		emit(o)
		return
	}
	for _, t := range doc.Child {
		if d, ok := t.(*etree.Directive); ok {
			s := d.Data
			if len(s) > 60 {
				s = s[:60] + "..."
			}
			o.Directives = append(o.Directives, s)
		}
	}
	root := doc.Root()
	if root == nil {
		o.ReadErr = "no root"
		emit(o)
		return
	}
	o.Root, o.RootNS = root.Tag, root.NamespaceURI()
	o.RootAttrs = len(root.Attr)
	var idpCerts []*x509.Certificate
	for _, ed := range entities(root) {
		o.EntityIDs = append(o.EntityIDs, ed.SelectAttrValue("entityID", "<none>"))
		for _, idp := range kids(ed, MD, "IDPSSODescriptor") {
			for _, kd := range kids(idp, MD, "KeyDescriptor") {
				use := kd.SelectAttrValue("use", "")
				if use != "" && use != "signing" {
					continue
				}
				for _, ki := range kids(kd, DS, "KeyInfo") {
					for _, xd := range kids(ki, DS, "X509Data") {
						for _, xc := range kids(xd, DS, "X509Certificate") {
							r, c := parseCert(xc)
							o.Certs = append(o.Certs, r)
							if c != nil {
								idpCerts = append(idpCerts, c)
							}
						}
					}
				}
			}
		}
	}
	sigs := kids(root, DS, "Signature")
	o.SigPresent = len(sigs) > 0
	// Trust anchor: explicit file (argv[2]) else the Signature's own KeyInfo cert (TOFU, for corpus checks only).
	var anchor *x509.Certificate
	if len(os.Args) > 2 {
		b, _ := os.ReadFile(os.Args[2])
		der, _ := base64.StdEncoding.DecodeString(strip(string(b)))
		anchor, _ = x509.ParseCertificate(der)
	} else if len(sigs) > 0 {
		for _, ki := range kids(sigs[0], DS, "KeyInfo") {
			for _, xd := range kids(ki, DS, "X509Data") {
				for _, xc := range kids(xd, DS, "X509Certificate") {
					if anchor == nil {
						_, anchor = parseCert(xc)
					}
				}
			}
		}
	}
	if anchor != nil {
		store := &dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{anchor}}
		ctx := dsig.NewDefaultValidationContext(store)
		t1 := time.Now()
		v, err := ctx.Validate(root)
		o.ValidateMs = time.Since(t1).Milliseconds()
		if err != nil {
			o.VerifyNow = "ERR: " + err.Error()
		} else {
			o.VerifyNow = "OK"
		}
		ctx2 := dsig.NewDefaultValidationContext(store)
		ctx2.Clock = dsig.NewFakeClockAt(anchor.NotBefore.Add(time.Hour))
		v2, err := ctx2.Validate(root)
		if err != nil {
			o.VerifyAtNB = "ERR: " + err.Error()
		} else {
			o.VerifyAtNB = "OK"
			if v == nil {
				v = v2
			}
		}
		if v != nil {
			o.VerifiedEntityID = v.SelectAttrValue("entityID", "")
			for _, idp := range kids(v, MD, "IDPSSODescriptor") {
				for _, s := range kids(idp, MD, "SingleSignOnService") {
					if strings.HasSuffix(s.SelectAttrValue("Binding", ""), "HTTP-POST") && o.VerifiedPOST == "" {
						o.VerifiedPOST = s.SelectAttrValue("Location", "")
					}
				}
			}
		}
	}
	_ = idpCerts
	emit(o)
}

func emit(o out) {
	b, _ := json.Marshal(o)
	fmt.Println(string(b))
}
