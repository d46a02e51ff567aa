package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// apiPrefix is where Cloudflare's v4 API lives on the emulator, as on
// api.cloudflare.com.
const apiPrefix = "/client/v4"

// Options configures a Server. The zero value is usable but has no accounts
// and no credentials; NewTestServer fills in defaults.
type Options struct {
	// Accounts are the account IDs that exist (Cloudflare uses 32 hex digits).
	Accounts []string
	// Zones maps zone ID to its owning account ID. The owner is optional; it
	// only matters for ZeroTrustDisabledAccounts.
	Zones map[string]string
	// Tokens are API tokens and what they may do. Every token may act on every
	// configured account and zone.
	Tokens map[string]Permission
	// TokenUsers maps an API token to the e-mail of the user who owns it.
	// Cloudflare counts its rate limit per user, across all of the user's
	// tokens and its API key (whose APIKeyCred.Email names the user); a token
	// not listed here is account-owned and has a budget of its own.
	TokenUsers map[string]string
	// APIKeys are legacy X-Auth-Email/X-Auth-Key credentials; the map key is a
	// label of your choice.
	APIKeys map[string]APIKeyCred
	// TeamDomain is the Zero Trust team name that forms redirect_url
	// (https://<team>.cloudflareaccess.com/cdn-cgi/access/callback). Default
	// DefaultTeamDomain.
	TeamDomain string
	// StateFile, when set, is loaded by Open/New and rewritten atomically after
	// every change, so a restarted emulator loses nothing.
	StateFile string
	// Controls enables the /__emulator/ HTTP routes. The Go control methods on
	// *Server work regardless.
	Controls bool
	// ZeroTrustDisabledAccounts answer 403/9999 on every identity-provider route.
	ZeroTrustDisabledAccounts []string
	// Now is the clock (SCIM meta timestamps, rate limiting). Default time.Now.
	Now func() time.Time
	// PublicSCIMBase, when set, replaces the emulator's own address in
	// scim_base_url (for example "https://team.cloudflareaccess.com" to get
	// Cloudflare's real form). The SCIM service itself is always served on the
	// emulator's own address.
	PublicSCIMBase string
	// RateLimit turns on Cloudflare's rate limit: one budget per user (see
	// TokenUsers), the Ratelimit and Ratelimit-Policy headers on every
	// authenticated API response, a lockout of one window for going over
	// (CloudflareRateLimit is Cloudflare's own). Nil means off: no limit and
	// no rate-limit headers.
	RateLimit *RateLimitConfig
}

// Server is the emulator. It is an http.Handler serving the API under
// /client/v4, the SCIM service under /populations/, and, if enabled, the test
// controls under /__emulator/.
type Server struct {
	opts     Options
	now      func() time.Time
	mux      *http.ServeMux
	accounts map[string]bool
	zones    map[string]string
	disabled map[string]bool

	credMu     sync.RWMutex
	tokens     map[string]Permission
	tokenUsers map[string]string
	apiKeys    map[string]APIKeyCred

	mu           sync.RWMutex
	records      []*record // creation order
	byKey        map[string]*record
	byPopulation map[string]*record
	baseURL      string

	countMu sync.Mutex
	counts  map[string]int

	faults  faultInjector
	limiter *rateLimiter

	// observe, when set (by this package's tests), sees every API response
	// the emulator sends.
	observe func(r *http.Request, status int, header http.Header, body []byte)
}

// record is one identity provider together with the state the server owns.
type record struct {
	scope        Scope
	idp          IdP
	secret       string // current SCIM secret; empty until SCIM is first enabled
	populationID string // SCIM population; set with the first secret
	users        []*SCIMResource
	groups       []*SCIMResource
}

func recordKey(sc Scope, id string) string { return sc.String() + "/" + id }

