package client_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// These tests run several clients of one user against the emulator's rate
// limit, in one synctest bubble: the clients share nothing but the server,
// like Terraform runs in separate processes, and read the bubble's fake
// clock, so windows take no real time.

// budgetRun is the outcome of clients sharing one user's budget.
type budgetRun struct {
	received map[string][]receipt // by client
	counts   emulator.RateLimitCounts
	took     time.Duration // until the last client's last request
}

// budgetScenario is one user's budget shared by runs that cannot talk to
// each other, and maybe a dashboard.
type budgetScenario struct {
	limit     emulator.RateLimitConfig
	k         int // runs
	processes int // clients one after the other in a run (Terraform's plan, apply, ...); 1 if 0
	workers   int // goroutines of a client
	calls     int // requests of a run, over its processes
	// dashboard is the share of the quota a steady sender that does not read
	// the fields spends (0: none), from a window before the runs start until
	// they are done.
	dashboard float64
	latency   time.Duration // the emulator's delay of every answer after it counted the request; 50 ms if 0
	// jitter, if set, delays each request on its way in and its answer on
	// its way back by up to jitter more, drawn from seed: answers overtake
	// each other.
	jitter time.Duration
	seed   uint64
}

// runBudgetClients runs the scenario's runs of one user, each making its
// calls (GETs of a list) against the limit with its workers.
func runBudgetClients(t *testing.T, s budgetScenario) budgetRun {
	t.Helper()
	limit, k, calls := s.limit, s.k, s.calls
	processes, workers := max(1, s.processes), max(1, s.workers)
	tokens := map[string]emulator.Permission{}
	users := map[string]string{}
	for i := range k + 1 {
		tok := fmt.Sprintf("token-%d", i)
		tokens[tok], users[tok] = emulator.PermWrite, "ops@example.com"
	}
	emu := emulator.New(emulator.Options{Accounts: []string{emulator.TestAccountID}, Tokens: tokens, TokenUsers: users, RateLimit: &limit})
	emu.SetBaseURL(bubbleBaseURL)
	emu.SetFaults(emulator.FaultConfig{Latency: cmp.Or(s.latency, 50*time.Millisecond)})
	var delay func(int, *rand.Rand) time.Duration
	if s.jitter > 0 {
		delay = func(_ int, rng *rand.Rand) time.Duration { return time.Duration(rng.Int64N(int64(s.jitter))) }
	}
	net := newNetwork(emu, delay)
	if s.jitter > 0 {
		net.back = delay
		net.rng = rand.New(rand.NewPCG(s.seed, 1))
	}
	net.blind = map[string]bool{"dashboard": true}
	scope := client.AccountScope(emulator.TestAccountID)
	list := func(c *client.Client) error {
		_, _, err := c.ListIdentityProviders(context.Background(), scope, client.ListOptions{})
		return err
	}
	dashboard := s.dashboard
	errs := make(chan error, k*calls+1)
	stop := make(chan struct{})
	var dashboardDone sync.WaitGroup
	if dashboard > 0 {
		d := newClient(t, client.Config{
			BaseURL: bubbleBaseURL + "/client/v4", APIToken: "token-0", UserAgent: "dashboard", RateLimitDisabled: true,
			HTTPClient: &http.Client{Transport: client.NewHandlerTransport(net)}, MaxRetries: -1,
		})
		every := time.Duration(float64(limit.Window) / (dashboard * float64(limit.Requests)))
		dashboardDone.Go(func() {
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if err := list(d); err != nil {
						errs <- fmt.Errorf("dashboard: %w", err)
					}
				}
			}
		})
		time.Sleep(limit.Window)
	}
	start := time.Now()
	var runs sync.WaitGroup
	for i := range k {
		// A run is processes phases one after the other (Terraform's plan,
		// apply, refresh, destroy), each a new client.
		runs.Go(func() {
			for phase := range processes {
				c := newClient(t, client.Config{
					BaseURL: bubbleBaseURL + "/client/v4", APIToken: fmt.Sprintf("token-%d", i+1), UserAgent: fmt.Sprintf("run-%d", i),
					HTTPClient: &http.Client{Transport: client.NewHandlerTransport(net)},
					MaxRetries: -1, // a 429 fails the run
				})
				var next atomic.Int64
				share := int64(calls/processes + min(1, max(0, calls%processes-phase)))
				var workersDone sync.WaitGroup
				for range workers {
					workersDone.Go(func() {
						for next.Add(1) <= share {
							if err := list(c); err != nil {
								errs <- fmt.Errorf("run-%d: %w", i, err)
							}
						}
					})
				}
				workersDone.Wait()
			}
		})
	}
	runs.Wait()
	took := time.Since(start)
	if dashboard > 0 {
		// The dashboard goes on for a window: if the runs took its share of
		// the window they ended in, it meets the lockout.
		time.Sleep(limit.Window)
	}
	close(stop)
	dashboardDone.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out := budgetRun{received: map[string][]receipt{"dashboard": net.receipts("dashboard")}, counts: emu.RateLimitCounts(), took: took}
	for i := range k {
		ua := fmt.Sprintf("run-%d", i)
		out.received[ua] = net.receipts(ua)
	}
	return out
}

