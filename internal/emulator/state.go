package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
)

// stateVersion is the format version of State.
const stateVersion = 1

// State is the emulator's whole state: what the state file holds and what
// GET/POST /__emulator/state exchange. IdPs appear in creation order. It
// contains SCIM secrets in plaintext: it is test and demo data.
type State struct {
	Version           int        `json:"version"`
	IdentityProviders []StateIdP `json:"identity_providers"`
}

// StateIdP is one identity provider with the state the server owns.
type StateIdP struct {
	Scope            Scope           `json:"scope"`
	IdP              IdP             `json:"idp"`
	SCIMSecret       string          `json:"scim_secret,omitempty"`
	SCIMPopulationID string          `json:"scim_population_id,omitempty"`
	SCIMUsers        []*SCIMResource `json:"scim_users,omitempty"`
	SCIMGroups       []*SCIMResource `json:"scim_groups,omitempty"`
}

// Snapshot returns a deep copy of the state.
func (s *Server) Snapshot() State {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snapshotLocked()
}

func (s *Server) snapshotLocked() State {
	st := State{Version: stateVersion, IdentityProviders: []StateIdP{}}
	for _, rec := range s.records {
		st.IdentityProviders = append(st.IdentityProviders, StateIdP{
			Scope: rec.scope, IdP: rec.idp.clone(), SCIMSecret: rec.secret, SCIMPopulationID: rec.populationID,
			SCIMUsers: cloneResources(rec.users), SCIMGroups: cloneResources(rec.groups),
		})
	}
	return st
}

func cloneResources(in []*SCIMResource) []*SCIMResource {
	out := make([]*SCIMResource, 0, len(in))
	for _, r := range in {
		c := *r
		c.Attributes = deepCopyMap(r.Attributes)
		out = append(out, &c)
	}
	return out
}

// Restore replaces the whole state (and rewrites the state file).
func (s *Server) Restore(st State) error {
	if st.Version != stateVersion {
		return fmt.Errorf("state version %d is not supported (want %d)", st.Version, stateVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.restoreLocked(st); err != nil {
		return err
	}
	if aerr := s.persistLocked(); aerr != nil {
		return errors.New(aerr.message)
	}
	return nil
}

func (s *Server) restoreLocked(st State) error {
	var records []*record
	seen := map[string]bool{}
	for i, e := range st.IdentityProviders {
		if e.IdP.ID == "" {
			return fmt.Errorf("identity provider %d has no id", i)
		}
		if e.Scope.Kind != ScopeAccounts && e.Scope.Kind != ScopeZones {
			return fmt.Errorf("identity provider %s has an invalid scope %q", e.IdP.ID, e.Scope)
		}
		key := recordKey(e.Scope, e.IdP.ID)
		if seen[key] {
			return fmt.Errorf("identity provider %s appears twice", key)
		}
		seen[key] = true
		if e.SCIMSecret != "" && e.SCIMPopulationID == "" {
			return fmt.Errorf("identity provider %s has a SCIM secret but no population", key)
		}
		records = append(records, &record{
			scope: e.Scope, idp: e.IdP.clone(), secret: e.SCIMSecret, populationID: e.SCIMPopulationID,
			users: cloneResources(e.SCIMUsers), groups: cloneResources(e.SCIMGroups),
		})
	}
	s.records = nil
	clear(s.byKey)
	clear(s.byPopulation)
	for _, rec := range records {
		s.insertLocked(rec)
	}
	return nil
}

func (s *Server) loadStateFile(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading state file: %w", err)
	}
	var st State
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("decoding state file %s: %w", path, err)
	}
	if st.Version != stateVersion {
		return fmt.Errorf("state file %s has version %d, want %d", path, st.Version, stateVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.restoreLocked(st); err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	return nil
}

// persistLocked writes the state file, if any, atomically: a temporary file in
// the same directory, synced, then renamed over the old one. Callers hold s.mu
// for writing, so snapshots reach the disk in order.
func (s *Server) persistLocked() *apiError {
	if s.opts.StateFile == "" {
		return nil
	}
	if err := writeFileAtomic(s.opts.StateFile, s.snapshotLocked()); err != nil {
		return newAPIError(http.StatusInternalServerError, codeInternal, msgInternal+": "+err.Error())
	}
	return nil
}

func writeFileAtomic(path string, st State) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing state file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("syncing state file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing state file: %w", err)
	}
	return nil
}

// ErrNotFound is returned by the control methods for an unknown IdP.
var ErrNotFound = errors.New("emulator: identity provider not found")

