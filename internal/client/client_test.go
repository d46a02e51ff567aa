package client

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
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
		{"negative rate limit", Config{APIToken: testToken, RateLimit: -1}, "invalid rate limit: use a positive number of requests per five minutes, or turn the limit off (got -1)"},
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
	if got := limiterRules(c); got != "1200 per 5m0.3s, 200 per 1.001s" {
		t.Errorf("rate limit rules %q, want Cloudflare's with their clock margins", got)
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

func TestRateLimitIsRequestsPerFiveMinutes(t *testing.T) {
	for _, tt := range []struct {
		cfg  Config
		want string
	}{
		{Config{APIToken: testToken, RateLimit: 500}, "500 per 5m0.3s, 200 per 1.001s"},
		{Config{APIToken: testToken, RateLimit: 100000}, "100000 per 5m0.3s, 200 per 1.001s"},
		{Config{APIToken: testToken, RateLimit: 500, RateLimitDisabled: true}, "off"},
		{Config{APIToken: testToken, RateLimitDisabled: true}, "off"},
	} {
		c, err := New(tt.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := limiterRules(c); got != tt.want {
			t.Errorf("RateLimit %d, disabled %v: rules %q, want %q", tt.cfg.RateLimit, tt.cfg.RateLimitDisabled, got, tt.want)
		}
	}
}

// limiterRules describes the client's rate-limit rules, "off" without any.
func limiterRules(c *Client) string {
	if c.limiter == nil {
		return "off"
	}
	var rules []string
	for _, r := range c.limiter.rules {
		rules = append(rules, fmt.Sprintf("%d per %v", r.n, r.hold))
	}
	return strings.Join(rules, ", ")
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
