package loginmethod

import (
	"sync"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// The read of a read-modify-write without a GET.
//
// The API has no ETag or If-Match: a full PUT built from an old copy silently reverts whatever changed
// since the copy was read. Modify therefore bases every PUT on the login method as the API holds it. A GET
// right before the PUT is one way to know that; the API's own answer to this process's last request for
// the login method is another, when nothing can have come between. A copy serves as the read only while it
// is fresh, which means all of:
//
//  1. It is the API's answer to a request of this store for this login method: the POST that created it,
//     a PUT, or the GET of a read-modify-write. Every answer carries the fields a GET carries (CONTRACT.md,
//     "Which fields a response carries"), so a write's answer is a GET at the moment of the write.
//  2. It was recorded under the login method's lock, which every write of this process to the login
//     method holds (Modify, Delete, RefreshSCIMSecret), so no write of this process came between the
//     answer and the copy. The POST's answer is recorded only for a login method this store has never
//     seen: no request of this process can have touched it before.
//  3. The answer confirmed the write: every field sent came back as sent (confirms). An answer that shows
//     something else — the server changed what it was given, or the answer is not what we take it for — is
//     not kept.
//  4. Since it was recorded, no write of this store to the login method failed or had an unknown outcome
//     (a PUT that failed may still have been applied), no GET of its read-modify-write failed, and it was
//     not deleted nor its SCIM secret refreshed. Any of these drops the copy; the next change GETs.
//  5. Every read this process made since (the list of a refresh, a data source or an adoption, a GET)
//     showed the login method as the copy does: a change made elsewhere that the provider sees drops it.
//     So does a complete list without the login method. A read that arrives while a PUT is in flight
//     cannot be ordered with it, so the PUT's answer is then not kept either.
//  6. It is at most copyMaxAge old. A store lives for one Terraform operation (Configure builds one for
//     every plan and every apply), so a copy is never older than the apply that uses it.
//
// What it accepts: a change made elsewhere (the dashboard, another process with the same account) after
// the answer and before the PUT, that no read of this process saw, is reverted. With a GET that window is
// the time from the GET to the PUT; with a copy it starts at the answer instead. In an apply that creates
// a login method and its SCIM config it is the time Terraform takes to start the SCIM config after the
// login method, for an object nobody outside knew the ID of until the POST answered: under a second for
// one login method, tens of seconds for hundreds (Terraform starts the SCIM configs after the creates
// already waiting for a slot of -parallelism, so all login methods first). It is bounded by
// copyMaxAge, and a GET-then-PUT already sends a PUT from a read that old: the client retries a PUT for up
// to client.DefaultMaxRetryWait with the body built from the GET.
//
// A list never serves as the read: it is read without the lock, may be up to listTTL old, and is dropped
// at the first write to its scope. Refresh happens in the plan's provider process, not the apply's, so
// an update in an apply reads with a GET unless this process wrote or read the login method before.

// copyMaxAge bounds how long after the API's answer a copy may serve as the read of a read-modify-write:
// no older than the read a retried PUT of a GET-then-PUT is sent from.
const copyMaxAge = client.DefaultMaxRetryWait

type copyKey struct {
	scope client.Scope
	id    string
}

// knownCopy is what the store last learned of one login method.
type knownCopy struct {
	// idp is the fresh copy, without its SCIM secret; nil once dropped.
	idp *client.IdentityProvider
	at  time.Time
	// epoch counts the drops. A read-modify-write records its PUT's answer only if no drop happened since
	// it took the copy: a read that arrives meanwhile and shows something else cannot be ordered with
	// the PUT.
	epoch uint64
}

// copies holds a knownCopy per login method the store has seen. It is safe for concurrent use; the
// read-modify-write of one login method holds its lock around take and record.
type copies struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[copyKey]*knownCopy
}

func newCopies(now func() time.Time) *copies {
	return &copies{now: now, m: map[copyKey]*knownCopy{}}
}

// take returns the caller's own copy of the login method when a fresh one is known, else nil, and the
// epoch to pass to record.
func (c *copies) take(scope client.Scope, id string) (*client.IdentityProvider, uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.m[copyKey{scope, id}]
	if k == nil {
		return nil, 0, nil
	}
	if k.idp == nil || c.now().Sub(k.at) > copyMaxAge {
		return nil, k.epoch, nil
	}
	idp, err := clone(k.idp)
	return idp, k.epoch, err
}

// record keeps idp, an answer of the API obtained under the login method's lock, unless a drop happened
// since epoch.
func (c *copies) record(scope client.Scope, id string, idp *client.IdentityProvider, epoch uint64) {
	c.put(copyKey{scope, id}, idp, func(k *knownCopy) bool { return k == nil && epoch == 0 || k != nil && k.epoch == epoch })
}

// recordCreated keeps the answer of the POST that created the login method, unless the store has seen the
// login method already (another caller adopted it and wrote to it first).
func (c *copies) recordCreated(scope client.Scope, id string, idp *client.IdentityProvider) {
	c.put(copyKey{scope, id}, idp, func(k *knownCopy) bool { return k == nil })
}

// put keeps idp for key if keep, given what is known of key now, says so.
func (c *copies) put(key copyKey, idp *client.IdentityProvider, keep func(*knownCopy) bool) {
	kept, err := withoutSecret(idp)
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.m[key]
	switch {
	case err != nil:
		c.dropLocked(key)
	case !keep(k):
	case k == nil:
		c.m[key] = &knownCopy{idp: kept, at: c.now()}
	default:
		k.idp, k.at = kept, c.now()
	}
}

// forget drops the copy: the login method may now differ from it.
func (c *copies) forget(scope client.Scope, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(copyKey{scope, id})
}

func (c *copies) dropLocked(key copyKey) {
	k := c.m[key]
	if k == nil {
		k = &knownCopy{}
		c.m[key] = k
	}
	k.idp = nil
	k.epoch++
}

// observe compares a read of the login method with the copy and drops the copy when they differ.
func (c *copies) observe(scope client.Scope, idp *client.IdentityProvider) {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := copyKey{scope, idp.ID}
	if k := c.m[key]; k != nil && k.idp != nil && !sameForWrite(k.idp, idp) {
		c.dropLocked(key)
	}
}

// observeList compares a list of scope with the copies of its login methods: a copy the list shows
// otherwise is dropped, and so is one a complete list lacks.
func (c *copies) observeList(scope client.Scope, l *scopeList) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for key, k := range c.m {
		if key.scope != scope || k.idp == nil {
			continue
		}
		i, ok := l.byID[key.id]
		if (!ok && l.complete) || (ok && !sameForWrite(k.idp, &l.items[i])) {
			c.dropLocked(key)
		}
	}
}

// withoutSecret returns a copy of idp without its SCIM secret: a copy serves writes, which never send it,
// and a plaintext secret has no business in a long-lived map.
func withoutSecret(idp *client.IdentityProvider) (*client.IdentityProvider, error) {
	c, err := clone(idp)
	if err == nil && c.SCIMConfig != nil {
		c.SCIMConfig.Secret = ""
	}
	return c, err
}
