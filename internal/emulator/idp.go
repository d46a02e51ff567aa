package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
)

// wireIdP is an identity provider as the API sends it.
type wireIdP struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Config     map[string]any `json:"config"`
	SCIMConfig wireSCIMConfig `json:"scim_config"`
	ReadOnly   bool           `json:"read_only,omitempty"` // only on read-only IdPs: see CONTRACT.md
}

type wireSCIMConfig struct {
	Enabled                bool   `json:"enabled"`
	UserDeprovision        bool   `json:"user_deprovision"`
	SeatDeprovision        bool   `json:"seat_deprovision"`
	IdentityUpdateBehavior string `json:"identity_update_behavior"`
	SCIMBaseURL            string `json:"scim_base_url,omitempty"`
	Secret                 string `json:"secret,omitempty"`
}

// render builds the wire form of rec. The plaintext secret is shown only when
// showSecret is set (the response that created or refreshed it). Which fields
// appear follows CONTRACT.md ("Which fields a response carries"): those the
// official provider's schema marks Computed always, the Optional-only ones
// only when they were set. Callers hold s.mu.
func (s *Server) render(rec *record, showSecret bool) wireIdP {
	p := rec.idp
	cfg := deepCopyMap(p.Config.Other)
	if cfg == nil {
		cfg = map[string]any{}
	}
	delete(cfg, "client_secret") // never shown: Config.ClientSecret holds it, and a seed's Other cannot show it either
	if p.Type == "saml" {
		cfg["issuer_url"] = p.Config.IssuerURL
		cfg["sso_target_url"] = p.Config.SSOTargetURL
		cfg["idp_public_certs"] = append([]string{}, p.Config.IdPPublicCerts...)
		if p.Config.SignRequest != nil {
			cfg["sign_request"] = *p.Config.SignRequest
		}
		if p.Config.Attributes != nil {
			cfg["attributes"] = append([]string{}, p.Config.Attributes...)
		}
		if p.Config.EmailAttributeName != "" {
			cfg["email_attribute_name"] = p.Config.EmailAttributeName
		}
		if p.Config.HeaderAttributes != nil {
			cfg["header_attributes"] = append([]HeaderAttribute{}, p.Config.HeaderAttributes...)
		}
	}
	cfg["redirect_url"] = "https://" + s.opts.TeamDomain + ".cloudflareaccess.com/cdn-cgi/access/callback"
	behavior := p.SCIMConfig.IdentityUpdateBehavior
	if behavior == "" {
		behavior = DefaultIdentityUpdateBehavior
	}
	w := wireIdP{
		ID: p.ID, Name: p.Name, Type: p.Type, Config: cfg, ReadOnly: p.ReadOnly,
		SCIMConfig: wireSCIMConfig{
			Enabled:                p.SCIMConfig.Enabled,
			UserDeprovision:        p.SCIMConfig.UserDeprovision,
			SeatDeprovision:        p.SCIMConfig.SeatDeprovision,
			IdentityUpdateBehavior: behavior,
		},
	}
	if rec.secret != "" {
		w.SCIMConfig.SCIMBaseURL = s.scimBaseURL(rec.populationID)
		w.SCIMConfig.Secret = RedactedSecret
		if showSecret {
			w.SCIMConfig.Secret = rec.secret
		}
	}
	return w
}

