package loginmethod

import (
	"context"
	"sync"

	"golang.org/x/sync/singleflight"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// KnownTypes remembers what the table in types.go needs of the login methods this process has seen
// (ID, name, type, read_only), so that a plan checks many resources against the table with at most one
// list per scope, and an apply, which plans each resource again once the IDs it depends on are known,
// checks the login methods it has just created or read without a request. A login method's type never
// changes, so an entry never goes stale; read_only could, and the apply checks the live login method
// again. It is safe for concurrent use; the zero value is ready.
type KnownTypes struct {
	mu sync.Mutex
	m  map[string]client.IdentityProvider
	// flight makes the lookups that miss at the same time share one list of their scope, also when the
	// store reads a new list for each Find (refresh_by_list off).
	flight singleflight.Group

	// waiting, when set, is called when a lookup starts to wait for a list (tests).
	waiting func()
}

// Remember records idp, a login method of scope the caller has read or created.
func (k *KnownTypes) Remember(scope client.Scope, idp *client.IdentityProvider) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]client.IdentityProvider{}
	}
	k.m[lockKey(scope, idp.ID)] = client.IdentityProvider{ID: idp.ID, Name: idp.Name, Type: idp.Type, ReadOnly: idp.ReadOnly}
}

// Lookup returns the ID, name, type and read_only of login method id of scope: as remembered, or from
// the scope's list read through store (Find: the list refreshes share when the store reads by list),
// remembering every login method in it; lookups that miss at the same time share that list. ok is false
// when the list does not hold the login method.
func (k *KnownTypes) Lookup(ctx context.Context, store *Store, scope client.Scope, id string) (idp *client.IdentityProvider, ok bool, err error) {
	key := lockKey(scope, id)
	k.mu.Lock()
	known, ok := k.m[key]
	k.mu.Unlock()
	if ok {
		return &known, true, nil
	}
	if k.waiting != nil {
		k.waiting()
	}
	_, err, _ = k.flight.Do(scope.String(), func() (any, error) {
		k.mu.Lock()
		_, ok := k.m[key] // a list that ended since this lookup missed may have brought it
		k.mu.Unlock()
		if ok {
			return nil, nil
		}
		return store.Find(ctx, scope, func(idp *client.IdentityProvider) bool {
			k.Remember(scope, idp)
			return false
		})
	})
	if err != nil {
		return nil, false, err
	}
	k.mu.Lock()
	known, ok = k.m[key]
	k.mu.Unlock()
	if !ok {
		return nil, false, nil
	}
	return &known, true, nil
}
