package client

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// The rules for a Config's base URL, credentials and rate limit live here, and New applies them. A caller that
// reads its settings from elsewhere (the provider block, the environment) checks them with
// CheckBaseURL and CheckCredentials, and tells these errors apart with errors.Is to say which of its
// settings is at fault. No error carries a credential.
var (
	// ErrInvalidBaseURL: the base URL is not an absolute http(s) URL without user info, query or fragment.
	ErrInvalidBaseURL = errors.New("invalid API base URL")
	// ErrNoCredentials: neither an API token nor an API key is set.
	ErrNoCredentials = errors.New("no credentials: configure an API token, or an API key together with the account e-mail")
	// ErrConflictingCredentials: an API token and an API key or e-mail are both set.
	ErrConflictingCredentials = errors.New("both an API token and an API key/e-mail are set: configure exactly one kind of credential (an API token is preferred)")
	// ErrMissingEmail: an API key is set without the e-mail of its user.
	ErrMissingEmail = errors.New("an API key needs the account e-mail: set both, or use an API token instead")
	// ErrInvalidRateLimit: a rate limit below zero.
	ErrInvalidRateLimit = errors.New("invalid rate limit: use a positive number of requests per five minutes, or turn the limit off")
	// ErrInvalidCredentials: a credential holds characters no HTTP header may carry.
	ErrInvalidCredentials = errors.New("invalid credentials: the API token, key or e-mail contains control characters (a trailing newline?)")
)

// CheckBaseURL checks an API base URL such as DefaultBaseURL. An empty one means DefaultBaseURL and is
// accepted. A trailing slash is allowed.
func CheckBaseURL(raw string) error {
	_, _, err := parseBaseURL(raw)
	return err
}

// parseBaseURL returns the base URL, parsed and as text without its trailing slash; DefaultBaseURL
// when raw is empty.
func parseBaseURL(raw string) (*url.URL, string, error) {
	base := strings.TrimRight(raw, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may hold a password
		}
		return nil, "", fmt.Errorf("%w %q: %w", ErrInvalidBaseURL, redactURL(raw), err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "", fmt.Errorf("%w %q: it must be an absolute http or https URL, such as %s", ErrInvalidBaseURL, redactURL(raw), DefaultBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, "", fmt.Errorf("%w %q: it must not carry a query, fragment or user info; use the form %s", ErrInvalidBaseURL, redactURL(raw), DefaultBaseURL)
	}
	return u, base, nil
}

// CheckCredentials checks that exactly one kind of credential is given: an API token, or an API key
// with the e-mail of its user. An e-mail alone is no credential.
func CheckCredentials(apiToken, apiKey, email string) error {
	switch {
	case apiToken != "" && (apiKey != "" || email != ""):
		return ErrConflictingCredentials
	case apiToken == "" && apiKey == "":
		return ErrNoCredentials
	case apiKey != "" && email == "":
		return ErrMissingEmail
	}
	// Header values with control characters would be rejected by net/http
	// with an error that quotes them; fail early without the value.
	if hasControl(apiToken) || hasControl(apiKey) || hasControl(email) {
		return ErrInvalidCredentials
	}
	return nil
}

// CheckRateLimit checks a number of requests per RateLimitWindow: 0 or more.
func CheckRateLimit(n int64) error {
	if n < 0 {
		return fmt.Errorf("%w (got %d)", ErrInvalidRateLimit, n)
	}
	return nil
}

// redactURL hides the user info of a URL, which may hold a password, for an error message.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if at := strings.LastIndex(rest, "@"); ok && at >= 0 {
		return scheme + "://xxxxx@" + rest[at+1:]
	}
	return raw
}
