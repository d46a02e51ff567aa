package client

import (
	"encoding/hex"
	"errors"
	"net/url"
)

// ScopeKind says whether an identity provider lives in an account or a zone.
type ScopeKind int

const (
	// ScopeAccount addresses /accounts/{account_id}.
	ScopeAccount ScopeKind = iota + 1
	// ScopeZone addresses /zones/{zone_id}.
	ScopeZone
)

// String returns "account" or "zone".
func (k ScopeKind) String() string {
	switch k {
	case ScopeAccount:
		return "account"
	case ScopeZone:
		return "zone"
	default:
		return "unknown scope"
	}
}

// Scope is the owner of identity providers: an account or a zone.
type Scope struct {
	Kind ScopeKind
	ID   string
}

// AccountScope returns the scope of the account with the given ID.
func AccountScope(id string) Scope { return Scope{Kind: ScopeAccount, ID: id} }

// ZoneScope returns the scope of the zone with the given ID.
func ZoneScope(id string) Scope { return Scope{Kind: ScopeZone, ID: id} }

// Path returns the scope's path relative to the base URL, "accounts/<id>" or
// "zones/<id>", with the ID escaped.
func (s Scope) Path() string {
	switch s.Kind {
	case ScopeZone:
		return "zones/" + url.PathEscape(s.ID)
	default:
		return "accounts/" + url.PathEscape(s.ID)
	}
}

// String returns e.g. "account 0123abcd".
func (s Scope) String() string { return s.Kind.String() + " " + s.ID }

// IsCloudflareID reports whether id has the form of a Cloudflare account or zone ID: 32 hexadecimal
// characters, as in the dashboard's URLs. Anything else cannot name an account or zone, and the API
// answers it with a 403 that reads like a credential problem.
func IsCloudflareID(id string) bool {
	_, err := hex.DecodeString(id)
	return len(id) == 32 && err == nil
}

func (s Scope) validate() error {
	if s.Kind != ScopeAccount && s.Kind != ScopeZone {
		return errors.New("scope kind must be ScopeAccount or ScopeZone")
	}
	if s.ID == "" {
		return errors.New("the " + s.Kind.String() + " ID is empty")
	}
	return nil
}
