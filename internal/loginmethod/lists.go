package loginmethod

import (
	"context"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// listTTL bounds how long one list of a scope serves reads. A plan refreshes every resource within
// seconds; the bound only keeps a long-lived provider process from serving old data.
const listTTL = 60 * time.Second

// listPerPage is the API's maximum page size for identity providers: 500 login methods cost one request.
const listPerPage = 1000

// scopeLists serves reads of many login methods in one scope from one list, fetched once (single-flight)
// and dropped whenever this process writes to the scope.
type scopeLists struct {
	now func() time.Time

	mu      sync.Mutex
	entries map[client.Scope]*scopeList
	// gen counts the writes to each scope. A list is kept only if no write happened while it was being
	// fetched: a list that started before a write may not show it.
	gen    map[client.Scope]uint64
	flight singleflight.Group

	// waiting, when set, is called when a caller starts to wait for a list (tests).
	waiting func()
}

// scopeList is every login method of a scope. It is shared by all readers and never changed.
type scopeList struct {
	fetched time.Time
	items   []client.IdentityProvider
	byID    map[string]int
	// complete is true when the list came in one answer, a snapshot of one moment: a login method
	// missing from it is gone. A list of several pages can miss one that moved between pages.
	complete bool
}

func newScopeLists(now func() time.Time) *scopeLists {
	return &scopeLists{now: now, entries: map[client.Scope]*scopeList{}, gen: map[client.Scope]uint64{}}
}

// fetchList lists every login method of scope. It is the store's one way to list a scope.
func fetchList(ctx context.Context, api *client.Client, scope client.Scope) (*scopeList, error) {
	l := &scopeList{byID: map[string]int{}}
	pages := api.IdentityProviderPages(ctx, scope, client.ListOptions{PerPage: listPerPage})
	for pages.Next() {
		for _, idp := range pages.Items() {
			l.byID[idp.ID] = len(l.items)
			l.items = append(l.items, idp)
		}
	}
	if err := pages.Err(); err != nil {
		return nil, err
	}
	l.complete = pages.Complete()
	return l, nil
}

// get returns a list of scope no older than listTTL, fetching it when there is none.
func (c *scopeLists) get(ctx context.Context, api *client.Client, scope client.Scope) (*scopeList, error) {
	c.mu.Lock()
	if l, ok := c.entries[scope]; ok && c.now().Sub(l.fetched) < listTTL {
		c.mu.Unlock()
		return l, nil
	}
	c.mu.Unlock()

	// The list is shared by every caller that joins the flight, so one caller's cancellation must not
	// fail the others: it runs without the first caller's cancellation, and each caller waits on its own
	// context. The client's retry bound still ends it.
	shared := context.WithoutCancel(ctx)
	ch := c.flight.DoChan(scope.String(), func() (any, error) {
		c.mu.Lock()
		gen := c.gen[scope]
		c.mu.Unlock()
		started := c.now()
		l, err := fetchList(shared, api, scope)
		if err != nil {
			return nil, err
		}
		l.fetched = started
		c.mu.Lock()
		if c.gen[scope] == gen {
			c.entries[scope] = l
		}
		c.mu.Unlock()
		return l, nil
	})
	if c.waiting != nil {
		c.waiting()
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		return res.Val.(*scopeList), nil
	}
}

// invalidate drops the list of a scope after a write, so the next read sees the write. A list being
// fetched while the write happens is not kept, and later readers do not join its flight.
func (c *scopeLists) invalidate(scope client.Scope) {
	c.mu.Lock()
	delete(c.entries, scope)
	c.gen[scope]++
	c.mu.Unlock()
	c.flight.Forget(scope.String())
}
