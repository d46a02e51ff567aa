package client

import (
	"fmt"
	"net/http"
	"slices"
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

// fieldsOf builds the fields of answers of one window of 1200 per 300 s
// that ends 200 s from now.
func fieldsOf(r int64) http.Header {
	h := http.Header{}
	h.Set("Ratelimit", fmt.Sprintf(`"default";r=%d;t=200`, r))
	h.Set("Ratelimit-Policy", `"default";q=1200;w=300`)
	return h
}

// Answers overtake each other: the server counted three requests of this
// client (r = 1100, 1099, 1098) and the answers arrive 1098, 1100, 1099. Until
// every attempt sent before an answer has ended, the client cannot tell its
// own requests from others'; then it counts no one else, and nothing bounds
// the pace of a steady sender tighter than its own quiet does.
func TestOwnAnswersOutOfOrderAreNotOthers(t *testing.T) {
	now := time.Unix(0, 0)
	b := newServerBudget(func() time.Time { return now })
	admit := func() func(int, http.Header) {
		ok, _, _, _, _, _ := b.decide(now)
		if !ok {
			t.Fatalf("an attempt was held back at %v", now)
		}
		done, err := b.acquire(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	first := admit() // alone: learns that the server sends the fields
	first(http.StatusOK, fieldsOf(1101))
	now = now.Add(100 * time.Millisecond)
	var dones []func(int, http.Header)
	for range 4 {
		dones = append(dones, admit())
	}
	for i, r := range []int64{1098, 1100, 1099} {
		now = now.Add(10 * time.Millisecond)
		dones[i](http.StatusOK, fieldsOf(r))
	}
	if got := len(b.cur.pending); got != 3 {
		t.Fatalf("%d answers resolved while an attempt sent before them is in flight, want none", 3-got)
	}
	// A dashboard's requests were counted at 1097, 1096 and 1095, the one
	// in flight at 1094.
	now = now.Add(10 * time.Millisecond)
	dones[3](http.StatusOK, fieldsOf(1094))
	if len(b.cur.pending) != 0 {
		t.Fatalf("%d answers unresolved with nothing in flight", len(b.cur.pending))
	}
	var others []int64
	for _, m := range b.cur.marks {
		others = append(others, m.others)
	}
	// From the window's start: the 98 before this client's first answer
	// (1200 − 1101 − 1), then none until the dashboard's three.
	if want := []int64{98, 98, 98, 98, 101}; !slices.Equal(others, want) {
		t.Errorf("others counted with each answer %v, want %v", others, want)
	}
}

// A client that waits decides on an old count as on a fresh one: what it may
// spend does not grow while it learns nothing new, because the steady
// sender may have sent its share of the wait.
func TestRoomDoesNotGrowWhileWaiting(t *testing.T) {
	now := time.Unix(0, 0)
	b := newServerBudget(func() time.Time { return now })
	done, err := b.acquire(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 700 of 1200 spent 100 s into the window: others' 699 bound a steady
	// sender to 7/s, beyond the assumed most of 3/s.
	done(http.StatusOK, fieldsOf(500))
	before, _, _ := b.room(now)
	now = now.Add(150 * time.Second)
	after, _, _ := b.room(now)
	// r − R − 3/s × (200 s + the second the client adds to t).
	if want := float64(500-60) - 3*201; before != want || after != before {
		t.Errorf("room %v, and %v 150 s later; want %v both times", before, after, want)
	}
}
