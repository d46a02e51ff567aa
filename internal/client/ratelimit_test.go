package client

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The rate-limiter tests run the client and a fake API in one synctest
// bubble: both read the bubble's fake clock, which moves only when every
// goroutine in the bubble waits, so five-minute windows take no real time
// and the API's receipt times are exact.

// The holds of Cloudflare's two rules, with the clock-rate margin.
const (
	fiveMinuteHold = 5*time.Minute + 300*time.Millisecond
	oneSecondHold  = time.Second + time.Millisecond
)

// bubbleAPI is a fake API for a synctest bubble. A request is delayed by
// networkDelay (by arrival order) before the API receives it; the API
// records when it received each one, since it was built, and answers with
// answer.
type bubbleAPI struct {
	start        time.Time
	networkDelay func(i int) time.Duration
	answer       http.HandlerFunc

	mu       sync.Mutex
	arrived  int
	received []time.Duration
}

func newBubbleAPI(answer http.HandlerFunc) *bubbleAPI {
	return &bubbleAPI{start: time.Now(), answer: answer}
}

func (a *bubbleAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	i := a.arrived
	a.arrived++
	a.mu.Unlock()
	if a.networkDelay != nil {
		if err := SleepContext(r.Context(), a.networkDelay(i)); err != nil {
			return
		}
	}
	a.mu.Lock()
	a.received = append(a.received, time.Since(a.start))
	a.mu.Unlock()
	a.answer(w, r)
}

func (a *bubbleAPI) receipts() []time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.received)
}

func (a *bubbleAPI) receiptTimes() []time.Time {
	var ts []time.Time
	for _, d := range a.receipts() {
		ts = append(ts, a.start.Add(d))
	}
	return ts
}

func answerIdP(w http.ResponseWriter, _ *http.Request) {
	writeResult(w, 200, storedIdP(redacted34), nil)
}

// newBubbleClient is a client of api with the default rate limit, the real
// (fake-clock) sleeps and no jitter.
func newBubbleClient(t *testing.T, api http.Handler, mutate ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: "http://api.test/client/v4", APIToken: testToken, HTTPClient: &http.Client{Transport: handlerTransport{api}}}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.jitter = func(d time.Duration) time.Duration { return d }
	return c
}

func getIdP(c *Client) error {
	_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
	return err
}

func TestRateLimiterSendsAWindowAtOnceThenWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newBubbleAPI(answerIdP)
		c := newBubbleClient(t, api, func(c *Config) { c.RateLimit = 3 })
		for range 7 {
			if err := getIdP(c); err != nil {
				t.Fatal(err)
			}
		}
		// Three at once; each further one a window after the end of the
		// request whose permit it takes.
		want := []time.Duration{0, 0, 0, fiveMinuteHold, fiveMinuteHold, fiveMinuteHold, 2 * fiveMinuteHold}
		if got := api.receipts(); !slices.Equal(got, want) {
			t.Errorf("received at %v, want %v", got, want)
		}
	})
}

// The server counts a request when it receives it, after an unknown
// network delay: a permit is held until a window after the response.
func TestRateLimiterCountsWhereTheServerCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const delay = 4 * time.Second
		api := newBubbleAPI(answerIdP)
		api.networkDelay = func(i int) time.Duration {
			if i == 0 {
				return delay
			}
			return 0
		}
		c := newBubbleClient(t, api, func(c *Config) { c.RateLimit = 1 })
		for range 2 {
			if err := getIdP(c); err != nil {
				t.Fatal(err)
			}
		}
		// Counted from its start, the second request would be received at
		// 5m, in the server's window [4s, 5m4s) of the first.
		want := []time.Duration{delay, delay + fiveMinuteHold}
		if got := api.receipts(); !slices.Equal(got, want) {
			t.Errorf("received at %v, want %v", got, want)
		}
		if n := maxInWindow(api.receiptTimes(), 5*time.Minute); n != 1 {
			t.Errorf("%d requests in one five-minute window, limit 1", n)
		}
	})
}

func TestRateLimiterCountsRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newBubbleAPI(inTurn(status(500, ""), status(500, ""), answerIdP))
		c := newBubbleClient(t, api, func(c *Config) { c.RateLimit = 3; c.RetryBaseDelay = time.Second })
		for range 2 {
			if err := getIdP(c); err != nil {
				t.Fatal(err)
			}
		}
		// Two backoffs of 1 s and 2 s, then the second call waits for the
		// permit of the first attempt.
		want := []time.Duration{0, time.Second, 3 * time.Second, fiveMinuteHold}
		if got := api.receipts(); !slices.Equal(got, want) {
			t.Errorf("received at %v, want %v", got, want)
		}
	})
}

