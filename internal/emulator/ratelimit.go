package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimitConfig is Cloudflare's client-API limit as the emulator applies it
// (CONTRACT.md, "Rate limits"): at most Requests in a Window per budget. A
// budget is a user (all of its API tokens and its API key share one) or an
// account-owned token (see Options.TokenUsers). The request that goes over
// starts a lockout of one Window during which every request of the budget is
// refused with 429.
type RateLimitConfig struct {
	Requests int
	Window   time.Duration
}

// CloudflareRateLimit is Cloudflare's documented limit per user.
var CloudflareRateLimit = RateLimitConfig{Requests: RateLimitRequests, Window: RateLimitWindow}

// String returns the form ParseRateLimit reads, e.g. "1200/5m0s".
func (c RateLimitConfig) String() string { return fmt.Sprintf("%d/%s", c.Requests, c.Window) }

// ParseRateLimit reads "Q/W": Q requests per window W, a Go duration of whole
// seconds ("1200/5m" is Cloudflare's limit, "60/15s" a scaled one for drills).
func ParseRateLimit(s string) (RateLimitConfig, error) {
	q, w, ok := strings.Cut(s, "/")
	n, errQ := strconv.Atoi(q)
	d, errW := time.ParseDuration(w)
	switch {
	case !ok || errQ != nil || errW != nil:
		return RateLimitConfig{}, fmt.Errorf("rate limit %q is not of the form REQUESTS/WINDOW, such as 1200/5m", s)
	case n < 1 || d < time.Second || d%time.Second != 0:
		return RateLimitConfig{}, fmt.Errorf("rate limit %q: use at least 1 request and a window of whole seconds", s)
	}
	return RateLimitConfig{Requests: n, Window: d}, nil
}

// rateLimitPolicy names the one quota policy in the headers (assumed: the
// name of Cloudflare's per-user policy is not published; its documentation's
// example of the Ratelimit field says "default").
const rateLimitPolicy = `"default"`

// RateLimitCounts is what the rate limiter served since the counters were
// last reset: its own 429s, not injected faults.
type RateLimitCounts struct {
	// Refused is the number of 429s the limiter answered: the request that
	// went over and every request during a lockout.
	Refused int `json:"refused"`
	// Lockouts is the number of lockouts started (requests that went over).
	Lockouts int `json:"lockouts"`
	// MostInWindow is the most requests the limiter accepted in one window of
	// one budget: at most the quota.
	MostInWindow int `json:"most_in_window"`
}

type rateLimiter struct {
	cfg RateLimitConfig
	now func() time.Time

	mu      sync.Mutex
	budgets map[string]*rateBudget
	counts  RateLimitCounts
}

// rateBudget is one budget's current window. A window starts with the first
// request after the previous one ended (assumed: Cloudflare does not say
// where its windows start).
type rateBudget struct {
	start       time.Time
	count       int
	lockedUntil time.Time
}

func newRateLimiter(cfg RateLimitConfig, now func() time.Time) *rateLimiter {
	if cfg.Requests <= 0 {
		cfg.Requests = RateLimitRequests
	}
	if cfg.Window <= 0 {
		cfg.Window = RateLimitWindow
	}
	return &rateLimiter{cfg: cfg, now: now, budgets: map[string]*rateBudget{}}
}

// allow counts a request against budget. It sets the Ratelimit and
// Ratelimit-Policy headers, and when the request is refused it writes the
// 429, with Retry-After, and returns false.
func (l *rateLimiter) allow(budget string, w http.ResponseWriter) bool {
	l.mu.Lock()
	now := l.now()
	b := l.budgets[budget]
	if b == nil {
		b = &rateBudget{}
		l.budgets[budget] = b
	}
	if !now.Before(b.lockedUntil) {
		if b.start.IsZero() || !now.Before(b.start.Add(l.cfg.Window)) {
			b.start, b.count = now, 0
		}
		if b.count < l.cfg.Requests {
			b.count++
			l.counts.MostInWindow = max(l.counts.MostInWindow, b.count)
			remaining, reset := l.cfg.Requests-b.count, b.start.Add(l.cfg.Window).Sub(now)
			l.mu.Unlock()
			setRateLimitFields(w.Header(), l.cfg, remaining, reset)
			return true
		}
		// Going over locks the budget out for a window from this request, and
		// the next window starts after the lockout.
		b.lockedUntil, b.start, b.count = now.Add(l.cfg.Window), time.Time{}, 0
		l.counts.Lockouts++
	}
	l.counts.Refused++
	wait := b.lockedUntil.Sub(now)
	l.mu.Unlock()
	setRateLimitFields(w.Header(), l.cfg, 0, wait)
	writeRateLimited(w, wait)
	return false
}

// setRateLimitFields sets Cloudflare's rate-limit fields (structured-field
// lists, draft-ietf-httpapi-ratelimit-headers) for the policy cfg: what
// remains of the quota and the seconds until more is available, rounded up so
// that a client never sees the window end before it does; and the policy.
func setRateLimitFields(h http.Header, cfg RateLimitConfig, remaining int, reset time.Duration) {
	h.Set("Ratelimit", fmt.Sprintf("%s;r=%d;t=%d", rateLimitPolicy, remaining, ceilSeconds(reset)))
	h.Set("Ratelimit-Policy", fmt.Sprintf("%s;q=%d;w=%d", rateLimitPolicy, cfg.Requests, ceilSeconds(cfg.Window)))
}

func (l *rateLimiter) snapshot() RateLimitCounts {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts
}

func (l *rateLimiter) resetCounts() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts = RateLimitCounts{}
}

// RateLimitCounts returns what the rate limiter served since the counters
// were last reset; zero when Options.RateLimit is nil.
func (s *Server) RateLimitCounts() RateLimitCounts {
	if s.limiter == nil {
		return RateLimitCounts{}
	}
	return s.limiter.snapshot()
}

func ceilSeconds(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// ParseRateLimitFlag is ParseRateLimit for a command-line flag that also
// accepts "off" (nil: no rate limit).
func ParseRateLimitFlag(s string) (*RateLimitConfig, error) {
	if s == "off" {
		return nil, nil
	}
	c, err := ParseRateLimit(s)
	if err != nil {
		return nil, err
	}
	return &c, nil
}
