package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"time"
)

// controlPrefix is where the test controls live when Options.Controls is set.
// They are not part of Cloudflare's API and no real client would call them.
//
//	GET    /__emulator/state                          the whole State
//	POST   /__emulator/state                          replace the whole State
//	POST   /__emulator/idps                           seed {"scope":"accounts/<id>","idp":{...}} (IdP in its Go JSON form)
//	GET    /__emulator/idps/{kind}/{scope_id}/{id}    one IdP with its secret, SCIM URL, users, groups
//	PATCH  /__emulator/idps/{kind}/{scope_id}/{id}    JSON merge patch (RFC 7386) of the IdP, like a dashboard edit
//	DELETE /__emulator/idps/{kind}/{scope_id}/{id}    delete, like the dashboard (also read-only IdPs)
//	GET    /__emulator/counters                       {"counts":{"GET /accounts/{account_id}/...":n},"rate_limit":{"refused":n,"lockouts":n,"most_in_window":n}}
//	DELETE /__emulator/counters                       reset the counters
//	GET    /__emulator/faults                         the FaultConfig
//	PUT    /__emulator/faults                         set the FaultConfig ({} turns faults off)
//	POST   /__emulator/tokens                         issue {"token":"...","permission":"read"|"write"}
//	DELETE /__emulator/tokens/{token}                 revoke a token
//
// The controls read and replace everything, secrets included, with no
// credential, so they answer only requests a web page cannot make: the Host
// must be the address the request came in on, by a loopback name or IP with
// its port (against DNS rebinding), and every request but GET and HEAD must
// say Content-Type: application/json, which a cross-origin page cannot send
// without a CORS preflight the emulator never grants.
const controlPrefix = "/__emulator"

