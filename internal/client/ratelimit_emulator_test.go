package client_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// These tests run the client against the emulator's real rate limiter,
// which refuses every call of a credential for five minutes once it went
// over its limit. Client and emulator share a synctest bubble and so its fake
// clock: a five-minute window takes no real time, and the emulator's limiter
// and the client's read the same time.

const bubbleBaseURL = "http://emulator.test"

// network stands between the clients and the emulator. It delays the i-th
// request it carries by delay(i, rng) before the emulator receives it, and
// records, as the server sees them, when each request was received, from
// which client (its User-Agent) and what the answer was. The clients named in
// blind get answers without the rate-limit fields, as from a server that
// does not send them.
type network struct {
	emu   *emulator.Server
	delay func(i int, rng *rand.Rand) time.Duration
	blind map[string]bool
	// back, if set, delays the answer to the i-th request after the
	// emulator counted it, so that answers may overtake each other.
	back func(i int, rng *rand.Rand) time.Duration

	mu       sync.Mutex
	rng      *rand.Rand // a fixed seed: runs repeat
	carried  int
	received []receipt
}

type receipt struct {
	at     time.Time
	client string
	status int
}

func newNetwork(emu *emulator.Server, delay func(i int, rng *rand.Rand) time.Duration) *network {
	if delay == nil {
		delay = func(int, *rand.Rand) time.Duration { return 0 }
	}
	return &network{emu: emu, delay: delay, rng: rand.New(rand.NewPCG(17, 1))}
}

func (n *network) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	delay, back := n.delay(n.carried, n.rng), time.Duration(0)
	if n.back != nil {
		back = n.back(n.carried, n.rng)
	}
	n.carried++
	n.mu.Unlock()
	if err := client.SleepContext(r.Context(), delay); err != nil {
		return
	}
	rcpt := receipt{at: time.Now(), client: r.UserAgent()}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK, blind: n.blind[r.UserAgent()]}
	n.emu.ServeHTTP(sw, r)
	rcpt.status = sw.status
	n.mu.Lock()
	n.received = append(n.received, rcpt)
	n.mu.Unlock()
	_ = client.SleepContext(r.Context(), back) // the answer is late; a gone client does not matter
}

// receipts returns what the server received from the client with the given
// User-Agent, in order.
func (n *network) receipts(userAgent string) []receipt {
	n.mu.Lock()
	defer n.mu.Unlock()
	var rs []receipt
	for _, r := range n.received {
		if r.client == userAgent {
			rs = append(rs, r)
		}
	}
	slices.SortFunc(rs, func(a, b receipt) int { return a.at.Compare(b.at) })
	return rs
}

type statusWriter struct {
	http.ResponseWriter
	status int
	blind  bool
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	if w.blind {
		w.Header().Del("Ratelimit")
		w.Header().Del("Ratelimit-Policy")
	}
	w.ResponseWriter.WriteHeader(status)
}

func newBubbleEmulator(limit emulator.RateLimitConfig) *emulator.Server {
	emu := emulator.New(emulator.Options{
		Accounts:  []string{emulator.TestAccountID},
		Tokens:    map[string]emulator.Permission{emulator.TestWriteToken: emulator.PermWrite},
		RateLimit: &limit,
	})
	emu.SetBaseURL(bubbleBaseURL)
	return emu
}

func newBubbleEmulatorClient(t *testing.T, net *network, userAgent string, mutate ...func(*client.Config)) *client.Client {
	t.Helper()
	return newClient(t, client.Config{
		BaseURL: bubbleBaseURL + "/client/v4", APIToken: emulator.TestWriteToken, UserAgent: userAgent,
		HTTPClient: &http.Client{Transport: client.NewHandlerTransport(net)},
	}, mutate...)
}