// check fails the test unless the emulator refused nothing and every run
// made its calls, each once.
func (run budgetRun) check(t *testing.T, calls int) {
	t.Helper()
	if run.counts.Refused != 0 || run.counts.Lockouts != 0 {
		t.Errorf("the emulator refused %d requests and locked the user out %d times", run.counts.Refused, run.counts.Lockouts)
	}
	for ua, rs := range run.received {
		if ua != "dashboard" && len(rs) != calls {
			t.Errorf("%s: %d requests received, want %d", ua, len(rs), calls)
		}
	}
}

// Four runs that cannot talk to each other need three windows of the
// user's budget together: they finish without a 429, in little more than
// the time the quota allows.
func TestClientsShareTheBudgetWithoutALockout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := emulator.RateLimitConfig{Requests: 240, Window: 30 * time.Second}
		const k, workers, calls = 4, 10, 180
		run := runBudgetClients(t, budgetScenario{limit: limit, k: k, workers: workers, calls: calls})
		run.check(t, calls)
		minimum := time.Duration(float64(k*calls) / float64(limit.Requests) * float64(limit.Window))
		t.Logf("%d runs × %d requests: %v, the quota's minimum %v (%.2f×)", k, calls, run.took, minimum, run.took.Seconds()/minimum.Seconds())
		if run.took > minimum*5/4 {
			t.Errorf("took %v, more than 1.25 × the minimum %v", run.took, minimum)
		}
	})
}

// A dashboard already spends most of the budget at a steady pace: the runs
// slow down to what it leaves, and nobody, the dashboard included, meets a
// 429.
func TestClientsLeaveASteadySenderItsShare(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := emulator.RateLimitConfig{Requests: 240, Window: 30 * time.Second}
		const k, workers, calls = 4, 10, 60
		run := runBudgetClients(t, budgetScenario{limit: limit, k: k, processes: 3, workers: workers, calls: calls, dashboard: 0.6})
		run.check(t, calls)
		t.Logf("%d runs × %d requests beside a dashboard at 60 %%: %v; the dashboard sent %d", k, calls, run.took, len(run.received["dashboard"]))
	})
}