// MaxRetryWait bounds retrying, not waiting for a turn: a call the limiter
// held for a window still retries a 503.
func TestWaitingForTheLimiterIsNotRetrying(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newBubbleAPI(inTurn(answerIdP, status(503, ""), answerIdP))
		c := newBubbleClient(t, api, func(c *Config) {
			c.RateLimit, c.MaxRetryWait, c.RetryBaseDelay = 1, 2*time.Minute, time.Second
		})
		for range 2 {
			if err := getIdP(c); err != nil {
				t.Fatal(err)
			}
		}
		// The retry waits 1 s of backoff, then for the permit of the 503.
		want := []time.Duration{0, fiveMinuteHold, 2 * fiveMinuteHold}
		if got := api.receipts(); !slices.Equal(got, want) {
			t.Errorf("received at %v, want %v", got, want)
		}
	})
}

// Whatever the limit per five minutes, no second holds more than
// Cloudflare's 200 per IP, and the limiter keeps that pace.
func TestRateLimiterKeepsTheLimitPerSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		api := newBubbleAPI(answerIdP)
		c := newBubbleClient(t, api, func(c *Config) { c.RateLimit = 100000 })
		const workers, calls = 40, 20
		errs := make(chan error, workers*calls)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range calls {
					if err := getIdP(c); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got := api.receipts()
		if len(got) != workers*calls {
			t.Fatalf("%d requests received, want %d", len(got), workers*calls)
		}
		if n := maxInWindow(api.receiptTimes(), time.Second); n != PerIPRateLimit {
			t.Errorf("at most %d requests in a second, want %d", n, PerIPRateLimit)
		}
		// 800 requests: four rounds of 200, one hold apart.
		if last := slices.Max(got); last != 3*oneSecondHold {
			t.Errorf("the last request was received at %v, want %v", last, 3*oneSecondHold)
		}
	})
}

// A call the limiter held back while another met a 429 waits out the
// retry-after too, not only calls that start after the 429.
func TestRateLimiterThenTheSharedPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const retryAfter = 10 * time.Minute
		release := make(chan struct{})
		var mu sync.Mutex
		first := true
		api := newBubbleAPI(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			isFirst := first
			first = false
			mu.Unlock()
			if isFirst {
				<-release
				w.Header().Set("Retry-After", "600")
				writeAPIError(w, 429, 10429, "rate limited")
				return
			}
			answerIdP(w, r)
		})
		c := newBubbleClient(t, api, func(c *Config) { c.RateLimit = 1 })
		errA, errB := make(chan error, 1), make(chan error, 1)
		go func() { errA <- getIdP(c) }()
		synctest.Wait() // A holds the only permit, its request unanswered
		go func() { errB <- getIdP(c) }()
		synctest.Wait() // B waits for the permit, with no pause yet
		close(release)
		// A's retry-after does not fit into MaxRetryWait: A gives up.
		if err := <-errA; !IsRateLimited(err) {
			t.Fatalf("A: %v, want rate limited", err)
		}
		if err := <-errB; err != nil {
			t.Fatalf("B: %v", err)
		}
		// B got the permit at 5m0.3s, in the middle of the pause.
		want := []time.Duration{0, retryAfter}
		if got := api.receipts(); !slices.Equal(got, want) {
			t.Errorf("received at %v, want %v", got, want)
		}
	})
}

func TestMaxInWindow(t *testing.T) {
	at := func(secs ...float64) []time.Time {
		var ts []time.Time
		for _, s := range secs {
			ts = append(ts, time.Unix(0, 0).Add(time.Duration(s*float64(time.Second))))
		}
		return ts
	}
	for _, tt := range []struct {
		times []time.Time
		w     time.Duration
		want  int
	}{
		{nil, time.Second, 0},
		{at(0), time.Second, 1},
		{at(0, 1), time.Second, 1}, // [a, a+w) is half-open
		{at(0, 0.999), time.Second, 2},
		{at(5, 0.5, 1.2, 0, 1.4, 2.1), time.Second, 3}, // 1.2, 1.4, 2.1, unsorted
		{at(0, 0, 0, 3, 3), time.Second, 3},
	} {
		if got := maxInWindow(tt.times, tt.w); got != tt.want {
			t.Errorf("maxInWindow(%v, %v) = %d, want %d", tt.times, tt.w, got, tt.want)
		}
	}
}
