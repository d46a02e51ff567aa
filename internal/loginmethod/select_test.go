package loginmethod

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// Select filters the scope's list, splits off what the kind must not manage with counts by reason and
// type (another type first: a read-only login method of another type counts as another type), and
// shares the list with refreshes.
func TestStore_selectFiltersAndCountsWhatItLeavesOut(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 4) // login-0000 … login-0003, SAML
	scope := e.emu.AccountScope()
	seeded := map[string]string{}
	for _, p := range []emulator.IdP{
		{Name: "login-okta", Type: TypeOkta},
		{Name: "login-github", Type: "github"},
		{Name: "login-oidc", Type: TypeOIDC},
		{Name: "other-entra", Type: TypeAzureAD},
		{Name: "login-pin", Type: "onetimepin"},
		{Name: "login-locked", Type: TypeSAML, ReadOnly: true, Config: emulator.Config{IssuerURL: "x", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{e.cert}}},
		{Name: "login-locked-oidc", Type: TypeOIDC, ReadOnly: true},
	} {
		idp, err := e.emu.Seed(scope, p)
		if err != nil {
			t.Fatal(err)
		}
		seeded[p.Name] = idp.ID
	}
	for _, id := range append(ids[2:], seeded["login-okta"], seeded["login-github"]) {
		if err := e.emu.Mutate(scope, id, func(p *emulator.IdP) { p.SCIMConfig.Enabled = true }); err != nil {
			t.Fatal(err)
		}
	}
	// SCIM switched on once and off again: it has an endpoint, but SCIM is off.
	if err := e.emu.Mutate(scope, ids[3], func(p *emulator.IdP) { p.SCIMConfig.Enabled = false }); err != nil {
		t.Fatal(err)
	}
	okta, oidc, entra := seeded["login-okta"], seeded["login-oidc"], seeded["other-entra"]
	on, off := true, false
	for _, tc := range []struct {
		name      string
		kind      Kind
		f         Filter
		want      []string
		otherType string
		readOnly  string
	}{
		{"SAML: everything", KindSAMLLoginMethod, Filter{}, ids, "azureAD 1, github 1, oidc 2, okta 1, onetimepin 1", "saml 1"},
		{"SAML: name", KindSAMLLoginMethod, Filter{Name: "login-0001"}, ids[1:2], "", ""},
		{"SAML: pattern", KindSAMLLoginMethod, Filter{NamePattern: regexp.MustCompile(`^login-`)}, ids, "github 1, oidc 2, okta 1, onetimepin 1", "saml 1"},
		{"SAML: pattern and name", KindSAMLLoginMethod, Filter{Name: "login-okta", NamePattern: regexp.MustCompile(`okta`)}, nil, "okta 1", ""},
		{"SAML: SCIM on", KindSAMLLoginMethod, Filter{SCIMEnabled: &on}, ids[2:3], "github 1, okta 1", ""},
		{"SAML: SCIM off", KindSAMLLoginMethod, Filter{SCIMEnabled: &off}, []string{ids[0], ids[1], ids[3]}, "azureAD 1, oidc 2, onetimepin 1", "saml 1"},
		{"SAML: SCIM ever on", KindSAMLLoginMethod, Filter{SCIMEverEnabled: true}, ids[2:], "github 1, okta 1", ""},
		{"SCIM config: everything", KindSCIMConfig, Filter{}, append(slices.Clone(ids), okta, oidc, entra), "github 1, onetimepin 1", "oidc 1, saml 1"},
		{"SCIM config: SCIM ever on", KindSCIMConfig, Filter{SCIMEverEnabled: true}, append(slices.Clone(ids[2:]), okta), "github 1", ""},
		{"SCIM config: a name of another type", KindSCIMConfig, Filter{Name: "login-pin"}, nil, "onetimepin 1", ""},
		{"OIDC: everything", KindOIDCLoginMethod, Filter{}, []string{oidc}, "azureAD 1, github 1, okta 1, onetimepin 1, saml 5", "oidc 1"},
	} {
		sel, err := e.store.Select(t.Context(), e.scope, tc.kind, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := strings.Join(IDs(sel.Manageable), ",")
		otherType, readOnly := counts(sel.OtherType), counts(sel.ReadOnly)
		if got != strings.Join(tc.want, ",") || otherType != tc.otherType || readOnly != tc.readOnly ||
			sel.LeftOut() != sumCounts(sel.ReadOnly)+sumCounts(sel.OtherType) {
			t.Errorf("%s: found %s, other types %q, read-only %q; want %s, %q, %q", tc.name, got, otherType, readOnly,
				strings.Join(tc.want, ","), tc.otherType, tc.readOnly)
		}
	}
	// Eleven selections and a refresh of every login method: one list request.
	for _, id := range ids {
		if _, err := e.store.Get(t.Context(), e.scope, id); err != nil {
			t.Fatal(err)
		}
	}
	e.wantRequests(t, 1, 0)
}

// counts writes a count per type as "a 1, b 2", sorted by type.
func counts(m map[string]int) string {
	var out []string
	for _, typ := range slices.Sorted(maps.Keys(m)) {
		out = append(out, fmt.Sprintf("%s %d", typ, m[typ]))
	}
	return strings.Join(out, ", ")
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}
