package emulator

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// RateLimitConfig is a per-credential limiter like Cloudflare's: at most
// Requests per Window; going over it refuses every call for Penalty.
type RateLimitConfig struct {
	Requests int
	Window   time.Duration
	Penalty  time.Duration
}

// CloudflareRateLimit is Cloudflare's documented per-user limit.
var CloudflareRateLimit = RateLimitConfig{Requests: RateLimitRequests, Window: RateLimitWindow, Penalty: RateLimitPenalty}

type rateLimiter struct {
	cfg RateLimitConfig
	now func() time.Time

	mu      sync.Mutex
	windows map[string]*rateWindow
}

type rateWindow struct {
	start        time.Time
	count        int
	blockedUntil time.Time
}

func newRateLimiter(cfg RateLimitConfig, now func() time.Time) *rateLimiter {
	if cfg.Requests <= 0 {
		cfg.Requests = RateLimitRequests
	}
	if cfg.Window <= 0 {
		cfg.Window = RateLimitWindow
	}
	if cfg.Penalty <= 0 {
		cfg.Penalty = RateLimitPenalty
	}
	return &rateLimiter{cfg: cfg, now: now, windows: map[string]*rateWindow{}}
}

// allow counts a request of cred. It sets the x-ratelimit headers, and when the
// request is refused it also writes the 429 and returns false.
func (l *rateLimiter) allow(cred string, w http.ResponseWriter) bool {
	l.mu.Lock()
	now := l.now()
	rw := l.windows[cred]
	if rw == nil || now.Sub(rw.start) >= l.cfg.Window {
		if rw == nil {
			rw = &rateWindow{}
			l.windows[cred] = rw
		}
		rw.start, rw.count = now, 0
	}
	if now.Before(rw.blockedUntil) {
		wait := rw.blockedUntil.Sub(now)
		l.mu.Unlock()
		writeRateLimited(w, wait, l.cfg.Requests)
		return false
	}
	rw.count++
	if rw.count > l.cfg.Requests {
		rw.blockedUntil = now.Add(l.cfg.Penalty)
		l.mu.Unlock()
		writeRateLimited(w, l.cfg.Penalty, l.cfg.Requests)
		return false
	}
	remaining := l.cfg.Requests - rw.count
	reset := rw.start.Add(l.cfg.Window).Sub(now)
	l.mu.Unlock()
	h := w.Header()
	h.Set("X-Ratelimit-Limit", fmt.Sprint(l.cfg.Requests))
	h.Set("X-Ratelimit-Remaining", fmt.Sprint(remaining))
	h.Set("X-Ratelimit-Reset", fmt.Sprint(int(reset.Seconds())))
	return true
}
