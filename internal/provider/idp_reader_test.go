package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// Route keys of the emulator's request counters.
const (
	routeList   = "GET /accounts/{account_id}/access/identity_providers"
	routeGet    = "GET /accounts/{account_id}/access/identity_providers/{identity_provider_id}"
	routeCreate = "POST /accounts/{account_id}/access/identity_providers"
	routePut    = "PUT /accounts/{account_id}/access/identity_providers/{identity_provider_id}"
	routeDelete = "DELETE /accounts/{account_id}/access/identity_providers/{identity_provider_id}"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// readerEnv is an emulator, an API client without retries or rate limit, and provider data with a
// fake clock, for tests of the refresh-by-list cache without Terraform.
type readerEnv struct {
	emu *emulator.TestServer
	// afterResponse, when set, runs after a response arrived and before the client reads it.
	afterResponse atomic.Pointer[func(*http.Request)]
	data          *providerData
	clock         *fakeClock
	scope         client.Scope
}

func newReaderEnv(t *testing.T) *readerEnv {
	t.Helper()
	emu := emulator.NewTestServer(t, emulator.Options{})
	e := &readerEnv{emu: emu}
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if hook := e.afterResponse.Load(); hook != nil && err == nil {
			(*hook)(r)
		}
		return resp, err
	})}
	c, err := client.New(client.Config{
		BaseURL: emu.APIBaseURL(), APIToken: emu.WriteToken, RateLimitDisabled: true, MaxRetries: -1, HTTPClient: hc,
	})
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	data := newProviderData(c, emu.AccountID, 0, true)
	data.cache = newScopeCache(clock.now)
	e.data, e.clock, e.scope = data, clock, client.AccountScope(emu.AccountID)
	return e
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// seed adds n SAML login methods as if made in the dashboard and returns their IDs.
func (e *readerEnv) seed(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	cert := validCert(t).PEM
	for i := range ids {
		idp, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{
			Name: fmt.Sprintf("login-%04d", i), Type: "saml",
			Config: emulator.Config{IssuerURL: fmt.Sprintf("https://idp.example.com/%d", i), SSOTargetURL: "https://idp.example.com/sso",
				IdPPublicCerts: []string{cert}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = idp.ID
	}
	return ids
}

func (e *readerEnv) count(route string) int { return e.emu.RequestCounts()[route] }

func TestScopeCache_concurrentReadsShareOneList(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 40)
	// Latency keeps the list in flight while every reader arrives.
	e.emu.SetFaults(emulator.FaultConfig{Latency: 100 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			idp, err := e.data.readLoginMethod(t.Context(), e.scope, id)
			switch {
			case err != nil:
				errs[i] = err
			case idp.ID != id || idp.Name != fmt.Sprintf("login-%04d", i):
				errs[i] = fmt.Errorf("read %s, got %s (%q)", id, idp.ID, idp.Name)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := e.count(routeList); got != 1 {
		t.Errorf("%d concurrent reads sent %d list requests, want 1", len(ids), got)
	}
	if got := e.count(routeGet); got != 0 {
		t.Errorf("reads sent %d GETs, want 0", got)
	}
}

func TestScopeCache_writeInvalidates(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 3)
	ctx := t.Context()
	if _, err := e.data.readLoginMethod(ctx, e.scope, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.data.readLoginMethod(ctx, e.scope, ids[1]); err != nil {
		t.Fatal(err)
	}
	if got := e.count(routeList); got != 1 {
		t.Fatalf("two reads sent %d lists, want 1", got)
	}
	// A write through the provider drops the list: the next read sees the write.
	updated, err := e.data.modifyLoginMethod(ctx, e.scope, ids[0], func(idp *client.IdentityProvider) error {
		idp.Name = "renamed"
		return nil
	})
	if err != nil || updated.Name != "renamed" {
		t.Fatalf("update: %v, %+v", err, updated)
	}
	got, err := e.data.readLoginMethod(ctx, e.scope, ids[0])
	if err != nil || got.Name != "renamed" {
		t.Fatalf("read after the write: %v, %+v", err, got)
	}
	if got := e.count(routeList); got != 2 {
		t.Errorf("a read after a write sent %d lists in all, want 2", got)
	}
	// A write in another scope leaves this scope's list alone.
	e.data.wrote(client.ZoneScope(e.emu.ZoneID))
	if _, err := e.data.readLoginMethod(ctx, e.scope, ids[2]); err != nil {
		t.Fatal(err)
	}
	if got := e.count(routeList); got != 2 {
		t.Errorf("a write in another scope caused a new list (%d in all, want 2)", got)
	}
}

// A list that was in flight when the provider wrote may not show the write: it must not be kept.
func TestScopeCache_listInFlightDuringWriteIsNotKept(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 2)
	ctx := t.Context()
	// The write lands after the server answered the list and before the provider has read the answer.
	var once sync.Once
	hook := func(r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/client/v4/"+e.scope.Path()+"/access/identity_providers" {
			return
		}
		once.Do(func() {
			if err := e.emu.Mutate(e.emu.AccountScope(), ids[0], func(p *emulator.IdP) { p.Name = "written" }); err != nil {
				t.Error(err)
			}
			e.data.wrote(e.scope)
		})
	}
	e.afterResponse.Store(&hook)
	if got, err := e.data.readLoginMethod(ctx, e.scope, ids[0]); err != nil || got.Name != "login-0000" {
		t.Fatalf("read racing the write: %v %+v", err, got)
	}
	got, err := e.data.readLoginMethod(ctx, e.scope, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "written" {
		t.Errorf("a read after the write was served from the list fetched before it: name %q", got.Name)
	}
	if n := e.count(routeList); n != 2 {
		t.Errorf("%d lists, want 2 (the one in flight during the write is not reused)", n)
	}
}

func TestScopeCache_failedListFallsBackToGET(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 2)
	e.emu.SetFaults(emulator.FaultConfig{ErrorRate: 1, ErrorStatus: 503, Routes: []string{routeList}})
	got, err := e.data.readLoginMethod(t.Context(), e.scope, ids[1])
	if err != nil || got.ID != ids[1] {
		t.Fatalf("read with a failing list: %v, %+v", err, got)
	}
	if n := e.count(routeGet); n != 1 {
		t.Errorf("%d GETs, want 1 fallback GET", n)
	}
	// A failed list is not cached: once the API answers again, reads come from a list.
	e.emu.SetFaults(emulator.FaultConfig{})
	e.emu.ResetCounts()
	for _, id := range ids {
		if _, err := e.data.readLoginMethod(t.Context(), e.scope, id); err != nil {
			t.Fatal(err)
		}
	}
	if c := e.emu.RequestCounts(); c[routeList] != 1 || c[routeGet] != 0 {
		t.Errorf("after recovery: %v, want one list and no GET", c)
	}
}

func TestScopeCache_missingFromCompleteListIsGone(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 3)
	if !e.emu.Delete(e.emu.AccountScope(), ids[1]) {
		t.Fatal("emulator did not delete")
	}
	_, err := e.data.readLoginMethod(t.Context(), e.scope, ids[1])
	if !isGone(err) || !errors.Is(err, errGone) {
		t.Fatalf("read of a deleted login method: %v, want errGone", err)
	}
	if c := e.emu.RequestCounts(); c[routeList] != 1 || c[routeGet] != 0 {
		t.Errorf("requests %v, want one list and no GET", c)
	}
}

// A list of several pages is no snapshot: a login method can move from a page not yet fetched to one
// already fetched. Absence from it is checked with a GET; presence is served from it.
func TestScopeCache_missingFromMultiPageListIsCheckedWithGET(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, listPerPage+5)
	ctx := t.Context()
	last := ids[len(ids)-1]
	if got, err := e.data.readLoginMethod(ctx, e.scope, last); err != nil || got.ID != last {
		t.Fatalf("read from page 2: %v %+v", err, got)
	}
	if c := e.emu.RequestCounts(); c[routeList] != 2 || c[routeGet] != 0 {
		t.Fatalf("requests %v, want two list pages and no GET", c)
	}
	// Not in the list, but present on the server (created after the list).
	extra, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "late", Type: "saml"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.data.readLoginMethod(ctx, e.scope, extra.ID); err != nil || got.Name != "late" {
		t.Fatalf("read of a login method missing from a multi-page list: %v %+v", err, got)
	}
	if _, err := e.data.readLoginMethod(ctx, e.scope, "00000000-0000-4000-8000-000000000000"); !isGone(err) {
		t.Fatalf("read of an unknown ID: %v, want gone", err)
	}
	if c := e.emu.RequestCounts(); c[routeList] != 2 || c[routeGet] != 2 {
		t.Errorf("requests %v, want two list pages and two GETs", c)
	}
}

