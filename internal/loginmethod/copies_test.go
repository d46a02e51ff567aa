package loginmethod

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// enableSCIM is the change zerotrust_scim_config makes.
func enableSCIM(behavior string) func(*client.IdentityProvider) error {
	return func(idp *client.IdentityProvider) error {
		if idp.SCIMConfig == nil {
			idp.SCIMConfig = &client.SCIMConfig{}
		}
		idp.SCIMConfig.Enabled, idp.SCIMConfig.UserDeprovision, idp.SCIMConfig.IdentityUpdateBehavior = true, true, behavior
		return nil
	}
}

// create makes a login method through the store, as zerotrust_saml_login_method does.
func (e *storeEnv) create(t *testing.T, name string) *client.IdentityProvider {
	t.Helper()
	want := samlLoginMethod(name, e.cert)
	want.Config.Attributes = []string{"email"}
	created, err := e.store.Create(t.Context(), e.scope, want)
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// live is the login method as the emulator holds it.
func (e *storeEnv) live(t *testing.T, id string) emulator.IdP {
	t.Helper()
	idp, ok := e.emu.Get(e.emu.AccountScope(), id)
	if !ok {
		t.Fatalf("the emulator has no login method %s", id)
	}
	return idp
}

// changeInDashboard changes the login method behind the provider's back.
func (e *storeEnv) changeInDashboard(t *testing.T, id string) {
	t.Helper()
	if err := e.emu.Mutate(e.emu.AccountScope(), id, func(p *emulator.IdP) { p.Config.EmailAttributeName = "from-the-dashboard" }); err != nil {
		t.Fatal(err)
	}
}

// wantReadBeforeChange changes the login method in the dashboard, then through the store, and checks that
// the store read it first (one GET), so the dashboard's change and the login method's name are kept.
func (e *storeEnv) wantReadBeforeChange(t *testing.T, id string) {
	t.Helper()
	e.changeInDashboard(t, id)
	gets := e.count(routeGet)
	if _, err := e.store.Modify(t.Context(), e.scope, id, enableSCIM(client.IdentityUpdateAutomatic)); err != nil {
		t.Fatal(err)
	}
	if got := e.count(routeGet) - gets; got != 1 {
		t.Errorf("the change sent %d GETs, want 1: it did not read the login method first", got)
	}
	live := e.live(t, id)
	if live.Name != "JumpCloud" || live.Config.EmailAttributeName != "from-the-dashboard" || live.SCIMConfig.IdentityUpdateBehavior != client.IdentityUpdateAutomatic {
		t.Errorf("emulator holds %q with email_attribute_name %q, SCIM %+v: a stale copy was written back",
			live.Name, live.Config.EmailAttributeName, live.SCIMConfig)
	}
}

// rewriteAnswers changes the result of every answer to method before the client reads it.
func (e *storeEnv) rewriteAnswers(method string, change func(result map[string]any)) {
	hook := func(r *http.Request, resp *http.Response) *http.Response {
		if r.Method != method {
			return resp
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		var env map[string]any
		if err == nil && json.Unmarshal(body, &env) == nil {
			if result, ok := env["result"].(map[string]any); ok {
				change(result)
				if b, err := json.Marshal(env); err == nil {
					body = b
				}
			}
		}
		resp.Body, resp.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp.Header.Del("Content-Length")
		return resp
	}
	e.rewrite.Store(&hook)
}

// wantRoutes checks every request the emulator answered, by route.
func (e *storeEnv) wantRoutes(t *testing.T, want map[string]int) {
	t.Helper()
	got := e.emu.RequestCounts()
	for route, n := range got {
		if n != want[route] {
			t.Errorf("%d × %s, want %d (all requests: %v)", n, route, want[route], got)
		}
	}
	for route, n := range want {
		if _, ok := got[route]; !ok && n != 0 {
			t.Errorf("0 × %s, want %d (all requests: %v)", route, n, got)
		}
	}
}

// A login method and its SCIM config cost two requests: the SCIM config's read-modify-write changes the
// object the create answered with, and the PUT keeps every setting of the login method.
func TestStore_createThenSCIMIsTwoRequests(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	created := e.create(t, "JumpCloud")
	updated, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth))
	if err != nil {
		t.Fatal(err)
	}
	e.wantRoutes(t, map[string]int{routeCreate: 1, routePut: 1})

	live := e.live(t, created.ID)
	if live.Name != "JumpCloud" || live.Config.IssuerURL != "https://idp.example.com/entity" || live.Config.SSOTargetURL != "https://idp.example.com/sso" ||
		!slices.Equal(live.Config.Attributes, []string{"email"}) || !slices.Equal(live.Config.IdPPublicCerts, []string{e.cert}) {
		t.Errorf("the SCIM config's PUT changed the login method's settings: %+v", live.Config)
	}
	if want := (emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: client.IdentityUpdateReauth}); live.SCIMConfig != want {
		t.Errorf("emulator holds SCIM %+v, want %+v", live.SCIMConfig, want)
	}
	secret, _ := e.emu.SCIMSecret(e.emu.AccountScope(), created.ID)
	if updated.SCIMConfig == nil || !updated.SCIMConfig.SecretAvailable() || updated.SCIMConfig.Secret != secret {
		t.Errorf("the PUT that enabled SCIM did not hand back the emulator's secret")
	}
	// The copy serves writes only: it never keeps the plaintext secret.
	if k := e.store.copies.m[copyKey{e.scope, created.ID}]; k == nil || k.idp == nil || k.idp.SCIMConfig.Secret != "" {
		t.Errorf("the store keeps %+v, want the PUT's answer without the secret", k)
	}

	// The next change starts from the PUT's answer: one more request.
	if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateAutomatic)); err != nil {
		t.Fatal(err)
	}
	e.wantRoutes(t, map[string]int{routeCreate: 1, routePut: 2})
	if got := e.live(t, created.ID).SCIMConfig.IdentityUpdateBehavior; got != client.IdentityUpdateAutomatic {
		t.Errorf("identity_update_behavior %q after the second change, want automatic", got)
	}
}

