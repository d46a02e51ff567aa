package loginmethod

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// clone deep-copies through JSON, which also keeps the keys this provider does not know.
func clone(idp *client.IdentityProvider) (*client.IdentityProvider, error) {
	b, err := json.Marshal(idp)
	if err != nil {
		return nil, fmt.Errorf("copying login method %s: %w", idp.ID, err)
	}
	var out client.IdentityProvider
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("copying login method %s: %w", idp.ID, err)
	}
	return &out, nil
}

// sameForWrite reports whether a PUT of b would change nothing that a PUT of a would not: it ignores
// server-owned fields.
func sameForWrite(a, b *client.IdentityProvider) bool {
	sa, errA := writable(a)
	sb, errB := writable(b)
	return errA == nil && errB == nil && bytes.Equal(sa, sb)
}

// writable encodes idp without the fields the server owns.
func writable(idp *client.IdentityProvider) ([]byte, error) {
	c, err := clone(idp)
	if err != nil {
		return nil, err
	}
	c.Config.RedirectURL = ""
	if c.SCIMConfig != nil {
		c.SCIMConfig.Secret, c.SCIMConfig.SCIMBaseURL = "", ""
	}
	return json.Marshal(c)
}

// confirms reports whether answer, the API's answer to a write of sent, shows what was sent: every key of
// the request body comes back with the value sent, certificates compared by DER (the API may answer with
// another text of the same certificate). The answer may add keys: those the server owns or fills in.
func confirms(sent, answer *client.IdentityProvider) bool {
	if !settingsOf(*sent).match(answer) {
		return false
	}
	shape := func(idp *client.IdentityProvider) (any, error) {
		c, err := clone(idp)
		if err != nil {
			return nil, err
		}
		c.Config.IDPPublicCerts, c.Config.IDPPublicCert = nil, ""
		b, err := writable(c)
		if err != nil {
			return nil, err
		}
		var v any
		return v, json.Unmarshal(b, &v)
	}
	want, errW := shape(sent)
	got, errG := shape(answer)
	return errW == nil && errG == nil && contains(got, want)
}

// contains reports whether every key of the JSON value want is in got with the same value; values other
// than objects must be equal.
func contains(got, want any) bool {
	w, ok := want.(map[string]any)
	if !ok {
		return reflect.DeepEqual(got, want)
	}
	g, ok := got.(map[string]any)
	if !ok {
		return false
	}
	for k, wv := range w {
		if gv, ok := g[k]; !ok || !contains(gv, wv) {
			return false
		}
	}
	return true
}

// ownedSettings is what a create of a SAML login method sets: a login method with the same settings is
// the one a create made, whatever the API added to it.
type ownedSettings struct {
	typ, name, issuer, ssoURL string
	certText                  string
	certs                     []samlmetadata.Certificate // nil when certText does not parse
}

// settingsOf reads the owned settings of want, parsing its certificates once.
func settingsOf(want client.IdentityProvider) ownedSettings {
	s := ownedSettings{typ: want.Type, name: want.Name, issuer: want.Config.IssuerURL, ssoURL: want.Config.SSOTargetURL,
		certText: strings.Join(want.Config.CertificateTexts(), "\n")}
	s.certs, _ = samlmetadata.ParseCertificates(s.certText)
	return s
}

// match reports whether idp has these settings; certificates are compared by DER.
func (s ownedSettings) match(idp *client.IdentityProvider) bool {
	if idp.Type != s.typ || idp.Name != s.name || idp.Config.IssuerURL != s.issuer || idp.Config.SSOTargetURL != s.ssoURL {
		return false
	}
	text := strings.Join(idp.Config.CertificateTexts(), "\n")
	if text == s.certText {
		return true
	}
	if s.certs == nil {
		return false
	}
	certs, err := samlmetadata.ParseCertificates(text)
	return err == nil && samlmetadata.SameCertificates(certs, s.certs)
}
