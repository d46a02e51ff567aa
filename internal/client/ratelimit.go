package client

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/dunglas/httpsfv"
	"golang.org/x/sync/semaphore"
)

// Cloudflare limits the client API to 1200 requests per five minutes per user
// and 200 requests per second per IP; going over either refuses every call for
// five minutes (CONTRACT.md, "Rate limits").
const (
	// DefaultRateLimit is the number of requests in any RateLimitWindow when
	// Config.RateLimit is 0: Cloudflare's limit per user.
	DefaultRateLimit = 1200
	// RateLimitWindow is the window Config.RateLimit counts in.
	RateLimitWindow = 5 * time.Minute

	// PerIPRateLimit is the number of requests in any PerIPRateWindow, for
	// any RateLimit: Cloudflare's limit per IP.
	PerIPRateLimit  = 200
	PerIPRateWindow = time.Second

	// clockRateTolerancePPM is how much faster, in parts per million, the
	// client's clock may run than the server's while it measures a window.
	// NTP slews a clock by at most 500 ppm; allowing that on both sides costs
	// 0.3 s per five-minute window, 0.1 % of a long run's throughput.
	clockRateTolerancePPM = 1000
)

// windowRule enforces "at most n requests in any window of length w", counted
// where the server counts them: when it receives a request.
//
// Every attempt holds one of n permits from before it is sent until hold ≥ w
// after it has ended (its response was read, or it failed). Why that is
// enough, whatever the latency and wherever the server's windows start: take
// any server window [t, t+w) and the set S of attempts the server received in
// it. Let k be the attempt of S that took its permit last, at a_k. It was
// received at r_k ≥ a_k, and r_k < t+w. Every other j in S took its permit at
// a_j ≤ a_k, was received at r_j ≥ t, and ended at e_j ≥ r_j, so it holds its
// permit until e_j + hold ≥ t + w > a_k. So at a_k every attempt of S held a
// permit at once, and there are n permits: S has at most n attempts.
//
// The bound needs no synchronised clocks, only that the client's hold is at
// least the server's w: the margin in hold covers the two clocks' rates
// (clockRateTolerancePPM). Timers run on the monotonic clock, so a step of the
// wall clock changes nothing.
//
// It is nearly as fast as the rule allows: an attempt waits only while n
// others are in flight or ended less than hold ago, so the first n of a run go
// at once, and a long run sends n requests per hold plus one latency.
type windowRule struct {
	n       int64
	hold    time.Duration
	permits *semaphore.Weighted
}

func newWindowRule(n int64, w time.Duration) windowRule {
	return windowRule{n: n, hold: w + w*clockRateTolerancePPM/1_000_000, permits: semaphore.NewWeighted(n)}
}

// rateLimiter applies Cloudflare's rules to every attempt of a Client: at
// most `requests` in any RateLimitWindow, and PerIPRateLimit in any second.
type rateLimiter struct {
	rules []windowRule
}

func newRateLimiter(requests int64) *rateLimiter {
	// The longer window first: an attempt waiting for it holds no permit of
	// the other.
	return &rateLimiter{rules: []windowRule{
		newWindowRule(requests, RateLimitWindow),
		newWindowRule(PerIPRateLimit, PerIPRateWindow),
	}}
}

// acquire waits until every rule admits one more attempt, or ctx is done.
// The caller must call done once the attempt has ended, whether or not it
// was sent.
func (l *rateLimiter) acquire(ctx context.Context) (done func(), err error) {
	for i, r := range l.rules {
		if err := r.permits.Acquire(ctx, 1); err != nil {
			for _, held := range l.rules[:i] {
				held.permits.Release(1) // nothing was sent
			}
			return nil, err
		}
	}
	return func() {
		for _, r := range l.rules {
			time.AfterFunc(r.hold, func() { r.permits.Release(1) })
		}
	}, nil
}

