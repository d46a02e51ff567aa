package loginmethod

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// The login method types this provider manages, as the API names them. Cloudflare knows more
// (onetimepin, github, google, …); this provider manages none of them.
const (
	TypeSAML    = "saml"
	TypeOIDC    = "oidc"
	TypeOkta    = "okta"
	TypeAzureAD = "azureAD" // Microsoft Entra ID
)

// typeNames are the names the dashboard and Cloudflare's guides give the types above.
var typeNames = map[string]string{TypeSAML: "SAML", TypeOIDC: "OIDC", TypeOkta: "Okta", TypeAzureAD: "Microsoft Entra ID"}

// TypeName returns the name users know a login method type by ("Microsoft Entra ID" for azureAD), or
// the type itself for a type this provider does not manage.
func TypeName(typ string) string {
	if n, ok := typeNames[typ]; ok {
		return n
	}
	return typ
}

// Kind is what manages login methods, or a part of them: one of this provider's resources.
type Kind string

// The kinds: each resource of this provider that changes login methods.
const (
	// KindSAMLLoginMethod is zerotrust_saml_login_method: a whole SAML login method.
	KindSAMLLoginMethod Kind = "SAML login method"
	// KindOIDCLoginMethod is zerotrust_oidc_login_method: a whole OIDC login method.
	KindOIDCLoginMethod Kind = "OIDC login method"
	// KindSCIMConfig is zerotrust_scim_config: the scim_config of a login method.
	KindSCIMConfig Kind = "SCIM config"
)

// manages is the one table of which login method types each kind may manage. The SCIM config's row is
// the types Cloudflare provisions with SCIM (internal/emulator/CONTRACT.md, "Which types have SCIM").
// A new resource adds its row here; nothing else decides.
var manages = map[Kind][]string{
	KindSAMLLoginMethod: {TypeSAML},
	KindOIDCLoginMethod: {TypeOIDC},
	KindSCIMConfig:      {TypeSAML, TypeOIDC, TypeOkta, TypeAzureAD},
}

// typeFields is, per login method type the store writes, how it compares that type's config (compare.go):
// the settings a create owns, by which a create whose answer was lost is recognised; the settings an
// answer may hold in another form than sent, which owned compares and confirms does not compare as JSON;
// and the settings no answer ever shows, which never make a write look unconfirmed or unapplied. A type
// without owned is never adopted, and no answer confirms a create of it.
var typeFields = map[string]struct {
	// owned returns whether a config has the settings want's create owns, reading want once. Only
	// settings that reads show.
	owned func(want client.IdentityProviderConfig) func(client.IdentityProviderConfig) bool
	// reformatted clears the owned settings an answer may hold in another form than sent.
	reformatted func(*client.IdentityProviderConfig)
	// neverEchoed clears the settings no answer carries.
	neverEchoed func(*client.IdentityProviderConfig)
}{
	TypeSAML: {owned: samlOwned, reformatted: func(c *client.IdentityProviderConfig) { c.IDPPublicCerts, c.IDPPublicCert = nil, "" }},
	// The OAuth client secret is write-only (CONTRACT.md, "The OAuth client secret").
	TypeOIDC:    {owned: oidcOwned, neverEchoed: withoutClientSecret},
	TypeOkta:    {neverEchoed: withoutClientSecret},
	TypeAzureAD: {neverEchoed: withoutClientSecret},
}

func withoutClientSecret(c *client.IdentityProviderConfig) { c.ClientSecret = "" }

// Types returns the login method types k may manage, in the table's order. The caller owns the slice.
func (k Kind) Types() []string { return slices.Clone(manages[k]) }

// Manages reports whether k may manage login methods of type typ.
func (k Kind) Manages(typ string) bool { return slices.Contains(manages[k], typ) }

// Reasons a login method cannot be managed; errors from Manageable match one of them.
var (
	ErrWrongType = errors.New("the login method is of a type this resource does not manage")
	ErrReadOnly  = errors.New("the login method is read-only")
)

// NotManageableError names a login method a kind must not change, and why.
type NotManageableError struct {
	Kind           Kind
	ID, Name, Type string
	Reason         error // ErrWrongType or ErrReadOnly
}

func (e *NotManageableError) Error() string {
	if errors.Is(e.Reason, ErrReadOnly) {
		return fmt.Sprintf("login method %s (%q) is marked read_only by Cloudflare and cannot be changed or deleted through the API", e.ID, e.Name)
	}
	return fmt.Sprintf("login method %s (%q) is of type %q, not %s", e.ID, e.Name, e.Type, quotedOr(e.Kind.Types()))
}

func (e *NotManageableError) Unwrap() error { return e.Reason }

// Manageable returns nil for a login method k may change: one of a type k manages that Cloudflare does
// not mark read_only. Otherwise it returns a *NotManageableError.
func Manageable(k Kind, idp *client.IdentityProvider) error {
	switch {
	case !k.Manages(idp.Type):
		return &NotManageableError{Kind: k, ID: idp.ID, Name: idp.Name, Type: idp.Type, Reason: ErrWrongType}
	case idp.ReadOnly:
		return &NotManageableError{Kind: k, ID: idp.ID, Name: idp.Name, Type: idp.Type, Reason: ErrReadOnly}
	}
	return nil
}

// quotedOr writes types as `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
func quotedOr(types []string) string {
	q := make([]string, len(types))
	for i, t := range types {
		q[i] = fmt.Sprintf("%q", t)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
