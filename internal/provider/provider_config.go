package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// The environment variables are the ones the official Cloudflare provider reads, so existing CI secrets work.
const (
	envAPIToken  = "CLOUDFLARE_API_TOKEN"
	envAPIKey    = "CLOUDFLARE_API_KEY"
	envEmail     = "CLOUDFLARE_EMAIL"
	envAccountID = "CLOUDFLARE_ACCOUNT_ID"
	envBaseURL   = "CLOUDFLARE_BASE_URL"
)

const (
	defaultBaseURL               = client.DefaultBaseURL
	defaultCertExpiryWarningDays = 30
	// The client applies the rate limits; these feed the docs.
	defaultRateLimit = client.DefaultRateLimit // requests per five minutes
	perIPRateLimit   = client.PerIPRateLimit   // requests per second
)

// envLookup reads one environment variable; tests replace it.
type envLookup func(string) string

var osEnv envLookup = os.Getenv

// validateStaticConfig reports what is wrong in the provider block itself, before any environment is read.
// Unknown values (set from another resource's attributes) are skipped: they are checked in Configure.
func validateStaticConfig(cfg providerModel, diags *diag.Diagnostics) {
	// The client's rules, applied to what the block itself sets; the environment is read in Configure.
	if err := client.CheckCredentials(cfg.APIToken.ValueString(), cfg.APIKey.ValueString(), cfg.Email.ValueString()); errors.Is(err, client.ErrConflictingCredentials) {
		addClientConfigError(diags, err, credentialSource{block: true})
	}
	if isSet(cfg.BaseURL) {
		if err := client.CheckBaseURL(cfg.BaseURL.ValueString()); err != nil {
			addClientConfigError(diags, err, credentialSource{block: true, baseURLFromBlock: true})
		}
	}
	if isSet(cfg.CertExpiryWarningDays) && cfg.CertExpiryWarningDays.ValueInt64() < 0 {
		diags.AddAttributeError(attrPath("cert_expiry_warning_days"), "Invalid cert_expiry_warning_days",
			"cert_expiry_warning_days must be 0 or more days.")
	}
	if isSet(cfg.RateLimit) && client.CheckRateLimit(cfg.RateLimit.ValueInt64()) != nil {
		diags.AddAttributeError(attrPath("rate_limit"), "Invalid rate_limit",
			"rate_limit is a number of requests per five minutes: use 0 to turn the client-side limit off, or a positive number.")
	}
}

