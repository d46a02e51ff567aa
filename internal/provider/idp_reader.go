package provider

import (
	"context"
	"errors"
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
	flight  singleflight.Group
	now     func() time.Time
}

type scopeList struct {
	fetched time.Time
	byID    map[string]client.IdentityProvider
}

func newScopeCache(now func() time.Time) *scopeCache {
	return &scopeCache{entries: map[client.Scope]*scopeList{}, now: now}
}

// lookup returns the login method from a fresh list of its scope. ok is false when no complete list
// could be had, and the caller must fall back to a GET.
func (c *scopeCache) lookup(ctx context.Context, api *client.Client, scope client.Scope, id string) (idp *client.IdentityProvider, ok bool) {
	list, err := c.list(ctx, api, scope)
	if err != nil {
		tflog.Debug(ctx, "listing the scope failed; reading the login method on its own", map[string]any{"scope": scope.String(), "error": err.Error()})
		return nil, false
	}
	found, present := list.byID[id]
	if !present {
		return nil, true
	}
	return &found, true
}

func (c *scopeCache) list(ctx context.Context, api *client.Client, scope client.Scope) (*scopeList, error) {
	c.mu.Lock()
	if l, ok := c.entries[scope]; ok && c.now().Sub(l.fetched) < listCacheTTL {
		c.mu.Unlock()
		return l, nil
	}
	c.mu.Unlock()

	v, err, _ := c.flight.Do(scope.String(), func() (any, error) {
		started := c.now()
		all, err := api.ListAllIdentityProviders(ctx, scope, client.ListOptions{PerPage: listPerPage})
		if err != nil {
			return nil, err
		}
		l := &scopeList{fetched: started, byID: make(map[string]client.IdentityProvider, len(all))}
		for _, idp := range all {
			l.byID[idp.ID] = idp
		}
		c.mu.Lock()
		c.entries[scope] = l
		c.mu.Unlock()
		return l, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*scopeList), nil
}

// invalidate drops the list of a scope after a write, so the next read sees the write.
func (c *scopeCache) invalidate(scope client.Scope) {
	c.mu.Lock()
	delete(c.entries, scope)
	c.mu.Unlock()
	c.flight.Forget(scope.String())
}

// readLoginMethod reads one login method for a refresh: from the scope's list when refresh_by_list is
// on, with one GET otherwise or when the list cannot be had. A missing login method is reported as
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
