package loginmethod

import (
	"context"
	"errors"
	"regexp"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// Filter selects login methods by what users know them by. The zero Filter selects every one.
type Filter struct {
	// Name, when not empty, is the exact name.
	Name string
	// NamePattern, when set, must match the name somewhere (an RE2 expression; anchor it with ^ and $).
	NamePattern *regexp.Regexp
	// SCIMEnabled, when set, is whether SCIM must be on.
	SCIMEnabled *bool
	// SCIMEverEnabled keeps only login methods whose SCIM was switched on at some time: those with a SCIM
	// endpoint, whose SCIM settings are worth managing.
	SCIMEverEnabled bool
}

// Match reports whether idp passes the filter. It looks at nothing but the filter's fields: whether this
// provider may manage the login method is Select's business.
func (f Filter) Match(idp *client.IdentityProvider) bool {
	scimOn := idp.SCIMConfig != nil && idp.SCIMConfig.Enabled
	switch {
	case f.Name != "" && idp.Name != f.Name:
		return false
	case f.NamePattern != nil && !f.NamePattern.MatchString(idp.Name):
		return false
	case f.SCIMEnabled != nil && scimOn != *f.SCIMEnabled:
		return false
	case f.SCIMEverEnabled && (idp.SCIMConfig == nil || idp.SCIMConfig.SCIMBaseURL == ""):
		return false
	}
	return true
}

// Selection is what Select found in a scope.
type Selection struct {
	// Manageable are the login methods that match and that the kind may manage, in the API's order.
	// They are the caller's own copies.
	Manageable []client.IdentityProvider
	// OtherType counts the login methods that match but are of a type the kind does not manage, by type.
	OtherType map[string]int
	// ReadOnly counts the login methods of a type the kind manages that match but that Cloudflare marks
	// read-only, by type.
	ReadOnly map[string]int
}

// LeftOut is how many login methods matched but may not be managed.
func (s Selection) LeftOut() int {
	n := 0
	for _, c := range s.OtherType {
		n += c
	}
	for _, c := range s.ReadOnly {
		n += c
	}
	return n
}

// Select returns the login methods of scope that match f, split into those kind may manage (the table
// in types.go) and counts of the others. It reads the scope the way Find does: from the list that
// refreshes are served from, so listing a scope and refreshing its resources share their requests.
func (s *Store) Select(ctx context.Context, scope client.Scope, kind Kind, f Filter) (Selection, error) {
	sel := Selection{OtherType: map[string]int{}, ReadOnly: map[string]int{}}
	found, err := s.Find(ctx, scope, func(idp *client.IdentityProvider) bool {
		if !f.Match(idp) {
			return false
		}
		switch err := Manageable(kind, idp); {
		case err == nil:
			return true
		case errors.Is(err, ErrReadOnly):
			sel.ReadOnly[idp.Type]++
		default:
			sel.OtherType[idp.Type]++
		}
		return false
	})
	if err != nil {
		return Selection{}, err
	}
	sel.Manageable = found
	return sel, nil
}
