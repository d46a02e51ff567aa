package loginmethod

import (
	"fmt"
	"sync"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// Lookup reads a scope's list once and answers for every login method in it from then on, and for a login
// method remembered after a create without any request; what the list lacks is not found.
func TestKnownTypes_oneListPerScope(t *testing.T) {
	t.Parallel()
	for _, byList := range []bool{true, false} {
		e := newStoreEnv(t)
		e.store = New(e.store.api, Options{RefreshByList: byList, Now: e.clock.now})
		ids := e.seed(t, 3)
		github, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "GitHub", Type: "github"})
		if err != nil {
			t.Fatal(err)
		}
		locked, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "Locked", Type: TypeOkta, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var k KnownTypes
		for _, tc := range []struct {
			id, typ  string
			readOnly bool
		}{{ids[0], TypeSAML, false}, {github.ID, "github", false}, {locked.ID, TypeOkta, true}, {ids[2], TypeSAML, false}} {
			idp, ok, err := k.Lookup(t.Context(), e.store, e.scope, tc.id)
			if err != nil || !ok || idp.ID != tc.id || idp.Type != tc.typ || idp.ReadOnly != tc.readOnly || idp.Name == "" {
				t.Errorf("by list %v: Lookup(%s) = %+v, %v, %v; want type %q, read-only %v", byList, tc.id, idp, ok, err, tc.typ, tc.readOnly)
			}
		}
		k.Remember(e.scope, &client.IdentityProvider{ID: "created-here", Name: "New", Type: TypeSAML})
		if idp, ok, err := k.Lookup(t.Context(), e.store, e.scope, "created-here"); err != nil || !ok || idp.Type != TypeSAML {
			t.Errorf("by list %v: Lookup of a remembered login method = %+v, %v, %v", byList, idp, ok, err)
		}
		e.wantRequests(t, 1, 0)
		if idp, ok, err := k.Lookup(t.Context(), e.store, client.AccountScope(e.emu.AccountID), "00000000-0000-4000-8000-000000000000"); err != nil || ok {
			t.Errorf("by list %v: Lookup of an unknown login method = %+v, %v, %v; want not found", byList, idp, ok, err)
		}
	}
}

// Lookups that miss at the same time share one list, also when the store reads a new list for each Find.
func TestKnownTypes_concurrentLookupsShareOneList(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	e.store = New(e.store.api, Options{RefreshByList: false, Now: e.clock.now})
	ids := e.seed(t, 20)
	waiting, release := e.holdLists(len(ids))
	defer release()
	var k KnownTypes
	k.waiting = e.store.lists.waiting // holdLists counts the callers that wait
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			idp, ok, err := k.Lookup(t.Context(), e.store, e.scope, id)
			if err != nil || !ok || idp.ID != id || idp.Type != TypeSAML {
				errs[i] = fmt.Errorf("Lookup(%s) = %+v, %v, %w", id, idp, ok, err)
			}
		})
	}
	for range ids {
		<-waiting // every lookup waits for the one list, which cannot end before they all do
	}
	release()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	e.wantRequests(t, 1, 0)
}