// The rule's promise (ratelimit.go, "Why no lockout"): with K clients at
// once and N processes starting in a window, (K − 1) + 3K + N ≤ the reserve
// keeps every window within the quota, whatever the order in which the
// server sees the requests. Random schedules inside it (quotas from 60 per
// 15 s to Cloudflare's, 0 to 70 % of it spent by a steady sender, 1 to 10
// workers, latencies of 5 to 200 ms, answers that overtake each other):
// nobody meets a 429. ZEROTRUST_BUDGET_SCHEDULES=n runs n instead of 16,
// ZEROTRUST_BUDGET_SEED picks the first.
func TestBudgetHoldsOverRandomSchedules(t *testing.T) {
	n, first := 16, uint64(time.Now().UnixNano())
	if v := os.Getenv("ZEROTRUST_BUDGET_SCHEDULES"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	if v := os.Getenv("ZEROTRUST_BUDGET_SEED"); v != "" {
		first, _ = strconv.ParseUint(v, 10, 64)
	}
	quotas := []emulator.RateLimitConfig{
		{Requests: 60, Window: 15 * time.Second}, {Requests: 120, Window: 30 * time.Second},
		{Requests: 240, Window: 30 * time.Second}, emulator.CloudflareRateLimit,
	}
	for i := range uint64(n) {
		seed := first + i
		s := randomPromisedSchedule(rand.New(rand.NewPCG(seed, 23)), quotas)
		s.seed = seed
		name := fmt.Sprintf("seed=%d/%v/K=%d/P=%d/dashboard=%.0f%%", seed, s.limit, s.k, s.processes, 100*s.dashboard)
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				run := runBudgetClients(t, s)
				run.check(t, s.calls)
				t.Logf("%d runs × %d requests, %d workers, %v latency and up to %v more: %v; at most %d of %d in a window",
					s.k, s.calls, s.workers, s.latency, s.jitter, run.took, run.counts.MostInWindow, s.limit.Requests)
			})
		})
	}
}

// randomPromisedSchedule draws a schedule inside the rule's promise: K runs
// of P processes each, counting every process as starting in one window.
func randomPromisedSchedule(rng *rand.Rand, quotas []emulator.RateLimitConfig) budgetScenario {
	for {
		q := quotas[rng.IntN(len(quotas))]
		reserve := max(1, q.Requests/20)
		s := budgetScenario{
			limit: q, k: 1 + rng.IntN(15), processes: 1 + rng.IntN(3), workers: 1 + rng.IntN(10),
			dashboard: float64(rng.IntN(8)) / 10,
			latency:   time.Duration(5+rng.IntN(196)) * time.Millisecond,
			jitter:    time.Duration(rng.IntN(100)) * time.Millisecond,
		}
		if (s.k-1)+3*s.k+s.k*s.processes > reserve {
			continue
		}
		// One and a half to three and a half windows of what the dashboard
		// leaves, shared by the runs.
		left := float64(q.Requests) * (1 - s.dashboard)
		s.calls = max(s.processes, int(left*(1.5+2*rng.Float64()))/s.k)
		return s
	}
}

// A lone run is as fast with the fields as without: nothing is counted but
// its own requests, so nothing holds it back before the reserve, whatever
// order its answers come back in. 200 requests (an apply of 100 login
// methods with SCIM) and 1100 (all but the reserve of Cloudflare's 1200).
func TestALoneRunIsNotPacedByTheFields(t *testing.T) {
	for _, calls := range []int{200, 1100} {
		took := map[bool]time.Duration{}
		for _, fields := range []bool{true, false} {
			synctest.Test(t, func(t *testing.T) {
				emu := newBubbleEmulator(emulator.CloudflareRateLimit)
				emu.SetFaults(emulator.FaultConfig{Latency: 50 * time.Millisecond})
				jitter := func(_ int, rng *rand.Rand) time.Duration {
					return time.Duration(rng.Int64N(int64(40 * time.Millisecond)))
				}
				net := newNetwork(emu, jitter)
				net.back = jitter
				if !fields {
					net.blind = map[string]bool{"run": true}
				}
				c := newBubbleEmulatorClient(t, net, "run", func(cfg *client.Config) { cfg.MaxRetries = -1 })
				start := time.Now()
				var next atomic.Int64
				var wg sync.WaitGroup
				for range 10 {
					wg.Go(func() {
						for next.Add(1) <= int64(calls) {
							if _, _, err := c.ListIdentityProviders(context.Background(), client.AccountScope(emulator.TestAccountID), client.ListOptions{}); err != nil {
								t.Error(err)
							}
						}
					})
				}
				wg.Wait()
				took[fields] = time.Since(start)
			})
		}
		t.Logf("%d requests: %v with the fields, %v without", calls, took[true], took[false])
		if took[true] > took[false]+50*time.Millisecond {
			t.Errorf("%d requests took %v with the fields, %v without: more than a request's latency slower", calls, took[true], took[false])
		}
	}
}

