package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/elimity-com/scim"
	filter "github.com/scim2/filter-parser/v2"
)

// scimClient is a minimal SCIM 2.0 client, as an identity provider would use
// against the scim_base_url and secret the API hands out.
type scimClient struct {
	t      testing.TB
	base   string
	secret string
}

func (c scimClient) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	status, out, err := c.try(method, path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	return status, out
}

// try is do for goroutines other than the test's: it returns what went wrong instead of failing the test.
func (c scimClient) try(method, path string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.secret)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading the response: %w", method, path, err)
	}
	var out map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return 0, nil, fmt.Errorf("%s %s: decoding %q: %w", method, path, raw, err)
		}
	}
	return resp.StatusCode, out, nil
}

func TestSCIMServiceFeedsTheAPILists(t *testing.T) {
	ts, _ := newContractServer(t, Options{})
	api := ts.client(t, ts.WriteToken)
	base := idpsPath(ts.AccountScope())
	p := api.do("POST", base, samlBody("Entra", map[string]any{"enabled": true})).want(t, http.StatusCreated).idp(t)
	sc := scimClient{t: t, base: p.SCIMConfig.SCIMBaseURL, secret: p.SCIMConfig.Secret}

	if st, body := sc.do("GET", "/ServiceProviderConfig", nil); st != 200 || body["patch"] == nil {
		t.Fatalf("ServiceProviderConfig %d %v", st, body)
	}
	for _, path := range []string{"/ResourceTypes", "/Schemas"} {
		if st, _ := sc.do("GET", path, nil); st != 200 {
			t.Fatalf("%s: %d", path, st)
		}
	}
	st, user := sc.do("POST", "/Users", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":    "ada@example.com",
		"externalId":  "ext-ada",
		"displayName": "Ada Lovelace",
		"active":      true,
		"emails":      []any{map[string]any{"value": "ada@example.com", "type": "work", "primary": true}},
	})
	if st != http.StatusCreated {
		t.Fatalf("create user: %d %v", st, user)
	}
	uid := user["id"].(string)
	if st, _ := sc.do("POST", "/Users", map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, "userName": "ADA@example.com"}); st != http.StatusConflict {
		t.Fatalf("duplicate userName: %d", st)
	}
	st, group := sc.do("POST", "/Groups", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": "Engineering",
		"externalId":  "ext-eng",
	})
	if st != http.StatusCreated {
		t.Fatalf("create group: %d %v", st, group)
	}
	gid := group["id"].(string)
	// PATCH as Entra ID does: add a member, then rename.
	if st, body := sc.do("PATCH", "/Groups/"+gid, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "add", "path": "members", "value": []any{map[string]any{"value": uid}}}},
	}); st != 200 {
		t.Fatalf("patch group: %d %v", st, body)
	}
	if st, body := sc.do("PATCH", "/Users/"+uid, map[string]any{
		"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		"Operations": []any{map[string]any{"op": "replace", "path": "displayName", "value": "Countess Lovelace"}},
	}); st != 200 || body["displayName"] != "Countess Lovelace" {
		t.Fatalf("patch user: %d %v", st, body)
	}
	if st, body := sc.do("GET", "/Users?filter="+url.QueryEscape(`userName eq "ada@example.com"`), nil); st != 200 || body["totalResults"] != float64(1) {
		t.Fatalf("filter users: %d %v", st, body)
	}

	users := api.do("GET", base+"/"+p.ID+"/scim/users", nil).want(t, http.StatusOK)
	var us []wireSCIMUser
	if err := json.Unmarshal(users.env.Result, &us); err != nil {
		t.Fatal(err)
	}
	if len(us) != 1 || us[0].ID != uid || us[0].ExternalID != "ext-ada" || us[0].DisplayName != "Countess Lovelace" ||
		len(us[0].Emails) != 1 || us[0].Emails[0].Value != "ada@example.com" || !us[0].Active {
		t.Fatalf("/scim/users %s", users.raw)
	}
	groups := api.do("GET", base+"/"+p.ID+"/scim/groups", nil).want(t, http.StatusOK)
	var gs []wireSCIMGroup
	if err := json.Unmarshal(groups.env.Result, &gs); err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || gs[0].ID != gid || gs[0].DisplayName != "Engineering" || gs[0].ExternalID != "ext-eng" {
		t.Fatalf("/scim/groups %s", groups.raw)
	}
	// The API's filters.
	for q, want := range map[string]int{
		"username=ADA@example.com": 1, "email=ada@example.com": 1, "name=Countess+Lovelace": 1,
		"idp_resource_id=ext-ada": 1, "cf_resource_id=" + uid: 1, "cf_resource_id=nope&cf_resource_id=" + uid: 1,
		"username=bob": 0, "page=2": 0,
	} {
		r := api.do("GET", base+"/"+p.ID+"/scim/users?"+q, nil).want(t, http.StatusOK)
		if r.env.ResultInfo.Count != want {
			t.Errorf("users?%s: %s", q, r.raw)
		}
	}
	for q, want := range map[string]int{"name=engineering": 1, "idp_resource_id=ext-eng": 1, "name=x": 0} {
		if r := api.do("GET", base+"/"+p.ID+"/scim/groups?"+q, nil).want(t, http.StatusOK); r.env.ResultInfo.Count != want {
			t.Errorf("groups?%s: %s", q, r.raw)
		}
	}
	for _, q := range []string{"cf_resource_id=a&username=b", "cf_resource_id=a&idp_resource_id=b", "per_page=101"} {
		api.do("GET", base+"/"+p.ID+"/scim/users?"+q, nil).want(t, http.StatusBadRequest, codeInvalidRequest)
	}
	api.do("GET", base+"/00000000-0000-4000-8000-000000000000/scim/users", nil).want(t, http.StatusNotFound, codeNotFound)

	// Wrong secret, no secret, refreshed-away secret, disabled SCIM: 401.
	if st, _ := (scimClient{t: t, base: sc.base, secret: "wrong"}).do("GET", "/Users", nil); st != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", st)
	}
	if st, _ := (scimClient{t: t, base: sc.base, secret: ""}).do("GET", "/Users", nil); st != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", st)
	}
	fresh := api.do("POST", base+"/"+p.ID+"/refresh_scim_secret", nil).want(t, http.StatusOK).idp(t).SCIMConfig.Secret
	if st, _ := sc.do("GET", "/Users", nil); st != http.StatusUnauthorized {
		t.Fatalf("refreshed-away secret: %d", st)
	}
	sc.secret = fresh
	if st, _ := sc.do("GET", "/Users", nil); st != http.StatusOK {
		t.Fatalf("fresh secret: %d", st)
	}
	api.do("PUT", base+"/"+p.ID, samlBody("Entra", map[string]any{"enabled": false})).want(t, http.StatusOK)
	if st, _ := sc.do("GET", "/Users", nil); st != http.StatusUnauthorized {
		t.Fatalf("SCIM disabled: %d", st)
	}
	api.do("PUT", base+"/"+p.ID, samlBody("Entra", map[string]any{"enabled": true})).want(t, http.StatusOK)
	if st, _ := sc.do("DELETE", "/Users/"+uid, nil); st != http.StatusNoContent {
		t.Fatalf("delete user: %d", st)
	}
	if r := api.do("GET", base+"/"+p.ID+"/scim/users", nil); r.env.ResultInfo.TotalCount != 0 {
		t.Fatalf("deleted user still listed: %s", r.raw)
	}
	counts := ts.RequestCounts()
	if counts["POST /populations/{population_id}/scim/v2/Users"] != 2 || counts["PATCH /populations/{population_id}/scim/v2/Groups/{id}"] != 1 {
		t.Errorf("SCIM counters %v", counts)
	}
	api.do("DELETE", base+"/"+p.ID, nil).want(t, http.StatusAccepted)
	if st, _ := sc.do("GET", "/Users", nil); st != http.StatusUnauthorized {
		t.Fatalf("deleted IdP: %d", st)
	}
}

