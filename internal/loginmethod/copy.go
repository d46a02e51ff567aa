package loginmethod

import (
	"encoding/json"
	"fmt"
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
	strip := func(idp *client.IdentityProvider) string {
		c, err := clone(idp)
		if err != nil {
			return ""
		}
		c.Config.RedirectURL = ""
		if c.SCIMConfig != nil {
			c.SCIMConfig.Secret, c.SCIMConfig.SCIMBaseURL = "", ""
		}
		out, err := json.Marshal(c)
		if err != nil {
			return ""
		}
		return string(out)
	}
	sa, sb := strip(a), strip(b)
	return sa != "" && sa == sb
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
