package provider

import (
	"cmp"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// The budget drill: K runs (each its own Terraform CLI and its own provider, sharing nothing but the
// API) apply N login methods with SCIM each, then destroy them, against one emulator account and one
// user whose rate limit is scaled to a window of 30 s, so that together they need about three windows
// of requests. Optionally a "dashboard" of the same user sends a steady share of the quota from a window
// before the runs start until they end. The drill fails unless every apply succeeds and the emulator
// served no 429 and no lockout. It reports the requests, and the wall time against the least the quota
// allows for them (requests / quota × window).
//
// It runs only with ZEROTRUST_BUDGET_DRILL=1: `make test` runs it once (test-budget), `make drill-budget`
// runs every scenario (scripts/drill-budget.sh). ZEROTRUST_BUDGET_K, _N, _RATE_LIMIT (Q/W, or off for a
// server without the rate-limit fields) and _DASHBOARD (a share of the quota, 0 for none) set a scenario.
func TestBudgetDrill(t *testing.T) {
	d := budgetDrillFromEnv(t)
	const user = "ops@example.com"
	opts := emulator.Options{Tokens: map[string]emulator.Permission{}, TokenUsers: map[string]string{}, RateLimit: d.limit}
	for i := range d.k + 1 {
		tok := fmt.Sprintf("drill-token-%d", i) // token 0 is the dashboard's
		opts.Tokens[tok], opts.TokenUsers[tok] = emulator.PermWrite, user
	}
	emu := emulator.NewTestServer(t, opts)
	// The runs reach the emulator through a front that notes when the first and the last request arrived.
	front := &arrivals{next: emu}
	frontSrv := httptest.NewServer(front)
	t.Cleanup(frontSrv.Close)
	window := emulator.CloudflareRateLimit.Window
	if d.limit != nil {
		window = d.limit.Window
	}

	stopDashboard := d.startDashboard(t, emu, window)
	emu.ResetCounts()
	certs := []testCert{validCert(t), validCert(t)}
	start := time.Now()
	t.Run("runs", func(t *testing.T) {
		for i := range d.k {
			t.Run(fmt.Sprintf("run-%d", i), func(t *testing.T) {
				t.Parallel()
				e := &testEnv{t: t, emu: emu, now: time.Now, token: fmt.Sprintf("drill-token-%d", i+1), apiBaseURL: frontSrv.URL + "/client/v4"}
				prefix := fmt.Sprintf("Run %d ", i)
				plan := newDrillPlan(d.n, certs, func(int) bool { return false })
				for key, m := range plan {
					m.name = prefix + m.name
					plan[key] = m
				}
				cliTest(t, resource.TestCase{
					ProtoV6ProviderFactories: e.factories(),
					Steps:                    []resource.TestStep{{Config: plan.config(e), Check: d.checkRun(e, prefix)}},
				})
			})
		}
	})
	wall := time.Since(start)
	dashboard := stopDashboard()

	requests := 0
	for _, n := range emu.RequestCounts() {
		requests += n
	}
	rl := emu.RateLimitCounts()
	span := front.span()
	row := fmt.Sprintf("| %d | %d | %s | %s | %d | %d | %d | %d | %.1f s | %.1f s | %s | %s | %s |", d.k, d.n, d.limitText(), d.dashboardText(),
		requests-dashboard, dashboard, rl.Refused, rl.Lockouts, wall.Seconds(), span.Seconds(), d.minimumText(requests),
		d.ratioText(requests, wall), d.ratioText(requests, span))
	t.Logf("drill-budget-row: %s", row)
	// A window over the quota is a lockout: none means no window went over, as the server counts.
	if rl.Refused != 0 || rl.Lockouts != 0 {
		t.Errorf("the emulator refused %d requests with 429 and locked the user out %d times", rl.Refused, rl.Lockouts)
	}
}

// arrivals passes requests on and notes when the first and the last arrived.
type arrivals struct {
	next        http.Handler
	mu          sync.Mutex
	first, last time.Time
}

func (a *arrivals) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	a.mu.Lock()
	if a.first.IsZero() {
		a.first = now
	}
	a.last = now
	a.mu.Unlock()
	a.next.ServeHTTP(w, r)
}

// span is the time from the first request of the runs to the last.
func (a *arrivals) span() time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last.Sub(a.first)
}

// budgetDrill is one scenario of the drill.
type budgetDrill struct {
	k, n      int
	limit     *emulator.RateLimitConfig // nil: no limit, no rate-limit fields
	dashboard float64                   // share of the quota a steady sender spends
}

