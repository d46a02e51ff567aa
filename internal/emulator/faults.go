package emulator

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"
)

// FaultConfig describes the faults injected into API requests (not into the
// SCIM service or the controls), and only into those that passed the
// credential checks and the rate limit: a request with a missing, wrong or
// too weak credential always gets its 400 or 403. Rates are probabilities in
// [0,1] drawn from a generator seeded with Seed, so a sequence of requests
// sees the same faults on every run. Faults are checked in this order:
// Latency (always), DropRate, RateLimitBurst, RateLimitRate, ErrorRate,
// ConflictRate (writes only), then the request is served and
// LostResponseRate (writes only) may drop the reply.
type FaultConfig struct {
	// Latency delays every matching request before any other fault.
	Latency time.Duration
	// ErrorRate answers with ErrorStatus (default 500) and
	// access.api.error.internal_server_error, without applying the request.
	ErrorRate   float64
	ErrorStatus int
	// RateLimitRate answers 429 with retry-after, without applying the request.
	RateLimitRate float64
	// RateLimitBurst makes the next N matching requests answer 429.
	RateLimitBurst int
	// RetryAfter is sent in retry-after (whole seconds, at least 1).
	RetryAfter time.Duration
	// DropRate closes the connection without a response and without applying
	// the request.
	DropRate float64
	// LostResponseRate applies a write (POST, PUT, DELETE) and then closes the
	// connection without the response.
	LostResponseRate float64
	// ConflictRate answers writes with 409 and x-should-retry: false, without
	// applying them.
	ConflictRate float64
	// Seed seeds the generator behind the rates.
	Seed int64
	// Routes limits the faults to these route keys (as in RequestCounts); empty
	// means every API route.
	Routes []string
}

// faultDecision is what happens to one request.
type faultDecision struct {
	latency      time.Duration
	drop         bool
	rateLimited  bool
	retryAfter   time.Duration
	serverError  int
	conflict     bool
	lostResponse bool
}

type faultInjector struct {
	mu    sync.Mutex
	cfg   FaultConfig
	burst int
	rng   *rand.Rand
}

func (f *faultInjector) init() { f.rng = rand.New(rand.NewPCG(0, 0)) }

// SetFaults replaces the fault configuration; the zero FaultConfig turns all
// faults off.
func (s *Server) SetFaults(cfg FaultConfig) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	cfg.Routes = slices.Clone(cfg.Routes)
	s.faults.cfg = cfg
	s.faults.burst = cfg.RateLimitBurst
	s.faults.rng = rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5eed))
}

// Faults returns the current fault configuration; RateLimitBurst is what is
// left of the burst.
func (s *Server) Faults() FaultConfig {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	cfg := s.faults.cfg
	cfg.Routes = slices.Clone(cfg.Routes)
	cfg.RateLimitBurst = s.faults.burst
	return cfg
}

func (f *faultInjector) decide(route string, write bool) faultDecision {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cfg
	if len(c.Routes) > 0 && !slices.Contains(c.Routes, route) {
		return faultDecision{}
	}
	d := faultDecision{latency: c.Latency, retryAfter: c.RetryAfter}
	if d.retryAfter <= 0 {
		d.retryAfter = time.Second
	}
	hit := func(rate float64) bool { return rate > 0 && f.rng.Float64() < rate }
	switch {
	case hit(c.DropRate):
		d.drop = true
	case f.burst > 0:
		f.burst--
		d.rateLimited = true
	case hit(c.RateLimitRate):
		d.rateLimited = true
	case hit(c.ErrorRate):
		d.serverError = c.ErrorStatus
		if d.serverError < 500 || d.serverError > 599 {
			d.serverError = http.StatusInternalServerError
		}
	case write && hit(c.ConflictRate):
		d.conflict = true
	case write && hit(c.LostResponseRate):
		d.lostResponse = true
	}
	return d
}