// Runs that together need less than a window go at once: each spends what
// the most a steady sender could take leaves, probes once the others are
// quiet, and finishes the rest, in seconds rather than at the window's end.
func TestRunsThatFitAWindowDoNotWaitForItsEnd(t *testing.T) {
	for _, processes := range []int{1, 3} {
		synctest.Test(t, func(t *testing.T) {
			const k, calls = 3, 300
			run := runBudgetClients(t, budgetScenario{limit: emulator.CloudflareRateLimit, k: k, processes: processes, workers: 10, calls: calls, jitter: 20 * time.Millisecond, seed: 3})
			run.check(t, calls)
			t.Logf("%d runs of %d processes × %d requests: %v", k, processes, calls, run.took)
			if run.took > time.Minute {
				t.Errorf("%d runs of %d processes × %d requests took %v, more than a minute of a five-minute window", k, processes, calls, run.took)
			}
		})
	}
}

// Twenty runs at once beside a dashboard that spends half of Cloudflare's
// limit: the reserve covers what twenty clients deciding on the same figure
// can overdraw it by, and nobody meets a 429.
func TestTwentyRunsBesideADashboard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const calls = 90
		run := runBudgetClients(t, budgetScenario{limit: emulator.CloudflareRateLimit, k: 20, workers: 10, calls: calls, dashboard: 0.5, jitter: 30 * time.Millisecond, seed: 5})
		run.check(t, calls)
		t.Logf("20 runs × %d requests beside a dashboard at 50 %%: %v; at most %d in a window", calls, run.took, run.counts.MostInWindow)
	})
}

// A lockout another client caused: the run waits until the window ends, as
// the 429 says, and says so at info level with the time left; MaxRetryWait
// (two minutes) does not cut the five-minute wait short.
func TestLockoutIsWaitedOutAndLogged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := emulator.CloudflareRateLimit
		emu := emulator.New(emulator.Options{
			Accounts: []string{emulator.TestAccountID}, RateLimit: &limit,
			Tokens:     map[string]emulator.Permission{"other": emulator.PermWrite, "ours": emulator.PermWrite},
			TokenUsers: map[string]string{"other": "ops@example.com", "ours": "ops@example.com"},
		})
		emu.SetBaseURL(bubbleBaseURL)
		net := newNetwork(emu, nil)
		net.blind = map[string]bool{"other": true}
		scope := client.AccountScope(emulator.TestAccountID)
		newRun := func(name string, mutate ...func(*client.Config)) *client.Client {
			return newClient(t, client.Config{
				BaseURL: bubbleBaseURL + "/client/v4", APIToken: name, UserAgent: name,
				HTTPClient: &http.Client{Transport: client.NewHandlerTransport(net)},
			}, mutate...)
		}
		// The other client spends the quota and one more: the user is locked out.
		other := newRun("other", func(c *client.Config) { c.RateLimitDisabled, c.MaxRetries = true, -1 })
		for range limit.Requests {
			if _, _, err := other.ListIdentityProviders(context.Background(), scope, client.ListOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := other.ListIdentityProviders(context.Background(), scope, client.ListOptions{}); !client.IsRateLimited(err) {
			t.Fatalf("the request over the quota: %v", err)
		}
		time.Sleep(time.Minute)

		logs := &infoLog{}
		ours := newRun("ours", func(c *client.Config) { c.Logger = logs })
		start := time.Now()
		if _, _, err := ours.ListIdentityProviders(context.Background(), scope, client.ListOptions{}); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
		received := net.receipts("ours")
		if len(received) != 2 || received[0].status != http.StatusTooManyRequests || received[1].status != http.StatusOK {
			t.Fatalf("ours sent %+v, want a 429 then a 200", received)
		}
		// The lockout's end, and the second the client allows for the
		// server's rounding.
		if waited := received[1].at.Sub(start); waited != 4*time.Minute+time.Second {
			t.Errorf("the retry went %v after the 429, want 4m1s: the lockout's end and a second", waited)
		}
		if got := logs.infos(); len(got) != 1 || !strings.Contains(got[0], "every request waits 4m0s for the lockout to end") ||
			!strings.Contains(got[0], `"wait_seconds":240`) {
			t.Errorf("info records %q, want one that says the wait of 4m0s", got)
		}
	})
}