func budgetDrillFromEnv(t *testing.T) budgetDrill {
	if os.Getenv("ZEROTRUST_BUDGET_DRILL") != "1" {
		t.Skip("the budget drill takes about two minutes: `make test` (test-budget) and `make drill-budget` run it with ZEROTRUST_BUDGET_DRILL=1")
	}
	atoi := func(name string, def int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("%s=%q is not a positive number", name, v)
		}
		return n
	}
	d := budgetDrill{k: atoi("ZEROTRUST_BUDGET_K", 4), n: atoi("ZEROTRUST_BUDGET_N", 45)}
	var err error
	if d.limit, err = emulator.ParseRateLimitFlag(cmp.Or(os.Getenv("ZEROTRUST_BUDGET_RATE_LIMIT"), "240/30s")); err != nil {
		t.Fatalf("ZEROTRUST_BUDGET_RATE_LIMIT: %v", err)
	}
	if v := os.Getenv("ZEROTRUST_BUDGET_DASHBOARD"); v != "" {
		if d.dashboard, err = strconv.ParseFloat(v, 64); err != nil || d.dashboard < 0 || d.dashboard >= 1 {
			t.Fatalf("ZEROTRUST_BUDGET_DASHBOARD=%q is not a share of the quota in [0, 1)", v)
		}
	}
	if d.dashboard > 0 && d.limit == nil {
		t.Fatal("a dashboard needs a rate limit to take a share of")
	}
	return d
}

// startDashboard starts the steady sender a window before the runs: it lists the login methods at its
// share of the quota, as a person in the dashboard would, without reading the rate-limit fields. The
// returned stop ends it and returns how many requests it sent while the runs ran.
func (d budgetDrill) startDashboard(t *testing.T, emu *emulator.TestServer, window time.Duration) (stop func() int) {
	if d.dashboard == 0 {
		return func() int { return 0 }
	}
	every := time.Duration(float64(d.limit.Window) / (d.dashboard * float64(d.limit.Requests)))
	done, finished := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	sent, failures := 0, []string{}
	url := emu.APIBaseURL() + "/accounts/" + emu.AccountID + "/access/identity_providers"
	go func() {
		defer close(finished)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer drill-token-0")
			resp, err := http.DefaultClient.Do(req)
			mu.Lock()
			sent++
			switch {
			case err != nil:
				failures = append(failures, err.Error())
			case resp.StatusCode != http.StatusOK:
				failures = append(failures, resp.Status)
			}
			mu.Unlock()
			if err == nil {
				resp.Body.Close()
			}
		}
	}()
	time.Sleep(window) // the dashboard was already in use when the runs started
	mu.Lock()
	sent = 0
	mu.Unlock()
	return func() int {
		close(done)
		<-finished
		mu.Lock()
		defer mu.Unlock()
		if len(failures) > 0 {
			t.Errorf("the dashboard's requests failed %d times: %s", len(failures), strings.Join(failures[:min(3, len(failures))], "; "))
		}
		return sent
	}
}

// checkRun checks that the run's N login methods exist, each with SCIM on.
func (d budgetDrill) checkRun(e *testEnv, prefix string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n := 0
		for _, idp := range e.emu.List(e.emu.AccountScope()) {
			if strings.HasPrefix(idp.Name, prefix) {
				if !idp.SCIMConfig.Enabled {
					return fmt.Errorf("%s: SCIM is off", idp.Name)
				}
				n++
			}
		}
		if n != d.n {
			return fmt.Errorf("the emulator holds %d login methods of %q, want %d", n, prefix, d.n)
		}
		return nil
	}
}

func (d budgetDrill) limitText() string {
	if d.limit == nil {
		return "none (no fields)"
	}
	return fmt.Sprintf("%d / %s", d.limit.Requests, d.limit.Window)
}

func (d budgetDrill) dashboardText() string {
	if d.dashboard == 0 {
		return "–"
	}
	return fmt.Sprintf("%.0f %%", 100*d.dashboard)
}

// minimum is the least wall time the quota allows for the requests: requests / quota × window, the
// dashboard's included.
func (d budgetDrill) minimum(requests int) time.Duration {
	if d.limit == nil {
		return 0
	}
	return time.Duration(float64(requests) / float64(d.limit.Requests) * float64(d.limit.Window))
}

func (d budgetDrill) minimumText(requests int) string {
	if d.limit == nil {
		return "–"
	}
	return fmt.Sprintf("%.1f s", d.minimum(requests).Seconds())
}

func (d budgetDrill) ratioText(requests int, wall time.Duration) string {
	if d.limit == nil {
		return "–"
	}
	return fmt.Sprintf("%.2f ×", wall.Seconds()/d.minimum(requests).Seconds())
}
