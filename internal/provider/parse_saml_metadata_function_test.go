package provider

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// testMemo is a metadata memo of the provider's size.
func testMemo() *samlmetadata.Memo {
	return samlmetadata.NewMemo(metadataMemoEntries, metadataMemoBytes)
}

// richMetadata has every SSO binding kind the function maps, two certificates and a validUntil.
func richMetadata(a, b testCert) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml" validUntil="2030-01-02T03:04:05Z">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` + a.Base64 + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` + b.Base64 + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>` + b.Base64 + `</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:NameIDFormat> urn:oasis:names:tc:SAML:2.0:nameid-format:persistent </md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso/redirect"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso/second"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:SOAP" Location="https://idp.example.com/sso/soap"/>
    <md:SingleSignOnService Binding="urn:mace:shibboleth:1.0:profiles:AuthnRequest" Location="https://idp.example.com/sso/shib"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`
}

func TestParseSAMLMetadataFunction_values(t *testing.T) {
	t.Parallel()
	a := newTestCert(t, "Current", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC))
	b := newTestCert(t, "Next", time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC), time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC))

	got, err := parseSAMLMetadataValue(context.Background(), testMemo(), richMetadata(a, b))
	if err != nil {
		t.Fatal(err)
	}
	attrs := got.Attributes()
	str := func(name string) string { return attrs[name].(types.String).ValueString() }
	for name, want := range map[string]string{
		"issuer":             "https://idp.example.com/saml",
		"sso_url":            "https://idp.example.com/sso/redirect",
		"sso_binding":        "HTTP-Redirect",
		"certificate_bundle": a.PEM + b.PEM,
		"valid_until":        "2030-01-02T03:04:05Z",
	} {
		if str(name) != want {
			t.Errorf("%s = %q, want %q", name, str(name), want)
		}
	}
	wantURLs := map[string]string{
		"HTTP-POST":     "https://idp.example.com/sso/post",
		"HTTP-Redirect": "https://idp.example.com/sso/redirect", // the first of two wins, as for sso_url
		"SOAP":          "https://idp.example.com/sso/soap",
		"urn:mace:shibboleth:1.0:profiles:AuthnRequest": "https://idp.example.com/sso/shib",
	}
	urls := attrs["sso_urls"].(types.Map).Elements()
	if len(urls) != len(wantURLs) {
		t.Errorf("sso_urls = %v, want %v", urls, wantURLs)
	}
	for k, want := range wantURLs {
		if v, ok := urls[k].(types.String); !ok || v.ValueString() != want {
			t.Errorf("sso_urls[%q] = %v, want %q", k, urls[k], want)
		}
	}
	certs := attrs["certificates"].(types.List).Elements()
	if len(certs) != 2 {
		t.Fatalf("certificates has %d elements, want 2 (the encryption-only key is not a signing certificate)", len(certs))
	}
	for i, want := range []struct {
		cert                testCert
		notBefore, notAfter string
	}{{a, "2024-01-01T00:00:00Z", "2029-01-01T00:00:00Z"}, {b, "2025-06-01T12:00:00Z", "2030-06-01T12:00:00Z"}} {
		c := certs[i].(types.Object).Attributes()
		for name, w := range map[string]string{
			"pem": want.cert.PEM, "sha256_fingerprint": want.cert.SHA256, "not_before": want.notBefore, "not_after": want.notAfter,
		} {
			if g := c[name].(types.String).ValueString(); g != w {
				t.Errorf("certificates[%d].%s = %q, want %q", i, name, g, w)
			}
		}
		if s := c["subject"].(types.String).ValueString(); !strings.Contains(s, "CN=JumpCloudSAMLUser") {
			t.Errorf("certificates[%d].subject = %q", i, s)
		}
	}
	formats := attrs["name_id_formats"].(types.List).Elements()
	if len(formats) != 2 || formats[1].(types.String).ValueString() != "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" {
		t.Errorf("name_id_formats = %v", formats)
	}
}

func TestParseSAMLMetadataFunction_noValidUntilIsNull(t *testing.T) {
	t.Parallel()
	got, err := parseSAMLMetadataValue(context.Background(), testMemo(), jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", validCert(t)))
	if err != nil {
		t.Fatal(err)
	}
	if v := got.Attributes()["valid_until"]; !v.IsNull() {
		t.Errorf("valid_until = %v, want null", v)
	}
}

func TestParseSAMLMetadataFunction_refusals(t *testing.T) {
	t.Parallel()
	cert := validCert(t)
	httpPOST := strings.Replace(richMetadata(cert, cert), `Location="https://idp.example.com/sso/post"`, `Location="http://idp.example.com/sso/post"`, 1)
	for name, tc := range map[string]struct {
		xml  string
		is   error
		want string
	}{
		"doctype":           {`<!DOCTYPE x [<!ENTITY a "b">]>` + jumpCloudMetadata("JumpCloud", "https://sso.example.com/", cert), samlmetadata.ErrDTD, "DOCTYPE"},
		"not metadata":      {`<a/>`, samlmetadata.ErrNotMetadata, "SAML 2.0 metadata starts with EntityDescriptor"},
		"HTML page":         {loginPage, samlmetadata.ErrHTMLPage, "parse_saml_metadata's xml argument holds a web page (a sign-in or error page saved from a browser), not the IdP's metadata XML. Export the metadata from the IdP and give that file, for example file(\"JumpCloud-saml2-metadata.xml\"). In JumpCloud, export it from the Admin Portal: SSO Applications, then your SAML application, then Export Metadata"},
		"PEM":               {cert.PEM, samlmetadata.ErrPEM, "parse_saml_metadata's xml argument holds a certificate, not the IdP's metadata"},
		"http default SSO":  {jumpCloudMetadata("JumpCloud", "http://sso.example.com/", cert), samlmetadata.ErrSSOURL, "plain http"},
		"http other SSO":    {httpPOST, samlmetadata.ErrSSOURL, "the HTTP-POST SingleSignOnService is refused"},
		"no signing cert":   {jumpCloudMetadata("JumpCloud", "https://sso.example.com/"), samlmetadata.ErrNoSigningCertificate, "no signing certificate"},
		"empty":             {"", samlmetadata.ErrMalformed, ""},
		"several IdPs root": {`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">` + strings.TrimPrefix(jumpCloudMetadata("a", "https://a.example.com/", cert), `<?xml version="1.0" encoding="UTF-8"?>`) + strings.TrimPrefix(jumpCloudMetadata("b", "https://b.example.com/", cert), `<?xml version="1.0" encoding="UTF-8"?>`) + `</md:EntitiesDescriptor>`, samlmetadata.ErrAmbiguousEntity, "a, b"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseSAMLMetadataValue(context.Background(), testMemo(), tc.xml)
			if !errors.Is(err, tc.is) {
				t.Fatalf("error %v, want one matching %v", err, tc.is)
			}
			if !strings.HasPrefix(err.Error(), "The SAML metadata cannot be used: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not explain the refusal (want %q)", err, tc.want)
			}
		})
	}
}

