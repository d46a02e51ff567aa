package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"time"
)

const (
	// maxResponseBytes guards against a server that never stops talking.
	maxResponseBytes = 32 << 20
	// maxLoggedBody and maxErrorBody truncate bodies in logs and errors.
	maxLoggedBody = 4096
	maxErrorBody  = 512
)

// request is one logical API call; do may send it several times.
type request struct {
	method string
	path   string // relative to the base URL, escaped, no leading slash
	query  url.Values
	body   []byte // nil: no body
	// unknownAdvice tells the caller what to do when a POST's outcome is
	// unknown.
	unknownAdvice string
	// goneIsDone makes a 404 after an ambiguous attempt a success (status
	// 404, no error): an earlier attempt of this DELETE did the job.
	goneIsDone bool
	// readBack is where a GET reads what this write changes (the object,
	// or the collection for a create). After the write is refused as an
	// auth failure, one GET there tells a credential that may read but not
	// edit from one that is refused altogether (APIError.ReadCheck).
	readBack string
}

// response is the answer to the last attempt of a request.
type response struct {
	status int
	body   []byte
	// ambiguous is set when an earlier attempt may have been applied
	// (a 5xx or a connection lost after the request was sent).
	ambiguous bool
}

// attemptResult is what one HTTP exchange produced.
type attemptResult struct {
	status int
	header http.Header
	body   []byte
	err    error // transport error: no (complete) response
	sent   bool  // the request may have reached the server
}

