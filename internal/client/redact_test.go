package client

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestRedactJSONSecrets(t *testing.T) {
	for in, want := range map[string]string{
		`{"secret":"abc"}`:       `{"secret":"REDACTED"}`,
		`{"secret" : "a\"b\\c"}`: `{"secret" : "REDACTED"}`,
		`{"scim_config":{"enabled":true,"secret":"x"},"n":"secret"}`: `{"scim_config":{"enabled":true,"secret":"REDACTED"},"n":"secret"}`,
		`{"config":{"client_secret":"cs","client_id":"id"}}`:         `{"config":{"client_secret":"REDACTED","client_id":"id"}}`,
		`{"api_token":"t","Password":"p"}`:                           `{"api_token":"REDACTED","Password":"REDACTED"}`,
		`{"secret":null}`:                                            `{"secret":null}`,
		`no json here`:                                               `no json here`,
	} {
		if got := RedactJSONSecrets(in); got != want {
			t.Errorf("RedactJSONSecrets(%s) = %s, want %s", in, got, want)
		}
	}
}

// Every request of a session that handles a plaintext secret, in both auth
// modes, is logged; no log line holds a credential or the secret.
func TestDebugLogsAreRedacted(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			writeResult(w, 201, storedIdP(testSecret), nil)
		case http.MethodPut:
			// An error that echoes what it got, credentials included.
			writeAPIError(w, 400, CodeInvalidRequest, "bad request from "+r.Header.Get("Authorization")+r.Header.Get("X-Auth-Key")+r.Header.Get("X-Auth-Email"))
		default:
			w.WriteHeader(500)
			_, _ = io.WriteString(w, `upstream said {"secret":"`+testSecret+`"} auth=`+r.Header.Get("Authorization")+r.Header.Get("X-Auth-Key")+r.Header.Get("X-Auth-Email"))
		}
	})
	for _, auth := range []func(*Config){
		func(c *Config) {},
		func(c *Config) {
			c.APIToken, c.APIKey, c.Email = "", "key-SUPERSECRET-abcdef", "admin-secret@example.com"
		},
	} {
		logs := &logRecorder{}
		c, _ := newTestClient(t, api.URL, auth, func(c *Config) { c.Logger = logs; c.MaxRetries = 1 })
		ctx := context.Background()
		in := samlIdP()
		in.SCIMConfig.Secret = testSecret // must not be sent nor logged
		created, err := c.CreateIdentityProvider(ctx, AccountScope(testAccount), in)
		if err != nil || created.SCIMConfig.Secret != testSecret {
			t.Fatalf("create: %v", err)
		}
		_, putErr := c.UpdateIdentityProvider(ctx, AccountScope(testAccount), testIdPID, in)
		_, getErr := c.GetIdentityProvider(ctx, AccountScope(testAccount), testIdPID)
		if putErr == nil || getErr == nil {
			t.Fatal("want errors")
		}

		records := logs.all()
		if len(records) < 4 {
			t.Fatalf("only %d log records: %q", len(records), records)
		}
		text := strings.Join(records, "\n") + "\n" + putErr.Error() + "\n" + getErr.Error()
		for _, secret := range []string{testToken, "key-SUPERSECRET-abcdef", "admin-secret@example.com", testSecret} {
			if strings.Contains(text, secret) {
				t.Errorf("logs or errors leak %q:\n%s", secret, text)
			}
		}
		for _, want := range []string{`"method":"POST"`, `"path":"accounts/` + testAccount + `/access/identity_providers"`, `"status":201`, `"attempt":1`, `"duration_ms":`, `"attempt":2`, `retrying`, `"secret":"REDACTED"`} {
			if !strings.Contains(text, want) {
				t.Errorf("logs lack %s:\n%s", want, text)
			}
		}
	}
}