// Seed adds an identity provider directly, as if made in the dashboard: no
// validation, so tests can create states the API would refuse (for example
// ReadOnly IdPs). An empty ID gets a fresh UUID; an existing ID in the same
// scope is replaced (see PutRaw). If SCIM is enabled a secret is issued; read
// it with SCIMSecret.
func (s *Server) Seed(sc Scope, p IdP) (IdP, error) {
	if sc.Kind != ScopeAccounts && sc.Kind != ScopeZones {
		return IdP{}, fmt.Errorf("emulator: invalid scope %q", sc)
	}
	if p.ID == "" {
		p.ID = newUUID()
	}
	return s.PutRaw(sc, p)
}

// PutRaw inserts or replaces an identity provider by scope and ID without
// validation. A replaced IdP keeps its SCIM secret, population, users and
// groups.
func (s *Server) PutRaw(sc Scope, p IdP) (IdP, error) {
	if p.ID == "" {
		return IdP{}, errors.New("emulator: PutRaw needs an IdP ID")
	}
	p = p.clone()
	p.Config.liftClientSecret()
	if p.SCIMConfig.IdentityUpdateBehavior == "" {
		p.SCIMConfig.IdentityUpdateBehavior = DefaultIdentityUpdateBehavior
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.byKey[recordKey(sc, p.ID)]
	if rec == nil {
		rec = &record{scope: sc}
		rec.idp = p
		s.insertLocked(rec)
	} else {
		rec.idp = p
	}
	if p.SCIMConfig.Enabled && rec.secret == "" {
		s.issueSecretLocked(rec)
	}
	if aerr := s.persistLocked(); aerr != nil {
		return IdP{}, errors.New(aerr.message)
	}
	return rec.idp.clone(), nil
}

// Get returns an identity provider.
func (s *Server) Get(sc Scope, id string) (IdP, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.byKey[recordKey(sc, id)]
	if rec == nil {
		return IdP{}, false
	}
	return rec.idp.clone(), true
}

// List returns the identity providers of a scope in creation order.
func (s *Server) List(sc Scope) []IdP {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []IdP
	for _, rec := range s.records {
		if rec.scope == sc {
			out = append(out, rec.idp.clone())
		}
	}
	return out
}

// Delete removes an identity provider, as if deleted in the dashboard (also
// read-only ones). It reports whether it existed.
func (s *Server) Delete(sc Scope, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.byKey[recordKey(sc, id)]
	if rec == nil {
		return false
	}
	s.removeLocked(rec)
	_ = s.persistLocked() // the in-memory change stands; a test sees disk errors on the next API write
	return true
}

// Mutate changes an identity provider in place, as if edited in the
// dashboard. fn gets a copy; its ID cannot be changed. Enabling SCIM for the
// first time issues a secret.
func (s *Server) Mutate(sc Scope, id string, fn func(*IdP)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.byKey[recordKey(sc, id)]
	if rec == nil {
		return ErrNotFound
	}
	p := rec.idp.clone()
	fn(&p)
	p.Config.liftClientSecret()
	p.ID = rec.idp.ID
	rec.idp = p
	if p.SCIMConfig.Enabled && rec.secret == "" {
		s.issueSecretLocked(rec)
	}
	if aerr := s.persistLocked(); aerr != nil {
		return errors.New(aerr.message)
	}
	return nil
}

// SCIMSecret returns the current plaintext SCIM secret of an IdP ("" and false
// if it has none).
func (s *Server) SCIMSecret(sc Scope, id string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.byKey[recordKey(sc, id)]
	if rec == nil || rec.secret == "" {
		return "", false
	}
	return rec.secret, true
}

// SCIMBaseURL returns the scim_base_url the API shows for an IdP.
func (s *Server) SCIMBaseURL(sc Scope, id string) (string, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.byKey[recordKey(sc, id)]
	if rec == nil || rec.populationID == "" {
		return "", false
	}
	return s.scimBaseURL(rec.populationID), true
}

// SCIMUsers and SCIMGroups return copies of what the SCIM service holds.
func (s *Server) SCIMUsers(sc Scope, id string) []*SCIMResource {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rec := s.byKey[recordKey(sc, id)]; rec != nil {
		return cloneResources(rec.users)
	}
	return nil
}

// SCIMGroups: see SCIMUsers.
func (s *Server) SCIMGroups(sc Scope, id string) []*SCIMResource {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if rec := s.byKey[recordKey(sc, id)]; rec != nil {
		return cloneResources(rec.groups)
	}
	return nil
}