// After a write that failed, whatever the failure, the store does not know the login method any more:
// the next change reads it, and so keeps a change made in the dashboard in between.
func TestStore_noCopyAfterAFailedWrite(t *testing.T) {
	t.Parallel()
	refuse := func(idp *client.IdentityProvider) error { // seat_deprovision without user_deprovision: 400
		idp.SCIMConfig = &client.SCIMConfig{SeatDeprovision: true}
		return nil
	}
	addGroups := func(idp *client.IdentityProvider) error {
		idp.Config.Attributes = []string{"email", "groups"}
		return nil
	}
	for _, tc := range []struct {
		name    string
		faults  emulator.FaultConfig
		change  func(*client.IdentityProvider) error
		wantErr func(error) bool
	}{
		{"5xx, not applied", emulator.FaultConfig{ErrorRate: 1, ErrorStatus: 503, Routes: []string{routePut}}, addGroups,
			func(err error) bool { return err != nil && !client.IsValidation(err) }},
		{"answer lost after the write", emulator.FaultConfig{LostResponseRate: 1, Routes: []string{routePut}}, addGroups,
			func(err error) bool { return err == nil }},
		{"connection dropped", emulator.FaultConfig{DropRate: 1, Routes: []string{routePut}}, addGroups,
			func(err error) bool { return err != nil }},
		{"conflict", emulator.FaultConfig{ConflictRate: 1, Routes: []string{routePut}}, addGroups, client.IsConflict},
		{"refused as invalid", emulator.FaultConfig{}, refuse, client.IsValidation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			created := e.create(t, "JumpCloud")
			e.emu.SetFaults(tc.faults)
			_, err := e.store.Modify(t.Context(), e.scope, created.ID, tc.change)
			if !tc.wantErr(err) {
				t.Fatalf("the failing write returned %v", err)
			}
			e.emu.SetFaults(emulator.FaultConfig{})
			e.wantReadBeforeChange(t, created.ID)
		})
	}
}

// A copy is dropped when the store lets go of it (secret refreshed, deleted, too old) or when the API's
// answer did not show what was written; the next change reads the login method.
func TestStore_noCopyAfterInvalidation(t *testing.T) {
	t.Parallel()
	renameInAnswer := func(result map[string]any) { result["name"] = "normalised by the server" }
	for _, tc := range []struct {
		name string
		// invalidate runs after the login method was created (and, with written, changed once).
		invalidate func(t *testing.T, e *storeEnv, id string)
		written    bool
	}{
		{"SCIM secret refreshed", func(t *testing.T, e *storeEnv, id string) {
			if _, err := e.store.RefreshSCIMSecret(t.Context(), e.scope, id); err != nil {
				t.Fatal(err)
			}
		}, true},
		{"older than copyMaxAge", func(t *testing.T, e *storeEnv, id string) { e.clock.advance(copyMaxAge + 1) }, true},
		{"the create's answer shows another name", func(t *testing.T, e *storeEnv, id string) {}, false},
		{"the update's answer shows another name", func(t *testing.T, e *storeEnv, id string) {}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			if strings.Contains(tc.name, "create's answer") {
				e.rewriteAnswers(http.MethodPost, renameInAnswer)
			}
			created := e.create(t, "JumpCloud")
			e.rewrite.Store(nil)
			if tc.written {
				if strings.Contains(tc.name, "update's answer") {
					e.rewriteAnswers(http.MethodPut, renameInAnswer)
				}
				if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth)); err != nil {
					t.Fatal(err)
				}
				e.rewrite.Store(nil)
			}
			tc.invalidate(t, e, created.ID)
			e.wantReadBeforeChange(t, created.ID)
		})
	}
}

