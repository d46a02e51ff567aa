package client

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

func TestCancellation(t *testing.T) {
	t.Run("before the call", func(t *testing.T) {
		api := sequence(t, ok(storedIdP(redacted34)))
		c, _ := newTestClient(t, api.URL)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := c.GetIdentityProvider(ctx, AccountScope(testAccount), testIdPID)
		if !errors.Is(err, context.Canceled) || api.requests.Load() != 0 {
			t.Fatalf("err %v after %d requests", err, api.requests.Load())
		}
	})
	t.Run("during the request", func(t *testing.T) {
		// The request is cancelled once the server holds it, never by a timer: on a loaded machine a
		// timer may fire before the request is even sent, which is another case.
		arrived, release := make(chan struct{}, 1), make(chan struct{})
		api := sequence(t, func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		defer close(release)
		c, _ := newTestClient(t, api.URL)
		cancelOnArrival := func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-arrived; cancel() }()
			return ctx
		}
		_, err := c.GetIdentityProvider(cancelOnArrival(), AccountScope(testAccount), testIdPID)
		if !errors.Is(err, context.Canceled) || errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		// A POST cancelled after it was sent may have been applied.
		_, err = c.CreateIdentityProvider(cancelOnArrival(), AccountScope(testAccount), samlIdP())
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrOutcomeUnknown) {
			t.Fatalf("POST err = %v", err)
		}
	})
	t.Run("while waiting to retry", func(t *testing.T) {
		api := sequence(t, status(429, "30"))
		c, _ := newTestClient(t, api.URL)
		c.sleep = SleepContext
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.GetIdentityProvider(ctx, AccountScope(testAccount), testIdPID)
		if !errors.Is(err, context.DeadlineExceeded) || !IsRateLimited(err) || time.Since(start) > 5*time.Second {
			t.Fatalf("err %v after %v", err, time.Since(start))
		}
	})
	t.Run("while waiting for the rate limiter", func(t *testing.T) {
		api := sequence(t, ok(storedIdP(redacted34)))
		c, _ := newTestClient(t, api.URL)
		c.limiter = newRateLimiter(1)
		if _, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID); err != nil {
			t.Fatal(err) // takes the only permit for five minutes
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(30*time.Millisecond, cancel)
		start := time.Now()
		_, err := c.GetIdentityProvider(ctx, AccountScope(testAccount), testIdPID)
		if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second || api.requests.Load() != 1 {
			t.Fatalf("err %v after %v and %d requests", err, time.Since(start), api.requests.Load())
		}
	})
}
