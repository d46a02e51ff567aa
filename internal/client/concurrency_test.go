package client

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Many goroutines share one client against a flaky server (every 5th
// request fails with 503 or 429): all calls succeed and -race stays quiet.
func TestManyConcurrentCallers(t *testing.T) {
	var n atomic.Int64
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch i := n.Add(1); {
		case i%10 == 0:
			w.Header().Set("Retry-After", "1")
			writeAPIError(w, 429, 10013, "rate limited")
		case i%5 == 0:
			writeAPIError(w, 503, 1000, "unavailable")
		case r.Method == http.MethodGet:
			writeResult(w, 200, storedIdP(redacted34), nil)
		default:
			writeResult(w, 200, storedIdP(redacted34), nil)
		}
	})
	logs := &logRecorder{}
	c, _ := newTestClient(t, api.URL, func(c *Config) {
		c.RateLimitDisabled, c.RateLimit, c.RateBurst = false, 5000, 50
		c.MaxRetries, c.Logger = 10, logs
	})
	const workers, calls = 32, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				var err error
				if (w+i)%2 == 0 {
					_, err = c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
				} else {
					_, err = c.UpdateIdentityProvider(context.Background(), ZoneScope(testZone), testIdPID, samlIdP())
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("concurrent callers did not finish")
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := n.Load(); got < workers*calls {
		t.Errorf("%d requests for %d calls", got, workers*calls)
	}
}