// Run reports refusals as an error on the xml argument, and fills the result on success.
func TestParseSAMLMetadataFunction_run(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := parseSAMLMetadataFunction{metadata: testMemo()}
	run := func(xml string) *function.RunResponse {
		resp := &function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(parseSAMLMetadataResultTypes))}
		f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(xml)})}, resp)
		return resp
	}

	ok := run(jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", validCert(t)))
	if ok.Error != nil {
		t.Fatal(ok.Error)
	}
	obj, isObj := ok.Result.Value().(types.Object)
	if !isObj || obj.Attributes()["issuer"].(types.String).ValueString() != "JumpCloud" {
		t.Errorf("result = %v", ok.Result.Value())
	}

	bad := run("<html/>")
	if bad.Error == nil || bad.Error.FunctionArgument == nil || *bad.Error.FunctionArgument != 0 {
		t.Fatalf("error = %+v, want an error on argument 0", bad.Error)
	}

	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	var valid function.DefinitionValidateResponse
	def.Definition.ValidateImplementation(ctx, function.DefinitionValidateRequest{FuncName: parseSAMLMetadataName}, &valid)
	if def.Diagnostics.HasError() || valid.Diagnostics.HasError() || def.Definition.MarkdownDescription == "" {
		t.Errorf("definition: %v %v", def.Diagnostics, valid.Diagnostics)
	}
}

// Through the CLI: provider functions need Terraform 1.8 or OpenTofu 1.7, so Terraform 1.5.7 skips this
// and `make test-opentofu` runs it.
func TestParseSAMLMetadataFunction_onCLI(t *testing.T) {
	t.Parallel()
	exampleXML, err := filepath.Abs(filepath.Join("..", "..", "examples", "jumpcloud", "JumpCloud-saml2-metadata.xml"))
	if err != nil {
		t.Fatal(err)
	}
	e := newTestEnv(t)
	cert := validCert(t)
	md := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", cert)

	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				// The shipped JumpCloud example file, read with file() as users do.
				Config: `
output "md" {
  value = provider::zerotrust::parse_saml_metadata(file(` + hclString(exampleXML) + `))
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("md", knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"issuer":      knownvalue.StringExact("JumpCloud"),
						"sso_url":     knownvalue.StringRegexp(regexp.MustCompile(`^https://sso\.jumpcloud\.com/saml2/`)),
						"sso_binding": knownvalue.StringExact("HTTP-Redirect"),
						"sso_urls": knownvalue.MapPartial(map[string]knownvalue.Check{
							"HTTP-POST": knownvalue.StringRegexp(regexp.MustCompile(`^https://`)),
						}),
						"certificates": knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
							"sha256_fingerprint": knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`)),
							"subject":            knownvalue.StringRegexp(regexp.MustCompile(`CN=JumpCloudSAMLUser`)),
						})}),
						"certificate_bundle": knownvalue.StringRegexp(regexp.MustCompile(`^-----BEGIN CERTIFICATE-----\n`)),
						"valid_until":        knownvalue.Null(),
					})),
				},
			},
			{
				// Refusals are function errors carrying the parser's message and the fix, once ended.
				Config: `
output "md" {
  value = provider::zerotrust::parse_saml_metadata("<html/>")
}
`,
				ExpectError: regexp.MustCompile(`(?s)SAML metadata cannot be used:.*an HTML page.*parse_saml_metadata's\s+xml\s+argument\s+holds\s+a\s+web\s+page.*saves\s+JumpCloud-saml2-metadata\.xml\.\n`),
			},
			{
				// The result feeds a login method's explicit attributes (as it would feed the official
				// provider's), and the same metadata given as metadata_xml plans no change.
				Config: e.provider() + `
locals {
  idp = provider::zerotrust::parse_saml_metadata(` + hclString(md) + `)
}
resource "zerotrust_saml_login_method" "jumpcloud" {
  name            = "JumpCloud"
  issuer_url      = local.idp.issuer
  sso_target_url  = local.idp.sso_url
  idp_public_cert = local.idp.certificate_bundle
}
output "fingerprint" {
  value = local.idp.certificates[0].sha256_fingerprint
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("idp_public_cert"), knownvalue.StringExact(cert.PEM)),
					statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("sso_target_url"), knownvalue.StringExact("https://sso.jumpcloud.com/saml2/cloudflare")),
					statecheck.ExpectKnownOutputValue("fingerprint", knownvalue.StringExact(cert.SHA256)),
				},
			},
		},
	})
}
