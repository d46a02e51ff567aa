package client

import (
	"regexp"
	"strings"
)

// Redacted replaces secret values in logs and error text.
const Redacted = "REDACTED"

// secretKeyRE matches a JSON string member whose key names a secret: the SCIM
// secret ("secret"), OAuth client secrets ("client_secret") and anything
// else ending in "secret", "token", "password" or "api_key". The value may
// contain escaped quotes.
var secretKeyRE = regexp.MustCompile(`(?i)("[a-z0-9_]*(?:secret|token|password|api_key)"\s*:\s*)"(?:[^"\\]|\\.)*"`)

// redactor removes credentials and secrets from text that may end up in a
// log line or an error message.
type redactor struct {
	// replacer replaces the literal credential values (token, key, email).
	replacer *strings.Replacer
}

func newRedactor(values ...string) *redactor {
	var pairs []string
	for _, v := range values {
		if v != "" {
			pairs = append(pairs, v, Redacted)
		}
	}
	r := &redactor{}
	if len(pairs) > 0 {
		r.replacer = strings.NewReplacer(pairs...)
	}
	return r
}

// String returns s with JSON secret members and credential values replaced.
func (r *redactor) String(s string) string {
	s = RedactJSONSecrets(s)
	if r != nil && r.replacer != nil {
		s = r.replacer.Replace(s)
	}
	return s
}

// RedactJSONSecrets replaces the value of every JSON string member whose key
// names a secret (e.g. `"secret":"abc"` becomes `"secret":"REDACTED"`). It
// works on text, so it also cleans bodies that are not valid JSON.
func RedactJSONSecrets(s string) string {
	if !strings.Contains(s, `"`) {
		return s
	}
	return secretKeyRE.ReplaceAllString(s, `${1}"`+Redacted+`"`)
}
