package provider

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// errGone means a login method is absent from a complete list of its scope: it was deleted.
var errGone = errors.New("the login method no longer exists")

// isGone reports whether err means the login method does not exist (any more).
func isGone(err error) bool { return errors.Is(err, errGone) || client.IsNotFound(err) }

// listCacheTTL bounds how long one list of a scope serves refreshes. A plan refreshes every resource
// within seconds; the bound only keeps a long-lived provider process from serving old data.
const listCacheTTL = 60 * time.Second

// listPerPage is the API's maximum page size for identity providers: 500 login methods cost one request.
const listPerPage = 1000

// scopeCache serves refreshes of many login methods in one scope from one paginated list, fetched once
// (single-flight) and dropped whenever this provider writes to the scope.
type scopeCache struct {
	mu      sync.Mutex
	entries map[client.Scope]*scopeList
	// gen counts the writes to each scope. A list is stored only if no write happened while it was
	// being fetched: a list that started before a write may not show it.
	gen    map[client.Scope]uint64
	flight singleflight.Group
	now    func() time.Time
}

type scopeList struct {
	fetched time.Time
	byID    map[string]client.IdentityProvider
	// atomic is true when the whole scope came in one page, a snapshot of one moment: a login method
	// missing from it is gone. A list of several pages can miss a login method that moved between pages
	// while they were fetched (another one was deleted and one created), so absence from it proves nothing.
	atomic bool
}

func newScopeCache(now func() time.Time) *scopeCache {
	return &scopeCache{entries: map[client.Scope]*scopeList{}, gen: map[client.Scope]uint64{}, now: now}
}

// lookup returns the login method from a fresh list of its scope; a nil login method with ok true means
// it is gone. ok is false when the list cannot tell (it failed, or it spans several pages and lacks the
// login method), and the caller must fall back to a GET.
func (c *scopeCache) lookup(ctx context.Context, api *client.Client, scope client.Scope, id string) (idp *client.IdentityProvider, ok bool) {
	list, err := c.list(ctx, api, scope)
	if err != nil {
		tflog.Debug(ctx, "listing the scope failed; reading the login method on its own", map[string]any{"scope": scope.String(), "error": err.Error()})
		return nil, false
	}
	found, present := list.byID[id]
	switch {
	case present:
		// A deep copy: the cached entry is shared by every resource of the scope.
		cp, err := cloneIdentityProvider(&found)
		if err != nil {
			return nil, false
		}
		return cp, true
	case list.atomic:
		return nil, true
	default:
		return nil, false
	}
}

func (c *scopeCache) list(ctx context.Context, api *client.Client, scope client.Scope) (*scopeList, error) {
	c.mu.Lock()
	if l, ok := c.entries[scope]; ok && c.now().Sub(l.fetched) < listCacheTTL {
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
		l, err := fetchScope(shared, api, scope)
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

// fetchScope lists every login method of scope, page by page.
func fetchScope(ctx context.Context, api *client.Client, scope client.Scope) (*scopeList, error) {
	l := &scopeList{byID: map[string]client.IdentityProvider{}}
	for page := 1; ; page++ {
		if page > client.MaxPages {
			return nil, fmt.Errorf("listing %s stopped after %d pages", scope, client.MaxPages)
		}
		items, info, err := api.ListIdentityProviders(ctx, scope, client.ListOptions{Page: page, PerPage: listPerPage})
		if err != nil {
			return nil, err
		}
		for _, idp := range items {
			l.byID[idp.ID] = idp
		}
		// total_pages says where the list ends; without it, a short page is the last one.
		last := len(items) < listPerPage
		if info.TotalPages > 0 {
			last = page >= info.TotalPages
		}
		if page == 1 && last {
			l.atomic = true
		}
		if last || len(items) == 0 {
			return l, nil
		}
	}
}

// invalidate drops the list of a scope after a write, so the next read sees the write. A list being
// fetched while the write happens is not stored.
func (c *scopeCache) invalidate(scope client.Scope) {
	c.mu.Lock()
	delete(c.entries, scope)
	c.gen[scope]++
	c.mu.Unlock()
	c.flight.Forget(scope.String())
}

// readLoginMethod reads one login method for a refresh: from the scope's list when refresh_by_list is
// on, with one GET otherwise or when the list cannot tell. A missing login method is reported as
// an error for which isGone is true.
func (d *providerData) readLoginMethod(ctx context.Context, scope client.Scope, id string) (*client.IdentityProvider, error) {
	if d.refreshByList {
		if idp, ok := d.cache.lookup(ctx, d.client, scope, id); ok {
			if idp == nil {
				return nil, errGone
			}
			return idp, nil
		}
	}
	return d.client.GetIdentityProvider(ctx, scope, id)
}

// wrote records that this provider changed something in scope.
func (d *providerData) wrote(scope client.Scope) { d.cache.invalidate(scope) }