func TestScopeCache_listExpires(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 1)
	ctx := t.Context()
	read := func() {
		t.Helper()
		if _, err := e.data.readLoginMethod(ctx, e.scope, ids[0]); err != nil {
			t.Fatal(err)
		}
	}
	read()
	e.clock.advance(listCacheTTL - time.Second)
	read()
	if n := e.count(routeList); n != 1 {
		t.Fatalf("%d lists within the TTL, want 1", n)
	}
	e.clock.advance(2 * time.Second)
	read()
	if n := e.count(routeList); n != 2 {
		t.Errorf("%d lists after the TTL, want 2", n)
	}
}

func TestScopeCache_optOutReadsEachWithGET(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 3)
	e.data.refreshByList = false
	for _, id := range ids {
		if _, err := e.data.readLoginMethod(t.Context(), e.scope, id); err != nil {
			t.Fatal(err)
		}
	}
	if c := e.emu.RequestCounts(); c[routeList] != 0 || c[routeGet] != 3 {
		t.Errorf("requests %v, want three GETs and no list", c)
	}
}

// One reader giving up (Terraform cancels a refresh) must not fail the others waiting on the same list.
func TestScopeCache_cancelledReaderDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 2)
	e.emu.SetFaults(emulator.FaultConfig{Latency: 300 * time.Millisecond, Routes: []string{routeList}})
	first, cancel := context.WithCancel(t.Context())
	var firstErr atomic.Value
	started := make(chan struct{})
	go func() {
		close(started)
		_, err := e.data.cache.list(first, e.data.client, e.scope)
		firstErr.Store(fmt.Sprint(err))
	}()
	<-started
	time.Sleep(50 * time.Millisecond)
	done := make(chan error, 1)
	go func() {
		_, err := e.data.readLoginMethod(t.Context(), e.scope, ids[1])
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("the second reader failed: %v", err)
	}
	if c := e.emu.RequestCounts(); c[routeList] != 1 || c[routeGet] != 0 {
		t.Errorf("requests %v, want one shared list and no GET", c)
	}
}

// The cached list is shared: a caller changing what it got must not change what others get.
func TestScopeCache_readsAreCopies(t *testing.T) {
	t.Parallel()
	e := newReaderEnv(t)
	ids := e.seed(t, 1)
	a, err := e.data.readLoginMethod(t.Context(), e.scope, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	a.Name = "changed"
	a.Config.IssuerURL = "changed"
	b, err := e.data.readLoginMethod(t.Context(), e.scope, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if b.Name == "changed" || b.Config.IssuerURL == "changed" {
		t.Errorf("a change to one read leaked into the cache: %+v", b)
	}
}