// # Sharing the user's budget: the server's rate-limit fields
//
// Cloudflare counts its limit per user across every client of the user (the
// dashboard, each token, each Terraform run), and says on every response
// where the user stands (CONTRACT.md, "Rate limits"):
//
//	Ratelimit: "default";r=<remaining>;t=<seconds until the window ends>
//	Ratelimit-Policy: "default";q=<quota>;w=<window in seconds>
//
// The windowRule above counts only this client's requests. serverBudget
// reads the fields and holds an attempt back while what the server says
// remains is needed by the user's other clients. The clients cannot talk to
// each other; they share what the server tells each of them.
//
// The rule. Let spare be r, as the server last reported it, less a reserve
// (1/reserveFraction of the quota), and o the others' pace: what the server
// counted between this client's own requests (the drop of r between two of
// its responses, less its own requests), per second, over the last window
// length. With τ the time left in the window, an attempt goes if
//
//	spare − need ≥ o·τ,  need = 1 with nothing in flight, else
//	                     (attempts in flight + 1) × concurrentClients.
//
// Once the window has ended (t has passed, plus resetMargin) the server
// counts from the quota again.
//
// Why the clients share the budget without a lockout, in the fluid limit:
// take K clients that follow the rule and a steady sender at rate d (the
// dashboard). Each sends only while r ≥ o·τ + reserve, where o is what it
// sees the rest send: it leaves what the others need for the rest of the
// window at their pace. With every client at that line, each sends
// x = (r − reserve − d·τ)/((K−1)·τ), together more than
// (r − reserve − d·τ)/τ, so the headroom r − reserve − d·τ shrinks like
// τ^(K/(K−1)): to zero at the end of the window and not before. That is the
// whole window spent but the reserve, with the steady sender's share left to
// it all along. A client alone (o = 0) spends down to the reserve at full
// speed, as it would without the fields.
//
// What the fluid limit leaves out, and what bounds it:
//   - Staleness. The server counts a request when it receives it, and a
//     client learns of it a response later. need keeps a client's attempts
//     in flight to 1/concurrentClients of what it may spend, so up to
//     concurrentClients clients deciding on the same r do not overdraw it;
//     with one attempt each in flight near the end, K clients overdraw by at
//     most K−1, which the reserve covers (60 at Cloudflare's 1200).
//   - A client that waited decides on an old figure: it then probes, one
//     attempt in flight until the next fields arrive.
//   - A newcomer knows nothing of the others' pace. It takes what they spent
//     of the current window before it, over the time the window has run, as
//     their pace (seedOthers): a dashboard already in use keeps its share.
//     That spending may also be the same run's previous process (the plan
//     before the apply), which has stopped: learnProbes probes over
//     learnPeriod tell. Others who went on at half the guessed pace or more
//     keep the guess for the window; else only the measured pace counts.
//   - Bursts. o is measured over at least learnPeriod, so a burst of others
//     at a window's start holds a client back only until it is a window old.
//   - Rounding. The server rounds t up (assumed), and a client adds
//     resetMargin before it takes a window for ended, so it never counts on
//     quota the server has not restored.
//   - A lockout (429) says r=0 and t = its end: the rule waits for it like
//     for any window's end.
//
// Measured (budget_emulator_test.go, fake clock): 4 clients × 180 requests
// against 240 per 30 s finish in 1.01 × requests / quota × window; beside a
// steady sender at 60 %, with each run three processes one after the other,
// nobody meets a 429; a later process of one run waits at most learnPeriod.
// Not covered: a steady sender above about 70 % of the quota, more clients
// at once than concurrentClients (20 beside a 50 % dashboard met a lockout),
// or a quota so small that its reserve is a handful of requests (60 per
// 15 s) can still meet a lockout, which the client then waits out.
const (
	reserveFraction = 20 // the reserve is 1/reserveFraction of the quota, at least 1
	// concurrentClients is how many clients of one user the rule expects to
	// decide on the same figure at once: a client keeps its attempts in
	// flight to 1/concurrentClients of what it may spend.
	concurrentClients = 10
	resetMargin       = time.Second
	// recheckFraction bounds a wait to 1/recheckFraction of the window:
	// others' rate may fall while nothing of this client's ends.
	recheckFraction = 30
	// minLoggedWait is the shortest wait for a window's end worth an info
	// record.
	minLoggedWait = 5 * time.Second
	// learnPeriod is how long a client that starts in a window others have
	// spent of guesses that they go on at that pace, while it measures with
	// learnProbes probes whether they do.
	learnPeriod = 2 * time.Second
	learnProbes = 5
	// othersSpanDefault is the window length when the server sends no w.
	othersSpanDefault = time.Minute
)