// A deleted login method is not changed from its copy: the change reads it, finds it gone and writes
// nothing.
func TestStore_noCopyAfterDelete(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	created := e.create(t, "JumpCloud")
	if err := e.store.Delete(t.Context(), e.scope, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth)); !IsGone(err) {
		t.Fatalf("changing a deleted login method: %v, want not found", err)
	}
	e.wantRoutes(t, map[string]int{routeCreate: 1, routeDelete: 1, routeGet: 1})
}

// A change made elsewhere that a read of this process shows (a refresh by list, a data source's list, a
// GET) drops the copy, and so does a complete list without the login method; a read that shows the login
// method as the copy does keeps it.
func TestStore_readsDropCopiesTheyContradict(t *testing.T) {
	t.Parallel()
	find := func(t *testing.T, e *storeEnv, id string) {
		if _, err := e.store.Find(t.Context(), e.scope, func(*client.IdentityProvider) bool { return true }); err != nil {
			t.Fatal(err)
		}
	}
	get := func(t *testing.T, e *storeEnv, id string) {
		if _, err := e.store.Get(t.Context(), e.scope, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		byList  bool
		read    func(t *testing.T, e *storeEnv, id string)
		outside bool // change it in the dashboard before the read
	}{
		{"refresh by list", true, get, true},
		{"refresh by GET", false, get, true},
		{"data source's list", true, find, true},
		{"list without the store's list cache", false, find, true},
		{"refresh by list, nothing changed", true, get, false},
		{"refresh by GET, nothing changed", false, get, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			e.store.byList = tc.byList
			created := e.create(t, "JumpCloud")
			if tc.outside {
				e.changeInDashboard(t, created.ID)
			}
			tc.read(t, e, created.ID)

			gets := e.count(routeGet)
			if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth)); err != nil {
				t.Fatal(err)
			}
			wantGets := 0
			if tc.outside {
				wantGets = 1
			}
			if got := e.count(routeGet) - gets; got != wantGets {
				t.Errorf("the change after the read sent %d GETs, want %d", got, wantGets)
			}
			if live := e.live(t, created.ID); tc.outside && live.Config.EmailAttributeName != "from-the-dashboard" {
				t.Errorf("the dashboard's change, seen by a read, was reverted: email_attribute_name %q", live.Config.EmailAttributeName)
			}
		})
	}

	// The read cannot be ordered with the write in flight, so the write's answer is not kept either.
	t.Run("a read while the write is in flight", func(t *testing.T) {
		t.Parallel()
		e := newStoreEnv(t)
		created := e.create(t, "JumpCloud")
		var once sync.Once
		var hookErr error
		hook := func(r *http.Request) {
			if r.Method != http.MethodPut {
				return
			}
			once.Do(func() {
				// The PUT is applied and answered; before the store reads the answer, the login method
				// changes in the dashboard and a refresh lists it.
				if hookErr = e.emu.Mutate(e.emu.AccountScope(), created.ID, func(p *emulator.IdP) { p.Config.EmailAttributeName = "from-the-dashboard" }); hookErr == nil {
					_, hookErr = e.store.Get(t.Context(), e.scope, created.ID)
				}
			})
		}
		e.afterResponse.Store(&hook)
		if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth)); err != nil {
			t.Fatal(err)
		}
		if hookErr != nil {
			t.Fatal(hookErr)
		}
		e.afterResponse.Store(nil)
		if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateAutomatic)); err != nil {
			t.Fatal(err)
		}
		e.wantRoutes(t, map[string]int{routeCreate: 1, routeList: 1, routeGet: 1, routePut: 2})
		if live := e.live(t, created.ID); live.Config.EmailAttributeName != "from-the-dashboard" {
			t.Errorf("the dashboard's change, seen by a read during the write, was reverted: email_attribute_name %q", live.Config.EmailAttributeName)
		}
	})

	t.Run("deleted elsewhere, complete list", func(t *testing.T) {
		t.Parallel()
		e := newStoreEnv(t)
		created := e.create(t, "JumpCloud")
		if !e.emu.Delete(e.emu.AccountScope(), created.ID) {
			t.Fatal("emulator did not delete")
		}
		if _, err := e.store.Get(t.Context(), e.scope, created.ID); !errors.Is(err, ErrGone) {
			t.Fatalf("read: %v, want ErrGone", err)
		}
		if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateReauth)); !IsGone(err) {
			t.Fatalf("change: %v, want not found", err)
		}
		e.wantRoutes(t, map[string]int{routeCreate: 1, routeList: 1, routeGet: 1})
	})
}