// Open builds a Server and loads Options.StateFile if it exists.
func Open(opts Options) (*Server, error) {
	s := newServer(opts)
	if opts.StateFile != "" {
		if err := s.loadStateFile(opts.StateFile); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// New is Open for callers that cannot handle an error: it panics if the state
// file exists but cannot be read.
func New(opts Options) *Server {
	s, err := Open(opts)
	if err != nil {
		panic(fmt.Sprintf("emulator: %v", err))
	}
	return s
}

func newServer(opts Options) *Server {
	s := &Server{
		opts:         opts,
		now:          opts.Now,
		mux:          http.NewServeMux(),
		accounts:     map[string]bool{},
		zones:        map[string]string{},
		disabled:     map[string]bool{},
		tokens:       map[string]Permission{},
		tokenUsers:   map[string]string{},
		apiKeys:      map[string]APIKeyCred{},
		byKey:        map[string]*record{},
		byPopulation: map[string]*record{},
		counts:       map[string]int{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.opts.TeamDomain == "" {
		s.opts.TeamDomain = DefaultTeamDomain
	}
	for _, a := range opts.Accounts {
		s.accounts[a] = true
	}
	for z, a := range opts.Zones {
		s.zones[z] = a
	}
	for _, a := range opts.ZeroTrustDisabledAccounts {
		s.disabled[a] = true
	}
	for t, p := range opts.Tokens {
		s.tokens[t] = p
	}
	for t, u := range opts.TokenUsers {
		s.tokenUsers[t] = u
	}
	for l, c := range opts.APIKeys {
		s.apiKeys[l] = c
	}
	s.faults.init()
	if opts.RateLimit != nil {
		s.limiter = newRateLimiter(*opts.RateLimit, s.now)
	}
	s.routes()
	return s
}

// SetBaseURL tells the server its own root URL (scheme://host:port, without
// /client/v4). scim_base_url is built from it as
// <base>/populations/<uuid>/scim/v2 so that the SCIM endpoint a client reads is
// reachable on the emulator; Cloudflare's real form is
// https://<team>.cloudflareaccess.com/populations/<uuid>/scim/v2. The URL is
// computed when a response is rendered, so it follows the emulator if it
// restarts on another address.
func (s *Server) SetBaseURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.baseURL = strings.TrimSuffix(u, "/")
}

// AddToken issues (or changes the permission of) an API token at run time.
func (s *Server) AddToken(token string, perm Permission) {
	s.credMu.Lock()
	defer s.credMu.Unlock()
	s.tokens[token] = perm
}

// RevokeToken removes an API token.
func (s *Server) RevokeToken(token string) {
	s.credMu.Lock()
	defer s.credMu.Unlock()
	delete(s.tokens, token)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// apiHandler serves one API route after auth and scope checks passed.
type apiHandler func(w http.ResponseWriter, r *http.Request, sc Scope)

func (s *Server) routes() {
	for _, kind := range []ScopeKind{ScopeAccounts, ScopeZones} {
		param := "account_id"
		if kind == ScopeZones {
			param = "zone_id"
		}
		coll := "/" + string(kind) + "/{" + param + "}/access/identity_providers"
		item := coll + "/{identity_provider_id}"
		s.apiRoute(http.MethodGet, coll, false, s.handleList)
		s.apiRoute(http.MethodPost, coll, true, s.handleCreate)
		s.apiRoute(http.MethodGet, item, false, s.handleGet)
		s.apiRoute(http.MethodPut, item, true, s.handleUpdate)
		s.apiRoute(http.MethodDelete, item, true, s.handleDelete)
		s.apiRoute(http.MethodPost, item+"/refresh_scim_secret", true, s.handleRefreshSecret)
		if kind == ScopeAccounts {
			s.apiRoute(http.MethodGet, item+"/scim/users", false, s.handleSCIMUsers)
			s.apiRoute(http.MethodGet, item+"/scim/groups", false, s.handleSCIMGroups)
		}
	}
	s.mux.HandleFunc(apiPrefix+"/", s.handleNoRoute)
	s.mux.HandleFunc(scimPrefix, s.serveSCIM)
	if s.opts.Controls {
		s.controlRoutes()
	}
}

// apiRoute registers an API route behind counting, authentication, rate
// limiting, authorization, fault injection and the handler, in that order
// (serveAPI). The route key used by counters and fault filters is
// "<METHOD> <path pattern without /client/v4>".
func (s *Server) apiRoute(method, path string, write bool, h apiHandler) {
	key := method + " " + path
	s.mux.HandleFunc(method+" "+apiPrefix+path, func(w http.ResponseWriter, r *http.Request) {
		s.count(key)
		s.serveAPI(w, r, key, write, h)
	})
}

// serveAPI answers one API request: authentication, the rate limit,
// authorization (the credential's permission and the scope), then fault
// injection, then the handler. Faults come after the credential checks, so a
// request with a missing or wrong credential always gets its 400 or 403,
// never an injected 5xx, 429 or dropped connection.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, key string, write bool, h apiHandler) {
	bw := newBufferedWriter()
	if sc, ok := s.admit(bw, r, write); ok && !s.withFaults(w, r, bw, key, write, func() { h(bw, r, sc) }) {
		return // the fault dropped the connection
	}
	s.emit(w, r, bw)
}

// admit runs the credential checks and the rate limit. When it refuses the
// request it has written the answer to w and returns false.
func (s *Server) admit(w http.ResponseWriter, r *http.Request, write bool) (Scope, bool) {
	budget, perm, aerr := s.authenticate(r)
	if aerr != nil {
		aerr.write(w)
		return Scope{}, false
	}
	if s.limiter != nil {
		if !s.limiter.allow(budget, w) {
			return Scope{}, false
		}
	}
	if write && perm != PermWrite {
		newAPIError(http.StatusForbidden, codeAuthError, msgAuthError).write(w)
		return Scope{}, false
	}
	sc := Scope{Kind: ScopeAccounts, ID: r.PathValue("account_id")}
	if sc.ID == "" {
		sc = Scope{Kind: ScopeZones, ID: r.PathValue("zone_id")}
	}
	if aerr := s.checkScope(sc); aerr != nil {
		aerr.write(w)
		return Scope{}, false
	}
	return sc, true
}

// withFaults serves an admitted request through the fault injector, which may
// delay it, answer in serve's place (writing to bw), or drop the connection
// before or after serve ran. It returns false when the connection is gone
// (dropped, or the client left during the delay): nothing may be sent then.
func (s *Server) withFaults(w http.ResponseWriter, r *http.Request, bw *bufferedWriter, key string, write bool, serve func()) bool {
	f := s.faults.decide(key, write)
	if f.latency > 0 {
		t := time.NewTimer(f.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return false
		}
	}
	if f.drop {
		dropConnection(w)
		return false
	}
	switch {
	case f.rateLimited:
		writeRateLimited(bw, f.retryAfter)
	case f.serverError != 0:
		writeError(bw, f.serverError, codeInternal, msgInternal)
	case f.conflict:
		bw.Header().Set("x-should-retry", "false")
		writeError(bw, http.StatusConflict, codeConflict, msgConflict+": the identity provider was modified concurrently")
	default:
		serve()
	}
	if f.lostResponse {
		dropConnection(w)
		return false
	}
	return true
}

// authenticate returns the rate-limit budget of the credential (its user, or
// the token itself for an account-owned token) and its permission.
func (s *Server) authenticate(r *http.Request) (string, Permission, *apiError) {
	authz := r.Header.Get("Authorization")
	email, key := r.Header.Get("X-Auth-Email"), r.Header.Get("X-Auth-Key")
	s.credMu.RLock()
	defer s.credMu.RUnlock()
	switch {
	case authz != "":
		scheme, token, ok := strings.Cut(authz, " ")
		token = strings.TrimSpace(token)
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			e := newAPIError(http.StatusBadRequest, 6003, "Invalid request headers")
			e.chain = []apiMessage{{Code: codeInvalidAuthFmt, Message: msgInvalidAuthFmt}}
			return "", 0, e
		}
		perm, ok := s.tokens[token]
		if !ok {
			return "", 0, newAPIError(http.StatusForbidden, codeAuthError, msgAuthError)
		}
		if user := s.tokenUsers[token]; user != "" {
			return "user:" + strings.ToLower(user), perm, nil
		}
		return "token:" + token, perm, nil
	case email != "" && key != "":
		for _, c := range s.apiKeys {
			if strings.EqualFold(c.Email, email) && c.Key == key {
				return "user:" + strings.ToLower(email), c.Permission, nil
			}
		}
		return "", 0, newAPIError(http.StatusForbidden, codeAuthError, msgAuthError)
	default:
		return "", 0, newAPIError(http.StatusBadRequest, codeMissingAuth, msgMissingAuth)
	}
}

// checkScope refuses accounts and zones that do not exist with 403/10000, as
// Cloudflare answers for resources a credential cannot reach (assumed: it does
// not say "not found" for accounts), and accounts without Zero Trust with 9999.
func (s *Server) checkScope(sc Scope) *apiError {
	account := sc.ID
	if sc.Kind == ScopeZones {
		owner, ok := s.zones[sc.ID]
		if !ok {
			return newAPIError(http.StatusForbidden, codeAuthError, msgAuthError)
		}
		account = owner
	} else if !s.accounts[sc.ID] {
		return newAPIError(http.StatusForbidden, codeAuthError, msgAuthError)
	}
	if s.disabled[account] {
		return newAPIError(http.StatusForbidden, codeNotEnabled, msgNotEnabled)
	}
	return nil
}

// handleNoRoute answers paths under /client/v4 that match no route: 405 if the
// path exists with another method, otherwise Cloudflare's 404/7003.
func (s *Server) handleNoRoute(w http.ResponseWriter, r *http.Request) {
	s.count(r.Method + " <unmatched>")
	bw := newBufferedWriter()
	status, code, msg := http.StatusNotFound, codeNoRoute, "No route for that URI"
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != apiPrefix+"/" && pattern != "" {
			status, code, msg = http.StatusMethodNotAllowed, codeMethodNotAllowed, "Method not allowed"
			break
		}
	}
	writeError(bw, status, code, msg)
	s.emit(w, r, bw)
}

func (s *Server) count(key string) {
	s.countMu.Lock()
	s.counts[key]++
	s.countMu.Unlock()
}

// RequestCounts returns how many requests each route received, keyed like
// "GET /accounts/{account_id}/access/identity_providers" (API routes, without
// /client/v4) or "POST /populations/{population_id}/scim/v2/Users" (SCIM).
// Unmatched API paths count under "<METHOD> <unmatched>".
func (s *Server) RequestCounts() map[string]int {
	s.countMu.Lock()
	defer s.countMu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

// ResetCounts sets every request counter, and the rate limiter's, to zero.
func (s *Server) ResetCounts() {
	s.countMu.Lock()
	clear(s.counts)
	s.countMu.Unlock()
	if s.limiter != nil {
		s.limiter.resetCounts()
	}
}

// emit sends a buffered response and shows it to the test observer.
func (s *Server) emit(w http.ResponseWriter, r *http.Request, bw *bufferedWriter) {
	for k, v := range bw.header {
		w.Header()[k] = v
	}
	w.WriteHeader(bw.status)
	_, _ = w.Write(bw.body.Bytes()) // the client may be gone; nothing to do then
	if s.observe != nil {
		s.observe(r, bw.status, bw.header.Clone(), bytes.Clone(bw.body.Bytes()))
	}
}

// dropConnection closes the client's connection without a response.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close() // the point is to drop it; a close error changes nothing
			return
		}
	}
	// HTTP/2 or a wrapper without Hijack: abort the response, which resets
	// the stream or closes the connection.
	panic(http.ErrAbortHandler)
}

