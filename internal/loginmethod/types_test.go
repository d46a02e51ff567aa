package loginmethod

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// The table: each kind manages its types and no other; the SCIM config manages every type Cloudflare
// provisions with SCIM.
func TestKindTypes(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		want []string
	}{
		{KindSAMLLoginMethod, []string{"saml"}},
		{KindOIDCLoginMethod, []string{"oidc"}},
		{KindSCIMConfig, []string{"saml", "oidc", "okta", "azureAD"}},
	} {
		if got := tc.kind.Types(); !slices.Equal(got, tc.want) {
			t.Errorf("%s manages %q, want %q", tc.kind, got, tc.want)
		}
		for _, typ := range []string{"saml", "oidc", "okta", "azureAD", "onetimepin", "github", "google", "SAML", ""} {
			if got, want := tc.kind.Manages(typ), slices.Contains(tc.want, typ); got != want {
				t.Errorf("%s.Manages(%q) = %v, want %v", tc.kind, typ, got, want)
			}
		}
	}
	types := KindSCIMConfig.Types()
	types[0] = "github"
	if KindSCIMConfig.Manages("github") {
		t.Error("changing the slice Types returned changed the table")
	}
}

func TestManageable(t *testing.T) {
	for _, tc := range []struct {
		kind Kind
		idp  client.IdentityProvider
		want error
		says string
	}{
		{KindSAMLLoginMethod, client.IdentityProvider{ID: "a", Name: "JumpCloud", Type: TypeSAML}, nil, ""},
		{KindSAMLLoginMethod, client.IdentityProvider{ID: "b", Name: "Okta OIDC", Type: "oidc"}, ErrWrongType, `login method b ("Okta OIDC") is of type "oidc", not "saml"`},
		{KindSAMLLoginMethod, client.IdentityProvider{ID: "c", Name: "Locked", Type: TypeSAML, ReadOnly: true}, ErrReadOnly, `login method c ("Locked") is marked read_only`},
		{KindSCIMConfig, client.IdentityProvider{ID: "d", Name: "Okta OIDC", Type: "oidc"}, nil, ""},
		{KindSCIMConfig, client.IdentityProvider{ID: "e", Name: "Okta", Type: "okta"}, nil, ""},
		{KindSCIMConfig, client.IdentityProvider{ID: "f", Name: "Entra ID", Type: "azureAD"}, nil, ""},
		{KindSCIMConfig, client.IdentityProvider{ID: "g", Name: "JumpCloud", Type: "saml"}, nil, ""},
		{KindSCIMConfig, client.IdentityProvider{ID: "h", Name: "GitHub", Type: "github"}, ErrWrongType,
			`login method h ("GitHub") is of type "github", not "saml", "oidc", "okta" or "azureAD"`},
		{KindSCIMConfig, client.IdentityProvider{ID: "i", Name: "PIN", Type: "onetimepin", ReadOnly: true}, ErrWrongType, `is of type "onetimepin"`},
		{KindSCIMConfig, client.IdentityProvider{ID: "j", Name: "Managed", Type: "azureAD", ReadOnly: true}, ErrReadOnly, `login method j ("Managed") is marked read_only`},
		{KindOIDCLoginMethod, client.IdentityProvider{ID: "k", Name: "Okta", Type: "okta"}, ErrWrongType, `login method k ("Okta") is of type "okta", not "oidc"`},
	} {
		err := Manageable(tc.kind, &tc.idp)
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.says)) {
			t.Errorf("Manageable(%s, %s) = %v, want %v saying %q", tc.kind, tc.idp.ID, err, tc.want, tc.says)
		}
		var nm *NotManageableError
		if err != nil && (!errors.As(err, &nm) || nm.Kind != tc.kind || nm.Type != tc.idp.Type || nm.ID != tc.idp.ID) {
			t.Errorf("Manageable(%s, %s) = %#v, want a *NotManageableError of the kind and login method", tc.kind, tc.idp.ID, err)
		}
	}
}

func TestTypeName(t *testing.T) {
	for typ, want := range map[string]string{"saml": "SAML", "oidc": "OIDC", "okta": "Okta", "azureAD": "Microsoft Entra ID", "github": "github"} {
		if got := TypeName(typ); got != want {
			t.Errorf("TypeName(%q) = %q, want %q", typ, got, want)
		}
	}
}