// Changes of one login method by the SAML and the SCIM resource at the same time are all kept: the lock
// orders them, and each starts from the answer to the one before.
func TestStore_concurrentChangesOfOneLoginMethodAreAllKept(t *testing.T) {
	t.Parallel()
	const attrs = 8
	for _, createdHere := range []bool{true, false} {
		t.Run(fmt.Sprintf("created by this store: %t", createdHere), func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			var id string
			if createdHere {
				id = e.create(t, "JumpCloud").ID
			} else {
				id = e.seed(t, 1)[0]
			}
			e.emu.ResetCounts()

			changes := []func(*client.IdentityProvider) error{
				enableSCIM(client.IdentityUpdateReauth),
				func(idp *client.IdentityProvider) error { idp.Config.EmailAttributeName = "mail"; return nil },
			}
			var wantAttrs []string
			for i := range attrs {
				attr := fmt.Sprintf("attr-%d", i)
				wantAttrs = append(wantAttrs, attr)
				changes = append(changes, func(idp *client.IdentityProvider) error {
					idp.Config.Attributes = append(idp.Config.Attributes, attr)
					return nil
				})
			}
			start := make(chan struct{})
			errs := make([]error, len(changes))
			var wg sync.WaitGroup
			for i, change := range changes {
				wg.Go(func() {
					<-start
					_, errs[i] = e.store.Modify(t.Context(), e.scope, id, change)
				})
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}

			live := e.live(t, id)
			got := slices.DeleteFunc(slices.Clone(live.Config.Attributes), func(a string) bool { return a == "email" })
			slices.Sort(got)
			if !slices.Equal(got, wantAttrs) || live.Config.EmailAttributeName != "mail" || !live.SCIMConfig.Enabled ||
				live.SCIMConfig.IdentityUpdateBehavior != client.IdentityUpdateReauth {
				t.Errorf("after %d concurrent changes the emulator holds attributes %v, email %q, SCIM %+v: a change was lost",
					len(changes), live.Config.Attributes, live.Config.EmailAttributeName, live.SCIMConfig)
			}
			wantGets := 1
			if createdHere {
				wantGets = 0
			}
			e.wantRoutes(t, map[string]int{routeGet: wantGets, routePut: len(changes)})
		})
	}
}

// The answer of a create never replaces what the store learned of the login method since: another
// caller may have adopted it and written to it first.
func TestCopies_createAnswerDoesNotReplaceLaterKnowledge(t *testing.T) {
	c := newCopies((&fakeClock{}).now)
	scope := client.AccountScope("acc")
	created := &client.IdentityProvider{ID: "a", Name: "as created"}
	written := &client.IdentityProvider{ID: "a", Name: "as written later"}

	c.record(scope, "a", written, 0)
	c.recordCreated(scope, "a", created)
	if got, _, _ := c.take(scope, "a"); got == nil || got.Name != "as written later" {
		t.Errorf("after a later write, the copy is %+v", got)
	}
	c.forget(scope, "a")
	c.recordCreated(scope, "a", created)
	if got, _, _ := c.take(scope, "a"); got != nil {
		t.Errorf("after a drop, the create's answer came back as the copy: %+v", got)
	}
	// A read-modify-write records only if nothing was dropped since it took the copy.
	_, epoch, _ := c.take(scope, "a")
	c.forget(scope, "a")
	c.record(scope, "a", written, epoch)
	if got, _, _ := c.take(scope, "a"); got != nil {
		t.Errorf("an answer taken before a drop was kept: %+v", got)
	}
}
