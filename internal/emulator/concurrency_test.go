package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
)

// TestManyConcurrentClients runs many API and SCIM clients against one
// emulator (run it with -race) and checks that nothing is lost or duplicated:
// the IdPs left are exactly the ones no client deleted, under the names the
// clients gave them last.
func TestManyConcurrentClients(t *testing.T) {
	ts, cc := newContractServer(t, Options{})
	const clients, perClient = 16, 6
	var wg sync.WaitGroup
	errs := make([]error, clients)
	kept := make([][]string, clients) // the names each client leaves behind
	for i := range clients {
		wg.Go(func() {
			sc := ts.AccountScope()
			if i%3 == 0 {
				sc = ts.ZoneScope()
			}
			for j := range perClient {
				name, err := exerciseOneIdP(ts, sc, fmt.Sprintf("c%d-%d", i, j), j%2 == 0)
				if err != nil {
					errs[i] = fmt.Errorf("client %d, IdP %d: %w", i, j, err)
					return
				}
				if name != "" {
					kept[i] = append(kept[i], sc.String()+" "+name)
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var want, got []string
	for _, names := range kept {
		want = append(want, names...)
	}
	for _, sc := range []Scope{ts.AccountScope(), ts.ZoneScope()} {
		for _, p := range ts.List(sc) {
			got = append(got, sc.String()+" "+p.Name)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("the emulator holds\n%v\nwant\n%v", got, want)
	}
	t.Logf("%d responses contract-checked", cc.count())
}

// exerciseOneIdP creates an IdP in sc, reads it, lists the scope, renames it, pushes a SCIM user to it
// and, when del is set, deletes it. It returns the IdP's final name, or "" when it was deleted. It runs
// on goroutines other than the test's, so it returns what went wrong instead of failing the test.
func exerciseOneIdP(ts *TestServer, sc Scope, name string, del bool) (string, error) {
	c := apiCall{base: ts.APIBaseURL(), token: ts.WriteToken}
	base := idpsPath(sc)
	call := func(method, path string, body any, status int) (testResp, error) {
		r, err := c.try(method, path, body)
		if err == nil {
			err = r.check(status)
		}
		return r, err
	}
	r, err := call("POST", base, samlBody(name, map[string]any{"enabled": true}), http.StatusCreated)
	if err != nil {
		return "", err
	}
	var p wireIdP
	if err := json.Unmarshal(r.env.Result, &p); err != nil || p.ID == "" || p.Name != name {
		return "", fmt.Errorf("create answered %s (%v)", r.env.Result, err)
	}
	if r, err = call("GET", base+"/"+p.ID, nil, http.StatusOK); err != nil {
		return "", err
	}
	var got wireIdP
	if err := json.Unmarshal(r.env.Result, &got); err != nil || got.ID != p.ID || got.Name != name {
		return "", fmt.Errorf("GET of %s answered %s (%v)", p.ID, r.env.Result, err)
	}
	if _, err = call("GET", base+"?per_page=50", nil, http.StatusOK); err != nil {
		return "", err
	}
	renamed := name + " renamed"
	if r, err = call("PUT", base+"/"+p.ID, samlBody(renamed, map[string]any{"enabled": true}), http.StatusOK); err != nil {
		return "", err
	}
	if err := json.Unmarshal(r.env.Result, &got); err != nil || got.Name != renamed {
		return "", fmt.Errorf("PUT answered %s (%v)", r.env.Result, err)
	}
	scim := scimClient{base: p.SCIMConfig.SCIMBaseURL, secret: p.SCIMConfig.Secret}
	user := fmt.Sprintf("u-%s", name)
	st, body, err := scim.try("POST", "/Users", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": user})
	if err != nil {
		return "", err
	}
	if st != http.StatusCreated || body["userName"] != user {
		return "", fmt.Errorf("SCIM create answered %d %v", st, body)
	}
	if !del {
		return renamed, nil
	}
	if _, err := call("DELETE", base+"/"+p.ID, nil, http.StatusAccepted); err != nil {
		return "", err
	}
	return "", nil
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
