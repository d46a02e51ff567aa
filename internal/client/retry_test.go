package client

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// sequence answers the n-th request with steps[n] (the last step repeats).
func sequence(t *testing.T, steps ...func(w http.ResponseWriter, r *http.Request)) *fakeAPI {
	return newFakeAPI(t, inTurn(steps...))
}

// inTurn answers the i-th request with steps[i], and every later one with
// the last step.
func inTurn(steps ...func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
	var n atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
	}
}

func status(code int, retryAfter string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		writeAPIError(w, code, 1000+code, http.StatusText(code))
	}
}

func ok(result any) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { writeResult(w, 200, result, nil) }
}

func TestRetryHonoursRetryAfterOn429(t *testing.T) {
	api := sequence(t, status(429, "3"), ok(storedIdP(redacted34)))
	c, sleeps := newTestClient(t, api.URL)
	if _, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID); err != nil {
		t.Fatal(err)
	}
	if got := sleeps.recorded(); !slices.Equal(got, []time.Duration{3 * time.Second}) {
		t.Errorf("sleeps %v, want [3s]", got)
	}
	if api.requests.Load() != 2 {
		t.Errorf("%d requests", api.requests.Load())
	}
}

func TestRetryBacksOffOn5xxForIdempotentMethods(t *testing.T) {
	calls := map[string]func(c *Client) error{
		"GET": func(c *Client) error {
			_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
			return err
		},
		"PUT": func(c *Client) error {
			_, err := c.UpdateIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID, samlIdP())
			return err
		},
		"DELETE": func(c *Client) error {
			return c.DeleteIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
		},
	}
	for method, call := range calls {
		t.Run(method, func(t *testing.T) {
			api := sequence(t, status(500, ""), status(502, ""), status(503, "1"), ok(storedIdP(redacted34)))
			c, sleeps := newTestClient(t, api.URL, func(c *Config) { c.RetryBaseDelay = 100 * time.Millisecond })
			if err := call(c); err != nil {
				t.Fatal(err)
			}
			// Jitter is maximal in tests: 100ms, 200ms, then the 503's retry-after.
			want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, time.Second}
			if got := sleeps.recorded(); !slices.Equal(got, want) {
				t.Errorf("sleeps %v, want %v", got, want)
			}
		})
	}
}

func TestRetryGivesUpAfterMaxRetries(t *testing.T) {
	api := sequence(t, status(500, ""))
	c, sleeps := newTestClient(t, api.URL, func(c *Config) { c.MaxRetries = 3 })
	_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
	if !IsServerError(err) || api.requests.Load() != 4 || len(sleeps.recorded()) != 3 {
		t.Fatalf("err %v after %d requests, sleeps %v", err, api.requests.Load(), sleeps.recorded())
	}
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	c, _ := newTestClient(t, "http://127.0.0.1:1", func(c *Config) { c.RetryBaseDelay = time.Second })
	if d := c.backoff(20); d != maxRetryDelay {
		t.Errorf("backoff(20) = %v, want the cap %v", d, maxRetryDelay)
	}
	c.jitter = fullJitter
	for range 100 {
		if d := c.backoff(3); d < 0 || d > 4*time.Second {
			t.Fatalf("jittered backoff(3) = %v outside [0, 4s]", d)
		}
	}
}

func TestRetryWaitIsBounded(t *testing.T) {
	t.Run("a retry-after beyond the bound is not waited for", func(t *testing.T) {
		api := sequence(t, status(429, "600"))
		c, sleeps := newTestClient(t, api.URL, func(c *Config) { c.MaxRetryWait = 2 * time.Minute })
		_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
		var apiErr *APIError
		if !IsRateLimited(err) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 10*time.Minute {
			t.Fatalf("err = %v", err)
		}
		if api.requests.Load() != 1 || len(sleeps.recorded()) != 0 {
			t.Errorf("%d requests, sleeps %v", api.requests.Load(), sleeps.recorded())
		}
	})
	t.Run("real time spent counts", func(t *testing.T) {
		api := sequence(t, status(503, ""))
		c, _ := newTestClient(t, api.URL, func(c *Config) {
			c.MaxRetries, c.MaxRetryWait, c.RetryBaseDelay = 100, 300*time.Millisecond, 20*time.Millisecond
		})
		c.sleep = SleepContext
		start := time.Now()
		_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
		if took := time.Since(start); !IsServerError(err) || took > 2*time.Second {
			t.Fatalf("err %v after %v", err, took)
		}
		if n := api.requests.Load(); n < 2 || n > 20 {
			t.Errorf("%d requests in a 300ms budget", n)
		}
	})
}

