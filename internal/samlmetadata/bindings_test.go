package samlmetadata

import "testing"

func TestBindingNames(t *testing.T) {
	for _, tc := range []struct{ urn, short string }{
		{BindingHTTPRedirect, "HTTP-Redirect"},
		{BindingHTTPPOST, "HTTP-POST"},
		{BindingHTTPPOSTSimple, "HTTP-POST-SimpleSign"},
		{BindingHTTPArtifact, "HTTP-Artifact"},
		{BindingSOAP, "SOAP"},
		{BindingPAOS, "PAOS"},
		// Not a SAML 2.0 binding: the URN is its own name, both ways.
		{"urn:mace:shibboleth:1.0:profiles:AuthnRequest", "urn:mace:shibboleth:1.0:profiles:AuthnRequest"},
		{bindingPrefix, bindingPrefix},
		{"", ""},
	} {
		if got := BindingShortName(tc.urn); got != tc.short {
			t.Errorf("BindingShortName(%q) = %q, want %q", tc.urn, got, tc.short)
		}
		if got := BindingURN(tc.short); got != tc.urn {
			t.Errorf("BindingURN(%q) = %q, want %q", tc.short, got, tc.urn)
		}
	}
}
