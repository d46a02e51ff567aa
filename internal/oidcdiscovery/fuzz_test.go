package oidcdiscovery

import (
	"errors"
	"testing"
)

// Parse never panics, every refusal has exactly one kind, and what it accepts is what the rules allow.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		jumpCloudDoc,
		`{"issuer":"https://attacker.example/",` + jumpCloudDoc[1:],
		`{"issuer":"https://oauth.id.jumpcloud.com/","authorization_endpoint":"https://a/#","token_endpoint":"x","jwks_uri":1}`,
		`[[[[[[{}]]]]]]`, `<!DOCTYPE html>`, "\uFEFF{}", `{"a":{"a":1,"b":{"a":[{"a":1},{"a":2}]}}}`,
	} {
		f.Add(seed)
	}
	kinds := []error{ErrIssuer, ErrTooLarge, ErrMalformed, ErrInvalidDocument, ErrEndpointURL}
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(jumpCloud, []byte(doc), Options{MaxBytes: 64 << 10})
		if err != nil {
			n := 0
			for _, k := range kinds {
				if errors.Is(err, k) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%v matches %d kinds", err, n)
			}
			return
		}
		if d.Issuer != jumpCloud {
			t.Fatalf("accepted issuer %q", d.Issuer)
		}
		for _, e := range []string{d.AuthorizationEndpoint, d.TokenEndpoint, d.JWKSURI} {
			if checkEndpoint("e", e, Options{}) != nil {
				t.Fatalf("accepted endpoint %q", e)
			}
		}
	})
}
