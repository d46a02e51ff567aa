package samlmetadata

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseCertificatesForms(t *testing.T) {
	a := newTestSigner(t, "a").cert
	b := newTestSigner(t, "b").cert
	ca, _ := newCertificate(a.Raw)
	cb, _ := newCertificate(b.Raw)
	b64 := base64.StdEncoding.EncodeToString(a.Raw)
	messy := "  " + b64[:10] + " \r\n\t" + b64[10:30] + "\n " + b64[30:] + "\r\n"
	crlfPEM := strings.ReplaceAll(ca.PEM(), "\n", "\r\n")
	spacedPEM := strings.Replace(ca.PEM(), "\n", "\n   ", 3)

	for name, text := range map[string]string{
		"canonical PEM": ca.PEM(),
		"CRLF PEM":      crlfPEM,
		"indented PEM":  spacedPEM,
		"bare base64":   b64,
		"messy base64":  messy,
		"with prose":    "subject=CN=a\n" + ca.PEM() + "trailing words\n",
	} {
		got, err := ParseCertificates(text)
		if err != nil || len(got) != 1 || got[0].PEM() != ca.PEM() || got[0].SHA256 != ca.SHA256 {
			t.Errorf("%s: %v %v", name, err, got)
		}
	}

	bundle, err := ParseCertificates(ca.PEM() + cb.PEM() + crlfPEM)
	if err != nil || len(bundle) != 2 || bundle[0].SHA256 != ca.SHA256 || bundle[1].SHA256 != cb.SHA256 {
		t.Fatalf("bundle: %v %v", err, bundle)
	}
	if PEMBundle(bundle) != ca.PEM()+cb.PEM() {
		t.Errorf("PEMBundle not canonical")
	}
	if !strings.HasSuffix(ca.PEM(), "-----END CERTIFICATE-----\n") {
		t.Errorf("PEM has no trailing newline")
	}
	for _, line := range strings.Split(ca.PEM(), "\n") {
		if len(line) > 64 {
			t.Errorf("PEM line longer than 64: %q", line)
		}
	}
	if !SameCertificates(bundle, []Certificate{cb, ca, cb}) || SameCertificates(bundle, []Certificate{ca}) || SameCertificates([]Certificate{ca}, []Certificate{cb}) {
		t.Errorf("SameCertificates")
	}
}

func TestParseCertificatesErrors(t *testing.T) {
	ca, _ := newCertificate(newTestSigner(t, "a").cert.Raw)
	pemOfPEM := base64.StdEncoding.EncodeToString([]byte(ca.PEM()))
	cases := map[string]struct{ text, mention string }{
		"empty":            {"  \n", "empty"},
		"TODO placeholder": {"TODO", "not an X.509 certificate"},
		"not base64":       {"%%%", "not base64"},
		"base64 of PEM":    {pemOfPEM, "double-encoded"},
		"private key":      {ca.PEM() + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "block 2 is a PRIVATE KEY"},
		"broken second":    {ca.PEM() + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "block 2"},
		"unterminated":     {"-----BEGIN CERTIFICATE-----\n" + ca.PEM()[28:60], "no matching"},
	}
	for name, tc := range cases {
		_, err := ParseCertificates(tc.text)
		if !errors.Is(err, ErrBadCertificate) || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("%s: %v (want mention %q)", name, err, tc.mention)
		}
	}
}

func TestExpiry(t *testing.T) {
	mk := func(notAfter time.Time) Certificate {
		return Certificate{SHA256: notAfter.String(), NotAfter: notAfter}
	}
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	past, soon, later := mk(now.AddDate(0, 0, -1)), mk(now.AddDate(0, 0, 10)), mk(now.AddDate(1, 0, 0))
	certs := []Certificate{past, soon, later}
	if got := Expired(certs, now); len(got) != 1 || got[0].SHA256 != past.SHA256 {
		t.Errorf("Expired = %v", got)
	}
	if got := ExpiringWithin(certs, now, 30*24*time.Hour); len(got) != 1 || got[0].SHA256 != soon.SHA256 {
		t.Errorf("ExpiringWithin 30d = %v", got)
	}
	if got := ExpiringWithin(certs, now, 400*24*time.Hour); len(got) != 2 {
		t.Errorf("ExpiringWithin 400d = %v", got)
	}
}

// TestExpiredCertificatesAreFacts: an expired IdP certificate is reported,
// not refused (JumpCloud bugdaddy exports expired in 2025).
func TestExpiredCertificatesAreFacts(t *testing.T) {
	md, err := Parse(readCorpus(t, "real/adfs-toolkit-signed.xml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	if len(Expired(md.Certificates, now)) != 1 {
		t.Errorf("the 2017 ADFS certificate should be reported expired")
	}
}
