package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults of a Policy's zero fields.
const (
	// DefaultTimeout bounds one fetch, redirects, headers and body together.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxRedirects is how many redirects a fetch follows.
	DefaultMaxRedirects = 5
	// DefaultMaxBytes caps a body when Policy.MaxBytes is 0.
	DefaultMaxBytes = 1 << 20
	// MaxResponseHeaderBytes caps the response headers of the default transport (net/http's own default
	// is 10 MB).
	MaxResponseHeaderBytes = 64 << 10
)

// Policy is what one kind of fetch may do, and the words its errors use.
type Policy struct {
	// Attribute is the configuration attribute the URL comes from ("metadata_url", "issuer"), named in
	// errors so a person knows what to change.
	Attribute string
	// Document names what is fetched ("metadata", "discovery document"), in errors.
	Document string
	// Accept is the request's Accept header; empty sends none.
	Accept string
	// AllowHTTP accepts http:// URLs and redirects to them (development IdPs).
	AllowHTTP bool
	// HTTPRisk says what plain http would let anyone on the path do, in the refusal of an http URL
	// ("anyone on the path could swap the IdP's certificate").
	HTTPRisk string
	// SameOrigin refuses a redirect to another scheme, host or port; https to http is always another
	// origin. Without it a redirect may go anywhere its URL passes the scheme check.
	SameOrigin bool
	// MaxBytes caps the body: a longer one is ErrTooLarge. 0 means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds the whole fetch. 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRedirects is how many redirects are followed. 0 means DefaultMaxRedirects.
	MaxRedirects int
}

func (p Policy) maxBytes() int64 {
	if p.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return p.MaxBytes
}

func (p Policy) timeout() time.Duration {
	if p.Timeout <= 0 {
		return DefaultTimeout
	}
	return p.Timeout
}

func (p Policy) maxRedirects() int {
	if p.MaxRedirects <= 0 {
		return DefaultMaxRedirects
	}
	return p.MaxRedirects
}

// key is every field that decides what a fetch under p returns.
func (p Policy) key() string {
	return fmt.Sprintf("%q %q %q %t %q %t %d %s %d", p.Attribute, p.Document, p.Accept, p.AllowHTTP, p.HTTPRisk,
		p.SameOrigin, p.maxBytes(), p.timeout(), p.maxRedirects())
}

// CheckURL refuses a URL this policy would not fetch: not absolute, with credentials, not https (or
// http when AllowHTTP). It needs no network, so a configuration can be checked before any request.
func (p Policy) CheckURL(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.User != nil {
		return p.fail(ErrURL, rawURL, nil, "%s %q must be an absolute URL without credentials", p.Attribute, rawURL)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if p.AllowHTTP {
			return nil
		}
		return p.fail(ErrURL, rawURL, nil, "%s %q uses plain http, so %s; use https, or set allow_http = true for a development IdP",
			p.Attribute, rawURL, p.HTTPRisk)
	default:
		return p.fail(ErrURL, rawURL, nil, "%s %q must use https", p.Attribute, rawURL)
	}
}

func (p Policy) fail(kind error, rawURL string, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, URL: rawURL, msg: fmt.Sprintf(format, args...), cause: cause}
}

// checkRedirect is the http.Client's CheckRedirect under p.
func (p Policy) checkRedirect(req *http.Request, via []*http.Request) error {
	first, prev := via[0].URL.String(), via[len(via)-1].URL
	if len(via) >= p.maxRedirects() {
		return p.fail(ErrRedirect, first, nil, "GET %s was redirected more than %d times; set %s to the URL the redirects end at",
			first, p.maxRedirects(), p.Attribute)
	}
	next := req.URL
	if p.SameOrigin && !sameOrigin(prev, next) {
		if strings.EqualFold(prev.Scheme, "https") && strings.EqualFold(next.Scheme, "http") {
			return p.fail(ErrRedirect, first, nil, "GET %s was redirected from https to plain http (%s), so %s; "+
				"the IdP must serve its %s over https without leaving it", first, next, p.HTTPRisk, p.Document)
		}
		return p.fail(ErrRedirect, first, nil, "GET %s was redirected to another origin (%s); the %s must come from "+
			"the origin of %s itself: check %s, or fix the redirect at the IdP", first, next, p.Document, p.Attribute, p.Attribute)
	}
	return p.CheckURL(next.String())
}

func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// Fetcher makes the requests. The zero value is ready to use.
type Fetcher struct {
	// Transport sends the requests; nil means a copy of http.DefaultTransport (proxy settings from the
	// environment) whose response headers are capped at MaxResponseHeaderBytes.
	Transport http.RoundTripper
}

var defaultTransport = sync.OnceValue(func() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxResponseHeaderBytes = MaxResponseHeaderBytes
	return t
})

func (f *Fetcher) transport() http.RoundTripper {
	if f != nil && f.Transport != nil {
		return f.Transport
	}
	return defaultTransport()
}

// Fetch GETs rawURL under p and returns the body of a 200 answer. The errors are *Error (see the
// kinds in errors.go), or the caller's context error when ctx ends first.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, p Policy) ([]byte, error) {
	if err := p.CheckURL(rawURL); err != nil {
		return nil, err
	}
	tctx, cancel := context.WithTimeout(ctx, p.timeout())
	defer cancel()
	req, err := http.NewRequestWithContext(tctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, p.fail(ErrURL, rawURL, err, "%s %q is not a valid URL: %v", p.Attribute, rawURL, err)
	}
	if p.Accept != "" {
		req.Header.Set("Accept", p.Accept)
	}
	client := &http.Client{Transport: f.transport(), CheckRedirect: p.checkRedirect}
	resp, err := client.Do(req)
	if err != nil {
		var refused *Error
		if errors.As(err, &refused) { // CheckRedirect's refusal: its text says it all
			return nil, refused
		}
		return nil, p.failed(ctx, tctx, rawURL, err, "GET %s failed: %v. Check the URL and that this machine can reach the IdP", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, p.fail(ErrStatus, rawURL, nil, "GET %s answered %s; the IdP must serve its %s at this URL with 200 OK",
			rawURL, resp.Status, p.Document)
	}
	limit := p.maxBytes()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, p.failed(ctx, tctx, rawURL, err, "reading the %s from %s failed: %v", p.Document, rawURL, err)
	}
	if int64(len(data)) > limit {
		return nil, p.fail(ErrTooLarge, rawURL, nil, "GET %s answered with more than %d bytes, the most a %s may have; "+
			"check that %s points at the IdP's own %s", rawURL, limit, p.Document, p.Attribute, p.Document)
	}
	return data, nil
}

// failed classifies a transport or body error: the caller's context ended, the fetch's own timeout ran
// out, or the request failed.
func (p Policy) failed(ctx, tctx context.Context, rawURL string, err error, format string, args ...any) error {
	if ctx.Err() != nil {
		return fmt.Errorf("GET %s: %w", rawURL, context.Cause(ctx))
	}
	if errors.Is(tctx.Err(), context.DeadlineExceeded) {
		return p.fail(ErrTimeout, rawURL, err, "GET %s did not answer within %s; check that the IdP is up and that "+
			"this machine can reach it", rawURL, p.timeout())
	}
	return p.fail(ErrUnreachable, rawURL, err, format, args...)
}
