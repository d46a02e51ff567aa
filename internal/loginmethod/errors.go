package loginmethod

import (
	"errors"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// ErrGone means a login method is absent from a complete list of its scope: it was deleted.
var ErrGone = errors.New("the login method no longer exists")

// IsGone reports whether err means the login method does not exist (any more).
func IsGone(err error) bool { return errors.Is(err, ErrGone) || client.IsNotFound(err) }
