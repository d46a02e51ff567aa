package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// metadata_url is fetched once per URL and provider process, however many login methods name it and
// however often they are validated and planned; a new process asks again.
func TestSAMLLoginMethod_fetchesEachMetadataURLOncePerProcess(t *testing.T) {
	t.Parallel()
	md := jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/cloudflare", validCert(t))
	var requests atomic.Int64
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/samlmetadata+xml")
		fmt.Fprint(w, md)
	}))
	t.Cleanup(idp.Close)
	withURL := func(name string) samlLoginMethodModel {
		m := newModel("")
		m.Name, m.MetadataXML, m.MetadataURL, m.AllowHTTP = types.StringValue(name), types.StringNull(),
			types.StringValue(idp.URL+"/saml2/metadata"), types.BoolValue(true)
		return m
	}
	for process := 1; process <= 2; process++ {
		c := newResourceCalls(t)
		for range 2 {
			for _, name := range []string{"JumpCloud EU", "JumpCloud US"} {
				m := withURL(name)
				c.validate(configOf(m))
				if got := c.plan(configOf(m), m, nil); got.IssuerURL.ValueString() != "JumpCloud" {
					t.Fatalf("planned issuer %q", got.IssuerURL.ValueString())
				}
			}
		}
		if n := requests.Load(); n != int64(process) {
			t.Fatalf("after process %d: %d requests, want %d", process, n, process)
		}
	}
}
