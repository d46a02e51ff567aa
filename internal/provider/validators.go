package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

// certBundleValidator checks that a string holds one or more parseable X.509 certificates.
// Null and unknown values are skipped: they are checked once known.
type certBundleValidator struct{}

func (certBundleValidator) Description(context.Context) string {
	return "value must be one or more X.509 certificates, as PEM blocks or bare base64"
}

func (v certBundleValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (certBundleValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseCertificates(ctx, req.ConfigValue.ValueString()); err != nil {
		invalidCertificate(&resp.Diagnostics, req.Path, err)
	}
}

// regexpValidator checks that a string is an RE2 regular expression. Null and unknown values are skipped.
type regexpValidator struct{}

func (regexpValidator) Description(context.Context) string {
	return "value must be a regular expression in RE2 syntax"
}

func (v regexpValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (regexpValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := regexp.Compile(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Regular Expression",
			"The value is not a regular expression in RE2 syntax (https://github.com/google/re2/wiki/Syntax): "+err.Error()+".")
	}
}

// scopeIDValidator checks that account_id or zone_id is a Cloudflare ID (client.IsCloudflareID), so a
// typo fails the plan on the attribute instead of the apply with a 403. Null and unknown values are
// skipped: an ID computed by another resource is checked by the API.
type scopeIDValidator struct{ kind client.ScopeKind }

func (v scopeIDValidator) Description(context.Context) string {
	return "value must be the 32 hexadecimal characters of the " + v.kind.String() + "'s ID"
}

func (v scopeIDValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v scopeIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || client.IsCloudflareID(req.ConfigValue.ValueString()) {
		return
	}
	name := scopeIDAttribute(v.kind)
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+name, scopeIDProblem(name, v.kind, req.ConfigValue.ValueString()))
}

// scopeIDAttribute is the attribute that holds the ID of a scope of kind.
func scopeIDAttribute(kind client.ScopeKind) string {
	if kind == client.ScopeZone {
		return "zone_id"
	}
	return "account_id"
}

// scopeIDProblem explains a value of setting (an attribute or an environment variable) that is not the
// ID of a scope of kind, and where to find the right one.
func scopeIDProblem(setting string, kind client.ScopeKind, got string) string {
	where := "as in the dashboard URL https://dash.cloudflare.com/<account_id>"
	if kind == client.ScopeZone {
		where = "shown under API on the zone's Overview page in the dashboard"
	}
	if len(got) > 64 {
		got = got[:64] + "…"
	}
	return fmt.Sprintf("%s must be the 32 hexadecimal characters of the %s's ID, %s; %q is not.", setting, kind, where, got)
}
