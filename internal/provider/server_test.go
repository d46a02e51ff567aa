package provider

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type requestValueKey struct{}

// retainsRequestContext calls ValidateResourceConfig with a context carrying a value and reports whether
// the server still holds that value once the call has returned.
func retainsRequestContext(t *testing.T, srv tfprotov6.ProviderServer) bool {
	t.Helper()
	value := new([64 << 10]byte)
	held := weak.Make(value)
	ctx := context.WithValue(context.Background(), requestValueKey{}, value)
	if _, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "zerotrust_scim_config"}); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	return held.Value() != nil
}

// The framework keeps every request's context until StopProvider; the server main serves lets go of it
// when the request ends. If the first assertion fails, the framework has been fixed and
// releasingServer can go.
func TestProtocolServer_releasesRequestContexts(t *testing.T) {
	e := &testEnv{t: t}
	framework := providerserver.NewProtocol6(&zeroTrustProvider{version: "test"})()
	if !retainsRequestContext(t, framework) {
		t.Error("the framework's server no longer keeps request contexts; releasingServer is not needed any more")
	}
	if retainsRequestContext(t, e.server()) {
		t.Error("ProtocolServer keeps a request's context after the request")
	}
	runtime.KeepAlive(framework)
}
