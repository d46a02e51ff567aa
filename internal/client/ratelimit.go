package client

import (
	"context"
	"math"
	"net/http"
	"slices"
	"sort"
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
// reads the fields. The clients cannot talk to each other; they share what
// the server tells each of them.
//
// What a client knows. The server counts requests one after the other, so
// the lowest r of a window's answers is its latest count, whatever order the
// answers came in; it was counted after its attempt was sent. Once every
// attempt sent before an answer arrived has ended, the client knows which of
// the requests counted before that answer were its own (those answered with
// a higher r): the others are other clients' (a mark). It knows its own
// attempts in flight. It does not know other clients' attempts in flight,
// nor what they sent since its latest count.
//
// The steady sender. A client that does not read the fields (the dashboard,
// a script) and sends at a steady pace d has at least d × L − 1 requests
// counted in any interval of length L. So every interval between two marks,
// or between the window's start and a mark, bounds d:
//
//	d ≤ (others' requests in it + 1) / L
//
// with L the least the interval can have lasted (from the earlier answer's
// arrival to the later attempt's sending; from the window's start, w − t).
// The client keeps the tightest bound b the windows it has seen give. Until
// one does, it assumes b = steadyShareMax × q / w: a steady sender spends at
// most 3/4 of the quota. Other clients' bursts only loosen a bound; quiet
// tightens it.
//
// The rule. With r the latest count, s when the attempt that got it was sent,
// T the window's end (t, rounded up, plus resetMargin) and R the reserve
// (q / reserveFraction), a client may spend
//
//	room = r − R − b × (T − s)
//
// more requests: the steady sender sends at most b × (T − s) between the
// count and the window's end. room does not grow while the client waits: a
// client that waited decides on an old r as safely as on a fresh one, and
// it learns nothing new until an answer arrives. Once T has passed, the
// server counts from the quota again: room = q − R − b × w. An attempt goes
// if room ≥ 1 with nothing in flight; with n in flight if room ≥
// (n+1) × concurrentClients, so that up to concurrentClients clients deciding
// on the same figure do not overdraw it (n+1 when nobody else was counted in
// the window yet), and only while the latest answer is fresh (staleAfter):
// after the window's end or a pause a client sends one attempt and waits for
// its answer.
//
// Probes. A client held back only by b learns that the others went quiet
// only from an answer: it probes, one attempt alone, once the others'
// requests could no longer hide the quiet (probeGap: long enough that a
// steady sender at b would have sent twice as many requests as the other
// clients' probes, concurrentClients until its probes have counted them).
// A probe that leaves room cost nothing; the next one may follow, twice as
// long after, and the client waits two of its round trips before spending,
// so that the others who probed at the same time see the same quiet. A probe
// that finds no room ends probing for the window. Before the first, a
// client that nobody else was counted beside since its first answer of the
// window, and whose count leaves room for all but the assumed pace, sends a
// quick probe (quickGap: the interval over which quiet bounds the pace at
// half what the count leaves room for, under a second for a run's later
// process): one attempt that either leaves room or lets the full probes
// follow. While b is still the
// assumed most, a probe that found other clients spending (more requests
// than a steady sender at b and their probes could send) does not count: the
// next probe's interval starts after their burst (maxBusyProbes of them).
//
// Why no lockout. Let G be what remains as the server counts, less R, less
// d × the time left: the spare. A steady sender does not change G (its
// requests and its share shrink together); every other request lowers it by
// one. The window ends within the quota if G never falls below −R. Since
// b ≥ d, s is no later than the count and T no earlier than the window's
// end, room ≤ G + F + 1 when the client decides, F being other clients'
// requests counted since its latest count: the client never takes the
// steady sender's share, whatever the age of r. What can take the spare
// below zero in one window, K clients at once:
//   - clients deciding on the same figure: near the line each has one
//     attempt in flight and answers one round trip old, at most K − 1;
//   - probes that find no room: at most one per client, one more for a
//     client whose bound is still the assumed most (its busy probe that
//     spans the others' last requests), and its quick probe, at most 3K;
//   - processes that start (Terraform's plan, apply, ...): the first attempt
//     goes alone before anything is known, one each, N.
//
// So with (K − 1) + 3K + N ≤ R a window never goes over the quota: at
// Cloudflare's 1200 per 5 minutes (R = 60) that is 12 clients starting 12
// processes a window; at 240 per 30 s (R = 12), 2 clients starting 3.
// budget_emulator_test.go runs random schedules inside that bound and asserts
// no 429; outside it, and as measured, the server counted at most a few
// requests into the reserve (BENCHMARKS.md).
//
// Not promised: a steady sender above steadyShareMax (and a bounded-burst
// rather than steady one: a dashboard that sends in bursts may see a quiet
// interval and lose its share to the next burst); one that starts after this
// client has measured the others quiet; more clients than the bound above;
// another client that alone goes over the quota; a server without q and w
// (then no bound is assumed), or without t (then probes come every
// 1/recheckFraction of the window). A lockout (429) says r = 0 and t = its
// end: the client waits for it like for any window's end.
//
// Speed. A lone run: nothing is counted but its own requests, so every
// interval bounds b by 1/L, and room is r − R less a handful: it never waits
// before the reserve (200 requests of 1200, or 1100, take exactly as long
// with the fields as without), and a later process of the run, which takes
// the earlier ones for another client, goes on after one quick probe.
// Clients at once spend what b leaves at once
// and go on after one probe; 4 runs of 180 against 240 per 30 s finish in
// about the least time the quota allows.
const (
	reserveFraction = 20 // the reserve is 1/reserveFraction of the quota, at least 1
	// concurrentClients is how many clients of one user the rule expects to
	// decide on the same figure at once.
	concurrentClients = 20
	resetMargin       = time.Second
	// steadyShareMax is the largest share of the quota the rule assumes a
	// steady sender spends until an interval bounds its pace: above the 70 %
	// it promises to leave, so that probes near that share find room.
	steadyShareMax = 0.75
	// staleAfter is how old the latest answer may be for a client to send
	// more than one attempt on it.
	staleAfter = time.Second
	// maxBusyProbes bounds the probes of a window that found other clients
	// spending.
	maxBusyProbes = 3
	// recheckFraction paces probes, as 1/recheckFraction of the window, when
	// the server sends no t and so no window's end to wait for.
	recheckFraction = 30
	// minLoggedWait is the shortest wait for a window's end worth an info
	// record.
	minLoggedWait = 5 * time.Second
	// othersSpanDefault is the window length when the server sends no w.
	othersSpanDefault = time.Minute
	// maxMarks bounds the marks a client keeps per window.
	maxMarks = 256
)

// serverBudget applies the rule to every attempt of one Client.
type serverBudget struct {
	now func() time.Time

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when an attempt ends
	seq      int64         // attempts admitted so far; the next one's number
	inflight map[int64]attempt
	// answered is set by the first response: until then the first attempt
	// goes alone, to learn whether the server sends the fields.
	answered bool

	known        bool          // a response carried the fields
	quota        int64         // q, or the highest r seen plus one
	quotaKnown   bool          // q was sent
	window       time.Duration // w; 0 if not sent
	resetAt      time.Time     // when the current window ends (+ resetMargin); zero if t was not sent
	cur          budgetWindow
	steadyBefore float64 // the tightest bound of the steady pace earlier windows gave; +Inf: none
	// probers is how many requests of others the last probe's interval
	// held, at most concurrentClients: about how many others probe beside
	// this client (concurrentClients until a probe tells).
	probers int64
	// waitLogged is the end of the window whose wait was logged.
	waitLogged time.Time
}

type attempt struct {
	sent  time.Time
	probe bool
	quick bool // the probe is the window's quick one
	// A probe's: the bound of the steady pace when it was sent, and the
	// latest count then.
	bound    float64
	learning bool // the bound was the assumed most: nothing measured yet
	last     mark
}

// budgetWindow is what a client knows of the server's current window.
type budgetWindow struct {
	// ref − r is the count the server reported with r: from the window's
	// start when ref is the quota (fromStart), else from this client's first
	// answer in the window.
	ref       int64
	fromStart bool
	lockout   bool // the window is a lockout: nothing is counted
	// rMin is the lowest r seen, the latest count whatever order the answers
	// came in; minSent is when the attempt it answered was sent, no later
	// than the server counted it. rMax is the highest r seen.
	rMin, rMax int64
	minSent    time.Time
	lastAt     time.Time // when the latest answer arrived
	own        []int64   // r of this client's answers, ascending
	pending    []observation
	marks      []mark
	last       mark          // the resolved mark of the latest count (lowest r)
	steady     float64       // the bound of the steady pace from this window's counts; +Inf: none
	probed     bool          // no more probes in this window
	quickSent  bool          // the window's quick probe has been sent
	gap        time.Duration // how long the next probe waits after the latest answer; 0: not yet set
	// misses and busy count the probes of this window that found no room,
	// with others quiet enough to be a steady sender at the bound, or not.
	misses, busy int
	spendAfter   time.Time // after a probe that found room: when to spend it
}

// observation is one answer, until every attempt sent before it arrived has
// ended: only then is it known which of the requests counted before it were
// this client's.
type observation struct {
	r        int64
	sent, at time.Time
	seqAt    int64         // attempts admitted before the answer arrived
	elapsed  time.Duration // w − t: the least time the window had run when it was counted; 0 if unknown
}

// mark is a resolved observation: others is how many requests of others the
// server had counted with it (from ref).
type mark struct {
	r        int64
	sent, at time.Time
	others   int64
}

func newServerBudget(now func() time.Time) *serverBudget {
	return &serverBudget{
		now: now, changed: make(chan struct{}), inflight: map[int64]attempt{},
		cur: budgetWindow{steady: math.Inf(1)}, steadyBefore: math.Inf(1), probers: concurrentClients,
	}
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

// observe takes in what the answer to a, which arrived at at, said; seqAt is
// the number of attempts admitted by then.
func (b *serverBudget) observe(f rateLimitFields, status int, a attempt, at time.Time, seqAt int64) {
	var resetAt time.Time
	if f.reset >= 0 {
		resetAt = at.Add(time.Duration(f.reset)*time.Second + resetMargin)
	}
	if f.window > 0 {
		b.window = time.Duration(f.window) * time.Second
	}
	switch {
	case f.quota > 0:
		b.quota, b.quotaKnown = f.quota, true
	case f.remaining >= b.quota:
		b.quota = f.remaining + 1
	}
	if status == http.StatusTooManyRequests {
		// A lockout: nothing is counted until it ends, when a window starts
		// from the quota.
		if !resetAt.IsZero() && !(b.cur.lockout && !resetAt.After(b.resetAt.Add(2*resetMargin))) {
			b.newWindow(0, resetAt)
			b.cur.lockout, b.cur.rMin = true, 0
		}
		b.known = true
		return
	}
	switch {
	case !b.known, b.cur.lockout:
		b.newWindow(f.remaining, resetAt)
	case resetAt.IsZero() || b.resetAt.IsZero():
		// Without t, r rising more than this client's answers overtaking
		// each other explain is a new window.
		if f.remaining > b.cur.rMax+int64(len(b.inflight)) {
			b.newWindow(f.remaining, resetAt)
		}
	case resetAt.Before(b.resetAt.Add(-2 * resetMargin)):
		return // the answer to a request of a window that has ended
	case resetAt.After(b.resetAt.Add(2 * resetMargin)):
		b.newWindow(f.remaining, resetAt)
	case resetAt.Before(b.resetAt):
		// Every answer's a + t is at or after the window's end: the earliest
		// is the closest.
		b.resetAt = resetAt
	}
	b.known = true
	w := &b.cur
	if i, found := slices.BinarySearch(w.own, f.remaining); !found {
		w.own = slices.Insert(w.own, i, f.remaining)
	}
	if f.remaining < w.rMin {
		w.rMin, w.minSent = f.remaining, a.sent
	}
	w.rMax = max(w.rMax, f.remaining)
	w.lastAt = at
	o := observation{r: f.remaining, sent: a.sent, at: at, seqAt: seqAt}
	if f.reset >= 0 && b.window > 0 {
		o.elapsed = b.window - time.Duration(f.reset)*time.Second
	}
	w.pending = append(w.pending, o)
}

// newWindow starts a window whose first answer said r, and that ends at
// resetAt. The bound of the steady pace carries over: a steady sender keeps
// its pace from one window to the next.
func (b *serverBudget) newWindow(r int64, resetAt time.Time) {
	b.steadyBefore = min(b.steadyBefore, b.cur.steady)
	b.cur = budgetWindow{ref: r + 1, rMin: r + 1, rMax: r, steady: math.Inf(1)}
	if b.quotaKnown {
		b.cur.ref, b.cur.fromStart = b.quota, true
	}
	b.resetAt = resetAt
}

// resolve turns into marks the observations whose every earlier attempt has
// ended, and tightens the bound of the steady pace with them.
func (b *serverBudget) resolve() {
	lowest := b.seq
	for s := range b.inflight {
		lowest = min(lowest, s)
	}
	w := &b.cur
	n := 0
	for _, o := range w.pending {
		if o.seqAt > lowest {
			break
		}
		w.addMark(o)
		n++
	}
	w.pending = w.pending[n:]
}

// addMark counts the others' requests the server had counted with o, and
// bounds the steady pace with every interval between o and an earlier mark
// (and the window's start): a sender at pace d has at least d×length − 1
// requests counted in any interval, so d ≤ (others' requests + 1) / length.
func (w *budgetWindow) addMark(o observation) {
	// Every attempt of this client counted before o has been answered: it
	// is in own with an r at least o's.
	ownBefore := int64(len(w.own) - sort.Search(len(w.own), func(i int) bool { return w.own[i] >= o.r }))
	m := mark{r: o.r, sent: o.sent, at: o.at, others: w.ref - o.r - ownBefore}
	if w.fromStart && o.elapsed > 0 {
		w.steady = min(w.steady, float64(m.others+1)/o.elapsed.Seconds())
	}
	for _, j := range w.marks {
		early, late := j, m
		if j.r < m.r {
			early, late = m, j
		}
		// The server counted early before early's answer arrived and late
		// after late was sent: the interval is at least this long.
		if d := late.sent.Sub(early.at); d > 0 {
			w.steady = min(w.steady, float64(late.others-early.others+1)/d.Seconds())
		}
	}
	w.marks = append(w.marks, m)
	if len(w.marks) == 1 || m.r < w.last.r {
		w.last = m
	}
	if len(w.marks) > maxMarks {
		// Keep the first and every other one: coarser intervals, the same
		// span.
		kept := w.marks[:1]
		for i := 2; i < len(w.marks); i += 2 {
			kept = append(kept, w.marks[i])
		}
		w.marks = kept
	}
}

// span is the window length.
func (b *serverBudget) span() time.Duration {
	if b.window > 0 {
		return b.window
	}
	return othersSpanDefault
}

// steadyBound is the pace, per second, the rule leaves a steady sender: the
// tightest bound the counts give, at most steadyShareMax of the quota per
// window; 0 when nothing bounds it (no q or w, nothing measured yet).
func (b *serverBudget) steadyBound() (bound float64, measured bool) {
	bound = min(b.cur.steady, b.steadyBefore)
	if c, ok := b.steadyCap(); ok && c <= bound {
		return c, false
	}
	if math.IsInf(bound, 1) {
		return 0, false
	}
	return bound, true
}

func (b *serverBudget) steadyCap() (float64, bool) {
	if b.quota <= 0 || b.window <= 0 {
		return 0, false
	}
	return steadyShareMax * float64(b.quota) / b.window.Seconds(), true
}

// reserve is R: what the rule leaves of the quota (1/reserveFraction of it,
// at least 1) for what it cannot bound ("Why no lockout").
func (b *serverBudget) reserve() int64 { return max(1, b.quota/reserveFraction) }

// room is how many requests this client may spend now, above the reserve,
// leaving a steady sender its pace until the window ends; with r, the
// remaining it assumes, and τ, the time it assumes left.
func (b *serverBudget) room(now time.Time) (room float64, r int64, tau time.Duration) {
	steady, _ := b.steadyBound()
	reserve := b.reserve()
	r, tau = b.cur.rMin, b.resetAt.Sub(now)
	switch {
	case !b.resetAt.IsZero() && tau <= 0:
		// The window has ended: the server counts from the quota again, and
		// a steady sender spends at most steady × w of the next one.
		r, tau = b.quota, b.span()
		return float64(b.quota-reserve) - steady*tau.Seconds(), r, tau
	case b.resetAt.IsZero():
		// No t: the window may last a whole window length from now.
		tau = b.span()
		return float64(r-reserve) - steady*(now.Sub(b.cur.minSent)+tau).Seconds(), r, tau
	}
	// Others have sent at most steady × (now − minSent) since r was
	// counted, and send at most steady × τ until the window ends.
	return float64(r-reserve) - steady*b.resetAt.Sub(b.cur.minSent).Seconds(), r, tau
}

// decide says whether an attempt may go now, and whether it goes as a probe;
// if not, until when at most to wait before asking again (an attempt that
// ends wakes the waiters sooner), with what remains and the time left, for
// the log.
func (b *serverBudget) decide(now time.Time) (ok, probe, quick bool, until time.Time, remaining int64, left time.Duration) {
	u := int64(len(b.inflight))
	if !b.answered && u > 0 {
		// The first attempt learns whether the server sends the fields, and
		// where the user stands, before any other goes.
		return false, false, false, now.Add(time.Minute), 0, 0
	}
	if !b.known {
		return true, false, false, time.Time{}, 0, 0
	}
	room, r, tau := b.room(now)
	ended := !b.resetAt.IsZero() && tau <= 0
	if now.Before(b.cur.spendAfter) {
		return false, false, false, b.cur.spendAfter, r, tau
	}
	// Clients that decide on the same figure split it: each keeps its
	// attempts in flight to 1/concurrentClients of it. A client that has
	// seen nobody else counted in this window has nobody to split with, but
	// while its figure is not fresh (the window has ended, or no answer came
	// for staleAfter) it sends one attempt and waits for the answer.
	split := int64(concurrentClients)
	if b.cur.fromStart && len(b.cur.marks) > 0 && b.cur.last.others == 0 {
		split = 1
	}
	fresh := !ended && now.Sub(b.cur.lastAt) < staleAfter
	switch {
	case u == 0 && (room >= 1 || ended), u > 0 && fresh && room >= float64((u+1)*split):
		return true, false, false, time.Time{}, r, tau
	}
	until = b.resetAt
	if u > 0 || b.resetAt.IsZero() {
		// An answer on its way says more; without t, look again now and then.
		until = now.Add(b.span() / recheckFraction)
		if b.resetAt.IsZero() && u == 0 && !now.Before(b.cur.lastAt.Add(b.span()/recheckFraction)) {
			return true, true, false, time.Time{}, r, tau
		}
		return false, false, false, until, r, tau
	}
	steady, _ := b.steadyBound()
	reserve := b.reserve()
	if !b.cur.probed && steady > 0 {
		// Held back by the bound of the steady pace: if the others have
		// been quiet since the last answer, a probe shows it, and if they
		// were, the bound falls to about 1/gap, which leaves room.
		gap := b.probeGap(steady)
		if float64(r-reserve-1) < tau.Seconds()/gap.Seconds() {
			return false, false, false, until, r, tau
		}
		if q, ok := b.quickGap(r, reserve, gap); ok {
			gap, quick = q, true
		}
		at := b.cur.lastAt.Add(gap)
		if now.Before(at) {
			if at.Before(until) {
				until = at
			}
		} else {
			return true, true, quick, time.Time{}, r, tau
		}
	}
	return false, false, false, until, r, tau
}

// quickGap is the gap of the window's quick probe, sent before the first
// full one when the latest count leaves room for everything but the assumed
// steady pace: a probe after it that finds the others quiet bounds the pace
// at half what the count can leave (room ≥ 1 from r − reserve ≥ 5). It is
// what a later process of a run pays to learn that the run's earlier
// processes were not a steady sender (BENCHMARKS.md, the budget drill's lone
// runs: 14 s without it at Cloudflare's quota). Only while nobody else has
// been counted since this client's first answer of the window: clients that
// spend beside each other probe as above (twenty runs that quick-probed
// beside a dashboard met a lockout). Not when the full gap is about as
// short. decide asks only inside a window whose end t gave, before that end,
// so the span from the count to the window's end is positive.
func (b *serverBudget) quickGap(r, reserve int64, gap time.Duration) (time.Duration, bool) {
	w := &b.cur
	if w.quickSent || r-reserve < 5 || len(w.marks) == 0 || w.last.others > w.marks[0].others {
		return 0, false
	}
	// The steady pace the count leaves room for.
	need := float64(r-reserve-1) / b.resetAt.Sub(w.minSent).Seconds()
	q := time.Duration(2 / need * float64(time.Second))
	return q, q <= gap/2
}

// probeGap is how long after the latest answer the next probe of the window
// waits: the first until a steady sender at the bound would have sent twice
// as many requests as the other clients' probes beside this one, so that
// those do not hide the quiet; each further one twice as long as the one
// before.
func (b *serverBudget) probeGap(steady float64) time.Duration {
	if b.cur.gap == 0 {
		b.cur.gap = time.Duration(float64(2*(b.probers+1)) / steady * float64(time.Second))
	}
	return b.cur.gap
}

// acquire waits until the rule admits one more attempt, or ctx is done. The
// caller calls done with the response's status and header (0 and nil without
// a response) once the attempt has ended. onWait, if set, hears once per
// window that the budget holds attempts back until the window ends.
func (b *serverBudget) acquire(ctx context.Context, onWait func(remaining int64, left time.Duration)) (done func(status int, h http.Header), err error) {
	for {
		b.mu.Lock()
		now := b.now()
		ok, probe, quick, until, remaining, left := b.decide(now)
		if ok {
			seq := b.seq
			b.seq++
			a := attempt{sent: now, probe: probe, quick: quick}
			b.cur.quickSent = b.cur.quickSent || quick
			if probe {
				var measured bool
				a.bound, measured = b.steadyBound()
				a.learning, a.last = !measured, b.cur.last
			}
			b.inflight[seq] = a
			b.mu.Unlock()
			return func(status int, h http.Header) { b.done(seq, status, h) }, nil
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

// done ends attempt seq and takes in its response's fields in one step, so
// that no waiting attempt sees the attempt gone but not its count.
func (b *serverBudget) done(seq int64, status int, h http.Header) {
	f, ok := parseRateLimitFields(h)
	b.mu.Lock()
	a := b.inflight[seq]
	delete(b.inflight, seq)
	if h != nil {
		b.answered = true
	}
	now := b.now()
	if ok {
		b.observe(f, status, a, now, b.seq)
	}
	b.resolve()
	if a.probe && ok && len(b.cur.pending) == 0 {
		b.probed(a, now)
	}
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
}

// probed takes in the answer to probe a, which arrived at now (see "Probes"
// above).
func (b *serverBudget) probed(a attempt, now time.Time) {
	w := &b.cur
	if a.last.at.IsZero() || w.last.r >= a.last.r {
		return // the probe's answer is of another window
	}
	room, _, _ := b.room(now)
	if room >= 1 {
		// Other clients held back as long may have probed at the same time:
		// wait until their probes have been counted before spending, so
		// that they see the quiet this one saw.
		w.spendAfter = now.Add(2 * now.Sub(a.sent))
	}
	if a.quick {
		// Neither a miss nor busy, and too short to count the probers: if it
		// left no room, the full probes follow from this answer.
		return
	}
	n, d := w.last.others-a.last.others, w.last.sent.Sub(a.last.at).Seconds()
	b.probers = min(max(n, 0), concurrentClients)
	switch {
	case room >= 1:
		w.gap *= 2
	case a.learning && float64(n) > a.bound*d+1+concurrentClients:
		// Others sent more than a steady sender at the bound and other
		// clients' probes could: other clients were spending. The next
		// probe's interval starts here.
		w.busy++
	default:
		w.misses++
	}
	w.probed = w.misses >= 1 || w.busy >= maxBusyProbes
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