// scimBaseURL is where the SCIM service of a population is reachable. Callers
// hold s.mu.
func (s *Server) scimBaseURL(populationID string) string {
	base := s.opts.PublicSCIMBase
	if base == "" {
		base = s.baseURL
	}
	if base == "" {
		base = "https://" + s.opts.TeamDomain + ".cloudflareaccess.com"
	}
	return base + scimPrefix + populationID + "/scim/v2"
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request, sc Scope) {
	q := r.URL.Query()
	page, perPage, aerr := pageParams(q.Get("page"), q.Get("per_page"), DefaultIdPPerPage, MaxIdPPerPage)
	if aerr != nil {
		aerr.write(w)
		return
	}
	var onlySCIM bool
	switch v := q.Get("scim_enabled"); v {
	case "", "false":
	case "true":
		onlySCIM = true
	default:
		invalidRequest("scim_enabled must be true or false, got %q", v).write(w)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*record
	for _, rec := range s.records {
		if rec.scope == sc && (!onlySCIM || rec.idp.SCIMConfig.Enabled) {
			all = append(all, rec)
		}
	}
	items, info := paginate(all, page, perPage)
	out := make([]wireIdP, 0, len(items))
	for _, rec := range items {
		out = append(out, s.render(rec, false))
	}
	writeResult(w, http.StatusOK, out, info)
}

// pageParams parses page and per_page. Values outside the documented bounds
// are refused with 400/12130 (assumed: Cloudflare's behaviour for them is not
// documented; refusing keeps clients honest).
func pageParams(pageStr, perPageStr string, def, max int) (int, int, *apiError) {
	page, perPage := 1, def
	if pageStr != "" {
		n, err := strconv.Atoi(pageStr)
		if err != nil || n < 1 {
			return 0, 0, invalidRequest("page must be a positive integer, got %q", pageStr)
		}
		page = n
	}
	if perPageStr != "" {
		n, err := strconv.Atoi(perPageStr)
		if err != nil || n < 1 || n > max {
			return 0, 0, invalidRequest("per_page must be an integer from 1 to %d, got %q", max, perPageStr)
		}
		perPage = n
	}
	return page, perPage, nil
}

// paginate cuts one page out of items. A page past the end is empty, not an error.
func paginate[T any](items []T, page, perPage int) ([]T, *resultInfo) {
	total := len(items)
	start := (page - 1) * perPage
	if start > total {
		start = total
	}
	end := min(start+perPage, total)
	return items[start:end], &resultInfo{
		Page: page, PerPage: perPage, Count: end - start, TotalCount: total,
		TotalPages: (total + perPage - 1) / perPage,
	}
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request, sc Scope) {
	body, aerr := readBody(w, r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	p, aerr := parseIdP(body, nil)
	if aerr != nil {
		aerr.write(w)
		return
	}
	p.ID = newUUID()
	rec := &record{scope: sc, idp: p}
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := rec.idp.SCIMConfig.Enabled
	if fresh {
		s.issueSecretLocked(rec)
	}
	s.insertLocked(rec)
	if aerr := s.persistLocked(); aerr != nil {
		aerr.write(w)
		return
	}
	writeResult(w, http.StatusCreated, s.render(rec, fresh), nil)
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, sc Scope) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.pathRecordLocked(w, r, sc)
	if rec == nil {
		return
	}
	writeResult(w, http.StatusOK, s.render(rec, false), nil)
}

// handleUpdate is a full replace: writable fields not sent are cleared; the
// server-owned id, redirect_url, scim_base_url and secret are kept, and so is the
// write-only client secret unless the body sets a new one.
func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request, sc Scope) {
	body, aerr := readBody(w, r)
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableRecordLocked(w, r, sc)
	if rec == nil {
		return
	}
	p, aerr := parseIdP(body, &rec.idp)
	if aerr != nil {
		aerr.write(w)
		return
	}
	p.ID, p.ReadOnly = rec.idp.ID, rec.idp.ReadOnly
	rec.idp = p
	// The secret is shown in plaintext only by the request that first
	// enables SCIM; re-enabling keeps the existing secret and redacts it.
	fresh := p.SCIMConfig.Enabled && rec.secret == ""
	if fresh {
		s.issueSecretLocked(rec)
	}
	if aerr := s.persistLocked(); aerr != nil {
		aerr.write(w)
		return
	}
	writeResult(w, http.StatusOK, s.render(rec, fresh), nil)
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request, sc Scope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableRecordLocked(w, r, sc)
	if rec == nil {
		return
	}
	s.removeLocked(rec)
	if aerr := s.persistLocked(); aerr != nil {
		aerr.write(w)
		return
	}
	writeResult(w, http.StatusAccepted, map[string]string{"id": rec.idp.ID}, nil)
}

// handleRefreshSecret replaces the SCIM secret (assumed shape: POST, no body,
// answers the IdP with the new secret in plaintext). The old secret stops
// working at once. An IdP that never had SCIM enabled has no secret to
// refresh: 400/12130 (assumed).
func (s *Server) handleRefreshSecret(w http.ResponseWriter, r *http.Request, sc Scope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.writableRecordLocked(w, r, sc)
	if rec == nil {
		return
	}
	if rec.secret == "" {
		invalidRequest("SCIM has never been enabled for identity provider %s", rec.idp.ID).write(w)
		return
	}
	rec.secret = newSecret()
	if aerr := s.persistLocked(); aerr != nil {
		aerr.write(w)
		return
	}
	writeResult(w, http.StatusOK, s.render(rec, true), nil)
}

// pathRecordLocked returns the identity provider the request's path names, or answers 404 and returns
// nil. The caller holds s.mu.
func (s *Server) pathRecordLocked(w http.ResponseWriter, r *http.Request, sc Scope) *record {
	rec := s.byKey[recordKey(sc, r.PathValue("identity_provider_id"))]
	if rec == nil {
		notFound().write(w)
	}
	return rec
}

// writableRecordLocked is pathRecordLocked for a change: a read-only identity provider is answered 400
// and nil is returned. The caller holds s.mu.
func (s *Server) writableRecordLocked(w http.ResponseWriter, r *http.Request, sc Scope) *record {
	rec := s.pathRecordLocked(w, r, sc)
	if rec != nil && rec.idp.ReadOnly {
		invalidRequest("identity provider %s is read only", rec.idp.ID).write(w)
		return nil
	}
	return rec
}

// issueSecretLocked gives rec its first SCIM secret and its population.
func (s *Server) issueSecretLocked(rec *record) {
	rec.secret = newSecret()
	if rec.populationID == "" {
		rec.populationID = newUUID()
	}
	s.byPopulation[rec.populationID] = rec
}

func (s *Server) insertLocked(rec *record) {
	s.records = append(s.records, rec)
	s.byKey[recordKey(rec.scope, rec.idp.ID)] = rec
	if rec.populationID != "" {
		s.byPopulation[rec.populationID] = rec
	}
}

func (s *Server) removeLocked(rec *record) {
	delete(s.byKey, recordKey(rec.scope, rec.idp.ID))
	if rec.populationID != "" {
		delete(s.byPopulation, rec.populationID)
	}
	for i, r := range s.records {
		if r == rec {
			s.records = append(s.records[:i], s.records[i+1:]...)
			break
		}
	}
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("emulator: reading random bytes: %v", err))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newSecret returns a SCIM secret: 64 hex digits (assumed format; clients
// must treat it as opaque).
func newSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("emulator: reading random bytes: %v", err))
	}
	return hex.EncodeToString(b[:])
}