// do sends req, retrying as the method allows, and returns the body of a
// 2xx response. Any other answer is an *APIError, possibly wrapped in an
// *OutcomeUnknownError for a POST.
//
// Retry policy:
//   - GET, PUT and DELETE (idempotent) are retried on connection errors,
//     5xx and 429, with exponential backoff and full jitter, or after the
//     server's retry-after.
//   - POST is retried only when it provably did not reach the server: no
//     connection was obtained, or the answer was 429 (the API rate-limits
//     before doing anything). A 5xx or a lost response is returned as an
//     *OutcomeUnknownError.
//   - "x-should-retry: false" (sent with 409) forbids a retry.
//   - A 429 is a lockout: every call waits until it ends (its retry-after,
//     or else the end of the window the rate-limit fields report), if that
//     is within MaxLockoutWait, and the wait is logged at info level.
//     Without either, it backs off like a 5xx.
//   - The total time spent retrying is bounded by MaxRetryWait; a
//     retry-after of a 5xx that does not fit is not waited for. Time spent
//     waiting for a turn (the client-side rate limit, the API's budget,
//     a lockout) does not count.
func (c *Client) do(ctx context.Context, req *request) (response, error) {
	if err := ctx.Err(); err != nil {
		return response{}, fmt.Errorf("%s %s: %w", req.method, req.path, err)
	}
	idempotent := req.method != http.MethodPost
	deadline := time.Now().Add(c.maxWait)
	var resp response
	var waitedUntil int64 // the shared pause this call already waited out

	for attempt := 1; ; attempt++ {
		turn := time.Now()
		attemptDone, err := c.waitTurn(ctx, waitedUntil)
		if err != nil {
			return resp, fmt.Errorf("%s %s: waiting for the client-side rate limit: %w", req.method, req.path, err)
		}
		// Waiting for a turn is not retrying: the limiter may hold a call for
		// minutes in a long run.
		deadline = deadline.Add(time.Since(turn))

		start := time.Now()
		res := c.send(ctx, req)
		attemptDone(res.status, res.header)
		c.logAttempt(ctx, req, attempt, res, time.Since(start))

		var lastErr error
		var delay time.Duration
		retryable := false

		switch {
		case res.err != nil:
			if ctx.Err() != nil {
				if !idempotent && res.sent {
					return resp, c.outcomeUnknown(req, res.err)
				}
				return resp, fmt.Errorf("%s %s: %w", req.method, req.path, res.err)
			}
			if !idempotent && res.sent {
				return resp, c.outcomeUnknown(req, res.err)
			}
			if res.sent {
				resp.ambiguous = true
			}
			lastErr = fmt.Errorf("%s %s: %w", req.method, req.path, res.err)
			retryable = true
			delay = c.backoff(attempt)

		case res.status >= 200 && res.status < 300:
			resp.status, resp.body = res.status, res.body
			return resp, nil

		default:
			apiErr := c.apiError(req, res)
			resp.status = res.status
			if res.status == http.StatusNotFound && req.goneIsDone && resp.ambiguous {
				return resp, nil
			}
			lastErr = apiErr
			noRetry := res.header.Get("X-Should-Retry") == "false"
			switch {
			case res.status == http.StatusTooManyRequests:
				retryable = !noRetry
				lockout := lockoutLeft(apiErr.RetryAfter, res.header)
				if lockout <= 0 {
					delay = c.backoff(attempt)
					break
				}
				// Every call waits for the lockout to end, even if this one
				// may not wait that long.
				var extended bool
				waitedUntil, extended = c.pause(lockout)
				if lockout > c.maxLockout {
					return resp, lastErr
				}
				if extended {
					c.logLockout(ctx, req, lockout)
				}
				// Waiting out a lockout is waiting for a turn, not retrying.
				delay = lockout
				deadline = deadline.Add(lockout)
			case res.status >= 500:
				if !idempotent {
					return resp, c.outcomeUnknown(req, apiErr)
				}
				resp.ambiguous = true
				retryable = !noRetry
				delay = c.backoff(attempt)
				if apiErr.RetryAfter > 0 {
					delay = apiErr.RetryAfter
				}
			case req.readBack != "" && apiErr.isAuth() && !apiErr.hasCode(CodeNotEnabled):
				apiErr.ReadCheck = c.checkRead(ctx, req.readBack)
			}
		}

		if !retryable || attempt > c.maxRetries {
			return resp, lastErr
		}
		if time.Now().Add(delay).After(deadline) {
			// The wait would break the bound on the total retry time.
			return resp, lastErr
		}
		if c.logger != nil {
			c.logger.Debug(ctx, "zerotrust API: retrying", map[string]any{
				"method": req.method, "path": req.path, "attempt": attempt,
				"delay_ms": delay.Milliseconds(), "reason": c.redact.String(lastErr.Error()),
			})
		}
		if err := c.sleep(ctx, delay); err != nil {
			return resp, fmt.Errorf("%s %s: giving up while waiting to retry (%w) after: %w", req.method, req.path, err, lastErr)
		}
	}
}

// waitTurn waits out a shared pause set by another caller's 429, takes a
// turn from the rate limiter, then from the API's budget. The caller calls
// done with the response's status and header (0 and nil without one) when its
// attempt ended.
func (c *Client) waitTurn(ctx context.Context, waitedUntil int64) (done func(status int, h http.Header), err error) {
	if waitedUntil, err = c.waitPause(ctx, waitedUntil); err != nil {
		return nil, err
	}
	limiterDone := func() {}
	if c.limiter != nil {
		if limiterDone, err = c.limiter.acquire(ctx); err != nil {
			return nil, err
		}
		// The limiter may have held this call for minutes: long enough for
		// another caller to meet a 429.
		if _, err := c.waitPause(ctx, waitedUntil); err != nil {
			limiterDone()
			return nil, err
		}
	}
	budgetDone, err := c.budget.acquire(ctx, func(remaining int64, left time.Duration) { c.logBudgetWait(ctx, remaining, left) })
	if err != nil {
		limiterDone()
		return nil, err
	}
	return func(status int, h http.Header) {
		budgetDone(status, h)
		limiterDone()
	}, nil
}