// infoLog keeps the info records of a client.
type infoLog struct {
	mu      sync.Mutex
	records []string
}

func (l *infoLog) Debug(context.Context, string, map[string]any) {}

func (l *infoLog) Info(_ context.Context, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	l.mu.Lock()
	l.records = append(l.records, msg+" "+string(b))
	l.mu.Unlock()
}

func (l *infoLog) infos() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.records)
}

// The stricter of the provider's rate_limit and the API's fields holds a run
// back: here rate_limit, a tenth of what the API allows.
func TestRateLimitStricterThanTheFieldsWins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := emulator.RateLimitConfig{Requests: 100, Window: time.Minute}
		emu := newBubbleEmulator(limit)
		net := newNetwork(emu, nil)
		c := newBubbleEmulatorClient(t, net, "run", func(cfg *client.Config) { cfg.RateLimit = 10 })
		start := time.Now()
		for range 11 {
			if _, _, err := c.ListIdentityProviders(context.Background(), client.AccountScope(emulator.TestAccountID), client.ListOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		// The eleventh waits for rate_limit's five-minute window, the fields
		// would have let it go at once.
		rs := net.receipts("run")
		if got := rs[10].at.Sub(start); got < client.RateLimitWindow {
			t.Errorf("the eleventh request went %v after the first, want at least %v", got, client.RateLimitWindow)
		}
	})
}

// The API's fields stricter than rate_limit: the run keeps the API's
// reserve instead of running into the lockout.
func TestFieldsStricterThanRateLimitWin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limit := emulator.RateLimitConfig{Requests: 40, Window: time.Minute}
		emu := newBubbleEmulator(limit)
		net := newNetwork(emu, nil)
		c := newBubbleEmulatorClient(t, net, "run", func(cfg *client.Config) { cfg.MaxRetries = -1 })
		for i := range 60 {
			if _, _, err := c.ListIdentityProviders(context.Background(), client.AccountScope(emulator.TestAccountID), client.ListOptions{}); err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
		}
		if counts := emu.RateLimitCounts(); counts.Refused != 0 || counts.MostInWindow > limit.Requests {
			t.Errorf("emulator counts %+v: the run went over the API's limit", counts)
		}
	})
}

// Terraform starts a provider process to plan, another to apply, others to
// refresh and destroy: a later one starts in a window the earlier ones spent.
// To it their requests are another client's, which may be a steady sender at
// the most the rule assumes (3/s at Cloudflare's quota). While r leaves room
// for that pace, it sends one attempt at a time for a few round trips, then
// goes at full speed; when it does not (the earlier processes spent 400 of
// 1200 in the window's first seconds), a quick probe shows the others quiet
// within a second, where the first full probe would wait 14 s. Either way it
// goes at full speed, not at the pace the earlier burst would suggest.
func TestALaterProcessOfTheSameRunIsNotHeldBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := newBubbleEmulator(emulator.CloudflareRateLimit)
		emu.SetFaults(emulator.FaultConfig{Latency: 50 * time.Millisecond})
		net := newNetwork(emu, nil)
		burst := func(ua string, perWorker int) time.Duration {
			c := newBubbleEmulatorClient(t, net, ua, func(cfg *client.Config) { cfg.MaxRetries = -1 })
			start := time.Now()
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() {
					for range perWorker {
						if _, _, err := c.ListIdentityProviders(context.Background(), client.AccountScope(emulator.TestAccountID), client.ListOptions{}); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			return time.Since(start)
		}
		for _, perWorker := range []int{25, 40} {
			plan := burst("plan", perWorker)
			time.Sleep(10 * time.Second)
			apply := burst("apply", perWorker)
			// 10 workers at 50 ms each: 250 requests take 1.35 s at full
			// speed (the first alone), and the later process half a second
			// more; 400, 2.05 s and a second more.
			if apply > plan+1500*time.Millisecond {
				t.Errorf("%d requests: the later process took %v for what the first did in %v", 10*perWorker, apply, plan)
			}
			time.Sleep(emulator.CloudflareRateLimit.Window) // a fresh window for the next pair
		}
	})
}
