package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// Against the emulator's rule for the client secret (CONTRACT.md, "The OAuth client secret"), the
// client's read-modify-writes keep the secret, and only a secret the caller sets replaces it.
func TestEmulatorKeepsTheClientSecretThroughReadModifyWrites(t *testing.T) {
	ts := emulator.NewTestServer(t, emulator.Options{})
	c := newEmulatorClient(t, ts)
	ctx, scope := context.Background(), client.AccountScope(ts.AccountID)
	stored := func(id string) string {
		t.Helper()
		p, _ := ts.Get(ts.AccountScope(), id)
		return p.Config.ClientSecret
	}
	pkce := true
	created, err := c.CreateIdentityProvider(ctx, scope, client.IdentityProvider{Name: "JumpCloud OIDC", Type: "oidc",
		Config: client.IdentityProviderConfig{ClientID: "abc", ClientSecret: "s3cret-1", PKCEEnabled: &pkce,
			AuthURL: "https://oauth.id.jumpcloud.com/oauth2/auth", TokenURL: "https://oauth.id.jumpcloud.com/oauth2/token",
			CertsURL: "https://oauth.id.jumpcloud.com/.well-known/jwks.json", Scopes: []string{"openid", "email"}}})
	if err != nil {
		t.Fatal(err)
	}
	if created.Config.ClientSecret != "" || created.Config.ClientID != "abc" || !*created.Config.PKCEEnabled ||
		created.Config.TokenURL != "https://oauth.id.jumpcloud.com/oauth2/token" || len(created.Config.Extra) != 0 {
		t.Fatalf("created config %v", created.Config)
	}
	// A rename, then SCIM on: each a GET, a change and a PUT, as the login-method store does them.
	for _, change := range []func(*client.IdentityProvider){
		func(p *client.IdentityProvider) { p.Name = "JumpCloud" },
		func(p *client.IdentityProvider) { p.SCIMConfig.Enabled = true },
	} {
		got, err := c.GetIdentityProvider(ctx, scope, created.ID)
		if err != nil {
			t.Fatal(err)
		}
		change(got)
		if _, err := c.UpdateIdentityProvider(ctx, scope, created.ID, *got); err != nil {
			t.Fatal(err)
		}
		if s := stored(created.ID); s != "s3cret-1" {
			t.Fatalf("a read-modify-write changed the client secret to %q", s)
		}
	}
	got, err := c.GetIdentityProvider(ctx, scope, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	got.Config.ClientSecret = "s3cret-2"
	if _, err := c.UpdateIdentityProvider(ctx, scope, created.ID, *got); err != nil || stored(created.ID) != "s3cret-2" {
		t.Fatalf("a new secret: %v, stored %q", err, stored(created.ID))
	}
	// The placeholder is never sent: the request fails before it is made, and the secret stays.
	got.Config.ClientSecret = strings.Repeat("*", 34)
	ts.ResetCounts()
	if _, err := c.UpdateIdentityProvider(ctx, scope, created.ID, *got); !errors.Is(err, client.ErrRedactedSecret) {
		t.Fatalf("a redacted secret: %v", err)
	}
	if n := len(ts.RequestCounts()); n != 0 || stored(created.ID) != "s3cret-2" {
		t.Fatalf("%d routes requested, stored %q", n, stored(created.ID))
	}
}
