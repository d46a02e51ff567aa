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
// (ownedSettings, per type).

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
// settings of sent's type match, and every other key of the request body comes back with the value
// sent. The answer may add keys: those the server owns or fills in.
func confirms(sent, answer *client.IdentityProvider) bool {
	if !settingsOf(*sent).match(answer) {
		return false
	}
	reformatted := typeSettings[sent.Type].reformatted
	shape := func(idp *client.IdentityProvider) (any, error) {
		c, err := clone(idp)
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
	if t, ok := typeSettings[want.Type]; ok {
		s.config = t.owned(want.Config)
	}
	return s
}

// match reports whether idp has these settings.
func (s ownedSettings) match(idp *client.IdentityProvider) bool {
	return idp.Type == s.typ && idp.Name == s.name && s.config(idp.Config)
}

// typeSettings holds, per type of login method this provider creates, how its config settings are
// compared. A type without an entry never matches: a lost create of it is never adopted, and no answer
// confirms a write of it.
var typeSettings = map[string]struct {
	// owned returns whether a config has the settings want's create owns, parsing want once.
	owned func(want client.IdentityProviderConfig) func(client.IdentityProviderConfig) bool
	// reformatted clears the owned settings an answer may hold in another form than sent (owned
	// compares them), before confirms compares the other keys as JSON.
	reformatted func(*client.IdentityProviderConfig)
}{
	TypeSAML: {owned: samlOwned, reformatted: func(c *client.IdentityProviderConfig) { c.IDPPublicCerts, c.IDPPublicCert = nil, "" }},
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
