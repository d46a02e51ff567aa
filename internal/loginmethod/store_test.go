package loginmethod

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
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

// storeEnv is an emulator, an API client without retries or rate limit, and a store reading by list
// with a fake clock.
type storeEnv struct {
	emu *emulator.TestServer
	// beforeList, when set, runs before a list request is sent; afterResponse after a response arrived
	// and before the client reads it.
	beforeList    atomic.Pointer[func()]
	afterResponse atomic.Pointer[func(*http.Request)]
	// rewrite, when set, may replace a response before the client reads it.
	rewrite atomic.Pointer[func(*http.Request, *http.Response) *http.Response]
	store   *Store
	clock   *fakeClock
	scope   client.Scope
	cert    string
}

func newStoreEnv(t *testing.T) *storeEnv {
	t.Helper()
	emu := emulator.NewTestServer(t, emulator.Options{})
	e := &storeEnv{emu: emu, scope: client.AccountScope(emu.AccountID), cert: newCertPEM(t)}
	listPath := "/client/v4/" + e.scope.Path() + "/access/identity_providers"
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if hook := e.beforeList.Load(); hook != nil && r.Method == http.MethodGet && r.URL.Path == listPath {
			(*hook)()
		}
		resp, err := http.DefaultTransport.RoundTrip(r)
		if hook := e.afterResponse.Load(); hook != nil && err == nil {
			(*hook)(r)
		}
		if hook := e.rewrite.Load(); hook != nil && err == nil {
			resp = (*hook)(r, resp)
		}
		return resp, err
	})}
	api, err := client.New(client.Config{
		BaseURL: emu.APIBaseURL(), APIToken: emu.WriteToken, RateLimitDisabled: true, MaxRetries: -1, HTTPClient: hc,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock = &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e.store = New(api, Options{RefreshByList: true, Now: e.clock.now})
	return e
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// newCertPEM makes a throwaway self-signed certificate.
func newCertPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "IdP"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// seed adds n SAML login methods as if made in the dashboard and returns their IDs.
func (e *storeEnv) seed(t *testing.T, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		idp, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{
			Name: fmt.Sprintf("login-%04d", i), Type: TypeSAML,
			Config: emulator.Config{IssuerURL: fmt.Sprintf("https://idp.example.com/%d", i), SSOTargetURL: "https://idp.example.com/sso",
				IdPPublicCerts: []string{e.cert}},
		})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = idp.ID
	}
	return ids
}

func (e *storeEnv) count(route string) int { return e.emu.RequestCounts()[route] }

// wantRequests checks how many list requests and GETs of one login method the emulator has answered.
func (e *storeEnv) wantRequests(t *testing.T, lists, gets int) {
	t.Helper()
	if c := e.emu.RequestCounts(); c[routeList] != lists || c[routeGet] != gets {
		t.Errorf("requests %v, want %d list requests and %d GETs", c, lists, gets)
	}
}

// holdLists makes every list request wait until the returned release is called, and counts the callers
// that wait for a list on waiting.
func (e *storeEnv) holdLists(callers int) (waiting <-chan struct{}, release func()) {
	w := make(chan struct{}, callers)
	e.store.lists.waiting = func() { w <- struct{}{} }
	gate := make(chan struct{})
	hook := func() { <-gate }
	e.beforeList.Store(&hook)
	var once sync.Once
	return w, func() { once.Do(func() { close(gate) }) }
}

// Readers that arrive while a list is in flight join it: one list for all of them.
func TestStore_concurrentReadsShareOneList(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 40)
	waiting, release := e.holdLists(len(ids))
	defer release()
	var wg sync.WaitGroup
	errs := make([]error, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			idp, err := e.store.Get(t.Context(), e.scope, id)
			switch {
			case err != nil:
				errs[i] = err
			case idp.ID != id || idp.Name != fmt.Sprintf("login-%04d", i) || idp.Config.IssuerURL != fmt.Sprintf("https://idp.example.com/%d", i):
				errs[i] = fmt.Errorf("read %s, got %s (%q, %q)", id, idp.ID, idp.Name, idp.Config.IssuerURL)
			}
		})
	}
	for range ids {
		<-waiting // every reader waits for the one list, which cannot end before they all do
	}
	release()
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

