package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// Defaults used by New when the Config leaves a field zero.
const (
	DefaultBaseURL   = "https://api.cloudflare.com/client/v4"
	DefaultUserAgent = "terraform-provider-zerotrust/dev"

	DefaultMaxRetries   = 5
	DefaultMaxRetryWait = 2 * time.Minute
	// DefaultMaxLockoutWait covers Cloudflare's lockout of five minutes.
	DefaultMaxLockoutWait = 6 * time.Minute
	DefaultRetryBaseDelay = 500 * time.Millisecond
	// maxRetryDelay caps one backoff step (not a server's retry-after).
	maxRetryDelay = 30 * time.Second

	// DefaultRequestTimeout bounds one attempt when New builds the HTTP client.
	DefaultRequestTimeout = 60 * time.Second
)

// Logger receives debug records of requests, and records at info level of
// what a person waiting for a run should know (a wait for the API's rate
// limit). Fields never hold credentials or secrets. The provider adapts
// tflog to it.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	Info(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client. The zero value of every optional field means
// its default.
type Config struct {
	// BaseURL is the API root, DefaultBaseURL if empty. Absolute http(s).
	BaseURL string

	// Exactly one credential kind: APIToken (sent as a Bearer token), or
	// APIKey together with Email (X-Auth-Key / X-Auth-Email).
	APIToken      string
	APIKey, Email string

	// UserAgent names the provider and version, e.g.
	// "terraform-provider-zerotrust/1.2.3". DefaultUserAgent if empty.
	UserAgent string

	// HTTPClient is used for every request. If nil, New builds one with
	// DefaultRequestTimeout per attempt that does not follow redirects.
	HTTPClient *http.Client

	// RateLimit is the client-side rate limit: at most RateLimit requests in
	// any RateLimitWindow (five minutes), and at most 200 in any second
	// (Cloudflare's limit per IP), as the server counts them, whatever the
	// latency. It is shared by all calls on the Client and every attempt
	// counts, retries included. The first RateLimit requests of a run go
	// without waiting; only longer runs are paced. 0 means DefaultRateLimit
	// (Cloudflare's limit per user). RateLimitDisabled turns the limit off.
	//
	// Independently of it, the Client shares the user's budget with the
	// user's other clients through the rate-limit fields the API sends
	// (Ratelimit, Ratelimit-Policy; see serverBudget): an attempt waits
	// while what the API says remains is needed by a steady sender among
	// the others (the dashboard). The stricter of the two applies.
	RateLimit         int64
	RateLimitDisabled bool

	// MaxRetries is the number of retries after the first attempt (0 means
	// DefaultMaxRetries, negative means none). MaxRetryWait bounds the total
	// time a call spends retrying, server retry-after included, but not the
	// time it waits for its turn under RateLimit (0 means
	// DefaultMaxRetryWait). RetryBaseDelay is the first backoff
	// step before jitter (0 means DefaultRetryBaseDelay).
	MaxRetries     int
	MaxRetryWait   time.Duration
	RetryBaseDelay time.Duration

	// MaxLockoutWait bounds how long a call waits for the end of a
	// rate-limit lockout (a 429, until its Retry-After or the window's end
	// the API reports); a longer lockout fails the call at once. 0 means
	// DefaultMaxLockoutWait. The wait does not count against MaxRetryWait.
	MaxLockoutWait time.Duration

	// Logger receives redacted debug records of every attempt; nil means
	// no logs.
	Logger Logger
}

// Client calls the identity-provider API. It is safe for concurrent use.
type Client struct {
	baseURL    *url.URL
	base       string // baseURL without trailing slash
	userAgent  string
	setAuth    func(http.Header)
	credential Credential
	httpClient *http.Client
	limiter    *rateLimiter  // nil: no limit
	budget     *serverBudget // the API's rate-limit fields
	maxRetries int
	maxWait    time.Duration
	maxLockout time.Duration
	baseDelay  time.Duration
	logger     Logger
	redact     *redactor

	// pauseUntil (unix nanos) holds every caller back after a 429 with a
	// retry-after, so concurrent callers do not all run into the limit.
	pauseUntil atomic.Int64

	// sleep waits for d or until ctx is done; a seam for tests.
	sleep func(ctx context.Context, d time.Duration) error
	// jitter returns a random duration in [0, d]; a seam for tests.
	jitter func(d time.Duration) time.Duration
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}

	setAuth, credential, err := authFromConfig(cfg)
	if err != nil {
		return nil, err
	}

	ua := cfg.UserAgent
	if ua == "" {
		ua = DefaultUserAgent
	}
	if hasControl(ua) {
		return nil, errors.New("invalid user agent: it contains control characters")
	}

	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{
			Timeout: DefaultRequestTimeout,
			// The API does not redirect; following one could turn a POST
			// into a GET or send credentials elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}

	c := &Client{
		baseURL:    u,
		base:       base,
		userAgent:  ua,
		setAuth:    setAuth,
		credential: credential,
		httpClient: hc,
		maxRetries: cfg.MaxRetries,
		maxWait:    cfg.MaxRetryWait,
		maxLockout: cfg.MaxLockoutWait,
		baseDelay:  cfg.RetryBaseDelay,
		budget:     newServerBudget(time.Now),
		logger:     cfg.Logger,
		redact:     newRedactor(cfg.APIToken, cfg.APIKey, cfg.Email),
		sleep:      SleepContext,
		jitter:     fullJitter,
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.maxWait <= 0 {
		c.maxWait = DefaultMaxRetryWait
	}
	if c.baseDelay <= 0 {
		c.baseDelay = DefaultRetryBaseDelay
	}
	if c.maxLockout <= 0 {
		c.maxLockout = DefaultMaxLockoutWait
	}

	if err := CheckRateLimit(cfg.RateLimit); err != nil && !cfg.RateLimitDisabled {
		return nil, err
	}
	switch {
	case cfg.RateLimitDisabled:
	case cfg.RateLimit == 0:
		c.limiter = newRateLimiter(DefaultRateLimit)
	default:
		c.limiter = newRateLimiter(cfg.RateLimit)
	}
	return c, nil
}

func authFromConfig(cfg Config) (func(http.Header), Credential, error) {
	if err := CheckCredentials(cfg.APIToken, cfg.APIKey, cfg.Email); err != nil {
		return nil, 0, err
	}
	if cfg.APIToken != "" {
		bearer := "Bearer " + cfg.APIToken
		return func(h http.Header) { h["Authorization"] = []string{bearer} }, CredentialAPIToken, nil
	}
	key, email := cfg.APIKey, cfg.Email
	return func(h http.Header) {
		h["X-Auth-Key"] = []string{key}
		h["X-Auth-Email"] = []string{email}
	}, CredentialAPIKey, nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}
