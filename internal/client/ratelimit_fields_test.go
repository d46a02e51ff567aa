package client

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestParseRateLimitFields(t *testing.T) {
	for _, tt := range []struct {
		name      string
		ratelimit []string
		policy    []string
		want      rateLimitFields
		ok        bool
	}{
		{"Cloudflare's", []string{`"default";r=50;t=30`}, []string{`"default";q=1200;w=300`},
			rateLimitFields{remaining: 50, reset: 30, quota: 1200, window: 300}, true},
		{"the most restrictive item", []string{`"default";r=500;t=200, "burst";r=5;t=1`}, []string{`"burst";q=100;w=60, "default";q=1200;w=300`},
			rateLimitFields{remaining: 5, reset: 1, quota: 100, window: 60}, true},
		{"split over field lines, ties to the later reset", []string{`"a";r=5;t=1`, `"b";r=5;t=9`}, []string{`"a";q=10;w=10`, `"b";q=20;w=20`},
			rateLimitFields{remaining: 5, reset: 9, quota: 20, window: 20}, true},
		{"no t, no policy", []string{`"default";r=7`}, nil, rateLimitFields{remaining: 7, reset: -1}, true},
		{"other parameters are comments", []string{`"default";r=7;t=3;pk=:cHsdsRa894==:;acme=1`}, nil, rateLimitFields{remaining: 7, reset: 3}, true},
		{"a malformed policy is ignored", []string{`"default";r=7;t=3`}, []string{`"default";q=`}, rateLimitFields{remaining: 7, reset: 3}, true},
		{"absent", nil, nil, rateLimitFields{}, false},
		{"malformed", []string{`"default;r=7`}, nil, rateLimitFields{}, false},
		{"no r", []string{`"default";t=3`}, nil, rateLimitFields{}, false},
		{"r not an integer", []string{`"default";r=7.5;t=3`}, nil, rateLimitFields{}, false},
		{"r negative", []string{`"default";r=-1;t=3`}, nil, rateLimitFields{}, false},
		{"an inner list", []string{`("default");r=7`}, nil, rateLimitFields{}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.ratelimit {
				h.Add("Ratelimit", v)
			}
			for _, v := range tt.policy {
				h.Add("Ratelimit-Policy", v)
			}
			got, ok := parseRateLimitFields(h)
			if ok != tt.ok || got != tt.want {
				t.Errorf("parseRateLimitFields(%v) = %+v, %v; want %+v, %v", h, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Answers overtake each other: the server counted three requests of this
// client (r = 100, 99, 98) and the answers arrive 98, 100, 99. That is one
// window (r rose, but by no more than answers in flight explain), and no
// request of anyone else.
func TestOwnAnswersOutOfOrderAreNotOthers(t *testing.T) {
	now := time.Unix(0, 0)
	b := newServerBudget(func() time.Time { return now })
	b.answered = true
	field := func(r int64) http.Header {
		h := http.Header{}
		h.Set("Ratelimit", fmt.Sprintf(`"default";r=%d;t=200`, r))
		h.Set("Ratelimit-Policy", `"default";q=1200;w=300`)
		return h
	}
	b.inflight = 4 // three answered below, one still in flight
	for _, r := range []int64{98, 100, 99} {
		b.done(field(r))
		now = now.Add(10 * time.Millisecond)
	}
	if got := b.othersInWindow(); got != 0 || b.rMin != 98 || b.rMax != 100 || b.own != 3 {
		t.Errorf("others %d, r from %d to %d over %d answers; want 0 others, 100 to 98 over 3", got, b.rMax, b.rMin, b.own)
	}
	// A dashboard's were counted at 97, 96 and 95, the one in flight at 94.
	b.done(field(94))
	if got := b.othersInWindow(); got != 3 {
		t.Errorf("others %d, want 3", got)
	}
}
