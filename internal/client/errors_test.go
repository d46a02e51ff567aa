package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func TestErrorClasses(t *testing.T) {
	type class struct{ notFound, auth, validation, conflict, rateLimited, server bool }
	tests := []struct {
		name     string
		status   int
		code     int
		msg      string
		want     class
		wantText []string
	}{
		{"not found", 404, CodeNotFound, "access.api.error.not_found", class{notFound: true},
			[]string{"GET accounts/" + testAccount + "/access/identity_providers/" + testIdPID + ": 404 Not Found: [12135] access.api.error.not_found", "Check the ID"}},
		{"missing auth headers", 400, CodeMissingAuth, "Missing X-Auth-Key, X-Auth-Email or Authorization headers", class{auth: true},
			[]string{"400 Bad Request: [9106]", "The API token was refused", "Check the API token"}},
		{"bad token", 403, CodeAuthentication, "Authentication error", class{auth: true},
			[]string{"403 Forbidden: [10000] Authentication error", "permission"}},
		{"zero trust off", 403, CodeNotEnabled, "access.api.error.not_enabled: enable Zero Trust", class{auth: true},
			[]string{"[9999]", "Zero Trust is not enabled"}},
		{"validation", 400, CodeInvalidRequest, "access.api.error.invalid_request: seat_deprovision requires user_deprovision", class{validation: true},
			[]string{"[12130] access.api.error.invalid_request: seat_deprovision requires user_deprovision", "fix the values"}},
		{"conflict", 409, 12131, "access.api.error.conflict: name taken", class{conflict: true},
			[]string{"409 Conflict", "read the current state"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.status == 409 {
					w.Header().Set("X-Should-Retry", "false")
				}
				writeAPIError(w, tt.status, tt.code, tt.msg)
			})
			c, _ := newTestClient(t, api.URL)
			_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
			got := class{IsNotFound(err), IsAuth(err), IsValidation(err), IsConflict(err), IsRateLimited(err), IsServerError(err)}
			if got != tt.want {
				t.Errorf("classes = %+v, want %+v (err %v)", got, tt.want, err)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status || apiErr.Errors[0].Code != tt.code {
				t.Fatalf("err = %#v", err)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
			if n := api.requests.Load(); n != 1 {
				t.Errorf("%d requests: a 4xx must not be retried", n)
			}
		})
	}
}

// A 5xx is a server error even when its body carries an auth code: callers re-read after a server error
// and give up at once after an auth error.
func TestServerErrorWithAnAuthCodeIsAServerError(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusBadGateway, CodeAuthentication, "internal error")
	})
	c, _ := newTestClient(t, api.URL, func(c *Config) { c.MaxRetries = -1 })
	_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
	if !IsServerError(err) || IsAuth(err) || IsValidation(err) || strings.Contains(err.Error(), "was refused") {
		t.Fatalf("err = %v: want a server error only", err)
	}
}

func TestErrorFromABodyThatIsNotTheEnvelope(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html>502 Bad Gateway from the proxy</html>")
	})
	c, _ := newTestClient(t, api.URL, func(c *Config) { c.MaxRetries = -1 })
	_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
	if !IsServerError(err) || !strings.Contains(err.Error(), "unexpected response body: <html>502 Bad Gateway from the proxy</html>") ||
		!strings.Contains(err.Error(), "wait and retry") {
		t.Fatalf("err = %v", err)
	}
}

func TestSuccessStatusWithAnUnusableBody(t *testing.T) {
	for name, body := range map[string]string{
		"success false": `{"success":false,"errors":[{"code":1000,"message":"odd"}],"messages":[],"result":null}`,
		"not JSON":      `OK`,
		"no result":     `{"success":true,"errors":[],"messages":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, body) })
			c, _ := newTestClient(t, api.URL)
			_, err := c.GetIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID)
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || errors.Is(err, ErrOutcomeUnknown) {
				t.Fatalf("GET err = %v", err)
			}
			// The same answer to a POST leaves its outcome unknown.
			_, err = c.CreateIdentityProvider(context.Background(), AccountScope(testAccount), samlIdP())
			if !errors.Is(err, ErrOutcomeUnknown) || !errors.As(err, &apiErr) {
				t.Fatalf("POST err = %v", err)
			}
		})
	}
}

func TestOutcomeUnknownErrorText(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, 500, 1000, "access.api.error.internal_server_error")
	})
	c, _ := newTestClient(t, api.URL)
	_, err := c.CreateIdentityProvider(context.Background(), AccountScope(testAccount), samlIdP())
	msg := err.Error()
	for _, want := range []string{"POST accounts/" + testAccount + "/access/identity_providers", "outcome unknown", "500 Internal Server Error", "look for it by name"} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "wait and retry") {
		t.Errorf("%q advises a blind retry", msg)
	}
}

// The GET after a refused write decides only when it is served or refused: a server error leaves the
// advice as for any refused credential, and a 403 that says Zero Trust is off sends no GET at all.
func TestForbiddenWriteReadCheckOnlyWhenItDecides(t *testing.T) {
	for name, tc := range map[string]struct {
		putCode, getStatus int
		wantGETs           int64
		want               string
	}{
		"GET fails":      {CodeAuthentication, 502, 1, "The API token was refused: it is wrong"},
		"Zero Trust off": {CodeNotEnabled, 200, 0, "Zero Trust is not enabled"},
	} {
		t.Run(name, func(t *testing.T) {
			var gets atomic.Int64
			api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					gets.Add(1)
					writeAPIError(w, tc.getStatus, 1000, "internal")
					return
				}
				writeAPIError(w, 403, tc.putCode, "refused")
			})
			c, _ := newTestClient(t, api.URL, func(c *Config) { c.MaxRetries = -1 })
			_, err := c.UpdateIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID, samlIdP())
			if !IsAuth(err) || canReadButNotEdit(err) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "reading too") {
				t.Errorf("err = %v", err)
			}
			if gets.Load() != tc.wantGETs {
				t.Errorf("%d GETs, want %d", gets.Load(), tc.wantGETs)
			}
		})
	}
}