func TestPOSTIsNotRetriedWhenItsOutcomeIsUnknown(t *testing.T) {
	t.Run("5xx", func(t *testing.T) {
		api := sequence(t, status(500, ""), ok(storedIdP(testSecret)))
		c, _ := newTestClient(t, api.URL)
		_, err := c.CreateIdentityProvider(context.Background(), AccountScope(testAccount), samlIdP())
		if !errors.Is(err, ErrOutcomeUnknown) || !IsServerError(err) || api.requests.Load() != 1 {
			t.Fatalf("err %v after %d requests", err, api.requests.Load())
		}
	})
	t.Run("response lost", func(t *testing.T) {
		api := sequence(t, func(w http.ResponseWriter, r *http.Request) { dropConnection(t, w) }, ok(storedIdP(testSecret)))
		c, _ := newTestClient(t, api.URL)
		_, err := c.CreateIdentityProvider(context.Background(), AccountScope(testAccount), samlIdP())
		var unknown *OutcomeUnknownError
		if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &unknown) || api.requests.Load() != 1 {
			t.Fatalf("err %v after %d requests", err, api.requests.Load())
		}
	})
	t.Run("refresh of the SCIM secret", func(t *testing.T) {
		api := sequence(t, func(w http.ResponseWriter, r *http.Request) { dropConnection(t, w) }, ok(storedIdP(testSecret)))
		c, _ := newTestClient(t, api.URL)
		_, err := c.RefreshSCIMSecret(context.Background(), AccountScope(testAccount), testIdPID)
		if !errors.Is(err, ErrOutcomeUnknown) || api.requests.Load() != 1 {
			t.Fatalf("err %v after %d requests", err, api.requests.Load())
		}
	})
}

func TestPOSTIsRetriedOn429(t *testing.T) {
	api := sequence(t, status(429, "2"), func(w http.ResponseWriter, r *http.Request) { writeResult(w, 201, storedIdP(testSecret), nil) })
	c, sleeps := newTestClient(t, api.URL)
	p, err := c.CreateIdentityProvider(context.Background(), AccountScope(testAccount), samlIdP())
	if err != nil || p.SCIMConfig.Secret != testSecret {
		t.Fatalf("%v, %v", p, err)
	}
	if api.requests.Load() != 2 || !slices.Equal(sleeps.recorded(), []time.Duration{2 * time.Second}) {
		t.Errorf("%d requests, sleeps %v", api.requests.Load(), sleeps.recorded())
	}
}

func TestPOSTIsRetriedWhenTheConnectionWasNeverMade(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeResult(w, 201, storedIdP(testSecret), nil) })
	var dials atomic.Int64
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= 2 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	t.Cleanup(transport.CloseIdleConnections)
	c, sleeps := newTestClient(t, api.URL, func(c *Config) { c.HTTPClient = &http.Client{Transport: transport} })
	if _, err := c.CreateIdentityProvider(context.Background(), AccountScope(testAccount), samlIdP()); err != nil {
		t.Fatal(err)
	}
	if api.requests.Load() != 1 || len(sleeps.recorded()) != 2 {
		t.Errorf("%d requests reached the server, sleeps %v", api.requests.Load(), sleeps.recorded())
	}
}

func TestConflictIsNotRetried(t *testing.T) {
	api := sequence(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Should-Retry", "false")
		writeAPIError(w, 409, 12131, "access.api.error.conflict: duplicate")
	})
	c, _ := newTestClient(t, api.URL)
	_, err := c.UpdateIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID, samlIdP())
	if !IsConflict(err) || api.requests.Load() != 1 {
		t.Fatalf("err %v after %d requests", err, api.requests.Load())
	}
}

func TestShouldRetryFalseStopsA5xxRetry(t *testing.T) {
	api := sequence(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Should-Retry", "false")
		writeAPIError(w, 500, 1000, "no")
	})
	c, _ := newTestClient(t, api.URL)
	_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
	if !IsServerError(err) || api.requests.Load() != 1 {
		t.Fatalf("err %v after %d requests", err, api.requests.Load())
	}
}

func TestIdempotentCallsRetryALostResponse(t *testing.T) {
	api := sequence(t, func(w http.ResponseWriter, r *http.Request) { dropConnection(t, w) }, ok(storedIdP(redacted34)))
	c, _ := newTestClient(t, api.URL)
	if _, err := c.UpdateIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID, samlIdP()); err != nil {
		t.Fatal(err)
	}
	if api.requests.Load() != 2 {
		t.Errorf("%d requests", api.requests.Load())
	}
}

// A DELETE whose first attempt may have worked finds the IdP gone on the
// retry: that is success, not "not found".
func TestDeleteAfterAnAmbiguousAttempt(t *testing.T) {
	api := sequence(t, status(500, ""), status(404, ""))
	c, _ := newTestClient(t, api.URL)
	if err := c.DeleteIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID); err != nil {
		t.Fatalf("err = %v", err)
	}
	api = sequence(t, status(404, ""))
	c, _ = newTestClient(t, api.URL)
	if err := c.DeleteIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID); !IsNotFound(err) {
		t.Fatalf("a plain 404 must stay an error: %v", err)
	}
}

func TestSharedPauseAfterA429HoldsOtherCallersBack(t *testing.T) {
	api := sequence(t, ok(storedIdP(redacted34)))
	c, sleeps := newTestClient(t, api.URL)
	c.pause(5 * time.Second) // as if another caller had seen "retry-after: 5"
	if _, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID); err != nil {
		t.Fatal(err)
	}
	got := sleeps.recorded()
	if len(got) != 1 || got[0] < 4*time.Second || got[0] > 5*time.Second {
		t.Errorf("sleeps %v, want one of about 5s", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 8, 1, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"7":                             7 * time.Second,
		"1.5":                           1500 * time.Millisecond,
		"-1":                            0,
		"soon":                          0,
		"Sat, 01 Aug 2026 12:00:30 GMT": 30 * time.Second,
		"Sat, 01 Aug 2026 11:00:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
