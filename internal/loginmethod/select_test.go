package loginmethod

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// Select filters the scope's list, splits off what this provider must not manage with counts by
// reason, and shares the list with refreshes.
func TestStore_selectFiltersAndCountsWhatItLeavesOut(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 4) // login-0000 … login-0003
	scope := e.emu.AccountScope()
	for _, p := range []emulator.IdP{
		{Name: "login-okta", Type: "oidc"},
		{Name: "login-github", Type: "github"},
		{Name: "login-oidc-2", Type: "oidc"},
		{Name: "other-oidc", Type: "oidc"},
		{Name: "login-locked", Type: TypeSAML, ReadOnly: true, Config: emulator.Config{IssuerURL: "x", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{e.cert}}},
	} {
		if _, err := e.emu.Seed(scope, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids[2:] {
		if err := e.emu.Mutate(scope, id, func(p *emulator.IdP) { p.SCIMConfig.Enabled = true }); err != nil {
			t.Fatal(err)
		}
	}
	// SCIM switched on once and off again: it has an endpoint, but SCIM is off.
	if err := e.emu.Mutate(scope, ids[3], func(p *emulator.IdP) { p.SCIMConfig.Enabled = false }); err != nil {
		t.Fatal(err)
	}
	on, off := true, false
	for _, tc := range []struct {
		name     string
		f        Filter
		want     []string
		notSAML  string
		readOnly int
	}{
		{"everything", Filter{}, ids, "github 1, oidc 3", 1},
		{"name", Filter{Name: "login-0001"}, ids[1:2], "", 0},
		{"pattern", Filter{NamePattern: regexp.MustCompile(`^login-`)}, ids, "github 1, oidc 2", 1},
		{"pattern and name", Filter{Name: "login-okta", NamePattern: regexp.MustCompile(`okta`)}, nil, "oidc 1", 0},
		{"SCIM on", Filter{SCIMEnabled: &on}, ids[2:3], "", 0},
		{"SCIM off", Filter{SCIMEnabled: &off}, []string{ids[0], ids[1], ids[3]}, "github 1, oidc 3", 1},
		{"SCIM ever on", Filter{SCIMEverEnabled: true}, ids[2:], "", 0},
	} {
		sel, err := e.store.Select(t.Context(), e.scope, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var notSAML []string
		for _, typ := range sel.NotSAMLTypes() {
			notSAML = append(notSAML, fmt.Sprintf("%s %d", typ, sel.NotSAML[typ]))
		}
		got := strings.Join(IDs(sel.Manageable), ",")
		if got != strings.Join(tc.want, ",") || strings.Join(notSAML, ", ") != tc.notSAML || sel.ReadOnly != tc.readOnly ||
			sel.LeftOut() != sel.ReadOnly+sumCounts(sel.NotSAML) {
			t.Errorf("%s: found %s, not SAML %q, read-only %d; want %s, %q, %d", tc.name, got, notSAML, sel.ReadOnly,
				strings.Join(tc.want, ","), tc.notSAML, tc.readOnly)
		}
	}
	// Seven selections and a refresh of every login method: one list request.
	for _, id := range ids {
		if _, err := e.store.Get(t.Context(), e.scope, id); err != nil {
			t.Fatal(err)
		}
	}
	e.wantRequests(t, 1, 0)
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, c := range m {
		n += c
	}
	return n
}