// bufferedWriter holds a response until the fault injector decides whether it
// is delivered.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter {
	return &bufferedWriter{header: http.Header{}, status: http.StatusOK}
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedWriter) WriteHeader(status int)      { b.status = status }

// apiMessage is an entry of the envelope's errors or messages.
type apiMessage struct {
	Code       int          `json:"code"`
	Message    string       `json:"message"`
	ErrorChain []apiMessage `json:"error_chain,omitempty"`
}

// resultInfo is the paging block of list responses.
type resultInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

// envelope is Cloudflare's v4 response envelope.
type envelope struct {
	Success    bool         `json:"success"`
	Errors     []apiMessage `json:"errors"`
	Messages   []apiMessage `json:"messages"`
	Result     any          `json:"result"`
	ResultInfo *resultInfo  `json:"result_info,omitempty"`
}

// apiError is a failed API call.
type apiError struct {
	status  int
	code    int
	message string
	chain   []apiMessage
}

func newAPIError(status, code int, message string) *apiError {
	return &apiError{status: status, code: code, message: message}
}

// invalidRequest is the 400/12130 validation error.
func invalidRequest(format string, args ...any) *apiError {
	return newAPIError(http.StatusBadRequest, codeInvalidRequest, msgInvalidRequest+": "+fmt.Sprintf(format, args...))
}

