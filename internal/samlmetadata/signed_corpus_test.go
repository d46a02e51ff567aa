package samlmetadata

import (
	"crypto/x509"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestCorpusSigned verifies the real signed files with the certificates
// from real/signers, pinned, at signer notBefore+1h.
func TestCorpusSigned(t *testing.T) {
	cases := []struct {
		file      string
		entityID  string
		allowSHA1 bool
		realClock bool
		want      error
	}{
		{file: "adfs-toolkit-signed.xml", want: ErrWeakSignature}, // rsa-sha1
		{file: "adfs-toolkit-signed.xml", allowSHA1: true},
		{file: "azuread-common-signed-bom.xml"},
		{file: "azuread-tenant-signed-bom.xml"},
		{file: "azuread-tenant-signed-bom.xml", realClock: true, want: ErrSignerExpired}, // signer expired 2025-09-28
		{file: "edugain-rctsaai-signed-entities.xml", want: ErrAmbiguousEntity},
		{file: "edugain-rctsaai-signed-entities.xml", entityID: "https://idp.fccn.pt/idp/shibboleth"},
		{file: "eulogin-acceptance-signed.xml", want: ErrSignatureInvalid}, // re-indented after signing
	}
	oracle := loadOracle(t)
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			data := readCorpus(t, "real/"+tc.file)
			signer, clock := signerAt(t, "real/signers/"+strings.TrimSuffix(tc.file, ".xml")+".signer.pem")
			opts := Options{TrustedSigners: []*x509.Certificate{signer}, Now: clock, AllowSHA1: tc.allowSHA1, EntityID: tc.entityID}
			if tc.realClock {
				opts.Now = func() time.Time { return time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC) }
			}
			md, err := Parse(data, opts)
			if tc.want != nil {
				if !errors.Is(err, tc.want) || !errors.Is(err, kindOf(tc.want)) {
					t.Fatalf("error = %v, want %v", err, tc.want)
				}
				t.Logf("%v", err)
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !md.Signed || md.SignatureAlgorithm == "" {
				t.Errorf("Signed = %v, SignatureAlgorithm = %q", md.Signed, md.SignatureAlgorithm)
			}
			// The verified values equal the unverified oracle's.
			for _, e := range oracle["real/"+tc.file].IDPEntities {
				if e.EntityID != md.EntityID {
					continue
				}
				if md.SSOURL != chosenURL(e.SSORedirect, e.SSOPost) {
					t.Errorf("SSOURL = %q", md.SSOURL)
				}
				var sha []string
				for _, c := range e.SigningCerts {
					sha = append(sha, c.SHA256)
				}
				wantCert(t, md, sha...)
				return
			}
			t.Errorf("entity %q not in oracle", md.EntityID)
		})
	}
}

func kindOf(err error) error {
	for _, k := range allKinds {
		if errors.Is(err, k) {
			return k
		}
	}
	return nil
}
