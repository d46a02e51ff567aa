package provider

import (
	"context"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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
