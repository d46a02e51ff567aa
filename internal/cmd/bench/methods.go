package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"time"
)

// methodsVars renders terraform.tfvars.json: n login methods, each with its own JumpCloud-like metadata
// (one line, md: prefix, its own signing certificate valid for five years). With mixed, every second one
// is an OIDC login method instead (oidc_methods), with its own client ID.
func methodsVars(n int, mixed bool) ([]byte, error) {
	type method struct {
		Name     string `json:"name"`
		Metadata string `json:"metadata"`
	}
	type oidcMethod struct {
		Name     string `json:"name"`
		ClientID string `json:"client_id"`
	}
	methods := make(map[string]method, n)
	oidc := map[string]oidcMethod{}
	for i := range n {
		key := fmt.Sprintf("m%04d", i)
		if mixed && i%2 == 1 {
			oidc[key] = oidcMethod{Name: "JumpCloud OIDC " + key, ClientID: "client-" + key}
			continue
		}
		cert, err := newCert(fmt.Sprintf("Bench Org %d", i))
		if err != nil {
			return nil, err
		}
		entityID := "https://sso.jumpcloud.example/" + key
		methods[key] = method{
			Name:     "JumpCloud " + key,
			Metadata: jumpCloudMetadata(entityID, "https://sso.jumpcloud.example/saml2/"+key, cert),
		}
	}
	return json.MarshalIndent(map[string]any{"methods": methods, "oidc_methods": oidc}, "", " ")
}

func newCert(org string) (string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 100))
	if err != nil {
		return "", err
	}
	name := pkix.Name{CommonName: "JumpCloudSAMLUser", OrganizationalUnit: []string{"JumpCloudSAMLIdP"}, Organization: []string{org}}
	now := time.Now()
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: name, Issuer: name, NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(5, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

func jumpCloudMetadata(entityID, ssoURL, certBase64 string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="` + entityID +
		`"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
		`<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` +
		certBase64 + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
		`<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="` + ssoURL + `"/>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="` + ssoURL + `"/>` +
		`</md:IDPSSODescriptor></md:EntityDescriptor>`
}