// serverBudget applies the rule to every attempt of one Client.
type serverBudget struct {
	now func() time.Time

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when an attempt ends
	inflight int64         // attempts admitted and not yet ended

	known   bool          // a response carried the fields
	quota   int64         // q, or the highest r seen plus one
	window  time.Duration // w; 0 if not sent
	resetAt time.Time     // when the current window ends (+ resetMargin); zero if t was not sent
	rMax    int64         // the highest and lowest r seen in the current window
	rMin    int64
	own     int64 // own responses seen in the current window
	counted int64 // others' requests counted before the current window
	// marks is the running count of others' requests when it was taken,
	// oldest first, trimmed to one window length.
	marks     []othersMark
	firstSeen time.Time
	// seed is a guess of others' pace, until seedUntil (see seedOthers);
	// lastProbe is when the client last probed to check it.
	seed                             float64
	seedUntil, learnUntil, lastProbe time.Time
	seedKept                         bool
	// probing is set when the rule held an attempt back, and cleared by the
	// next fields: until then at most one attempt is in flight, so that a
	// client that waited sends on a fresh figure, not on one the others
	// have spent since. A client's first attempt is such a probe too:
	// answered is set by its first response.
	probing, answered bool
	// waitLogged is the end of the window whose wait was logged.
	waitLogged time.Time
}

type othersMark struct {
	at    time.Time
	total int64
}

func newServerBudget(now func() time.Time) *serverBudget {
	return &serverBudget{now: now, changed: make(chan struct{})}
}

// rateLimitFields is what one response says of the user's budget.
type rateLimitFields struct {
	remaining, reset int64 // r and t; reset < 0: not sent
	quota, window    int64 // q and w; 0: not sent
}

// parseRateLimitFields reads the Ratelimit and Ratelimit-Policy fields. Of
// several items (several policies) it takes the most restrictive: the least
// remaining, then the latest reset. Malformed fields are ignored, as the
// draft requires. github.com/dunglas/httpsfv parses the structured-field
// syntax (RFC 9651); it runs the HTTP working group's test suite.
func parseRateLimitFields(h http.Header) (rateLimitFields, bool) {
	limits, err := httpsfv.UnmarshalList(h.Values("Ratelimit"))
	if err != nil {
		return rateLimitFields{}, false
	}
	f, name, found := rateLimitFields{reset: -1}, "", false
	for _, m := range limits {
		item, ok := m.(httpsfv.Item)
		if !ok {
			continue
		}
		r, okR := intParam(item, "r")
		t, okT := intParam(item, "t")
		if !okR {
			continue
		}
		if !okT {
			t = -1
		}
		if !found || r < f.remaining || (r == f.remaining && t > f.reset) {
			f.remaining, f.reset, found = r, t, true
			name, _ = item.Value.(string)
		}
	}
	if !found {
		return rateLimitFields{}, false
	}
	if policies, err := httpsfv.UnmarshalList(h.Values("Ratelimit-Policy")); err == nil {
		for _, m := range policies {
			if item, ok := m.(httpsfv.Item); ok && item.Value == name {
				f.quota, _ = intParam(item, "q")
				f.window, _ = intParam(item, "w")
				break
			}
		}
	}
	return f, true
}

func intParam(item httpsfv.Item, key string) (int64, bool) {
	v, ok := item.Params.Get(key)
	n, isInt := v.(int64)
	return n, ok && isInt && n >= 0
}