// One reader giving up (Terraform cancels a refresh) must not fail the others waiting on the same list.
func TestStore_cancelledReaderDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 2)
	waiting, release := e.holdLists(2)
	defer release()

	first, cancel := context.WithCancel(t.Context())
	firstErr := make(chan error, 1)
	go func() {
		_, err := e.store.lists.get(first, e.store.api, e.scope)
		firstErr <- err
	}()
	<-waiting // the first reader started the list: it runs with what the first reader's context carries
	second := make(chan error, 1)
	go func() {
		idp, err := e.store.Get(t.Context(), e.scope, ids[1])
		if err == nil && idp.Name != "login-0001" {
			err = fmt.Errorf("read %q, want login-0001", idp.Name)
		}
		second <- err
	}()
	<-waiting // the second reader waits for the same list

	cancel()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled reader got %v, want context.Canceled", err)
	}
	release()
	if err := <-second; err != nil {
		t.Fatalf("the second reader failed: %v", err)
	}
	e.wantRequests(t, 1, 0)
}

func TestStore_writeInvalidates(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 3)
	ctx := t.Context()
	for _, id := range ids[:2] {
		if _, err := e.store.Get(ctx, e.scope, id); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.count(routeList); got != 1 {
		t.Fatalf("two reads sent %d lists, want 1", got)
	}
	// A write through the store drops the list: the next read sees the write.
	updated, err := e.store.Modify(ctx, e.scope, ids[0], func(idp *client.IdentityProvider) error {
		idp.Name = "renamed"
		return nil
	})
	if err != nil || updated.Name != "renamed" {
		t.Fatalf("update: %v, %+v", err, updated)
	}
	got, err := e.store.Get(ctx, e.scope, ids[0])
	if err != nil || got.Name != "renamed" {
		t.Fatalf("read after the write: %v, %+v", err, got)
	}
	if got := e.count(routeList); got != 2 {
		t.Errorf("a read after a write sent %d lists in all, want 2", got)
	}
	// A write in another scope leaves this scope's list alone.
	e.store.lists.invalidate(client.ZoneScope(e.emu.ZoneID))
	if _, err := e.store.Get(ctx, e.scope, ids[2]); err != nil {
		t.Fatal(err)
	}
	if got := e.count(routeList); got != 2 {
		t.Errorf("a write in another scope caused a new list (%d in all, want 2)", got)
	}
}

// A list that was in flight when the store wrote may not show the write: it must not be kept.
func TestStore_listInFlightDuringWriteIsNotKept(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 2)
	ctx := t.Context()
	// The write lands after the server answered the list and before the store has read the answer.
	var once sync.Once
	var hookErr error
	hook := func(r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/client/v4/"+e.scope.Path()+"/access/identity_providers" {
			return
		}
		once.Do(func() {
			hookErr = e.emu.Mutate(e.emu.AccountScope(), ids[0], func(p *emulator.IdP) { p.Name = "written" })
			e.store.lists.invalidate(e.scope)
		})
	}
	e.afterResponse.Store(&hook)
	got, err := e.store.Get(ctx, e.scope, ids[0])
	if hookErr != nil {
		t.Fatal(hookErr)
	}
	if err != nil || got.Name != "login-0000" {
		t.Fatalf("read racing the write: %v %+v", err, got)
	}
	got, err = e.store.Get(ctx, e.scope, ids[0])
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

func TestStore_failedListFallsBackToGET(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 2)
	e.emu.SetFaults(emulator.FaultConfig{ErrorRate: 1, ErrorStatus: 503, Routes: []string{routeList}})
	got, err := e.store.Get(t.Context(), e.scope, ids[1])
	if err != nil || got.ID != ids[1] || got.Name != "login-0001" {
		t.Fatalf("read with a failing list: %v, %+v", err, got)
	}
	if n := e.count(routeGet); n != 1 {
		t.Errorf("%d GETs, want 1 fallback GET", n)
	}
	// A failed list is not kept: once the API answers again, reads come from a list.
	e.emu.SetFaults(emulator.FaultConfig{})
	e.emu.ResetCounts()
	for _, id := range ids {
		if _, err := e.store.Get(t.Context(), e.scope, id); err != nil {
			t.Fatal(err)
		}
	}
	e.wantRequests(t, 1, 0)
}

func TestStore_missingFromCompleteListIsGone(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 3)
	if !e.emu.Delete(e.emu.AccountScope(), ids[1]) {
		t.Fatal("emulator did not delete")
	}
	_, err := e.store.Get(t.Context(), e.scope, ids[1])
	if !IsGone(err) || !errors.Is(err, ErrGone) {
		t.Fatalf("read of a deleted login method: %v, want ErrGone", err)
	}
	e.wantRequests(t, 1, 0)
}

