package loginmethod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// Logger receives what the store decides on its own (adopting a login method, skipping a write). The
// provider adapts tflog to it. Fields never hold secrets.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Info(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// Options configure a Store.
type Options struct {
	// RefreshByList serves Get from one list per scope instead of one GET per login method.
	RefreshByList bool
	// Logger receives the store's records; nil means none.
	Logger Logger
	// Now is the clock that ages the lists; nil means time.Now.
	Now func() time.Time
}

// Store reads and writes the login methods of one provider process. It is safe for concurrent use.
type Store struct {
	api    *client.Client
	log    Logger
	byList bool
	lists  *scopeLists
	// handoffs are the answers of creates, each the read of the login method's next change (handoff.go).
	handoffs handoffs
	// locks serialises read-modify-write cycles per login method.
	locks keyedMutex
}

// New returns a store that reaches the API through api.
func New(api *client.Client, opts Options) *Store {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = nopLogger{}
	}
	return &Store{api: api, log: opts.Logger, byList: opts.RefreshByList, lists: newScopeLists(opts.Now)}
}

// createAttempts bounds how often a create whose outcome was unknown, and which turned out not to have
// happened, is sent again. Each unknown outcome costs a list; five attempts make a create fail only when
// five in a row are lost, which at a 10 % fault rate happens once in 100,000 creates.
const createAttempts = 5

// createRetryDelay is the pause before the second attempt of a create; it doubles for each further one.
// A 5xx often means an overloaded API: sending the POST again at once would add to the load.
var createRetryDelay = 250 * time.Millisecond

// lockKey names the lock of one login method.
func lockKey(scope client.Scope, id string) string { return scope.Path() + "/" + id }

// Get reads one login method: from the scope's list when the store reads by list, with one GET
// otherwise or when the list cannot tell (it failed, or it came in several pages and lacks the login
// method). A login method that does not exist is an error for which IsGone is true. The result is the
// caller's own copy.
func (s *Store) Get(ctx context.Context, scope client.Scope, id string) (*client.IdentityProvider, error) {
	if s.byList {
		l, err := s.lists.get(ctx, s.api, scope)
		switch {
		case err != nil:
			s.log.Debug(ctx, "listing the scope failed; reading the login method on its own", map[string]any{"scope": scope.String(), "error": err.Error()})
		case l.has(id):
			return clone(&l.items[l.byID[id]])
		case l.complete:
			return nil, ErrGone
		}
	}
	return s.api.GetIdentityProvider(ctx, scope, id)
}

func (l *scopeList) has(id string) bool { _, ok := l.byID[id]; return ok }

