package samlmetadata

import "strings"

// bindingPrefix is the URN prefix of the SAML 2.0 bindings (saml-bindings-2.0-os section 3).
const bindingPrefix = "urn:oasis:names:tc:SAML:2.0:bindings:"

// BindingShortName returns the name IdP consoles give a SAML 2.0 binding, HTTP-POST for
// BindingHTTPPOST. Any other binding keeps its full URN.
func BindingShortName(urn string) string {
	if short, ok := strings.CutPrefix(urn, bindingPrefix); ok && short != "" {
		return short
	}
	return urn
}

// BindingURN is the inverse of BindingShortName: HTTP-POST gives BindingHTTPPOST. A full URN, and the
// empty string (no binding chosen), are returned as they are.
func BindingURN(name string) string {
	if name == "" || strings.Contains(name, ":") {
		return name
	}
	return bindingPrefix + name
}