func notFound() *apiError {
	return newAPIError(http.StatusNotFound, codeNotFound, msgNotFound)
}

func (e *apiError) write(w http.ResponseWriter) {
	writeJSON(w, e.status, envelope{
		Errors:   []apiMessage{{Code: e.code, Message: e.message, ErrorChain: e.chain}},
		Messages: []apiMessage{},
	})
}

func writeError(w http.ResponseWriter, status, code int, message string) {
	newAPIError(status, code, message).write(w)
}

func writeResult(w http.ResponseWriter, status int, result any, info *resultInfo) {
	writeJSON(w, status, envelope{Success: true, Errors: []apiMessage{}, Messages: []apiMessage{}, Result: result, ResultInfo: info})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only our own wire types are marshalled; failing here is a bug.
		panic(fmt.Sprintf("emulator: encoding a response: %v", err))
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n')) // a vanished client is not an error here
}

// writeRateLimited writes Cloudflare's 429 with its Retry-After. An injected
// 429 without the rate limiter's headers gets the ones Cloudflare would send
// during a lockout: nothing remains until the retry-after.
func writeRateLimited(w http.ResponseWriter, retryAfter time.Duration) {
	secs := max(ceilSeconds(retryAfter), 1)
	h := w.Header()
	h.Set("Retry-After", fmt.Sprint(secs))
	if h.Get("Ratelimit") == "" {
		setRateLimitFields(h, CloudflareRateLimit, 0, time.Duration(secs)*time.Second)
	}
	writeError(w, http.StatusTooManyRequests, codeRateLimited, msgRateLimited)
}