// observe takes in what a response said, at the time it arrived. Within one
// window r only falls, so the lowest r seen is the latest count, whatever
// order the responses arrived in.
func (b *serverBudget) observe(f rateLimitFields, at time.Time) {
	var resetAt time.Time
	if f.reset >= 0 {
		resetAt = at.Add(time.Duration(f.reset)*time.Second + resetMargin)
	}
	if f.window > 0 {
		b.window = time.Duration(f.window) * time.Second
	}
	switch {
	case f.quota > 0:
		b.quota = f.quota
	case f.remaining >= b.quota:
		b.quota = f.remaining + 1
	}
	if b.firstSeen.IsZero() {
		b.firstSeen = at
	}
	switch {
	case !b.known, (resetAt.IsZero() || b.resetAt.IsZero()) && f.remaining > b.rMax+b.inflight:
		// The first fields, or, without t, r rose more than this client's
		// answers overtaking each other explain: a new window.
		b.newWindow(f.remaining, resetAt)
		b.seedOthers(f, at)
	case resetAt.IsZero() || b.resetAt.IsZero():
	case resetAt.Before(b.resetAt.Add(-2 * resetMargin)):
		return // the answer to a request of a window that has ended
	case resetAt.After(b.resetAt.Add(2 * resetMargin)):
		b.newWindow(f.remaining, resetAt) // a new window, or a lockout
		b.seedOthers(f, at)
	}
	b.known, b.probing = true, false
	b.rMax, b.rMin = max(b.rMax, f.remaining), min(b.rMin, f.remaining)
	b.own++
	b.marks = append(b.marks, othersMark{at: at, total: b.counted + b.othersInWindow()})
	// Keep one mark older than the span: the baseline of othersRate.
	i := 0
	for i+1 < len(b.marks) && !b.marks[i+1].at.After(at.Add(-b.span())) {
		i++
	}
	b.marks = b.marks[i:]
}

func (b *serverBudget) newWindow(r int64, resetAt time.Time) {
	b.counted += b.othersInWindow()
	b.rMax, b.rMin, b.own, b.resetAt = r, r, 0, resetAt
}

// seedOthers takes, when this client has seen nothing of the others for a
// window, what they spent of the current window before its first request in
// it as a guess of their pace, for learnPeriod: a dashboard that was already
// sending when a run starts, or only the run's own earlier process (its
// plan, before this apply), which will not go on. While the guess holds the
// client back, it probes (see decide) to tell the two apart; after
// learnPeriod only what it measured counts. It needs the quota, the window
// and t; nothing remaining (a lockout) says nothing of a pace.
func (b *serverBudget) seedOthers(f rateLimitFields, at time.Time) {
	if f.quota <= 0 || f.window <= 0 || f.reset < 0 || f.reset > f.window || f.remaining == 0 ||
		len(b.marks) > 0 && b.marks[len(b.marks)-1].at.After(at.Add(-b.span())) {
		return
	}
	b.firstSeen = at
	elapsed := time.Duration(f.window-f.reset) * time.Second
	if before := f.quota - f.remaining - 1; before > 0 && elapsed > 0 {
		b.seed, b.seedKept = float64(before)/elapsed.Seconds(), false
		b.seedUntil, b.learnUntil = at.Add(learnPeriod), at.Add(learnPeriod)
	}
}

// othersInWindow is how many requests of others the server counted between
// the highest and the lowest r of this client's answers in the current
// window. A request of this client still in flight may be among them, and
// counts as another's until it is answered: the estimate errs on the safe
// side, by at most what the client has in flight. (Taking them out instead
// let 20 clients beside a 50 % dashboard meet a lockout in the fake clock.)
func (b *serverBudget) othersInWindow() int64 {
	if b.own == 0 {
		return 0
	}
	return max(0, b.rMax-b.rMin-(b.own-1))
}

// span is the window length, over which others' rate is measured.
func (b *serverBudget) span() time.Duration {
	if b.window > 0 {
		return b.window
	}
	return othersSpanDefault
}

// othersRate is others' requests per second over the last span, up to now,
// or the seed while it holds.
func (b *serverBudget) othersRate(now time.Time) float64 {
	measured := 0.0
	if len(b.marks) >= 2 {
		from := now.Add(-b.span())
		base := b.marks[0]
		for _, m := range b.marks[1:] {
			if m.at.After(from) {
				break
			}
			base = m
		}
		// Over at least learnPeriod: a burst is no steady pace.
		elapsed := max(min(now.Sub(b.firstSeen), b.span()), learnPeriod)
		measured = float64(b.marks[len(b.marks)-1].total-base.total) / elapsed.Seconds()
	}
	if b.seed > 0 && !now.Before(b.seedUntil) && !b.seedKept {
		// The probes' verdict: others who go on at half the guessed pace or
		// more are steady senders, and the guess holds for the window; else
		// the spending was a burst that has stopped.
		if b.seedKept = measured >= b.seed/2; b.seedKept {
			b.seedUntil = b.resetAt
		} else {
			b.seed = 0
		}
	}
	if now.Before(b.seedUntil) {
		return max(measured, b.seed)
	}
	return measured
}

