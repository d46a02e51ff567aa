package loginmethod

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// How the store compares login methods: whether a PUT would change anything (sameForWrite), whether an
// answer shows what was written (confirms), and which login method a create whose answer was lost made
// (ownedSettings), each learning a type's settings from typeFields (types.go).

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

// confirms reports whether answer, the API's answer to a write of sent, shows what was sent: the owned
// settings of sent's type match (typeFields), and every other key of the request body that answers
// carry comes back with the value sent. The answer may add keys: those the server owns or fills in.
func confirms(sent, answer *client.IdentityProvider) bool {
	if !settingsOf(*sent).match(answer) {
		return false
	}
	reformatted := typeFields[sent.Type].reformatted
	shape := func(idp *client.IdentityProvider) (any, error) {
		c, err := echoed(idp)
		if err != nil {
			return nil, err
		}
		if reformatted != nil {
			reformatted(&c.Config)
		}
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

// echoed returns a copy of idp without the settings of its type that no answer carries (typeFields): a
// write that sent them is confirmed, or found applied, by the rest of what it sent.
func echoed(idp *client.IdentityProvider) (*client.IdentityProvider, error) {
	c, err := clone(idp)
	if clear := typeFields[idp.Type].neverEchoed; err == nil && clear != nil {
		clear(&c.Config)
	}
	return c, err
}

// sameEchoed is sameForWrite for what answers carry: the secret a PUT sent is not compared.
func sameEchoed(a, b *client.IdentityProvider) bool {
	ea, errA := echoed(a)
	eb, errB := echoed(b)
	return errA == nil && errB == nil && sameForWrite(ea, eb)
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

// ownedSettings is what a create sets: a login method of the same type and name whose config has the
// owned settings is the one a create made, whatever the API added to it.
type ownedSettings struct {
	typ, name string
	config    func(client.IdentityProviderConfig) bool
}

// settingsOf reads the owned settings of want.
func settingsOf(want client.IdentityProvider) ownedSettings {
	s := ownedSettings{typ: want.Type, name: want.Name, config: func(client.IdentityProviderConfig) bool { return false }}
	if t, ok := typeFields[want.Type]; ok && t.owned != nil {
		s.config = t.owned(want.Config)
	}
	return s
}

// match reports whether idp has these settings.
func (s ownedSettings) match(idp *client.IdentityProvider) bool {
	return idp.Type == s.typ && idp.Name == s.name && s.config(idp.Config)
}

// samlOwned: the issuer, the SSO URL and the signing certificates, compared by DER (the API may answer
// with another text of the same certificate).
func samlOwned(want client.IdentityProviderConfig) func(client.IdentityProviderConfig) bool {
	certText := strings.Join(want.CertificateTexts(), "\n")
	certs, _ := samlmetadata.ParseCertificates(certText) // nil when certText does not parse
	return func(c client.IdentityProviderConfig) bool {
		if c.IssuerURL != want.IssuerURL || c.SSOTargetURL != want.SSOTargetURL {
			return false
		}
		text := strings.Join(c.CertificateTexts(), "\n")
		if text == certText {
			return true
		}
		if certs == nil {
			return false
		}
		got, err := samlmetadata.ParseCertificates(text)
		return err == nil && samlmetadata.SameCertificates(got, certs)
	}
}

// oidcOwned: the client ID and the three endpoints. Never the client secret, which no read shows.
func oidcOwned(want client.IdentityProviderConfig) func(client.IdentityProviderConfig) bool {
	return func(c client.IdentityProviderConfig) bool {
		return c.ClientID == want.ClientID && c.AuthURL == want.AuthURL && c.TokenURL == want.TokenURL && c.CertsURL == want.CertsURL
	}
}
