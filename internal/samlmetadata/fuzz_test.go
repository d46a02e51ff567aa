package samlmetadata

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
)

// FuzzParse checks that no input panics (a recovered panic surfaces as
// ErrInternal and fails here), that every error has exactly one kind, and
// that every accepted result satisfies the policy. Seeds: testdata/fuzz/FuzzParse
// (generated from the corpus), the corpus files below 1 MiB, and small versions of
// the generated hostile shapes, without and with the signers their signatures name.
func FuzzParse(f *testing.F) {
	for _, file := range append(corpusFiles(f, "real"), corpusFiles(f, "hostile")...) {
		data := readCorpus(f, file)
		if len(data) > 1<<20 {
			continue
		}
		f.Add(data, uint8(0))
		f.Add(data, uint8(7))
	}
	for _, s := range hostileShapes {
		data := s.build(f, 8<<10)
		f.Add(data, uint8(0))
		f.Add(data, uint8(4))
	}
	signers, clock := hostileSigners(f)
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		opts := Options{AllowHTTP: flags&1 != 0, AllowSHA1: flags&2 != 0, MaxBytes: 1 << 20}
		if flags&4 != 0 {
			opts.TrustedSigners, opts.Now = signers, clock
		}
		if flags&8 != 0 {
			opts.Binding = BindingHTTPPOST
		}
		md, err := Parse(data, opts)
		if err != nil {
			if errors.Is(err, ErrInternal) {
				t.Fatalf("parser panicked: %v", err)
			}
			n := 0
			for _, k := range allKinds {
				if errors.Is(err, k) {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("error matches %d kinds: %v", n, err)
			}
			return
		}
		if md.EntityID == "" || len(md.Certificates) == 0 || md.SSOBinding == "" {
			t.Fatalf("accepted incomplete metadata: %+v", md)
		}
		if !strings.HasPrefix(md.SSOURL, "https://") && !(opts.AllowHTTP && strings.HasPrefix(md.SSOURL, "http://")) {
			t.Fatalf("accepted SSO URL %q", md.SSOURL)
		}
		if md.Signed != (len(opts.TrustedSigners) > 0) {
			t.Fatalf("Signed = %v with %d signers", md.Signed, len(opts.TrustedSigners))
		}
		for _, c := range md.Certificates {
			if _, err := x509.ParseCertificate(c.DER); err != nil {
				t.Fatalf("accepted certificate does not parse: %v", err)
			}
		}
	})
}