func (s *Server) controlRoutes() {
	p := controlPrefix
	handle := func(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, guardControl(h)) }
	handle("GET "+p+"/state", func(w http.ResponseWriter, r *http.Request) {
		controlJSON(w, http.StatusOK, s.Snapshot())
	})
	handle("POST "+p+"/state", func(w http.ResponseWriter, r *http.Request) {
		var st State
		if !decodeControl(w, r, &st) {
			return
		}
		if err := s.Restore(st); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		controlJSON(w, http.StatusOK, s.Snapshot())
	})
	handle("POST "+p+"/idps", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Scope string `json:"scope"`
			IdP   IdP    `json:"idp"`
		}
		if !decodeControl(w, r, &req) {
			return
		}
		sc, err := ParseScope(req.Scope)
		if err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		p, err := s.Seed(sc, req.IdP)
		if err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		controlJSON(w, http.StatusCreated, s.controlView(sc, p.ID))
	})
	item := p + "/idps/{kind}/{scope_id}/{id}"
	scopeOf := func(r *http.Request) (Scope, error) {
		return ParseScope(r.PathValue("kind") + "/" + r.PathValue("scope_id"))
	}
	handle("GET "+item, func(w http.ResponseWriter, r *http.Request) {
		sc, err := scopeOf(r)
		if err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		v := s.controlView(sc, r.PathValue("id"))
		if v == nil {
			controlError(w, http.StatusNotFound, ErrNotFound)
			return
		}
		controlJSON(w, http.StatusOK, v)
	})
	handle("PATCH "+item, func(w http.ResponseWriter, r *http.Request) {
		sc, err := scopeOf(r)
		if err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		var patch map[string]any
		if !decodeControl(w, r, &patch) {
			return
		}
		var patchErr error
		err = s.Mutate(sc, r.PathValue("id"), func(p *IdP) { patchErr = mergePatchIdP(p, patch) })
		switch {
		case errors.Is(err, ErrNotFound):
			controlError(w, http.StatusNotFound, err)
		case err != nil:
			controlError(w, http.StatusInternalServerError, err)
		case patchErr != nil:
			controlError(w, http.StatusBadRequest, patchErr)
		default:
			controlJSON(w, http.StatusOK, s.controlView(sc, r.PathValue("id")))
		}
	})
	handle("DELETE "+item, func(w http.ResponseWriter, r *http.Request) {
		sc, err := scopeOf(r)
		if err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
		if !s.Delete(sc, r.PathValue("id")) {
			controlError(w, http.StatusNotFound, ErrNotFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	handle("GET "+p+"/counters", func(w http.ResponseWriter, r *http.Request) {
		controlJSON(w, http.StatusOK, map[string]any{"counts": s.RequestCounts(), "rate_limit": s.RateLimitCounts()})
	})
	handle("DELETE "+p+"/counters", func(w http.ResponseWriter, r *http.Request) {
		s.ResetCounts()
		w.WriteHeader(http.StatusNoContent)
	})
	handle("GET "+p+"/faults", func(w http.ResponseWriter, r *http.Request) {
		controlJSON(w, http.StatusOK, s.Faults())
	})
	handle("PUT "+p+"/faults", func(w http.ResponseWriter, r *http.Request) {
		var cfg FaultConfig
		if !decodeControl(w, r, &cfg) {
			return
		}
		s.SetFaults(cfg)
		controlJSON(w, http.StatusOK, s.Faults())
	})
	handle("POST "+p+"/tokens", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Token      string `json:"token"`
			Permission string `json:"permission"`
		}
		if !decodeControl(w, r, &req) {
			return
		}
		perm := map[string]Permission{"read": PermRead, "write": PermWrite}[req.Permission]
		if req.Token == "" || perm == 0 {
			controlError(w, http.StatusBadRequest, errors.New(`need "token" and "permission" ("read" or "write")`))
			return
		}
		s.AddToken(req.Token, perm)
		w.WriteHeader(http.StatusCreated)
	})
	handle("DELETE "+p+"/tokens/{token}", func(w http.ResponseWriter, r *http.Request) {
		s.RevokeToken(r.PathValue("token"))
		w.WriteHeader(http.StatusNoContent)
	})
}

// controlIdPView is what the IdP control routes answer.
type controlIdPView struct {
	Scope       Scope           `json:"scope"`
	IdP         IdP             `json:"idp"`
	SCIMSecret  string          `json:"scim_secret,omitempty"`
	SCIMBaseURL string          `json:"scim_base_url,omitempty"`
	SCIMUsers   []*SCIMResource `json:"scim_users"`
	SCIMGroups  []*SCIMResource `json:"scim_groups"`
}

func (s *Server) controlView(sc Scope, id string) *controlIdPView {
	p, ok := s.Get(sc, id)
	if !ok {
		return nil
	}
	secret, _ := s.SCIMSecret(sc, id)
	base, _ := s.SCIMBaseURL(sc, id)
	return &controlIdPView{Scope: sc, IdP: p, SCIMSecret: secret, SCIMBaseURL: base, SCIMUsers: s.SCIMUsers(sc, id), SCIMGroups: s.SCIMGroups(sc, id)}
}

// mergePatchIdP applies an RFC 7386 merge patch to the Go JSON form of p.
func mergePatchIdP(p *IdP, patch map[string]any) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encoding the IdP: %w", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("decoding the IdP: %w", err)
	}
	merged := mergePatch(doc, patch)
	b, err = json.Marshal(merged)
	if err != nil {
		return fmt.Errorf("encoding the patched IdP: %w", err)
	}
	var out IdP
	if err := decodeStrict(bytes.NewReader(b), &out); err != nil {
		return fmt.Errorf("the patch does not fit an IdP: %w", err)
	}
	*p = out
	return nil
}

func mergePatch(doc any, patch any) any {
	pm, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	dm, ok := doc.(map[string]any)
	if !ok {
		dm = map[string]any{}
	}
	for k, v := range pm {
		if v == nil {
			delete(dm, k)
			continue
		}
		dm[k] = mergePatch(dm[k], v)
	}
	return dm
}

// guardControl refuses a control request a web page could have made (see controlPrefix).
func guardControl(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := checkControlHost(r); err != nil {
			controlError(w, http.StatusForbidden, err)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				controlError(w, http.StatusUnsupportedMediaType, fmt.Errorf("a %s control request must have Content-Type: application/json, not %q", r.Method, r.Header.Get("Content-Type")))
				return
			}
		}
		h(w, r)
	}
}

