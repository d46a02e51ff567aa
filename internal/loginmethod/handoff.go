package loginmethod

import (
	"sync"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// The first change after a create reads the create's answer instead of a GET.
//
// The API has no ETag or If-Match: a full PUT built from an old read silently reverts whatever changed
// since. Modify therefore bases every PUT on a GET, with one exception that saves a third of an apply's
// requests (BENCHMARKS.md: a login method and its SCIM config cost POST + PUT, not POST + GET + PUT): the
// answer to the POST that created the login method, which carries every field a GET carries
// (CONTRACT.md, "Which fields a response carries"), is handed to the next change of the login method,
// the SCIM config's. The hand-off is
//
//   - kept only when the answer confirms the create (every field sent came back as sent, confirms) and
//     no locked operation of this store has touched the login method yet (the lock is new): otherwise
//     someone in this process may have changed it since the answer;
//   - taken, under the login method's lock, by the next Modify, whatever happens to that change;
//   - dropped by Delete and RefreshSCIMSecret.
//
// What it accepts: a change made elsewhere (the dashboard, another process with the same account)
// between the create's answer and the first change is reverted by that change, even when a read of
// this process saw it. With a GET the window is the time from the GET to the PUT; here it starts at the
// create's answer, for an object nobody outside knew the ID of until then, and ends within the same
// apply (Configure builds a store for every plan and every apply): under a second for one login method,
// tens of seconds for hundreds, as Terraform starts the SCIM configs after the creates waiting for a
// slot of -parallelism.
type handoffs struct {
	mu sync.Mutex
	m  map[string]*client.IdentityProvider // by lockKey
}

// put keeps idp, without its SCIM secret (a change never sends it), as the next read of key.
func (h *handoffs) put(key string, idp *client.IdentityProvider) error {
	kept, err := clone(idp)
	if err != nil {
		return err
	}
	if kept.SCIMConfig != nil {
		kept.SCIMConfig.Secret = ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.m == nil {
		h.m = map[string]*client.IdentityProvider{}
	}
	h.m[key] = kept
	return nil
}

// take returns the hand-off of key, or nil, and drops it.
func (h *handoffs) take(key string) *client.IdentityProvider {
	h.mu.Lock()
	defer h.mu.Unlock()
	idp := h.m[key]
	delete(h.m, key)
	return idp
}
