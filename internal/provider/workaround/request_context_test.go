package workaround

import (
	"context"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
)

type requestValueKey struct{}

// retainsRequestContext calls the RPC named rpc of srv, with an empty request and a context carrying a
// value, and reports whether srv still holds that value once the call has returned.
func retainsRequestContext(t *testing.T, srv any, rpc string) bool {
	t.Helper()
	method := reflect.ValueOf(srv).MethodByName(rpc)
	if !method.IsValid() {
		t.Fatalf("%T has no RPC %s", srv, rpc)
	}
	value := new([64 << 10]byte)
	held := weak.Make(value)
	ctx := context.WithValue(context.Background(), requestValueKey{}, value)
	method.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.New(method.Type().In(1).Elem())})
	runtime.GC()
	return held.Value() != nil
}

// The framework keeps every request's context until StopProvider. When this canary fails, the framework
// lets go of finished requests: delete request_context.go and serve providerserver.NewProtocol6.
func TestCanaryFrameworkKeepsRequestContexts(t *testing.T) {
	framework := providerserver.NewProtocol6(testProvider{})()
	if !retainsRequestContext(t, framework, "ValidateResourceConfig") {
		t.Error("the framework's server no longer keeps request contexts: the workaround in request_context.go can go")
	}
	runtime.KeepAlive(framework)
}

// The framework's RPCs that releasingServer hands on with the request's own context, and why that is
// safe: they come once per provider process, or the context must outlive the call.
var passedThrough = map[string]string{
	"GetMetadata":                "once per provider process",
	"GetProviderSchema":          "once per provider process",
	"GetResourceIdentitySchemas": "once per provider process",
	"GetFunctions":               "once per provider process",
	"ValidateProviderConfig":     "once per provider configuration",
	"ConfigureProvider":          "once per provider configuration",
	"StopProvider":               "cancels the kept contexts; registers none",
	"ListResource":               "streams its results after the call returned, so its context must live on; once per list block",
}

// The framework's RPCs that releasingServer does not serve: the provider has none of these. Serving one
// means wrapping it (or listing it in passedThrough).
var notServed = map[string]string{
	"ValidateActionConfig":     "no actions",
	"PlanAction":               "no actions",
	"InvokeAction":             "no actions",
	"ValidateStateStoreConfig": "no state stores",
	"ConfigureStateStore":      "no state stores",
	"ReadStateBytes":           "no state stores",
	"WriteStateBytes":          "no state stores",
	"GetStates":                "no state stores",
	"DeleteState":              "no state stores",
	"LockState":                "no state stores",
	"UnlockState":              "no state stores",
}

// Every RPC of the framework's server (the protocol, list resources, actions, state stores: every method
// taking a context and a request) lets go of the request's context through ProtocolServer, or is listed
// above with the reason it need not.
func TestEveryRPCReleasesItsContext(t *testing.T) {
	framework := providerserver.NewProtocol6(testProvider{})()
	srv := ProtocolServer(func() provider.Provider { return testProvider{} })()
	var rpcs []string
	ctxType := reflect.TypeFor[context.Context]()
	for m := range reflect.TypeOf(framework).Methods() {
		if m.Type.NumIn() != 3 || m.Type.In(1) != ctxType {
			continue
		}
		rpcs = append(rpcs, m.Name)
		_, served := reflect.TypeOf(srv).MethodByName(m.Name)
		switch {
		case notServed[m.Name] != "":
			if served {
				t.Errorf("%s is listed as not served, but ProtocolServer serves it: wrap it in request_context.go, or list it in passedThrough", m.Name)
			}
		case !served:
			t.Errorf("ProtocolServer hides %s, which the framework serves: pass it on in frameworkServer and wrap it", m.Name)
		case passedThrough[m.Name] != "":
		case retainsRequestContext(t, srv, m.Name):
			t.Errorf("%s keeps the request's context after the call: wrap it in request_context.go, or list it in passedThrough with the reason it is safe", m.Name)
		}
	}
	for _, listed := range []map[string]string{passedThrough, notServed} {
		for name := range listed {
			if !slices.Contains(rpcs, name) {
				t.Errorf("%s is listed, but the framework's server has no such RPC", name)
			}
		}
	}
	if len(rpcs) < 30 {
		t.Fatalf("found %d RPCs of the framework's server: %v", len(rpcs), rpcs)
	}
	runtime.KeepAlive(framework)
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