// A list of several pages is no snapshot: a login method can move from a page not yet fetched to one
// already fetched. Absence from it is checked with a GET; presence is served from it.
func TestStore_missingFromMultiPageListIsCheckedWithGET(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, listPerPage+5)
	ctx := t.Context()
	last := ids[len(ids)-1]
	if got, err := e.store.Get(ctx, e.scope, last); err != nil || got.ID != last {
		t.Fatalf("read from page 2: %v %+v", err, got)
	}
	e.wantRequests(t, 2, 0)
	// Not in the list, but present on the server (created after the list).
	extra, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "late", Type: TypeSAML})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.store.Get(ctx, e.scope, extra.ID); err != nil || got.Name != "late" {
		t.Fatalf("read of a login method missing from a multi-page list: %v %+v", err, got)
	}
	if _, err := e.store.Get(ctx, e.scope, "00000000-0000-4000-8000-000000000000"); !IsGone(err) || errors.Is(err, ErrGone) {
		t.Fatalf("read of an unknown ID: %v, want the API's not found", err)
	}
	e.wantRequests(t, 2, 2)
}

func TestStore_listExpires(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 1)
	read := func() {
		t.Helper()
		if _, err := e.store.Get(t.Context(), e.scope, ids[0]); err != nil {
			t.Fatal(err)
		}
	}
	read()
	e.clock.advance(listTTL - time.Second)
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

func TestStore_optOutReadsEachWithGET(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 3)
	e.store.byList = false
	for i, id := range ids {
		idp, err := e.store.Get(t.Context(), e.scope, id)
		if err != nil || idp.Name != fmt.Sprintf("login-%04d", i) {
			t.Fatalf("read %s: %v %+v", id, err, idp)
		}
	}
	e.wantRequests(t, 0, 3)
}

// The kept list is shared: a caller changing what it got must not change what others get.
func TestStore_readsAreCopies(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 1)
	a, err := e.store.Get(t.Context(), e.scope, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	a.Name = "changed"
	a.Config.IssuerURL = "changed"
	found, err := e.store.Find(t.Context(), e.scope, func(*client.IdentityProvider) bool { return true })
	if err != nil || len(found) != 1 {
		t.Fatalf("find: %v %+v", err, found)
	}
	found[0].Name = "changed too"
	b, err := e.store.Get(t.Context(), e.scope, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if b.Name != "login-0000" || b.Config.IssuerURL != "https://idp.example.com/0" {
		t.Errorf("a change to one read leaked into the kept list: %+v", b)
	}
}

// Find filters the scope's list in the API's order, from the list reads share.
func TestStore_findFiltersTheList(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 5)
	if _, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "login-0001", Type: "oidc"}); err != nil {
		t.Fatal(err)
	}
	found, err := e.store.Find(t.Context(), e.scope, func(idp *client.IdentityProvider) bool {
		return idp.Type == TypeSAML && idp.Name >= "login-0002"
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(IDs(found), ","); got != strings.Join(ids[2:], ",") {
		t.Errorf("found %s, want %s", got, strings.Join(ids[2:], ","))
	}
	if _, err := e.store.Get(t.Context(), e.scope, ids[0]); err != nil {
		t.Fatal(err)
	}
	e.wantRequests(t, 1, 0)
}

func samlLoginMethod(name, cert string) client.IdentityProvider {
	return client.IdentityProvider{Name: name, Type: TypeSAML, Config: client.IdentityProviderConfig{
		IssuerURL: "https://idp.example.com/entity", SSOTargetURL: "https://idp.example.com/sso", IDPPublicCerts: []string{cert}}}
}

// A create whose answer is lost after the API made the login method adopts it: one POST, one login method.
func TestStore_createAdoptsALostCreate(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	e.seed(t, 2) // unrelated login methods
	e.emu.SetFaults(emulator.FaultConfig{LostResponseRate: 1, Routes: []string{routeCreate}})
	// The certificate comes back in another form than the one sent: it is compared by DER.
	want := samlLoginMethod("JumpCloud", strings.ReplaceAll(e.cert, "\n", "\r\n"))
	got, err := e.store.Create(t.Context(), e.scope, want)
	if err != nil {
		t.Fatal(err)
	}
	all := e.emu.List(e.emu.AccountScope())
	if len(all) != 3 || got.ID != all[2].ID || got.Name != "JumpCloud" {
		t.Fatalf("adopted %+v; the emulator holds %d login methods", got, len(all))
	}
	if c := e.emu.RequestCounts(); c[routeCreate] != 1 || c[routeList] != 1 {
		t.Errorf("requests %v, want one create and one list", c)
	}
}

// A lost create is never adopted by name alone, and two candidates are an error that names both.
func TestStore_createAdoptsOnlyTheSameSettings(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	other := newCertPEM(t)
	// Same name, another certificate: not the one this create made.
	if _, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: TypeSAML, Config: emulator.Config{
		IssuerURL: "https://idp.example.com/entity", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{other}}}); err != nil {
		t.Fatal(err)
	}
	// The first create fails before the API applies it (a 500: its outcome is unknown), the second one works.
	e.emu.SetFaults(emulator.FaultConfig{ErrorRate: 1, Routes: []string{routeCreate}})
	var creates atomic.Int64
	hook := func(r *http.Request) {
		if r.Method == http.MethodPost && creates.Add(1) == 1 {
			e.emu.SetFaults(emulator.FaultConfig{})
		}
	}
	e.afterResponse.Store(&hook)
	got, err := e.store.Create(t.Context(), e.scope, samlLoginMethod("JumpCloud", e.cert))
	if err != nil {
		t.Fatalf("create after a dropped one: %v", err)
	}
	if c := e.emu.RequestCounts(); c[routeCreate] != 2 || len(e.emu.List(e.emu.AccountScope())) != 2 {
		t.Fatalf("requests %v; want a second create and two login methods", c)
	}

	// Now two login methods have this create's settings: adopting either would be a guess.
	twin, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: TypeSAML, Config: emulator.Config{
		IssuerURL: "https://idp.example.com/entity", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{e.cert}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.store.findCreated(t.Context(), e.scope, samlLoginMethod("JumpCloud", e.cert))
	if err == nil || !strings.Contains(err.Error(), got.ID) || !strings.Contains(err.Error(), twin.ID) {
		t.Errorf("two candidates: %v, want an error naming %s and %s", err, got.ID, twin.ID)
	}
}

