package client_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
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

// runBudgetClients runs k runs of one user, each with workers goroutines
// that make calls requests in all (GETs of a list), against limit; a run is
// processes clients one after the other. A steady
// sender that does not read the fields (the dashboard) sends the given share
// of the quota (0: none), from a window before the clients start until they
// are done.
func runBudgetClients(t *testing.T, limit emulator.RateLimitConfig, k, processes, workers, calls int, dashboard float64) budgetRun {
	t.Helper()
	tokens := map[string]emulator.Permission{}
	users := map[string]string{}
	for i := range k + 1 {
		tok := fmt.Sprintf("token-%d", i)
		tokens[tok], users[tok] = emulator.PermWrite, "ops@example.com"
	}
	emu := emulator.New(emulator.Options{Accounts: []string{emulator.TestAccountID}, Tokens: tokens, TokenUsers: users, RateLimit: &limit})
	emu.SetBaseURL(bubbleBaseURL)
	emu.SetFaults(emulator.FaultConfig{Latency: 50 * time.Millisecond})
	net := newNetwork(emu, nil)
	net.blind = map[string]bool{"dashboard": true}
	scope := client.AccountScope(emulator.TestAccountID)
	list := func(c *client.Client) error {
		_, _, err := c.ListIdentityProviders(context.Background(), scope, client.ListOptions{})
		return err
	}
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
		run := runBudgetClients(t, limit, k, 1, workers, calls, 0)
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
		run := runBudgetClients(t, limit, k, 3, workers, calls, 0.6)
		run.check(t, calls)
		t.Logf("%d runs × %d requests beside a dashboard at 60 %%: %v; the dashboard sent %d", k, calls, run.took, len(run.received["dashboard"]))
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

// Terraform starts a provider process to plan and another to apply: the
// second starts in a window the first spent. It may take the first for a
// steady sender for a moment, and then goes at full speed, not at the pace
// the first one's burst would suggest.
func TestALaterProcessOfTheSameRunIsNotHeldBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emu := newBubbleEmulator(emulator.CloudflareRateLimit)
		emu.SetFaults(emulator.FaultConfig{Latency: 50 * time.Millisecond})
		net := newNetwork(emu, nil)
		burst := func(ua string) time.Duration {
			c := newBubbleEmulatorClient(t, net, ua, func(cfg *client.Config) { cfg.MaxRetries = -1 })
			start := time.Now()
			var wg sync.WaitGroup
			for range 10 {
				wg.Go(func() {
					for range 25 {
						if _, _, err := c.ListIdentityProviders(context.Background(), client.AccountScope(emulator.TestAccountID), client.ListOptions{}); err != nil {
							t.Error(err)
						}
					}
				})
			}
			wg.Wait()
			return time.Since(start)
		}
		plan := burst("plan")
		time.Sleep(10 * time.Second)
		apply := burst("apply")
		// 250 requests over 10 workers at 50 ms each: 1.25 s at full speed,
		// and the later one at most learnPeriod and a request more.
		if apply > plan+learnPeriodForTests+100*time.Millisecond {
			t.Errorf("the later process took %v for what the first did in %v", apply, plan)
		}
	})
}

// learnPeriodForTests is the client's learnPeriod: how long a later process
// may take the others for steady senders.
const learnPeriodForTests = 2 * time.Second
