package client

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/time/rate"
)

func TestNewRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"relative base URL", Config{BaseURL: "/client/v4", APIToken: testToken}, "absolute http or https"},
		{"ftp base URL", Config{BaseURL: "ftp://example.com", APIToken: testToken}, "absolute http or https"},
		{"base URL with query", Config{BaseURL: "https://example.com/v4?x=1", APIToken: testToken}, "must not carry"},
		{"no credentials", Config{}, "no credentials"},
		{"token and key", Config{APIToken: testToken, APIKey: "key-SECRET", Email: "a@example.com"}, "exactly one kind"},
		{"key without email", Config{APIKey: "key-SECRET"}, "needs the account e-mail"},
		{"email without key", Config{Email: "a@example.com"}, "no credentials"},
		{"token with newline", Config{APIToken: testToken + "\n"}, "control characters"},
		{"user agent with newline", Config{APIToken: testToken, UserAgent: "x\ny"}, "control characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New() error = %v, want it to contain %q", err, tt.want)
			}
			for _, secret := range []string{testToken, "key-SECRET"} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error %q leaks a credential", err)
				}
			}
		})
	}
}

func TestNewDefaults(t *testing.T) {
	c, err := New(Config{APIToken: testToken})
	if err != nil {
		t.Fatal(err)
	}
	if c.base != DefaultBaseURL || c.userAgent != DefaultUserAgent {
		t.Errorf("base %q, user agent %q", c.base, c.userAgent)
	}
	if c.limiter == nil || c.limiter.Limit() != DefaultRateLimit || c.limiter.Burst() != DefaultRateBurst {
		t.Errorf("limiter = %+v, want default", c.limiter)
	}
	if c.maxRetries != DefaultMaxRetries || c.maxWait != DefaultMaxRetryWait || c.baseDelay != DefaultRetryBaseDelay {
		t.Errorf("retries %d, wait %v, base %v", c.maxRetries, c.maxWait, c.baseDelay)
	}
	if c.httpClient.Timeout != DefaultRequestTimeout || c.httpClient.CheckRedirect == nil {
		t.Errorf("default HTTP client = %+v", c.httpClient)
	}
	// Trailing slashes are tolerated.
	c, err = New(Config{BaseURL: "http://127.0.0.1:8080/client/v4/", APIToken: testToken, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c.base != "http://127.0.0.1:8080/client/v4" || c.maxRetries != 0 {
		t.Errorf("base %q, retries %d", c.base, c.maxRetries)
	}
}

// The default must stay under the API's 1200 requests per 5 minutes even
// when the bucket starts full.
func TestDefaultRateLimitStaysUnderTheAPILimit(t *testing.T) {
	worst := float64(DefaultRateBurst) + float64(DefaultRateLimit)*300
	if worst > 1200 {
		t.Fatalf("burst + rate*300s = %.1f requests, over the API's 1200", worst)
	}
	if worst < 1190 {
		t.Fatalf("burst + rate*300s = %.1f: needlessly slow", worst)
	}
}

func TestRateLimitCanBeDisabled(t *testing.T) {
	for _, cfg := range []Config{
		{APIToken: testToken, RateLimit: -1},
		{APIToken: testToken, RateLimit: rate.Inf},
		{APIToken: testToken, RateLimitDisabled: true},
	} {
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if c.limiter != nil {
			t.Errorf("%+v: limiter is on", cfg.RateLimit)
		}
	}
}

func TestAuthHeadersAndUserAgent(t *testing.T) {
	var got http.Header
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		writeResult(w, 200, storedIdP(redacted34), nil)
	})
	ctx := context.Background()

	c, _ := newTestClient(t, api.URL)
	if _, err := c.GetIdentityProvider(ctx, AccountScope(testAccount), testIdPID); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer "+testToken || got.Get("X-Auth-Key") != "" || got.Get("X-Auth-Email") != "" {
		t.Errorf("token auth headers: %v", got)
	}
	if got.Get("User-Agent") != "terraform-provider-zerotrust/test" || got.Get("Accept") != "application/json" {
		t.Errorf("User-Agent %q, Accept %q", got.Get("User-Agent"), got.Get("Accept"))
	}

	c, _ = newTestClient(t, api.URL, func(cfg *Config) { cfg.APIToken, cfg.APIKey, cfg.Email = "", "global-key", "me@example.com" })
	if _, err := c.GetIdentityProvider(ctx, AccountScope(testAccount), testIdPID); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "" || got.Get("X-Auth-Key") != "global-key" || got.Get("X-Auth-Email") != "me@example.com" {
		t.Errorf("key auth headers: %v", got)
	}
}

func TestScope(t *testing.T) {
	if p := AccountScope("abc").Path(); p != "accounts/abc" {
		t.Errorf("account path %q", p)
	}
	if p := ZoneScope("xyz").Path(); p != "zones/xyz" {
		t.Errorf("zone path %q", p)
	}
	if p := AccountScope("a/../b").Path(); p != "accounts/a%2F..%2Fb" {
		t.Errorf("escaped path %q", p)
	}
	if s := ZoneScope("xyz").String(); s != "zone xyz" {
		t.Errorf("String %q", s)
	}
	c, _ := newTestClient(t, "http://127.0.0.1:1")
	ctx := context.Background()
	if _, err := c.GetIdentityProvider(ctx, Scope{}, "x"); err == nil {
		t.Error("zero scope accepted")
	}
	if _, err := c.GetIdentityProvider(ctx, AccountScope(""), "x"); err == nil {
		t.Error("empty account ID accepted")
	}
	if err := c.DeleteIdentityProvider(ctx, AccountScope("a"), ""); err == nil {
		t.Error("empty IdP ID accepted")
	}
}