// A read-modify-write that changes nothing sends no PUT; one that changes a field keeps every other
// field as the API had it, keys this provider does not know included.
func TestStore_modifyWritesOnlyChanges(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	seeded, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: TypeSAML, Config: emulator.Config{
		IssuerURL: "https://idp.example.com/entity", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{e.cert},
		Other: map[string]any{"saml_certificate_set_id": "set-1"}}})
	if err != nil {
		t.Fatal(err)
	}
	same, err := e.store.Modify(t.Context(), e.scope, seeded.ID, func(idp *client.IdentityProvider) error {
		idp.Name = "JumpCloud"
		return nil
	})
	if err != nil || same.Name != "JumpCloud" || e.count(routePut) != 0 {
		t.Fatalf("unchanged: %v, %d PUTs", err, e.count(routePut))
	}
	if _, err := e.store.Modify(t.Context(), e.scope, seeded.ID, func(idp *client.IdentityProvider) error {
		idp.Config.Attributes = []string{"email"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	live := e.emu.List(e.emu.AccountScope())[0]
	if e.count(routePut) != 1 || strings.Join(live.Config.Attributes, ",") != "email" || live.Config.IssuerURL != "https://idp.example.com/entity" ||
		live.Config.Other["saml_certificate_set_id"] != "set-1" {
		t.Errorf("after one change: %d PUTs, emulator holds %+v", e.count(routePut), live)
	}
	// An error from mutate ends the cycle before any write.
	refuse := errors.New("not this one")
	if _, err := e.store.Modify(t.Context(), e.scope, seeded.ID, func(*client.IdentityProvider) error { return refuse }); !errors.Is(err, refuse) {
		t.Errorf("mutate's error came back as %v", err)
	}
	if e.count(routePut) != 1 {
		t.Errorf("%d PUTs after a refused change, want 1", e.count(routePut))
	}
}

// Deleting a login method that is gone already succeeds, and the next read knows it is gone.
func TestStore_deleteIsDoneOnceGone(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	ids := e.seed(t, 2)
	if _, err := e.store.Get(t.Context(), e.scope, ids[0]); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := e.store.Delete(t.Context(), e.scope, ids[0]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.store.Get(t.Context(), e.scope, ids[0]); !errors.Is(err, ErrGone) {
		t.Errorf("read after the delete: %v, want ErrGone from a new list", err)
	}
	if c := e.emu.RequestCounts(); c[routeDelete] != 2 || c[routeList] != 2 {
		t.Errorf("requests %v, want two deletes and a second list", c)
	}
}
