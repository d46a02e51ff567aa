package workaround

import (
	"context"
	"runtime"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/provider"
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
	if _, err := srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "test_thing"}); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	return held.Value() != nil
}

// The framework keeps every request's context until StopProvider. When this canary fails, the framework
// lets go of finished requests: delete request_context.go and serve providerserver.NewProtocol6.
func TestCanaryFrameworkKeepsRequestContexts(t *testing.T) {
	framework := providerserver.NewProtocol6(testProvider{})()
	if !retainsRequestContext(t, framework) {
		t.Error("the framework's server no longer keeps request contexts: the workaround in request_context.go can go")
	}
	runtime.KeepAlive(framework)
}

// ProtocolServer lets go of a request's context when the request ends.
func TestProtocolServerReleasesRequestContexts(t *testing.T) {
	srv := ProtocolServer(func() provider.Provider { return testProvider{} })()
	if retainsRequestContext(t, srv) {
		t.Error("ProtocolServer keeps a request's context after the request")
	}
	runtime.KeepAlive(srv)
}

// An interrupt still reaches a request in flight: the context the framework got forwards to the request's.
func TestReleasableContextForwardsUntilReleased(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), requestValueKey{}, "v"))
	rc := newReleasableContext(parent)
	if rc.Value(requestValueKey{}) != "v" || rc.Err() != nil {
		t.Fatalf("before release: value %v, err %v", rc.Value(requestValueKey{}), rc.Err())
	}
	cancel()
	<-rc.Done()
	if rc.Err() == nil {
		t.Fatal("a cancelled request's context does not say so")
	}
	rc.release()
	if rc.Value(requestValueKey{}) != nil || rc.Err() != nil {
		t.Errorf("after release: value %v, err %v; want nothing of the request", rc.Value(requestValueKey{}), rc.Err())
	}
}
