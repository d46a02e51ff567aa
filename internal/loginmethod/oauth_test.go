package loginmethod

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// The OAuth types' client secret, which Cloudflare never returns (CONTRACT.md, "The OAuth client
// secret"): no write of the store may clear or replace a secret it was not asked to change.

const seededSecret = "the-secret-the-idp-issued"

// oauthConfig is a valid config of typ as the dashboard would make it, with its client secret.
func oauthConfig(typ, clientID string) map[string]any {
	cfg := map[string]any{"client_id": clientID, "client_secret": seededSecret}
	switch typ {
	case TypeOIDC:
		cfg["auth_url"], cfg["token_url"], cfg["certs_url"] = "https://idp.example.com/auth", "https://idp.example.com/token", "https://idp.example.com/jwks"
		cfg["scopes"] = []any{"openid", "email"}
	case TypeOkta:
		cfg["okta_account"] = "https://dev-123.okta.com"
	case TypeAzureAD:
		cfg["directory_id"] = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	}
	return cfg
}

// oidcLoginMethod is what zerotrust_oidc_login_method creates.
func oidcLoginMethod(name, clientID, secret string) client.IdentityProvider {
	return client.IdentityProvider{Name: name, Type: TypeOIDC, Config: client.IdentityProviderConfig{
		ClientID: clientID, ClientSecret: secret, AuthURL: "https://idp.example.com/auth", TokenURL: "https://idp.example.com/token",
		CertsURL: "https://idp.example.com/jwks", Scopes: []string{"openid", "email", "profile"}}}
}

// putBodies records the bodies of the PUTs the store sends.
func (e *storeEnv) putBodies(t *testing.T) func() []string {
	t.Helper()
	var mu sync.Mutex
	var bodies []string
	hook := func(r *http.Request) {
		if r.Method != http.MethodPut || r.GetBody == nil {
			return
		}
		body, err := r.GetBody()
		if err != nil {
			t.Error(err)
			return
		}
		b, _ := io.ReadAll(body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}
	e.afterResponse.Store(&hook)
	return func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), bodies...) }
}

// SCIM changes and renames of OIDC, Okta and Microsoft Entra ID login methods, made in the dashboard
// with a client secret, keep the secret: no PUT carries one, and the API keeps the one it has.
func TestStore_rewritesKeepTheClientSecret(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{TypeOIDC, TypeOkta, TypeAzureAD} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			e := newStoreEnv(t)
			bodies := e.putBodies(t)
			seeded, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "IdP", Type: typ, Config: emulator.Config{Other: oauthConfig(typ, "abc")}})
			if err != nil {
				t.Fatal(err)
			}
			for _, change := range []func(*client.IdentityProvider) error{
				enableSCIM(client.IdentityUpdateAutomatic),
				func(idp *client.IdentityProvider) error { idp.Name = "Renamed"; return nil },
				func(idp *client.IdentityProvider) error { idp.SCIMConfig.UserDeprovision = false; return nil },
			} {
				if _, err := e.store.Modify(t.Context(), e.scope, seeded.ID, change); err != nil {
					t.Fatal(err)
				}
			}
			live := e.live(t, seeded.ID)
			if live.Config.ClientSecret != seededSecret || live.Name != "Renamed" || !live.SCIMConfig.Enabled {
				t.Errorf("after the changes: name %q, SCIM %t, secret kept %t", live.Name, live.SCIMConfig.Enabled, live.Config.ClientSecret == seededSecret)
			}
			sent := bodies()
			if len(sent) != 3 {
				t.Fatalf("%d PUTs, want 3", len(sent))
			}
			for _, b := range sent {
				if strings.Contains(b, "client_secret") {
					t.Errorf("a PUT sent a client secret: %s", b)
				}
			}
		})
	}
}

// The answer to an OIDC create never shows the secret, yet confirms the create: the SCIM config made in
// the same apply needs no GET, so a login method with SCIM costs two requests, as for SAML.
func TestStore_createOIDCThenSCIMIsTwoRequests(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	created, err := e.store.Create(t.Context(), e.scope, oidcLoginMethod("JumpCloud", "abc", seededSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Modify(t.Context(), e.scope, created.ID, enableSCIM(client.IdentityUpdateAutomatic)); err != nil {
		t.Fatal(err)
	}
	e.wantRoutes(t, map[string]int{routeCreate: 1, routePut: 1})
	if live := e.live(t, created.ID); live.Config.ClientSecret != seededSecret || !live.SCIMConfig.Enabled {
		t.Errorf("secret kept %t, SCIM %t", live.Config.ClientSecret == seededSecret, live.SCIMConfig.Enabled)
	}
}

// A lost OIDC create is adopted by its name, type, client ID and endpoints, never by the name alone.
func TestStore_createAdoptsALostOIDCCreate(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	// Same name and endpoints, another client: not the one this create made.
	if _, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: TypeOIDC, Config: emulator.Config{Other: oauthConfig(TypeOIDC, "other-client")}}); err != nil {
		t.Fatal(err)
	}
	e.emu.SetFaults(emulator.FaultConfig{LostResponseRate: 1, Routes: []string{routeCreate}})
	got, err := e.store.Create(t.Context(), e.scope, oidcLoginMethod("JumpCloud", "abc", seededSecret))
	if err != nil {
		t.Fatal(err)
	}
	all := e.emu.List(e.emu.AccountScope())
	if len(all) != 2 || got.ID != all[1].ID || got.Config.ClientID != "abc" {
		t.Fatalf("adopted %s (client %q); the emulator holds %d login methods", got.ID, got.Config.ClientID, len(all))
	}
	if all[1].Config.ClientSecret != seededSecret {
		t.Error("the adopted login method lacks the secret sent")
	}
	e.wantRoutes(t, map[string]int{routeCreate: 1, routeList: 1})
}

// An update whose answer is lost is found applied by what reads show: with a new secret, by the rest of
// the PUT; a PUT that changed only the secret cannot be told applied, so it is reported as failed.
func TestStore_lostUpdateWithASecret(t *testing.T) {
	t.Parallel()
	e := newStoreEnv(t)
	seeded, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{Name: "JumpCloud", Type: TypeOIDC, Config: emulator.Config{Other: oauthConfig(TypeOIDC, "abc")}})
	if err != nil {
		t.Fatal(err)
	}
	e.emu.SetFaults(emulator.FaultConfig{LostResponseRate: 1, Routes: []string{routePut}})
	renamed, err := e.store.Modify(t.Context(), e.scope, seeded.ID, func(idp *client.IdentityProvider) error {
		idp.Name, idp.Config.ClientSecret = "Renamed", "second-secret"
		return nil
	})
	if err != nil || renamed.Name != "Renamed" {
		t.Fatalf("a rename with a new secret, answer lost: %v, want it found applied", err)
	}
	if _, err := e.store.Modify(t.Context(), e.scope, seeded.ID, func(idp *client.IdentityProvider) error {
		idp.Config.ClientSecret = "third-secret"
		return nil
	}); err == nil {
		t.Error("a new secret alone, answer lost: no error, but no read can show it applied")
	}
	if got := e.live(t, seeded.ID).Config.ClientSecret; got != "third-secret" {
		t.Errorf("the emulator holds secret %q", got) // it applied the write; the store could not know
	}
}