// decide says whether an attempt may go now; if not, until when at most to
// wait before asking again (an attempt that ends wakes the waiters sooner),
// with what remains and the time left, for the log.
func (b *serverBudget) decide(now time.Time) (ok bool, until time.Time, remaining int64, left time.Duration) {
	if !b.answered && b.inflight > 0 {
		// The first attempt learns whether the server sends the fields, and
		// where the user stands, before any other goes.
		return false, now.Add(time.Minute), 0, 0
	}
	if !b.known {
		return true, time.Time{}, 0, 0
	}
	r, tau := b.rMin, b.resetAt.Sub(now)
	ended := b.resetAt.IsZero() || tau <= 0
	if ended {
		// No t: the time left is unknown, assume a whole window. A window
		// that has ended: the server counts from the quota again.
		tau = b.span()
		if !b.resetAt.IsZero() {
			r = b.quota
		}
	}
	// What this client may spend: r less the reserve and the others' share
	// of the time left. It may have one attempt in flight while that is at
	// least one, and n while it is at least n × concurrentClients.
	others := b.othersRate(now)
	spare := r - max(1, b.quota/reserveFraction)
	need := max(1, (b.inflight+1)*concurrentClients)
	if b.inflight == 0 {
		need = 1
	}
	fits := float64(spare-need) >= others*tau.Seconds()
	if fits && !(b.probing && b.inflight > 0) {
		return true, time.Time{}, r, tau
	}
	learning := now.Before(b.learnUntil)
	if learning && b.inflight == 0 && spare >= 1 && !now.Before(b.lastProbe.Add(learnPeriod/learnProbes)) {
		// The seed holds the client back: probe, a few times, to measure.
		b.lastProbe = now
		return true, time.Time{}, r, tau
	}
	b.probing = true
	until = now.Add(b.span() / recheckFraction)
	switch {
	case fits, ended:
		// Wait for the probe's answer, or for others' rate to fall.
	case spare < need:
		until = b.resetAt
	case others > 0:
		// The others' share shrinks with the time left.
		if at := b.resetAt.Add(-time.Duration(float64(spare-need) / others * float64(time.Second))); at.Before(until) {
			until = at
		}
	}
	if learning {
		// Wake for the next probe, and for the probes' verdict.
		for _, t := range []time.Time{b.lastProbe.Add(learnPeriod / learnProbes), b.learnUntil} {
			if t.After(now) && t.Before(until) {
				until = t
			}
		}
	}
	if soon := now.Add(time.Millisecond); until.Before(soon) {
		until = soon
	}
	return false, until, r, tau
}

// acquire waits until the rule admits one more attempt, or ctx is done. The
// caller calls done with the response's header (nil without a response)
// once the attempt has ended. onWait, if set, hears once per window that the
// budget holds attempts back until the window ends.
func (b *serverBudget) acquire(ctx context.Context, onWait func(remaining int64, left time.Duration)) (done func(http.Header), err error) {
	for {
		b.mu.Lock()
		ok, until, remaining, left := b.decide(b.now())
		if ok {
			b.inflight++
			b.mu.Unlock()
			return b.done, nil
		}
		changed := b.changed
		logIt := onWait != nil && until.Equal(b.resetAt) && !b.waitLogged.Equal(b.resetAt) && left >= minLoggedWait
		if logIt {
			b.waitLogged = b.resetAt
		}
		b.mu.Unlock()
		if logIt {
			onWait(remaining, left)
		}
		if err := sleepUntil(ctx, until, changed); err != nil {
			return nil, err
		}
	}
}

// done ends an attempt admitted by acquire and takes in its response's
// fields in one step, so that no waiting attempt sees the attempt gone but
// not its count.
func (b *serverBudget) done(h http.Header) {
	f, ok := parseRateLimitFields(h)
	b.mu.Lock()
	b.inflight--
	if h != nil {
		b.answered = true
	}
	if ok {
		b.observe(f, b.now())
	}
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
}

// sleepUntil waits until t, until changed is closed, or until ctx is done.
func sleepUntil(ctx context.Context, t time.Time, changed <-chan struct{}) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-timer.C:
	}
	return nil
}
