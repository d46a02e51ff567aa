package loginmethod

import (
	"errors"
	"fmt"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// TypeSAML is the identity provider type this provider manages.
const TypeSAML = "saml"

// ErrGone means a login method is absent from a complete list of its scope: it was deleted.
var ErrGone = errors.New("the login method no longer exists")

// IsGone reports whether err means the login method does not exist (any more).
func IsGone(err error) bool { return errors.Is(err, ErrGone) || client.IsNotFound(err) }

// Reasons a login method cannot be managed; errors from Manageable match one of them.
var (
	ErrNotSAML  = errors.New("the login method is not of type " + TypeSAML)
	ErrReadOnly = errors.New("the login method is read-only")
)

// NotManageableError names a login method this provider must not change, and why.
type NotManageableError struct {
	ID, Name, Type string
	Reason         error // ErrNotSAML or ErrReadOnly
}

func (e *NotManageableError) Error() string {
	if errors.Is(e.Reason, ErrReadOnly) {
		return fmt.Sprintf("login method %s (%q) is marked read_only by Cloudflare and cannot be changed or deleted through the API", e.ID, e.Name)
	}
	return fmt.Sprintf("login method %s (%q) is of type %q, not %q", e.ID, e.Name, e.Type, TypeSAML)
}

func (e *NotManageableError) Unwrap() error { return e.Reason }

// Manageable returns nil for a login method this provider may change: a SAML one that Cloudflare does
// not mark read_only. Otherwise it returns a *NotManageableError.
func Manageable(idp *client.IdentityProvider) error {
	switch {
	case idp.Type != TypeSAML:
		return &NotManageableError{ID: idp.ID, Name: idp.Name, Type: idp.Type, Reason: ErrNotSAML}
	case idp.ReadOnly:
		return &NotManageableError{ID: idp.ID, Name: idp.Name, Type: idp.Type, Reason: ErrReadOnly}
	}
	return nil
}