// lockoutLeft is how long a 429 says the lockout lasts: its retry-after,
// which takes precedence (draft-ietf-httpapi-ratelimit-headers), or else the
// end of the window when the rate-limit fields say nothing remains; 0 when
// the answer does not say.
func lockoutLeft(retryAfter time.Duration, h http.Header) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	if f, ok := parseRateLimitFields(h); ok && f.remaining == 0 && f.reset > 0 {
		return time.Duration(f.reset) * time.Second
	}
	return 0
}

// logLockout says at info level that every call waits for a lockout to end.
func (c *Client) logLockout(ctx context.Context, req *request, left time.Duration) {
	if c.logger == nil {
		return
	}
	c.logger.Info(ctx, fmt.Sprintf("zerotrust API: Cloudflare's rate limit for this user is exhausted (by this run or "+
		"another client of the same user: the dashboard, another token, another run); every request waits %s "+
		"for the lockout to end", left.Round(time.Second)), map[string]any{
		"method": req.method, "path": req.path, "wait_seconds": int64(left.Round(time.Second) / time.Second),
	})
}

// logBudgetWait says at info level, once per window, that requests wait for
// the window to end because what remains of it is the user's other clients'.
func (c *Client) logBudgetWait(ctx context.Context, remaining int64, left time.Duration) {
	if c.logger == nil {
		return
	}
	c.logger.Info(ctx, fmt.Sprintf("zerotrust API: %d requests remain of this user's Cloudflare rate limit for the next "+
		"%s, kept for the user's other clients; requests wait for the window to end", remaining, left.Round(time.Second)),
		map[string]any{"remaining": remaining, "wait_seconds": int64(left.Round(time.Second) / time.Second)})
}

// waitPause waits until the shared pause ends, unless this call already
// waited for it, and returns the end of the latest pause it has waited for.
func (c *Client) waitPause(ctx context.Context, waitedUntil int64) (int64, error) {
	until := c.pauseUntil.Load()
	if until <= waitedUntil {
		return waitedUntil, nil
	}
	if d := time.Until(time.Unix(0, until)); d > 0 {
		if err := c.sleep(ctx, d); err != nil {
			return waitedUntil, err
		}
	}
	return until, nil
}

// pause holds every caller back for d and returns the pause's end, and
// whether this call extended it.
func (c *Client) pause(d time.Duration) (int64, bool) {
	until := time.Now().Add(d).UnixNano()
	for {
		cur := c.pauseUntil.Load()
		if cur >= until {
			return cur, false
		}
		if c.pauseUntil.CompareAndSwap(cur, until) {
			return until, true
		}
	}
}

// backoff is exponential with full jitter: uniform in [0, base*2^(n-1)],
// capped at maxRetryDelay.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.baseDelay
	for i := 1; i < attempt && d < maxRetryDelay; i++ {
		d *= 2
	}
	return c.jitter(min(d, maxRetryDelay))
}

func fullJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// SleepContext waits for d, or until ctx is done and then returns its error. The client's retries wait
// with it, and so may its callers.
func SleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send performs one HTTP exchange.
func (c *Client) send(ctx context.Context, req *request) attemptResult {
	var res attemptResult
	if req.method == http.MethodPost {
		// A POST may be retried only if it provably never left: no
		// connection means no byte was written.
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GotConn: func(httptrace.GotConnInfo) { res.sent = true },
		})
	} else {
		res.sent = true // not needed for the decision; assume the worst
	}

	u := c.base + "/" + req.path
	if len(req.query) > 0 {
		u += "?" + req.query.Encode()
	}
	var body io.Reader
	if req.body != nil {
		body = bytes.NewReader(req.body) // sets GetBody, so net/http may replay it safely
	}
	hreq, err := http.NewRequestWithContext(ctx, req.method, u, body)
	if err != nil {
		res.err = err
		res.sent = false
		return res
	}
	h := hreq.Header
	h["User-Agent"] = []string{c.userAgent}
	h["Accept"] = []string{"application/json"}
	if req.body != nil {
		h["Content-Type"] = []string{"application/json"}
	}
	c.setAuth(h)

	hresp, err := c.httpClient.Do(hreq)
	if err != nil {
		res.err = err
		return res
	}
	defer hresp.Body.Close()
	res.status, res.header = hresp.StatusCode, hresp.Header
	b, err := io.ReadAll(io.LimitReader(hresp.Body, maxResponseBytes+1))
	switch {
	case err != nil:
		res.err = fmt.Errorf("reading the %d response: %w", hresp.StatusCode, err)
	case len(b) > maxResponseBytes:
		res.err = fmt.Errorf("the %d response is larger than %d bytes", hresp.StatusCode, maxResponseBytes)
	default:
		res.body = b
	}
	return res
}