// configure turns the provider block and the environment into the data every resource receives.
// With unknown credentials (computed by another resource in the same apply) it returns an unconfigured
// provider that refreshes nothing and asks to be applied once the values are known, instead of
// misreporting the credentials as missing.
func configure(ctx context.Context, cfg providerModel, env envLookup, userAgent string, diags *diag.Diagnostics) *providerData {
	validateStaticConfig(cfg, diags)
	if diags.HasError() {
		return nil
	}
	for name, v := range map[string]types.String{
		"api_token": cfg.APIToken, "api_key": cfg.APIKey, "email": cfg.Email, "base_url": cfg.BaseURL, "account_id": cfg.AccountID,
	} {
		if v.IsUnknown() {
			tflog.Debug(ctx, "provider configuration is not known yet; API calls wait for apply", map[string]any{"attribute": name})
			return &providerData{unconfigured: name + " is not known until apply"}
		}
	}

	token, key, email := stringOr(cfg.APIToken, ""), stringOr(cfg.APIKey, ""), stringOr(cfg.Email, "")
	src := credentialSource{block: true, baseURLFromBlock: isSet(cfg.BaseURL)}
	if token == "" && key == "" && email == "" {
		// Only when the provider block names no credential at all do the environment variables apply, so an
		// explicit block is never silently mixed with credentials from the environment.
		token, key, email = env(envAPIToken), env(envAPIKey), env(envEmail)
		src.block = false
		if token != "" && key == "" && email != "" {
			// CLOUDFLARE_EMAIL is often set beside a token for other tools: the token wins.
			diags.AddAttributeWarning(attrPath("email"), "E-mail ignored",
				"email is only used with api_key; requests authenticate with the API token.")
			email = ""
		}
	}
	baseURL := stringOr(cfg.BaseURL, env(envBaseURL))

	clientCfg := client.Config{
		BaseURL:   baseURL,
		APIToken:  token,
		APIKey:    key,
		Email:     email,
		UserAgent: userAgent,
		Logger:    tflogLogger{},
	}
	// rate_limit is the client's RateLimit (requests per five minutes); null leaves the client's default.
	if isSet(cfg.RateLimit) {
		clientCfg.RateLimit = cfg.RateLimit.ValueInt64()
		clientCfg.RateLimitDisabled = clientCfg.RateLimit == 0
	}
	c, err := client.New(clientCfg)
	if err != nil {
		addClientConfigError(diags, err, src)
		return nil
	}

	accountID := stringOr(cfg.AccountID, env(envAccountID))
	if accountID != "" && !isSet(cfg.AccountID) && !client.IsCloudflareID(accountID) {
		// The block's own account_id has its validator; the environment's is checked here.
		diags.AddAttributeError(attrPath("account_id"), "Invalid account_id", scopeIDProblem(envAccountID, client.ScopeAccount, accountID))
		return nil
	}
	warnDays := int64(defaultCertExpiryWarningDays)
	if isSet(cfg.CertExpiryWarningDays) {
		warnDays = cfg.CertExpiryWarningDays.ValueInt64()
	}
	return newProviderData(c, accountID, time.Duration(warnDays)*24*time.Hour,
		cfg.RefreshByList.IsNull() || cfg.RefreshByList.ValueBool(), token, key)
}

// credentialSource says where the settings handed to the client came from, for the messages about them.
type credentialSource struct {
	block            bool // the credentials came from the provider block, not the environment
	baseURLFromBlock bool
}

// addClientConfigError explains an error of client.New (or of its checks) on the setting a person has
// to change. The rules themselves are the client's.
func addClientConfigError(diags *diag.Diagnostics, err error, src credentialSource) {
	switch {
	case errors.Is(err, client.ErrInvalidBaseURL):
		from := "the " + envBaseURL + " environment variable"
		if src.baseURLFromBlock {
			from = "the provider block"
		}
		diags.AddAttributeError(attrPath("base_url"), "Invalid base_url",
			fmt.Sprintf("base_url is not usable: %s (the value came from %s).", err, from))
	case errors.Is(err, client.ErrConflictingCredentials) && !src.block:
		diags.AddError("Conflicting Cloudflare credentials",
			"Both "+envAPIToken+" and "+envAPIKey+" are set in the environment. Unset one of them, or set "+
				"api_token (or api_key and email) in the provider block.")
	case errors.Is(err, client.ErrConflictingCredentials):
		diags.AddAttributeError(attrPath("api_token"), "Conflicting Cloudflare credentials",
			"The provider block sets both api_token and api_key/email. Use an API token (preferred) or a Global "+
				"API key with its e-mail, not both: remove one of them.")
	case errors.Is(err, client.ErrNoCredentials):
		diags.AddAttributeError(attrPath("api_token"), "Missing Cloudflare credentials",
			"The provider needs an API token: set api_token in the provider block or the "+envAPIToken+
				" environment variable. A Global API key also works (api_key and email, or "+envAPIKey+" and "+envEmail+").")
	case errors.Is(err, client.ErrMissingEmail):
		diags.AddAttributeError(attrPath("email"), "Missing Cloudflare e-mail",
			"A Global API key needs the e-mail address of its user: set email in the provider block or "+envEmail+".")
	case errors.Is(err, client.ErrInvalidCredentials):
		diags.AddAttributeError(attrPath("api_token"), "Invalid Cloudflare credentials",
			"The API token, key or e-mail contains control characters (a trailing newline?): remove them.")
	default:
		diags.AddError("Unable to Configure Cloudflare API Client", "The provider could not build its API client: "+err.Error())
	}
}
