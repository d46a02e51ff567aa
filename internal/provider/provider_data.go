package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
)

// errReported stops a read-modify-write whose mutation has already added its diagnostics.
var errReported = errors.New("the reason is in the diagnostics")

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	// client lists SCIM users and groups; store reads and writes login methods. Both are nil while
	// unconfigured says why: the provider block holds values that are only known at apply.
	client       *client.Client
	store        *loginmethod.Store
	unconfigured string
	// known remembers the type of every login method this process created or read, for the checks
	// before an apply (which resource may manage which type).
	known loginmethod.KnownTypes

	accountID         string
	certExpiryWarning time.Duration
	// secrets holds masks for tflog so no credential is written even by a careless log call.
	secrets []string
}

func newProviderData(c *client.Client, accountID string, certExpiryWarning time.Duration, refreshByList bool, secrets ...string) *providerData {
	return &providerData{
		client:            c,
		store:             loginmethod.New(c, loginmethod.Options{RefreshByList: refreshByList, Logger: tflogLogger{}}),
		accountID:         accountID,
		certExpiryWarning: certExpiryWarning,
		secrets:           nonEmpty(secrets),
	}
}

// providerDataFrom does the ProviderData type assertion for every resource and data source. A nil result
// with no error means the provider is not configured yet (Terraform validates before it configures).
func providerDataFrom(data any, diags *diag.Diagnostics) *providerData {
	if data == nil {
		return nil
	}
	pd, ok := data.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return pd
}

// ready reports whether API calls can be made, and explains why not when they cannot.
func (d *providerData) ready(diags *diag.Diagnostics, action string) bool {
	if d == nil {
		diags.AddError("Unable to "+action, "The provider is not configured. This is a bug in the provider; please report it.")
		return false
	}
	if d.client == nil {
		diags.AddError("Unable to "+action,
			"The provider configuration is not complete: "+d.unconfigured+". Apply the resources that produce "+
				"the provider's configuration first (for example with -target), then apply again.")
		return false
	}
	return true
}

// logContext masks every credential in tflog output for this call.
func (d *providerData) logContext(ctx context.Context) context.Context {
	if d == nil || len(d.secrets) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, d.secrets...)
	return tflog.MaskMessageStrings(ctx, d.secrets...)
}

// begin prepares an API call of a resource or data source: it checks that the provider can make calls,
// masks credentials in the call's logs and resolves the scope. ok is false once an error has been added.
func (d *providerData) begin(ctx context.Context, diags *diag.Diagnostics, action string, accountID, zoneID types.String) (context.Context, client.Scope, bool) {
	if diags.HasError() || !d.ready(diags, action) {
		return ctx, client.Scope{}, false
	}
	scope, err := scopeFrom(accountID, zoneID, d)
	if err != nil {
		diags.AddAttributeError(path.Root("account_id"), "Unable to "+action, err.Error())
		return ctx, client.Scope{}, false
	}
	return d.logContext(ctx), scope, true
}

// getLoginMethod reads a login method through the store (Store.Get) and remembers its type.
func (d *providerData) getLoginMethod(ctx context.Context, scope client.Scope, id string) (*client.IdentityProvider, error) {
	idp, err := d.store.Get(ctx, scope, id)
	if err == nil {
		d.known.Remember(scope, idp)
	}
	return idp, err
}

// beginRead is begin for a refresh. While the provider's configuration is not known yet (credentials
// from a resource applied in this run), it reports !ok without an error, so the state stays as it is.
func (d *providerData) beginRead(ctx context.Context, diags *diag.Diagnostics, action string, accountID, zoneID types.String) (context.Context, client.Scope, bool) {
	if d != nil && d.client == nil {
		tflog.Debug(ctx, "provider not configured yet; keeping the state as it is", map[string]any{"reason": d.unconfigured})
		return ctx, client.Scope{}, false
	}
	return d.begin(ctx, diags, action, accountID, zoneID)
}

// tflogLogger adapts tflog to the client's and the login-method store's loggers. Neither logs secrets,
// and logContext masks the credentials besides.
type tflogLogger struct{}

func (tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

func (tflogLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(ctx, msg, fields)
}

func (tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(ctx, msg, fields)
}

// checkManageable refuses, in the words of the resource that asked, a login method kind must not change
// (loginmethod's table of which resource manages which type). at is the attribute that chose the login
// method, or path.Empty() for the login method itself.
func checkManageable(kind loginmethod.Kind, idp *client.IdentityProvider, diags *diag.Diagnostics, resourceType string, at path.Path) bool {
	err := loginmethod.Manageable(kind, idp)
	if err == nil {
		return true
	}
	summary := "Login Method Is Read-Only"
	detail := fmt.Sprintf("%s cannot manage this login method: %s. Manage it with the official Cloudflare provider "+
		"(and if it is in this state, remove it with terraform state rm).", resourceType, err)
	switch {
	case errors.Is(err, loginmethod.ErrReadOnly):
	case kind == loginmethod.KindSCIMConfig:
		summary = "Login Method Type Has No SCIM"
		detail = noSCIMDetail(idp, "Set login_method_id to the ID of a login method of one of these types, or remove this "+
			"resource from the configuration (and from the state with terraform state rm, if it is there).")
	case kind == loginmethod.KindSAMLLoginMethod:
		summary = "Login Method Is Not SAML"
	default:
		summary = "Login Method Is of Another Type"
	}
	addDiagnosticAt(diags, at, summary, detail)
	return false
}

// noSCIMDetail says that Cloudflare provisions no SCIM for the type of idp, which types it does provision,
// and then fix.
func noSCIMDetail(idp *client.IdentityProvider, fix string) string {
	return fmt.Sprintf("Login method %s (%q) is of type %q. Cloudflare provisions SCIM only for %s login methods "+
		"(%s is %s). %s", idp.ID, idp.Name, idp.Type, joinAnd(loginmethod.KindSCIMConfig.Types()),
		loginmethod.TypeAzureAD, loginmethod.TypeName(loginmethod.TypeAzureAD), fix)
}

// addDiagnosticAt adds an error on the attribute at, or on the resource when at is path.Empty().
func addDiagnosticAt(diags *diag.Diagnostics, at path.Path, summary, detail string) {
	if at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
	} else {
		diags.AddAttributeError(at, summary, detail)
	}
}
