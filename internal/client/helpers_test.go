package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testToken   = "tok-SUPERSECRET-0123456789"
	testAccount = "0123456789abcdef0123456789abcdef"
	testZone    = "fedcba9876543210fedcba9876543210"
	testIdPID   = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
	testSecret  = "scim-PLAINTEXT-secret-abcdef0123456789"
	redacted34  = "**********************************"
)

// fakeAPI is an httptest server whose handler a test sets; it counts
// requests.
type fakeAPI struct {
	*httptest.Server
	requests atomic.Int64
}

func newFakeAPI(t testing.TB, h http.HandlerFunc) *fakeAPI {
	t.Helper()
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

// sleepRecorder replaces real sleeping: it records and returns at once.
type sleepRecorder struct {
	mu     sync.Mutex
	sleeps []time.Duration
}

func (s *sleepRecorder) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.sleeps = append(s.sleeps, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepRecorder) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.sleeps...)
}

// newTestClient returns a client for base with no rate limit, recorded
// sleeps and maximal (deterministic) jitter.
func newTestClient(t testing.TB, base string, mutate ...func(*Config)) (*Client, *sleepRecorder) {
	t.Helper()
	cfg := Config{BaseURL: base, APIToken: testToken, UserAgent: "terraform-provider-zerotrust/test", RateLimitDisabled: true}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	rec := &sleepRecorder{}
	c.sleep = rec.sleep
	c.jitter = func(d time.Duration) time.Duration { return d }
	return c, rec
}

func writeResult(w http.ResponseWriter, status int, result any, info *ResultInfo) {
	env := map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": result}
	if info != nil {
		env["result_info"] = info
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(env)
}

func writeAPIError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"success":false,"errors":[{"code":%d,"message":%q,"error_chain":[]}],"messages":[],"result":null}`, code, msg)
}

// dropConnection closes the connection without answering, after the
// request was read: the response is lost.
func dropConnection(t testing.TB, w http.ResponseWriter) {
	t.Helper()
	hj, ok := w.(http.Hijacker)
	if !ok {
		t.Fatal("response writer cannot hijack")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		t.Fatalf("hijack: %v", err)
	}
	_ = conn.Close()
}

func samlIdP() IdentityProvider {
	f := false
	return IdentityProvider{
		Name: "JumpCloud",
		Type: "saml",
		Config: IdentityProviderConfig{
			IssuerURL:          "https://sso.jumpcloud.com/saml2/cloudflare",
			SSOTargetURL:       "https://sso.jumpcloud.com/saml2/cloudflare/sso",
			IDPPublicCerts:     []string{"MIIBszCCAVmgAwIBAgIUabc"},
			Attributes:         []string{"email", "groups"},
			EmailAttributeName: "email",
			HeaderAttributes:   []HeaderAttribute{{AttributeName: "groups", HeaderName: "X-Groups"}},
			SignRequest:        &f,
		},
		SCIMConfig: &SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: IdentityUpdateAutomatic},
	}
}

// storedIdP is samlIdP as the API answers it.
func storedIdP(secret string) IdentityProvider {
	p := samlIdP()
	p.ID = testIdPID
	p.Config.RedirectURL = "https://team.cloudflareaccess.com/cdn-cgi/access/callback"
	p.SCIMConfig.SCIMBaseURL = "https://team.cloudflareaccess.com/populations/" + testIdPID + "/scim/v2"
	p.SCIMConfig.Secret = secret
	return p
}

// logRecorder is a Logger that keeps every record.
type logRecorder struct {
	mu      sync.Mutex
	records []string
}

func (l *logRecorder) Debug(_ context.Context, msg string, fields map[string]any) {
	l.record("", msg, fields)
}

// Info records are kept with the prefix "INFO ".
func (l *logRecorder) Info(_ context.Context, msg string, fields map[string]any) {
	l.record("INFO ", msg, fields)
}

func (l *logRecorder) record(level, msg string, fields map[string]any) {
	b, _ := json.Marshal(fields)
	l.mu.Lock()
	l.records = append(l.records, level+msg+" "+string(b))
	l.mu.Unlock()
}

func (l *logRecorder) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.records...)
}

// handlerTransport answers requests with an http.Handler in the calling
// goroutine, without a network, so that a test can run a client and its
// server in one synctest bubble, where both read the bubble's fake clock.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	sr := r.Clone(r.Context())
	sr.RequestURI, sr.Host = r.URL.RequestURI(), r.URL.Host
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, sr)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	res := rec.Result()
	res.Request = r
	return res, nil
}

// maxInWindow is the largest number of the times that fall in one window
// [a, a+w), over every a.
func maxInWindow(times []time.Time, w time.Duration) int {
	sorted := slices.SortedFunc(slices.Values(times), time.Time.Compare)
	most, end := 0, 0
	for start, t := range sorted {
		for end < len(sorted) && sorted[end].Before(t.Add(w)) {
			end++
		}
		most = max(most, end-start)
	}
	return most
}
