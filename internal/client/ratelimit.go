package client

import (
	"context"
	"time"

	"golang.org/x/sync/semaphore"
)

// Cloudflare limits the client API to 1200 requests per five minutes per user
// and 200 requests per second per IP; going over either refuses every call for
// five minutes (CONTRACT.md, "Rate limits").
const (
	// DefaultRateLimit is the number of requests in any RateLimitWindow when
	// Config.RateLimit is 0: Cloudflare's limit per user.
	DefaultRateLimit = 1200
	// RateLimitWindow is the window Config.RateLimit counts in.
	RateLimitWindow = 5 * time.Minute

	// PerIPRateLimit is the number of requests in any PerIPRateWindow, for
	// any RateLimit: Cloudflare's limit per IP.
	PerIPRateLimit  = 200
	PerIPRateWindow = time.Second

	// clockRateTolerancePPM is how much faster, in parts per million, the
	// client's clock may run than the server's while it measures a window.
	// NTP slews a clock by at most 500 ppm; allowing that on both sides costs
	// 0.3 s per five-minute window, 0.1 % of a long run's throughput.
	clockRateTolerancePPM = 1000
)

// windowRule enforces "at most n requests in any window of length w", counted
// where the server counts them: when it receives a request.
//
// Every attempt holds one of n permits from before it is sent until hold ≥ w
// after it has ended (its response was read, or it failed). Why that is
// enough, whatever the latency and wherever the server's windows start: take
// any server window [t, t+w) and the set S of attempts the server received in
// it. Let k be the attempt of S that took its permit last, at a_k. It was
// received at r_k ≥ a_k, and r_k < t+w. Every other j in S took its permit at
// a_j ≤ a_k, was received at r_j ≥ t, and ended at e_j ≥ r_j, so it holds its
// permit until e_j + hold ≥ t + w > a_k. So at a_k every attempt of S held a
// permit at once, and there are n permits: S has at most n attempts.
//
// The bound needs no synchronised clocks, only that the client's hold is at
// least the server's w: the margin in hold covers the two clocks' rates
// (clockRateTolerancePPM). Timers run on the monotonic clock, so a step of the
// wall clock changes nothing.
//
// It is nearly as fast as the rule allows: an attempt waits only while n
// others are in flight or ended less than hold ago, so the first n of a run go
// at once, and a long run sends n requests per hold plus one latency.
type windowRule struct {
	n       int64
	hold    time.Duration
	permits *semaphore.Weighted
}

func newWindowRule(n int64, w time.Duration) windowRule {
	return windowRule{n: n, hold: w + w*clockRateTolerancePPM/1_000_000, permits: semaphore.NewWeighted(n)}
}

// rateLimiter applies Cloudflare's rules to every attempt of a Client: at
// most `requests` in any RateLimitWindow, and PerIPRateLimit in any second.
type rateLimiter struct {
	rules []windowRule
}

func newRateLimiter(requests int64) *rateLimiter {
	// The longer window first: an attempt waiting for it holds no permit of
	// the other.
	return &rateLimiter{rules: []windowRule{
		newWindowRule(requests, RateLimitWindow),
		newWindowRule(PerIPRateLimit, PerIPRateWindow),
	}}
}

// acquire waits until every rule admits one more attempt, or ctx is done.
// The caller must call done once the attempt has ended, whether or not it
// was sent.
func (l *rateLimiter) acquire(ctx context.Context) (done func(), err error) {
	for i, r := range l.rules {
		if err := r.permits.Acquire(ctx, 1); err != nil {
			for _, held := range l.rules[:i] {
				held.permits.Release(1) // nothing was sent
			}
			return nil, err
		}
	}
	return func() {
		for _, r := range l.rules {
			time.AfterFunc(r.hold, func() { r.permits.Release(1) })
		}
	}, nil
}
