package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// These tests run the client against the project's emulator, an independent
// reading of the same API contract.

const testCert = "MIIBszCCAVmgAwIBAgIUY2xpZW50LWVtdWxhdG9yLXRlc3Q="

func newEmulatorClient(t *testing.T, ts *emulator.TestServer, mutate ...func(*client.Config)) *client.Client {
	t.Helper()
	return newClient(t, client.Config{
		BaseURL: ts.APIBaseURL(), APIToken: ts.WriteToken, UserAgent: "terraform-provider-zerotrust/test",
		RateLimitDisabled: true, RetryBaseDelay: 10 * time.Millisecond,
	}, mutate...)
}

// newClient is client.New(cfg) after mutate, for a test.
func newClient(t *testing.T, cfg client.Config, mutate ...func(*client.Config)) *client.Client {
	t.Helper()
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func samlLoginMethod(name string, scim bool) client.IdentityProvider {
	sign := true
	p := client.IdentityProvider{
		Name: name, Type: "saml",
		Config: client.IdentityProviderConfig{
			IssuerURL: "https://idp.example.com/" + name, SSOTargetURL: "https://idp.example.com/sso",
			IDPPublicCerts: []string{testCert}, Attributes: []string{"groups"}, EmailAttributeName: "email",
			HeaderAttributes: []client.HeaderAttribute{{AttributeName: "groups", HeaderName: "X-Groups"}},
			SignRequest:      &sign,
		},
	}
	if scim {
		p.SCIMConfig = &client.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: client.IdentityUpdateReauth}
	}
	return p
}

