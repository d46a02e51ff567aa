package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// TestManyConcurrentClients runs many API and SCIM clients against one
// emulator (run it with -race) and checks that nothing is lost or duplicated.
func TestManyConcurrentClients(t *testing.T) {
	ts, cc := newContractServer(t, Options{})
	const clients, perClient = 16, 6
	var wg sync.WaitGroup
	var created atomic.Int64
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := ts.AccountScope()
			if i%3 == 0 {
				sc = ts.ZoneScope()
			}
			c := ts.client(t, ts.WriteToken)
			base := idpsPath(sc)
			for j := range perClient {
				p := c.do("POST", base, samlBody(fmt.Sprintf("c%d-%d", i, j), map[string]any{"enabled": true})).want(t, http.StatusCreated).idp(t)
				created.Add(1)
				c.do("GET", base+"/"+p.ID, nil).want(t, http.StatusOK)
				c.do("GET", base+"?per_page=50", nil).want(t, http.StatusOK)
				c.do("PUT", base+"/"+p.ID, samlBody(fmt.Sprintf("c%d-%d renamed", i, j), map[string]any{"enabled": true})).want(t, http.StatusOK)
				sc := scimClient{t: t, base: p.SCIMConfig.SCIMBaseURL, secret: p.SCIMConfig.Secret}
				if st, _ := sc.do("POST", "/Users", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": fmt.Sprintf("u%d-%d", i, j)}); st != http.StatusCreated {
					t.Errorf("SCIM create: %d", st)
				}
				if j%2 == 0 {
					c.do("DELETE", base+"/"+p.ID, nil).want(t, http.StatusAccepted)
					created.Add(-1)
				}
			}
		}()
	}
	wg.Wait()
	total := len(ts.List(ts.AccountScope())) + len(ts.List(ts.ZoneScope()))
	if int64(total) != created.Load() {
		t.Fatalf("%d IdPs stored, %d expected", total, created.Load())
	}
	t.Logf("%d responses contract-checked", cc.count())
}

// BenchmarkConcurrentAPI measures the emulator under concurrent load: a mix
// of 80% reads (GET one, list) and 20% writes (PUT) on a pre-seeded set of
// IdPs, through real HTTP on loopback. It reports requests per second.
func BenchmarkConcurrentAPI(b *testing.B) {
	ts := NewTestServer(b, Options{})
	var ids []string
	for i := range 100 {
		p, err := ts.Seed(ts.AccountScope(), IdP{Name: fmt.Sprintf("idp-%d", i), Type: "saml", Config: Config{IssuerURL: "https://i", SSOTargetURL: "https://s", IdPPublicCerts: []string{testCert}}})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	body, _ := json.Marshal(samlBody("updated", nil))
	transport := &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}
	client := &http.Client{Transport: transport}
	b.Cleanup(transport.CloseIdleConnections)
	base := ts.APIBaseURL() + idpsPath(ts.AccountScope())
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			id := ids[i%len(ids)]
			var req *http.Request
			switch i % 5 {
			case 0:
				req, _ = http.NewRequest("PUT", base+"/"+id, bytes.NewReader(body))
			case 1:
				req, _ = http.NewRequest("GET", base+"?per_page=20", nil)
			default:
				req, _ = http.NewRequest("GET", base+"/"+id, nil)
			}
			req.Header.Set("Authorization", "Bearer "+TestWriteToken)
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
			n.Add(1)
		}
	})
	b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "req/s")
}
