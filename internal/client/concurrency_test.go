package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

// Many goroutines share one rate-limited client against a flaky server (every 5th request fails, every
// 10th with 429 and the others with 503): every call gets its own answer, no attempt is lost or sent
// twice, the limiter holds the rest back for a window, and -race stays quiet. The bubble's fake clock runs
// the limiter's windows and the retry-after pauses without real waiting.
func TestManyConcurrentCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n, gets, puts atomic.Int64
		api := newBubbleAPI(func(w http.ResponseWriter, r *http.Request) {
			switch i := n.Add(1); {
			case i%10 == 0:
				w.Header().Set("Retry-After", "1")
				writeAPIError(w, 429, 10013, "rate limited")
			case i%5 == 0:
				writeAPIError(w, 503, 1000, "unavailable")
			case r.Method == http.MethodGet:
				gets.Add(1)
				writeResult(w, 200, storedIdP(redacted34), nil)
			case r.Method == http.MethodPut:
				// Echo the body: each caller must get back the name it sent.
				var sent IdentityProvider
				if err := json.NewDecoder(r.Body).Decode(&sent); err != nil {
					writeAPIError(w, 400, CodeInvalidRequest, err.Error())
					return
				}
				puts.Add(1)
				sent.ID = testIdPID
				writeResult(w, 200, sent, nil)
			default:
				writeAPIError(w, 405, 1000, "method not allowed")
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
					if (w+i)%2 == 0 {
						idp, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
						switch {
						case err != nil:
							errs <- err
						case idp.ID != testIdPID || idp.Name != "JumpCloud":
							errs <- fmt.Errorf("GET answered %s %q", idp.ID, idp.Name)
						}
						continue
					}
					want := samlIdP()
					want.Name = fmt.Sprintf("worker %d call %d", w, i)
					idp, err := c.UpdateIdentityProvider(context.Background(), ZoneScope(testZone), testIdPID, want)
					switch {
					case err != nil:
						errs <- err
					case idp.Name != want.Name:
						errs <- fmt.Errorf("PUT of %q answered %q", want.Name, idp.Name)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		// Half the calls are GETs, half PUTs, each answered once.
		if g, p := gets.Load(), puts.Load(); g != workers*calls/2 || p != workers*calls/2 {
			t.Errorf("%d GETs and %d PUTs answered, want %d of each", g, p, workers*calls/2)
		}
		// Every 5th request fails and is retried, and the last request succeeds: 800 successes take exactly
		// 999 requests (999 - 999/5 = 800). A lost retry or an attempt sent twice changes the number.
		if got, want := n.Load(), int64(999); got != want {
			t.Errorf("%d requests for %d calls, want %d", got, workers*calls, want)
		}
		// 999 requests over the limit of 600 per five minutes: the limiter had to hold some back for a window.
		received := api.receiptTimes()
		if got := maxInWindow(received, RateLimitWindow); got > 600 {
			t.Errorf("%d requests in five minutes, limit 600", got)
		}
		if got := maxInWindow(received, PerIPRateWindow); got > PerIPRateLimit {
			t.Errorf("%d requests in a second, limit %d", got, PerIPRateLimit)
		}
	})
}
