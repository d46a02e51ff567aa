package client

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// Many goroutines share one rate-limited client against a flaky server
// (every 5th request fails with 503 or 429): all calls succeed and -race
// stays quiet. The bubble's fake clock runs the limiter's windows and the
// retry-after pauses without real waiting.
func TestManyConcurrentCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		api := newBubbleAPI(func(w http.ResponseWriter, r *http.Request) {
			switch i := n.Add(1); {
			case i%10 == 0:
				w.Header().Set("Retry-After", "1")
				writeAPIError(w, 429, 10013, "rate limited")
			case i%5 == 0:
				writeAPIError(w, 503, 1000, "unavailable")
			default:
				writeResult(w, 200, storedIdP(redacted34), nil)
			}
		})
		logs := &logRecorder{}
		c := newBubbleClient(t, api, func(c *Config) {
			c.RateLimit, c.MaxRetries, c.Logger = 600, 10, logs
		})
		const workers, calls = 32, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*calls)
		for w := range workers {
			wg.Go(func() {
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
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if got := n.Load(); got < workers*calls {
			t.Errorf("%d requests for %d calls", got, workers*calls)
		}
		// 800 calls and their retries, over the limit of 600 per five
		// minutes: the limiter had to hold some back for a window.
		received := api.receiptTimes()
		if got := maxInWindow(received, RateLimitWindow); got > 600 {
			t.Errorf("%d requests in five minutes, limit 600", got)
		}
		if got := maxInWindow(received, PerIPRateWindow); got > PerIPRateLimit {
			t.Errorf("%d requests in a second, limit %d", got, PerIPRateLimit)
		}
	})
}