// checkRead sends one GET of path, after a write there was refused as an auth failure, to learn
// whether the credential may read what it may not change. A 404 counts as a read allowed: the API
// answers it only to a credential it let in.
func (c *Client) checkRead(ctx context.Context, path string) ReadCheck {
	_, err := c.do(ctx, &request{method: http.MethodGet, path: path})
	switch {
	case err == nil || IsNotFound(err):
		return ReadAllowed
	case IsAuth(err):
		return ReadRefused
	}
	return ReadNotChecked
}

// apiError builds the typed error for a non-2xx answer.
func (c *Client) apiError(req *request, res attemptResult) *APIError {
	e := &APIError{Method: req.method, Path: req.path, StatusCode: res.status, Credential: c.credential}
	if res.status == http.StatusTooManyRequests || res.status == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(res.header.Get("Retry-After"), time.Now())
	}
	c.fillErrorBody(e, res.body)
	return e
}

// fillErrorBody copies the envelope's errors, or the start of a body that is
// not an envelope, into e, redacted.
func (c *Client) fillErrorBody(e *APIError, body []byte) {
	var env struct {
		Errors []ErrorDetail `json:"errors"`
	}
	if json.Unmarshal(body, &env) == nil && len(env.Errors) > 0 {
		e.Errors = make([]ErrorDetail, len(env.Errors))
		for i, d := range env.Errors {
			e.Errors[i] = ErrorDetail{Code: d.Code, Message: c.redact.String(d.Message)}
		}
		return
	}
	e.Body = truncate(c.redact.String(string(bytes.TrimSpace(body))), maxErrorBody)
	if e.Body == "" {
		e.Body = "(empty)"
	}
}

func (c *Client) outcomeUnknown(req *request, cause error) error {
	advice := req.unknownAdvice
	if advice == "" {
		advice = "Look at the current state before trying again: a retry may apply the change twice."
	}
	return &OutcomeUnknownError{Method: req.method, Path: req.path, Cause: cause, Advice: advice}
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 if absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 || s > 24*3600 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func (c *Client) logAttempt(ctx context.Context, req *request, attempt int, res attemptResult, took time.Duration) {
	if c.logger == nil {
		return
	}
	f := map[string]any{
		"method":      req.method,
		"path":        req.path,
		"attempt":     attempt,
		"duration_ms": took.Milliseconds(),
	}
	if len(req.query) > 0 {
		f["query"] = c.redact.String(req.query.Encode())
	}
	if req.body != nil {
		f["request_body"] = truncate(c.redact.String(string(req.body)), maxLoggedBody)
	}
	if res.err != nil {
		f["error"] = c.redact.String(res.err.Error())
	} else {
		f["status"] = res.status
		f["response_body"] = truncate(c.redact.String(string(res.body)), maxLoggedBody)
	}
	c.logger.Debug(ctx, "zerotrust API request", f)
}

// truncate cuts s to n bytes. Callers redact first: a cut could split a
// secret so that redaction no longer recognises it.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…(truncated)"
}

var errEmptyResult = errors.New("the API answered success without a result")
