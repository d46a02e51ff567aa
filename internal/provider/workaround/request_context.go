package workaround

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// ProtocolServer returns the framework's plugin protocol 6 server for the provider p, wrapped so that a
// request's context is released when the request ends.
//
// The framework keeps the cancel function of every request's context until Terraform sends StopProvider
// (terraform-plugin-framework v1.19, internal/proto6server.registerContext, called by 35 of its 36 RPCs;
// added by hashicorp/terraform-plugin-framework#782, the fix of #781, so that an interrupt cancels
// requests in flight), which it does only on an interrupt. Each kept function holds its context and
// everything the context carries, about 11 kB of loggers and fields per request, so a provider process
// grows by about 55 MB over a plan of 500 login methods with 500 SCIM configs, and the garbage collector
// marks all of it again in every cycle. The wrapper hands the framework a context that forwards to the
// request's context while the request runs and to nothing afterwards, so only a few hundred bytes per
// request stay behind. An interrupt still cancels the requests in flight.
// TestCanaryFrameworkKeepsRequestContexts fails once the framework lets go of finished requests, and
// then this file can go.
func ProtocolServer(p func() provider.Provider) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		// The framework's server serves list resources too (terraform-plugin-framework v1.19 always does).
		return releasingServer{providerserver.NewProtocol6(p())().(frameworkServer)}
	}
}

// frameworkServer is what the wrapper passes on: the protocol, and the list resources of `terraform
// query`, whose RPCs terraform-plugin-go v0.31 keeps outside tfprotov6.ProviderServer for now
// (tfprotov6.ProviderServerWithListResource). Without them here the wrapper would hide them, and
// Terraform would report "Provider ValidateListResourceConfig Not Implemented". The provider has no
// actions and no state stores, the other RPCs outside ProviderServer, so the wrapper does not serve
// them; serving them means wrapping them as below.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
}

var _ tfprotov6.ProviderServerWithListResource = releasingServer{}

// releasingServer hands every request to the framework with a context released when the call returns,
// except those that come once per provider process (metadata, schemas, the provider's configuration,
// stop) and ListResource, whose results stream after the call returned. TestEveryRPCReleasesItsContext
// holds the list of the RPCs passed as they are, and why; it fails for an RPC of the framework that is
// neither released nor listed.
type releasingServer struct {
	frameworkServer
}

// released calls the framework with a context that is released when the call returns.
func released[Req, Resp any](ctx context.Context, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return call(rc, req)
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, req, s.frameworkServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.ImportResourceState)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return released(ctx, req, s.frameworkServer.MoveResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, req, s.frameworkServer.UpgradeResourceIdentity)
}

func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.GenerateResourceConfig)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, req, s.frameworkServer.ReadDataSource)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return released(ctx, req, s.frameworkServer.CallFunction)
}

func (s releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateEphemeralResourceConfig)
}

func (s releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.OpenEphemeralResource)
}

func (s releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.RenewEphemeralResource)
}

func (s releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return released(ctx, req, s.frameworkServer.CloseEphemeralResource)
}

func (s releasingServer) ValidateListResourceConfig(ctx context.Context, req *tfprotov6.ValidateListResourceConfigRequest) (*tfprotov6.ValidateListResourceConfigResponse, error) {
	return released(ctx, req, s.frameworkServer.ValidateListResourceConfig)
}

// releasableContext forwards to a request's context until release, then behaves as context.Background:
// whatever still holds it (the framework's list of cancel functions, a list of login methods shared by
// several requests) no longer holds the request's values.
type releasableContext struct {
	ctx atomic.Pointer[contextBox]
}

type contextBox struct{ context.Context }

var backgroundBox = &contextBox{context.Background()}

func newReleasableContext(ctx context.Context) *releasableContext {
	rc := &releasableContext{}
	rc.ctx.Store(&contextBox{ctx})
	return rc
}

func (c *releasableContext) release() { c.ctx.Store(backgroundBox) }

func (c *releasableContext) Deadline() (time.Time, bool) { return c.ctx.Load().Deadline() }
func (c *releasableContext) Done() <-chan struct{}       { return c.ctx.Load().Done() }
func (c *releasableContext) Err() error                  { return c.ctx.Load().Err() }
func (c *releasableContext) Value(key any) any           { return c.ctx.Load().Value(key) }
