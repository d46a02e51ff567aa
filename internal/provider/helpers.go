package provider

import (
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Small helpers every file of the Terraform layer may use.

// isSet reports whether a configuration value is known and not null.
func isSet(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}

// stringOr returns v's value when it is set and not empty, fallback otherwise.
func stringOr(v types.String, fallback string) string {
	if isSet(v) && v.ValueString() != "" {
		return v.ValueString()
	}
	return fallback
}

// nullIfEmpty maps the API's empty string to null.
func nullIfEmpty(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// keepNull reads an optional string the API reports as "" when unset: it stays null where the prior value
// was null, so an unset attribute does not read back as "".
func keepNull(api string, prior types.String) types.String {
	if api == "" && prior.IsNull() {
		return types.StringNull()
	}
	return types.StringValue(api)
}

// rfc3339 formats a time in UTC as RFC 3339, null when there is none.
func rfc3339(t *time.Time) types.String {
	if t == nil {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

func itoa(n int) string { return strconv.Itoa(n) }

// quotedList renders values as `a`, `b` for descriptions.
func quotedList(values ...string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

// nonEmpty returns the values that are not empty.
func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// attrPath is a shorthand for a top-level attribute path in diagnostics.
func attrPath(name string) path.Path { return path.Root(name) }