// Find returns copies of the login methods of scope for which match is true, in the API's order. It
// reads the scope's list: the one kept since this process last wrote to the scope when the store
// reads by list, a new one otherwise.
func (s *Store) Find(ctx context.Context, scope client.Scope, match func(*client.IdentityProvider) bool) ([]client.IdentityProvider, error) {
	var l *scopeList
	var err error
	if s.byList {
		l, err = s.lists.get(ctx, s.api, scope)
	} else {
		l, err = fetchList(ctx, s.api, scope)
	}
	if err != nil {
		return nil, err
	}
	var out []client.IdentityProvider
	for i := range l.items {
		if !match(&l.items[i]) {
			continue
		}
		c, err := clone(&l.items[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, nil
}

// Create creates a login method. When the API's answer is lost (a timeout, a dropped connection, a 5xx
// after the write), it looks for the login method by its name and settings in the scope and adopts it,
// instead of creating a second one.
func (s *Store) Create(ctx context.Context, scope client.Scope, want client.IdentityProvider) (*client.IdentityProvider, error) {
	var lastErr error
	for attempt := 1; attempt <= createAttempts; attempt++ {
		created, err := s.api.CreateIdentityProvider(ctx, scope, want)
		s.lists.invalidate(scope)
		if err == nil {
			s.keepCreated(ctx, scope, want, created)
			return created, nil
		}
		if !errors.Is(err, client.ErrOutcomeUnknown) {
			return nil, err
		}
		lastErr = err
		s.log.Warn(ctx, "the create's outcome is unknown; checking whether the login method exists", map[string]any{"attempt": attempt})
		adopted, err := s.findCreated(ctx, scope, want)
		if err != nil {
			return nil, fmt.Errorf("%w; checking whether it was created anyway failed too: %v. Look for a login method "+
				"named %q in the dashboard and import it, or delete it, before applying again", lastErr, err, want.Name)
		}
		if adopted != nil {
			s.log.Info(ctx, "the login method was created although its response was lost; adopting it", map[string]any{"id": adopted.ID})
			return adopted, nil
		}
		if attempt < createAttempts {
			if err := client.SleepContext(ctx, createRetryDelay<<(attempt-1)); err != nil {
				return nil, fmt.Errorf("%w; gave up before trying again: %w", lastErr, err)
			}
		}
	}
	return nil, fmt.Errorf("%w (after %d attempts, none of which created the login method)", lastErr, createAttempts)
}

// keepCreated hands the answer of a create to the login method's next change (the SCIM config's, in the
// same apply) when it shows what was sent and nothing of this process has touched the login method
// since (handoff.go).
func (s *Store) keepCreated(ctx context.Context, scope client.Scope, want client.IdentityProvider, created *client.IdentityProvider) {
	if !confirms(&want, created) {
		s.log.Warn(ctx, "the API's answer to the create differs from what was sent; the next change of the login method reads it first",
			map[string]any{"id": created.ID})
		return
	}
	key := lockKey(scope, created.ID)
	unlock, first := s.locks.lock(key)
	defer unlock()
	if !first {
		return
	}
	if err := s.handoffs.put(key, created); err != nil {
		s.log.Debug(ctx, "the create's answer is not handed on; the next change reads the login method",
			map[string]any{"id": created.ID, "error": err.Error()})
	}
}

// findCreated returns the login method in scope whose name and settings are those just sent, or nil.
// Matching on every owned setting, not only the name, keeps it from adopting an unrelated login method.
func (s *Store) findCreated(ctx context.Context, scope client.Scope, want client.IdentityProvider) (*client.IdentityProvider, error) {
	settings := settingsOf(want)
	matches, err := s.Find(ctx, scope, settings.match)
	switch {
	case err != nil:
		return nil, err
	case len(matches) == 0:
		return nil, nil
	case len(matches) == 1:
		return &matches[0], nil
	}
	return nil, fmt.Errorf("%d login methods named %q with these settings exist (%s); import the right one "+
		"and delete the others", len(matches), want.Name, strings.Join(IDs(matches), ", "))
}

// IDs returns the IDs of login methods, in order.
func IDs(idps []client.IdentityProvider) []string {
	ids := make([]string, len(idps))
	for i, idp := range idps {
		ids[i] = idp.ID
	}
	return ids
}

// Modify is the read-modify-write cycle every change of a login method goes through: under the login
// method's lock it reads the live object, lets mutate change the fields its caller owns, and sends a
// full PUT only when something changed. Fields owned by others (scim_config for the login method, the
// SAML settings for the SCIM config, keys this provider does not know) are sent back as read. An error
// from mutate ends the cycle and is returned as it is.
//
// The read is a GET, or for the first change after this store created the login method, the create's
// answer (handoff.go).
func (s *Store) Modify(ctx context.Context, scope client.Scope, id string, mutate func(*client.IdentityProvider) error) (*client.IdentityProvider, error) {
	key := lockKey(scope, id)
	unlock, _ := s.locks.lock(key)
	defer unlock()

	current := s.handoffs.take(key)
	if current != nil {
		s.log.Debug(ctx, "changing the login method as its create answered; no GET", map[string]any{"id": id})
	} else {
		var err error
		if current, err = s.api.GetIdentityProvider(ctx, scope, id); err != nil {
			return nil, err
		}
	}
	desired, err := clone(current)
	if err != nil {
		return nil, err
	}
	if err := mutate(desired); err != nil {
		return nil, err
	}
	if desired.SCIMConfig != nil {
		desired.SCIMConfig.Secret = "" // read-only; a redacted value must never look like a new secret
	}
	if sameForWrite(current, desired) {
		s.log.Debug(ctx, "login method already as planned; no request sent", map[string]any{"id": id})
		return current, nil
	}
	updated, err := s.api.UpdateIdentityProvider(ctx, scope, id, *desired)
	s.lists.invalidate(scope)
	if err == nil {
		return updated, nil
	}
	if client.IsValidation(err) || client.IsAuth(err) || client.IsNotFound(err) || client.IsConflict(err) {
		return nil, err
	}
	// The update's outcome is unknown: look before trying again.
	live, getErr := s.api.GetIdentityProvider(ctx, scope, id)
	if getErr == nil && applied(current, desired, live) {
		s.log.Info(ctx, "the update was applied although its response was lost", map[string]any{"id": id})
		return live, nil
	}
	return nil, err
}

// Delete deletes a login method under its lock, so it never runs between the read and the write of a
// read-modify-write. A login method that is gone already counts as deleted.
func (s *Store) Delete(ctx context.Context, scope client.Scope, id string) error {
	key := lockKey(scope, id)
	unlock, _ := s.locks.lock(key)
	defer unlock()
	s.handoffs.take(key)
	err := s.api.DeleteIdentityProvider(ctx, scope, id)
	s.lists.invalidate(scope)
	if client.IsNotFound(err) {
		return nil
	}
	return err
}

// RefreshSCIMSecret regenerates the SCIM secret of a login method under the login method's lock, so it
// never runs between the read and the write of a read-modify-write of the same login method.
func (s *Store) RefreshSCIMSecret(ctx context.Context, scope client.Scope, id string) (*client.IdentityProvider, error) {
	key := lockKey(scope, id)
	unlock, _ := s.locks.lock(key)
	defer unlock()
	s.handoffs.take(key)
	refreshed, err := s.api.RefreshSCIMSecret(ctx, scope, id)
	s.lists.invalidate(scope)
	return refreshed, err
}

// applied reports whether live, read after a PUT of desired (built from current) whose answer was lost,
// shows the PUT applied. A setting no read shows (typeFields: the OAuth client secret) is taken as sent
// with the rest of the PUT, which the API applies whole, when the rest shows; a PUT that changed nothing
// else cannot be told applied, so it is not.
func applied(current, desired, live *client.IdentityProvider) bool {
	return sameForWrite(live, desired) || sameEchoed(live, desired) && !sameEchoed(current, desired)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// clone deep-copies through JSON, which also keeps the keys this provider does not know.
func clone(idp *client.IdentityProvider) (*client.IdentityProvider, error) {
	b, err := json.Marshal(idp)
	if err != nil {
		return nil, fmt.Errorf("copying login method %s: %w", idp.ID, err)
	}
	var out client.IdentityProvider
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("copying login method %s: %w", idp.ID, err)
	}
	return &out, nil
}