// checkControlHost accepts a Host that names the address the connection was
// accepted on: "localhost" or a loopback IP, with the listening port.
func checkControlHost(r *http.Request) error {
	local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return errors.New("the controls answer only requests that came over a network connection")
	}
	_, port, err := net.SplitHostPort(local.String())
	if err != nil {
		return fmt.Errorf("the listening address %q: %w", local, err)
	}
	host, hostPort, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, hostPort = r.Host, "80"
	}
	ip := net.ParseIP(host)
	if hostPort != port || host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("the controls answer only Host localhost:%s or a loopback IP with that port, not %q", port, r.Host)
	}
	return nil
}

func decodeControl(w http.ResponseWriter, r *http.Request, dst any) bool {
	if err := decodeStrict(http.MaxBytesReader(w, r.Body, 64<<20), dst); err != nil {
		controlError(w, http.StatusBadRequest, fmt.Errorf("decoding the request body: %w", err))
		return false
	}
	return true
}

// decodeStrict reads exactly one JSON value into dst and refuses a key dst
// does not have (the error names it) and anything after the value, so a typo
// in a control request is an error rather than a setting silently left at
// zero. Types with their own UnmarshalJSON must decode with it too: the
// decoder's strictness does not reach into them.
func decodeStrict(r io.Reader, dst any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

func controlJSON(w http.ResponseWriter, status int, v any) { writeJSON(w, status, v) }

func controlError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// faultConfigJSON is FaultConfig with durations as Go duration strings
// ("250ms") in JSON.
type faultConfigJSON struct {
	Latency          string   `json:"latency,omitempty"`
	ErrorRate        float64  `json:"error_rate,omitempty"`
	ErrorStatus      int      `json:"error_status,omitempty"`
	RateLimitRate    float64  `json:"rate_limit_rate,omitempty"`
	RateLimitBurst   int      `json:"rate_limit_burst,omitempty"`
	RetryAfter       string   `json:"retry_after,omitempty"`
	DropRate         float64  `json:"drop_rate,omitempty"`
	LostResponseRate float64  `json:"lost_response_rate,omitempty"`
	ConflictRate     float64  `json:"conflict_rate,omitempty"`
	Seed             int64    `json:"seed,omitempty"`
	Routes           []string `json:"routes,omitempty"`
}

// MarshalJSON writes durations as strings such as "250ms".
func (c FaultConfig) MarshalJSON() ([]byte, error) {
	j := faultConfigJSON{
		ErrorRate: c.ErrorRate, ErrorStatus: c.ErrorStatus, RateLimitRate: c.RateLimitRate,
		RateLimitBurst: c.RateLimitBurst, DropRate: c.DropRate, LostResponseRate: c.LostResponseRate,
		ConflictRate: c.ConflictRate, Seed: c.Seed, Routes: c.Routes,
	}
	if c.Latency != 0 {
		j.Latency = c.Latency.String()
	}
	if c.RetryAfter != 0 {
		j.RetryAfter = c.RetryAfter.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads durations as strings such as "250ms" or "2s".
func (c *FaultConfig) UnmarshalJSON(b []byte) error {
	var j faultConfigJSON
	if err := decodeStrict(bytes.NewReader(b), &j); err != nil {
		return fmt.Errorf("fault config: %w", err)
	}
	*c = FaultConfig{
		ErrorRate: j.ErrorRate, ErrorStatus: j.ErrorStatus, RateLimitRate: j.RateLimitRate,
		RateLimitBurst: j.RateLimitBurst, DropRate: j.DropRate, LostResponseRate: j.LostResponseRate,
		ConflictRate: j.ConflictRate, Seed: j.Seed, Routes: j.Routes,
	}
	for _, d := range []struct {
		s   string
		dst *time.Duration
	}{{j.Latency, &c.Latency}, {j.RetryAfter, &c.RetryAfter}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseDuration(d.s)
		if err != nil {
			return fmt.Errorf("fault duration: %w", err)
		}
		*d.dst = v
	}
	return nil
}
