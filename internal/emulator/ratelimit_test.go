package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Cloudflare's limit as the emulator applies it: one budget per user across
// its tokens and its API key, an account-owned token on its own, the
// Ratelimit and Ratelimit-Policy fields on every response, and a lockout of
// one window from the request that went over.
func TestRateLimitPerUser(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	ts, _ := newContractServer(t, Options{
		Now:        clock,
		RateLimit:  &RateLimitConfig{Requests: 3, Window: time.Minute},
		Tokens:     map[string]Permission{"alice-1": PermWrite, "alice-2": PermRead, "account-owned": PermRead},
		TokenUsers: map[string]string{"alice-1": TestAPIEmail, "alice-2": "User@Example.com"},
	})
	base := idpsPath(ts.AccountScope())
	key := apiCall{t: t, base: ts.APIBaseURL(), email: TestAPIEmail, key: TestAPIKey}
	alice := []apiCall{ts.client(t, "alice-1"), ts.client(t, "alice-2"), key}

	wantFields := func(r testResp, ratelimit string) {
		t.Helper()
		if got := r.header.Get("Ratelimit"); got != ratelimit {
			t.Errorf("Ratelimit %q, want %q", got, ratelimit)
		}
		if got := r.header.Get("Ratelimit-Policy"); got != `"default";q=3;w=60` {
			t.Errorf("Ratelimit-Policy %q", got)
		}
	}
	// Three requests of one user through three credentials: one budget.
	for i, c := range alice {
		r := c.do("GET", base, nil).want(t, http.StatusOK)
		wantFields(r, fmt.Sprintf(`"default";r=%d;t=%d`, 2-i, 60-10*i))
		if r.header.Get("Retry-After") != "" {
			t.Errorf("Retry-After %q on a 200", r.header.Get("Retry-After"))
		}
		advance(10 * time.Second)
	}
	// The fourth goes over: a lockout of one window from it, for every
	// credential of the user.
	r := alice[0].do("GET", base, nil).want(t, http.StatusTooManyRequests, codeRateLimited)
	wantFields(r, `"default";r=0;t=60`)
	if r.header.Get("Retry-After") != "60" {
		t.Errorf("Retry-After %q, want 60", r.header.Get("Retry-After"))
	}
	// An account-owned token has a budget of its own.
	wantFields(ts.client(t, "account-owned").do("GET", base, nil).want(t, http.StatusOK), `"default";r=2;t=60`)
	advance(59500 * time.Millisecond)
	r = alice[2].do("GET", base, nil).want(t, http.StatusTooManyRequests)
	wantFields(r, `"default";r=0;t=1`) // rounded up: never earlier than the end
	if r.header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q, want 1", r.header.Get("Retry-After"))
	}
	advance(500 * time.Millisecond)
	// The lockout is over and a new window starts with the next request.
	wantFields(alice[1].do("GET", base, nil).want(t, http.StatusOK), `"default";r=2;t=60`)
	// Authenticated errors count and carry the fields too.
	wantFields(alice[1].do("POST", base, samlBody("x", nil)).want(t, http.StatusForbidden), `"default";r=1;t=60`)

	want := RateLimitCounts{Refused: 2, Lockouts: 1, MostInWindow: 3}
	if got := ts.RateLimitCounts(); got != want {
		t.Errorf("RateLimitCounts %+v, want %+v", got, want)
	}
	resp, err := http.Get(ts.URL + "/__emulator/counters")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var counters struct {
		RateLimit RateLimitCounts `json:"rate_limit"`
	}
	if err := json.Unmarshal(body, &counters); err != nil || counters.RateLimit != want {
		t.Errorf("/__emulator/counters %s (%v), want rate_limit %+v", body, err, want)
	}
	ts.ResetCounts()
	if got := ts.RateLimitCounts(); got != (RateLimitCounts{}) {
		t.Errorf("after ResetCounts: %+v", got)
	}
}

// Unauthenticated requests are nobody's: not counted, no fields.
func TestRateLimitSkipsUnauthenticated(t *testing.T) {
	ts, _ := newContractServer(t, Options{RateLimit: &RateLimitConfig{Requests: 1, Window: time.Minute}})
	base := idpsPath(ts.AccountScope())
	for range 3 {
		r := ts.client(t, "nope").do("GET", base, nil).want(t, http.StatusForbidden, codeAuthError)
		if r.header.Get("Ratelimit") != "" {
			t.Errorf("Ratelimit %q on an unauthenticated request", r.header.Get("Ratelimit"))
		}
	}
	ts.client(t, ts.ReadToken).do("GET", base, nil).want(t, http.StatusOK)
}

// Without Options.RateLimit there is no limit and there are no fields.
func TestRateLimitOff(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	r := ts.client(t, ts.ReadToken).do("GET", idpsPath(ts.AccountScope()), nil).want(t, http.StatusOK)
	if r.header.Get("Ratelimit") != "" || r.header.Get("Ratelimit-Policy") != "" {
		t.Errorf("rate-limit fields without a limit: %v", r.header)
	}
}

func TestParseRateLimit(t *testing.T) {
	for in, want := range map[string]RateLimitConfig{
		"1200/5m": CloudflareRateLimit,
		"60/15s":  {Requests: 60, Window: 15 * time.Second},
	} {
		got, err := ParseRateLimit(in)
		if err != nil || got != want {
			t.Errorf("ParseRateLimit(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1200", "1200/", "/5m", "0/5m", "10/1500ms", "10/0s", "x/5m"} {
		if _, err := ParseRateLimit(in); err == nil {
			t.Errorf("ParseRateLimit(%q) accepted", in)
		}
	}
	if c, err := ParseRateLimitFlag("off"); c != nil || err != nil {
		t.Errorf(`ParseRateLimitFlag("off") = %v, %v`, c, err)
	}
}