func TestSCIMPatchOperations(t *testing.T) {
	attrs := map[string]any{
		"userName": "u",
		"emails":   []any{map[string]any{"type": "work", "value": "old@example.com"}},
		"members":  []any{map[string]any{"value": "a"}, map[string]any{"value": "b"}},
	}
	ops := []string{
		`{"op":"replace","path":"emails[type eq \"work\"].value","value":"new@example.com"}`,
		`{"op":"remove","path":"members[value eq \"a\"]"}`,
		`{"op":"replace","path":"name.givenName","value":"Ada"}`,
		`{"op":"add","value":{"nickName":"ada"}}`,
		`{"op":"remove","path":"userName"}`,
	}
	for _, o := range ops {
		op := decodePatchOp(t, o)
		if err := applyPatch(attrs, op); err != nil {
			t.Fatalf("%s: %v", o, err)
		}
	}
	got, _ := json.Marshal(attrs)
	want := `{"emails":[{"type":"work","value":"new@example.com"}],"members":[{"value":"b"}],"name":{"givenName":"Ada"},"nickName":"ada"}`
	if string(got) != want {
		t.Fatalf("patched\n got %s\nwant %s", got, want)
	}
}

func decodePatchOp(t *testing.T, raw string) scimPatchOp {
	t.Helper()
	var m struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	op := scimPatchOp{Op: m.Op, Value: m.Value}
	if m.Path != "" {
		p, err := parsePatchPath(m.Path)
		if err != nil {
			t.Fatalf("path %q: %v", m.Path, err)
		}
		op.Path = p
	}
	return op
}

type scimPatchOp = scim.PatchOperation

func parsePatchPath(p string) (*filter.Path, error) {
	path, err := filter.ParsePath([]byte(p))
	if err != nil {
		return nil, err
	}
	return &path, nil
}
