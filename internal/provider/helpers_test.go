package provider

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
)

// routeCreate is the emulator's request-counter key of a create in the account.
const routeCreate = "POST /accounts/{account_id}/access/identity_providers"

// testEnv is one emulator and the provider configuration that reaches it. Every test gets its own, so
// tests can run in parallel.
type testEnv struct {
	t   *testing.T
	emu *emulator.TestServer
	now func() time.Time
	// apiBaseURL, when set, is where the provider sends API requests instead of the emulator itself
	// (a front server that interferes with requests, see withFront).
	apiBaseURL string
	// tokenFromEnv leaves api_token out of the provider block: the provider reads CLOUDFLARE_API_TOKEN.
	tokenFromEnv bool
	// fetchTransport, when set, is the transport of the provider's fetches (metadata_url, the issuers'
	// discovery documents): one that trusts a test IdP's TLS certificate.
	fetchTransport http.RoundTripper
	// discoveryTimeout, when set, bounds the fetch of a discovery document instead of fetch.DefaultTimeout.
	discoveryTimeout time.Duration
	// token is the API token of the provider block; the emulator's write token when empty.
	token string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return &testEnv{t: t, emu: emulator.NewTestServer(t, emulator.Options{}), now: time.Now}
}

// factories serves the provider in-process, as main serves it, with the test's clock.
func (e *testEnv) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		TypeName: func() (tfprotov6.ProviderServer, error) { return e.server(), nil },
	}
}

// server returns the provider's protocol server, as main serves it, with the test's clock.
func (e *testEnv) server() tfprotov6.ProviderServer {
	return ProtocolServer(func() provider.Provider {
		p := newProvider("test", "test", e.now)
		p.discoveryTimeout = e.discoveryTimeout
		if e.fetchTransport != nil {
			p.fetches = fetch.NewMemo(&fetch.Fetcher{Transport: e.fetchTransport}, fetchMemoEntries, fetchMemoBytes)
		}
		return p
	})()
}

// provider renders a provider block for the emulator, with extra lines added.
func (e *testEnv) provider(extra ...string) string {
	token := fmt.Sprintf("api_token  = %q", cmp.Or(e.token, e.emu.WriteToken))
	if e.tokenFromEnv {
		token = "# api_token from " + envAPIToken
	}
	return fmt.Sprintf(`
provider "zerotrust" {
  %s
  base_url   = %q
  account_id = %q
  %s
}
`, token, e.baseURL(), e.emu.AccountID, strings.Join(extra, "\n  "))
}

// baseURL is the API base URL the provider is configured with.
func (e *testEnv) baseURL() string {
	if e.apiBaseURL != "" {
		return e.apiBaseURL
	}
	return e.emu.APIBaseURL()
}

// testCert is a throwaway IdP signing certificate.
type testCert struct {
	DER      []byte
	PEM      string
	Base64   string
	SHA256   string
	NotAfter time.Time
}

// newTestCert makes a self-signed ECDSA certificate shaped like JumpCloud's (subject and issuer alike).
func newTestCert(t testing.TB, org string, notBefore, notAfter time.Time) testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 100))
	if err != nil {
		t.Fatal(err)
	}
	name := pkix.Name{
		CommonName: "JumpCloudSAMLUser", OrganizationalUnit: []string{"JumpCloudSAMLIdP"}, Organization: []string{org},
		Locality: []string{"Boulder"}, Province: []string{"CO"}, Country: []string{"US"},
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: name, Issuer: name, NotBefore: notBefore, NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(der)
	return testCert{
		DER:      der,
		PEM:      string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Base64:   base64.StdEncoding.EncodeToString(der),
		SHA256:   hex.EncodeToString(sum[:]),
		NotAfter: notAfter,
	}
}

// validCert is a certificate valid for five years from now, as JumpCloud issues them.
func validCert(t testing.TB) testCert {
	return newTestCert(t, "Example Corp", time.Now().Add(-time.Hour), time.Now().AddDate(5, 0, 0))
}

// jumpCloudMetadata renders metadata the way JumpCloud's "Export Metadata" does: one line, md: prefix,
// ds declared on KeyInfo, HTTP-POST and HTTP-Redirect with the same location.
func jumpCloudMetadata(entityID, ssoURL string, certs ...testCert) string {
	var keys strings.Builder
	for _, c := range certs {
		fmt.Fprintf(&keys, `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`, c.Base64)
	}
	return `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="` + entityID +
		`"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
		keys.String() +
		`<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="` + ssoURL + `"/>` +
		`<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="` + ssoURL + `"/>` +
		`</md:IDPSSODescriptor></md:EntityDescriptor>`
}

// hclString quotes s as an HCL heredoc-free string literal.
func hclString(s string) string {
	q := fmt.Sprintf("%q", s)
	// HCL interpolation sequences must not be interpreted.
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// onlyLoginMethod returns the single login method in the emulator's account, failing otherwise.
func (e *testEnv) onlyLoginMethod() emulator.IdP {
	e.t.Helper()
	all := e.emu.List(e.emu.AccountScope())
	if len(all) != 1 {
		e.t.Fatalf("emulator holds %d login methods in the account, want 1", len(all))
	}
	return all[0]
}

// onlyReadsSince fails when the emulator answered anything but GETs since its counters were reset.
func (e *testEnv) onlyReadsSince(step string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for route, n := range e.emu.RequestCounts() {
			if n > 0 && !strings.HasPrefix(route, "GET ") {
				return fmt.Errorf("%s sent %d × %s; it must only read", step, n, route)
			}
		}
		return nil
	}
}
