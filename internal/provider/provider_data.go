package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *client.Client
	// unconfigured says why client is nil: the provider block holds values that are only known at apply.
	unconfigured string

	accountID         string
	certExpiryWarning time.Duration
	refreshByList     bool
	now               func() time.Time

	// locks serialises read-modify-write cycles per login method, shared by zerotrust_saml_login_method and
	// zerotrust_scim_config, because the API only offers a full PUT of the whole identity provider.
	locks *keyedMutex
	// cache serves refreshes from one list per scope (refresh_by_list).
	cache *scopeCache
	// secrets holds masks for tflog so no credential is written even by a careless log call.
	secrets []string
}

func newProviderData(c *client.Client, accountID string, certExpiryWarning time.Duration, refreshByList bool, secrets ...string) *providerData {
	return &providerData{
		client:            c,
		accountID:         accountID,
		certExpiryWarning: certExpiryWarning,
		refreshByList:     refreshByList,
		now:               time.Now,
		locks:             newKeyedMutex(),
		cache:             newScopeCache(time.Now),
		secrets:           nonEmpty(secrets),
	}
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
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

// keyedMutex is a set of mutexes created on demand, one per key.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func newKeyedMutex() *keyedMutex { return &keyedMutex{locks: map[string]*sync.Mutex{}} }

// Lock locks key and returns its unlock function.
func (k *keyedMutex) Lock(key string) func() {
	k.mu.Lock()
	m, ok := k.locks[key]
	if !ok {
		m = &sync.Mutex{}
		k.locks[key] = m
	}
	k.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// begin prepares a resource's API call: it checks that the provider can make calls, masks credentials
// in the call's logs and resolves the scope. ok is false once an error has been added.
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

// beginRead is begin for a refresh. While the provider's configuration is not known yet (credentials
// from a resource applied in this run), it reports !ok without an error, so the state stays as it is.
func (d *providerData) beginRead(ctx context.Context, diags *diag.Diagnostics, action string, accountID, zoneID types.String) (context.Context, client.Scope, bool) {
	if d != nil && d.client == nil {
		tflog.Debug(ctx, "provider not configured yet; keeping the state as it is", map[string]any{"reason": d.unconfigured})
		return ctx, client.Scope{}, false
	}
	return d.begin(ctx, diags, action, accountID, zoneID)
}