func TestEmulatorLifecycle(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.Options{})
	for _, scope := range []client.Scope{client.AccountScope(ts.AccountID), client.ZoneScope(ts.ZoneID)} {
		t.Run(scope.Kind.String(), func(t *testing.T) {
			c := newEmulatorClient(t, ts)
			ctx := context.Background()

			created, err := c.CreateIdentityProvider(ctx, scope, samlLoginMethod("okta-"+scope.Kind.String(), true))
			if err != nil {
				t.Fatal(err)
			}
			if created.ID == "" || created.Config.RedirectURL == "" || created.SCIMConfig == nil || created.SCIMConfig.SCIMBaseURL == "" {
				t.Fatalf("created = %+v", created)
			}
			if !created.SCIMConfig.SecretAvailable() {
				t.Fatal("the create that enables SCIM must return the plaintext secret")
			}

			got, err := c.GetIdentityProvider(ctx, scope, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.SCIMConfig.SecretAvailable() || got.Name != created.Name || got.Config.SignRequest == nil || !*got.Config.SignRequest ||
				got.SCIMConfig.IdentityUpdateBehavior != client.IdentityUpdateReauth || got.SCIMConfig.SCIMBaseURL != created.SCIMConfig.SCIMBaseURL {
				t.Fatalf("got = %+v, scim %v", got, got.SCIMConfig)
			}

			// A full PUT built from the GET, redacted secret and read-only fields included.
			got.Name += "-renamed"
			got.Config.Attributes = []string{"groups", "department"}
			updated, err := c.UpdateIdentityProvider(ctx, scope, got.ID, *got)
			if err != nil {
				t.Fatal(err)
			}
			if updated.Name != got.Name || len(updated.Config.Attributes) != 2 || updated.SCIMConfig.SecretAvailable() {
				t.Fatalf("updated = %+v", updated)
			}

			refreshed, err := c.RefreshSCIMSecret(ctx, scope, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			secret := refreshed.SCIMConfig.Secret
			if !refreshed.SCIMConfig.SecretAvailable() || secret == created.SCIMConfig.Secret {
				t.Fatalf("refreshed secret %v", refreshed.SCIMConfig)
			}

			on := true
			list, err := c.ListAllIdentityProviders(ctx, scope, client.ListOptions{SCIMEnabled: &on})
			if err != nil || len(list) != 1 || list[0].ID != created.ID {
				t.Fatalf("list = %v, %v", list, err)
			}

			if err := c.DeleteIdentityProvider(ctx, scope, created.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := c.GetIdentityProvider(ctx, scope, created.ID); !client.IsNotFound(err) {
				t.Fatalf("get after delete: %v", err)
			}
			if err := c.DeleteIdentityProvider(ctx, scope, created.ID); !client.IsNotFound(err) {
				t.Fatalf("second delete: %v", err)
			}
		})
	}
}

func TestEmulatorPaging(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.Options{})
	c := newEmulatorClient(t, ts)
	ctx := context.Background()
	scope := client.AccountScope(ts.AccountID)
	for i := range 25 {
		if _, err := c.CreateIdentityProvider(ctx, scope, samlLoginMethod(fmt.Sprintf("idp-%02d", i), i%5 == 0)); err != nil {
			t.Fatal(err)
		}
	}
	ts.ResetCounts()
	all, err := c.ListAllIdentityProviders(ctx, scope, client.ListOptions{PerPage: 10})
	if err != nil || len(all) != 25 {
		t.Fatalf("%d items, %v", len(all), err)
	}
	if n := ts.RequestCounts()["GET /accounts/{account_id}/access/identity_providers"]; n != 3 {
		t.Errorf("%d list requests for 25 items at 10 per page, want 3", n)
	}
	page, info, err := c.ListIdentityProviders(ctx, scope, client.ListOptions{Page: 4, PerPage: 10})
	if err != nil || len(page) != 0 || info.TotalCount != 25 || info.TotalPages != 3 {
		t.Fatalf("page past the end: %v, %+v, %v", page, info, err)
	}
	on := true
	scimOnly, err := c.ListAllIdentityProviders(ctx, scope, client.ListOptions{SCIMEnabled: &on})
	if err != nil || len(scimOnly) != 5 {
		t.Fatalf("scim_enabled: %d items, %v", len(scimOnly), err)
	}
}

func TestEmulatorErrors(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.Options{})
	ctx := context.Background()
	scope := client.AccountScope(ts.AccountID)

	reader := newEmulatorClient(t, ts, func(c *client.Config) { c.APIToken = ts.ReadToken })
	if _, err := reader.CreateIdentityProvider(ctx, scope, samlLoginMethod("x", false)); !client.IsAuth(err) {
		t.Errorf("write with a read token: %v", err)
	}
	unknown := newEmulatorClient(t, ts, func(c *client.Config) { c.APIToken = "nope" })
	if _, _, err := unknown.ListIdentityProviders(ctx, scope, client.ListOptions{}); !client.IsAuth(err) {
		t.Errorf("unknown token: %v", err)
	}

	keyClient := newEmulatorClient(t, ts, func(c *client.Config) {
		c.APIToken, c.APIKey, c.Email = "", emulator.TestAPIKey, emulator.TestAPIEmail
	})
	bad := samlLoginMethod("seat-without-user", true)
	bad.SCIMConfig.UserDeprovision, bad.SCIMConfig.SeatDeprovision = false, true
	if _, err := keyClient.CreateIdentityProvider(ctx, scope, bad); !client.IsValidation(err) || errors.Is(err, client.ErrOutcomeUnknown) {
		t.Errorf("seat_deprovision without user_deprovision: %v", err)
	}

	seeded, err := ts.Seed(emulator.AccountScope(ts.AccountID), emulator.IdP{
		Name: "locked", Type: "onetimepin", ReadOnly: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	locked, err := keyClient.GetIdentityProvider(ctx, scope, seeded.ID)
	if err != nil || !locked.ReadOnly {
		t.Fatalf("read-only IdP: %+v, %v", locked, err)
	}
	if err := keyClient.DeleteIdentityProvider(ctx, scope, seeded.ID); !client.IsValidation(err) {
		t.Errorf("delete of a read-only IdP: %v", err)
	}
	// The emulator answers an account the credential cannot see like Cloudflare: 403/10000.
	if _, err := keyClient.GetIdentityProvider(ctx, client.AccountScope("00000000000000000000000000000000"), seeded.ID); !client.IsAuth(err) {
		t.Errorf("unknown account: %v", err)
	}
}

func TestEmulatorFaults(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.Options{})
	c := newEmulatorClient(t, ts)
	ctx := context.Background()
	scope := client.AccountScope(ts.AccountID)
	const createRoute = "POST /accounts/{account_id}/access/identity_providers"
	const listRoute = "GET /accounts/{account_id}/access/identity_providers"

	t.Run("429 with retry-after is waited out", func(t *testing.T) {
		ts.ResetCounts()
		ts.SetFaults(emulator.FaultConfig{RateLimitBurst: 1, RetryAfter: time.Second, Routes: []string{listRoute}})
		defer ts.SetFaults(emulator.FaultConfig{})
		start := time.Now()
		if _, _, err := c.ListIdentityProviders(ctx, scope, client.ListOptions{}); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < 900*time.Millisecond {
			t.Errorf("retry-after 1s not honoured: %v", took)
		}
		if n := ts.RequestCounts()[listRoute]; n != 2 {
			t.Errorf("%d requests", n)
		}
	})
	t.Run("5xx on GET is retried", func(t *testing.T) {
		ts.ResetCounts()
		ts.SetFaults(emulator.FaultConfig{ErrorRate: 0.5, Seed: 7, Routes: []string{listRoute}})
		defer ts.SetFaults(emulator.FaultConfig{})
		for range 10 {
			if _, _, err := c.ListIdentityProviders(ctx, scope, client.ListOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if n := ts.RequestCounts()[listRoute]; n <= 10 {
			t.Errorf("%d requests for 10 calls at a 50%% error rate: nothing was retried?", n)
		}
	})
	t.Run("a lost POST response is not retried", func(t *testing.T) {
		ts.ResetCounts()
		ts.SetFaults(emulator.FaultConfig{LostResponseRate: 1, Routes: []string{createRoute}})
		defer ts.SetFaults(emulator.FaultConfig{})
		_, err := c.CreateIdentityProvider(ctx, scope, samlLoginMethod("lost", true))
		if !errors.Is(err, client.ErrOutcomeUnknown) {
			t.Fatalf("err = %v", err)
		}
		if n := ts.RequestCounts()[createRoute]; n != 1 {
			t.Errorf("%d POSTs: a retry would have created a duplicate", n)
		}
		// The write was applied: exactly one IdP of that name exists.
		ts.SetFaults(emulator.FaultConfig{})
		all, err := c.ListAllIdentityProviders(ctx, scope, client.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		for _, p := range all {
			if p.Name == "lost" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d IdPs named lost", n)
		}
	})
	t.Run("a POST answered 5xx is not retried", func(t *testing.T) {
		ts.ResetCounts()
		ts.SetFaults(emulator.FaultConfig{ErrorRate: 1, ErrorStatus: 503, Routes: []string{createRoute}})
		defer ts.SetFaults(emulator.FaultConfig{})
		_, err := c.CreateIdentityProvider(ctx, scope, samlLoginMethod("five-oh-three", false))
		if !errors.Is(err, client.ErrOutcomeUnknown) || !client.IsServerError(err) || ts.RequestCounts()[createRoute] != 1 {
			t.Fatalf("err = %v after %d POSTs", err, ts.RequestCounts()[createRoute])
		}
	})
	t.Run("conflict", func(t *testing.T) {
		ts.SetFaults(emulator.FaultConfig{ConflictRate: 1, Routes: []string{createRoute}})
		defer ts.SetFaults(emulator.FaultConfig{})
		ts.ResetCounts()
		_, err := c.CreateIdentityProvider(ctx, scope, samlLoginMethod("conflict", false))
		if !client.IsConflict(err) || ts.RequestCounts()[createRoute] != 1 {
			t.Fatalf("err = %v", err)
		}
	})
}

// SCIM users and groups pushed to the emulator's SCIM service with the
// secret the client got back show up in the client's lists.
func TestEmulatorSCIMUsersAndGroups(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.Options{})
	c := newEmulatorClient(t, ts)
	ctx := context.Background()
	scope := client.AccountScope(ts.AccountID)
	idp, err := c.CreateIdentityProvider(ctx, scope, samlLoginMethod("scim", true))
	if err != nil {
		t.Fatal(err)
	}
	base, secret := idp.SCIMConfig.SCIMBaseURL, idp.SCIMConfig.Secret
	for i := range 105 {
		scimPost(t, base+"/Users", secret, fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],
			"userName":"user%03d@example.com","displayName":"User %03d","externalId":"ext-%03d","active":true,
			"emails":[{"value":"user%03d@example.com","primary":true,"type":"work"}]}`, i, i, i, i))
	}
	scimPost(t, base+"/Groups", secret, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering","externalId":"g-eng"}`)
	scimPost(t, base+"/Groups", secret, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales","externalId":"g-sales"}`)

	users, err := c.ListSCIMUsers(ctx, ts.AccountID, idp.ID, client.SCIMUserFilter{})
	if err != nil || len(users) != 105 {
		t.Fatalf("%d users, %v", len(users), err)
	}
	if u := users[0]; u.ID == "" || u.ExternalID != "ext-000" || !u.Active || len(u.Emails) != 1 || u.Meta.Created == nil {
		t.Errorf("user = %+v", u)
	}
	one, err := c.ListSCIMUsers(ctx, ts.AccountID, idp.ID, client.SCIMUserFilter{Email: "user042@example.com"})
	if err != nil || len(one) != 1 || one[0].DisplayName != "User 042" {
		t.Errorf("by email: %+v, %v", one, err)
	}
	byExt, err := c.ListSCIMUsers(ctx, ts.AccountID, idp.ID, client.SCIMUserFilter{IDPResourceIDs: []string{"ext-001", "ext-002"}})
	if err != nil || len(byExt) != 2 {
		t.Errorf("by idp_resource_id: %d, %v", len(byExt), err)
	}
	groups, err := c.ListSCIMGroups(ctx, ts.AccountID, idp.ID, client.SCIMGroupFilter{Name: "Sales"})
	if err != nil || len(groups) != 1 || groups[0].ExternalID != "g-sales" {
		t.Errorf("groups: %+v, %v", groups, err)
	}
	all, err := c.ListSCIMGroups(ctx, ts.AccountID, idp.ID, client.SCIMGroupFilter{CFResourceIDs: []string{groups[0].ID}})
	if err != nil || len(all) != 1 {
		t.Errorf("by cf_resource_id: %+v, %v", all, err)
	}
}

func scimPost(t *testing.T, url, secret, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("SCIM POST %s: %s", url, resp.Status)
	}
}

// TestForbiddenWriteSaysWhetherTheCredentialCanRead: a 403 on a write is followed by one GET of the same
// object (the collection, for a create). Served: the credential can read but not edit, and the error
// says so with the permission's name. Refused too: the credential is wrong, revoked or may not read. The
// advice names the credential in use, an API token or a Global API key, and never the other.
func TestForbiddenWriteSaysWhetherTheCredentialCanRead(t *testing.T) {
	const readKey, readEmail = "read-only-global-key", "reader@example.com"
	ts := emulator.NewTestServer(t, emulator.Options{APIKeys: map[string]emulator.APIKeyCred{
		"writer": {Email: emulator.TestAPIEmail, Key: emulator.TestAPIKey, Permission: emulator.PermWrite},
		"reader": {Email: readEmail, Key: readKey, Permission: emulator.PermRead},
	}})
	ctx := context.Background()
	scope := client.AccountScope(ts.AccountID)
	existing, err := newEmulatorClient(t, ts).CreateIdentityProvider(ctx, scope, samlLoginMethod("existing", false))
	if err != nil {
		t.Fatal(err)
	}
	token := func(tok string) func(*client.Config) { return func(c *client.Config) { c.APIToken = tok } }
	globalKey := func(key, email string) func(*client.Config) {
		return func(c *client.Config) { c.APIToken, c.APIKey, c.Email = "", key, email }
	}
	writes := map[string]func(c *client.Client) error{
		"create": func(c *client.Client) error {
			_, err := c.CreateIdentityProvider(ctx, scope, samlLoginMethod("new", false))
			return err
		},
		"update": func(c *client.Client) error {
			_, err := c.UpdateIdentityProvider(ctx, scope, existing.ID, samlLoginMethod("renamed", false))
			return err
		},
		"delete":  func(c *client.Client) error { return c.DeleteIdentityProvider(ctx, scope, existing.ID) },
		"refresh": func(c *client.Client) error { _, err := c.RefreshSCIMSecret(ctx, scope, existing.ID); return err },
	}
	const permission = "Access: Organizations, Identity Providers, and Groups"
	cases := []struct {
		name     string
		cred     func(*client.Config)
		readable bool
		want     []string
		never    string
	}{
		{"read-only API token", token(ts.ReadToken), true,
			[]string{"403 Forbidden", "The API token can read the login methods of this account or zone but not change them", permission + " permission at Read only", "at Edit"}, "Global API key"},
		{"unknown API token", token("revoked-or-mistyped"), false,
			[]string{"403 Forbidden", "The API token was refused for reading too", "wrong, expired or revoked", permission}, "Global API key"},
		{"read-only Global API key", globalKey(readKey, readEmail), true,
			[]string{"403 Forbidden", "The Global API key can read the login methods of this account or zone but not change them", "role does not grant " + permission + " at Edit"}, "token"},
		{"wrong Global API key", globalKey("wrong-key", readEmail), false,
			[]string{"403 Forbidden", "The Global API key was refused for reading too", "the key or its e-mail is wrong"}, "token"},
	}
	for _, tc := range cases {
		for op, write := range writes {
			t.Run(tc.name+"/"+op, func(t *testing.T) {
				ts.ResetCounts()
				err := write(newEmulatorClient(t, ts, tc.cred))
				if !client.IsAuth(err) || client.CanReadButNotEdit(err) != tc.readable {
					t.Fatalf("err = %v: want an auth failure, CanReadButNotEdit %v", err, tc.readable)
				}
				for _, w := range tc.want {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("%q lacks %q", err, w)
					}
				}
				if strings.Contains(err.Error(), tc.never) {
					t.Errorf("%q speaks of %q", err, tc.never)
				}
				gets := 0
				for route, n := range ts.RequestCounts() {
					if strings.HasPrefix(route, "GET ") {
						gets += n
					}
				}
				if gets != 1 {
					t.Errorf("%d GETs after the refused write, want exactly 1 (%v)", gets, ts.RequestCounts())
				}
			})
		}
	}
	// A refused read is not followed by another request, and reads the same as a refused credential.
	ts.ResetCounts()
	_, err = newEmulatorClient(t, ts, token("revoked-or-mistyped")).GetIdentityProvider(ctx, scope, existing.ID)
	if msg := fmt.Sprint(err); !strings.Contains(msg, "The API token was refused: it is wrong") || client.CanReadButNotEdit(err) {
		t.Errorf("refused read: %v", err)
	}
	if n := ts.RequestCounts()["GET /accounts/{account_id}/access/identity_providers/{identity_provider_id}"]; n != 1 {
		t.Errorf("a refused read sent %d GETs, want 1", n)
	}
	if got := ts.List(emulator.AccountScope(ts.AccountID)); len(got) != 1 || got[0].Name != "existing" {
		t.Errorf("a refused write changed the login methods: %+v", got)
	}
}