// A run of 2000 requests from many goroutines with the default settings,
// against Cloudflare's limit, from a server that does not send the rate-limit
// fields: the client-side limit alone keeps the run from a lockout, never
// more than 1200 in five minutes nor 200 in a second as the server counts,
// and only paced once the first 1200 are spent.
func TestDefaultRateLimitAgainstTheEmulatorsLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := newBubbleEmulator(emulator.CloudflareRateLimit)
		emu.SetFaults(emulator.FaultConfig{Latency: 50 * time.Millisecond})
		// The network is slow while the first 1200 requests cross it (a
		// congested link, new connections) and fast afterwards. A limiter that
		// counted a request from when it was sent would let the fast ones
		// overtake the slow ones' window.
		net := newNetwork(emu, func(i int, rng *rand.Rand) time.Duration {
			jitter := time.Duration(rng.Int64N(int64(100 * time.Millisecond)))
			if i < client.DefaultRateLimit {
				return 2*time.Second + 10*jitter
			}
			return jitter
		})
		const ua = "terraform-provider-zerotrust/test"
		net.blind = map[string]bool{ua: true}
		c := newBubbleEmulatorClient(t, net, ua, func(cfg *client.Config) {
			cfg.MaxRetries = -1 // a 429 fails the test instead of being waited out
		})
		start := time.Now()

		const workers, pairs = 128, 1000 // a create and a read per pair
		scope := client.AccountScope(emulator.TestAccountID)
		var next atomic.Int64
		errs := make(chan error, 2*pairs)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := next.Add(1); i <= pairs; i = next.Add(1) {
					created, err := c.CreateIdentityProvider(context.Background(), scope, samlLoginMethod(fmt.Sprintf("idp-%d", i), i%2 == 0))
					if err != nil {
						errs <- err
						continue
					}
					got, err := c.GetIdentityProvider(context.Background(), scope, created.ID)
					if err != nil {
						errs <- err
						continue
					}
					if got.Name != created.Name {
						errs <- fmt.Errorf("read %q back as %q", created.Name, got.Name)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}

		received := net.receipts(ua)
		var at []time.Time
		for _, r := range received {
			if r.status/100 != 2 {
				t.Fatalf("the emulator answered %d at %v", r.status, r.at.Sub(start))
			}
			at = append(at, r.at)
		}
		if stored := len(emu.List(emulator.AccountScope(emulator.TestAccountID))); len(received) != 2*pairs || stored != pairs {
			t.Fatalf("%d requests received and %d login methods stored, want %d and %d", len(received), stored, 2*pairs, pairs)
		}
		if n := client.MaxInWindow(at, emulator.RateLimitWindow); n > emulator.RateLimitRequests {
			t.Errorf("%d requests in five minutes, Cloudflare allows %d", n, emulator.RateLimitRequests)
		}
		if n := client.MaxInWindow(at, time.Second); n > client.PerIPRateLimit {
			t.Errorf("%d requests in a second, Cloudflare allows %d", n, client.PerIPRateLimit)
		}
		// The shape of the rule: the first 1200 go as fast as the workers
		// send them (200 per second at most), the rest once the first ones
		// are a window old. The token bucket this limiter replaced took
		// about 300 s for the first 1200 and 500 s for all.
		first, last := at[client.DefaultRateLimit-1].Sub(start), at[len(at)-1].Sub(start)
		t.Logf("received: the first %d by %v, the next from %v, the last at %v", client.DefaultRateLimit, first, at[client.DefaultRateLimit].Sub(start), last)
		if first > time.Minute || last > emulator.RateLimitWindow+time.Minute {
			t.Errorf("the first %d requests were received by %v and all by %v: paced more than the rule needs", client.DefaultRateLimit, first, last)
		}
	})
}

// Two processes with one token: the other one, which does not read the
// rate-limit fields, spent the user's quota, so ours meets the emulator's
// five-minute lockout. Its first 429 holds back every caller of the client
// for the retry-after, then all calls succeed.
func TestSharedPauseAfterAnotherProcessSpentTheQuota(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := emulator.RateLimitConfig{Requests: 100, Window: 5 * time.Minute}
		emu := newBubbleEmulator(limit)
		net := newNetwork(emu, nil)
		net.blind = map[string]bool{"other-process": true}
		scope := client.AccountScope(emulator.TestAccountID)
		list := func(c *client.Client) error {
			_, _, err := c.ListIdentityProviders(context.Background(), scope, client.ListOptions{})
			return err
		}

		other := newBubbleEmulatorClient(t, net, "other-process", func(cfg *client.Config) { cfg.RateLimit = int64(limit.Requests) })
		for range limit.Requests {
			if err := list(other); err != nil {
				t.Fatal(err)
			}
		}

		ours := newBubbleEmulatorClient(t, net, "ours", func(cfg *client.Config) { cfg.MaxRetryWait = 10 * time.Minute })
		const workers, calls = 8, 5
		errs := make(chan error, workers*calls)
		var wg sync.WaitGroup
		work := func() {
			for range calls {
				if err := list(ours); err != nil {
					errs <- err
				}
			}
		}
		wg.Go(work)
		synctest.Wait() // the first caller met the lockout and waits out its retry-after
		refused := net.receipts("ours")
		if len(refused) != 1 || refused[0].status != http.StatusTooManyRequests {
			t.Fatalf("the first call of ours got %+v, want one 429", refused)
		}
		for range workers - 1 {
			wg.Go(work)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		received := net.receipts("ours")
		if len(received) != 1+workers*calls {
			t.Errorf("%d requests received, want %d", len(received), 1+workers*calls)
		}
		for _, r := range received[1:] {
			if wait := r.at.Sub(refused[0].at); r.status/100 != 2 || wait < limit.Window {
				t.Errorf("a request %v after the 429 was answered %d", wait, r.status)
			}
		}
	})
}
