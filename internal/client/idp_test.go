package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestListIdentityProvidersSendsPagingAndFilter(t *testing.T) {
	var gotPath, gotQuery string
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.URL.Path, r.URL.RawQuery
		writeResult(w, 200, []IdentityProvider{storedIdP(redacted34)}, &ResultInfo{Page: 2, PerPage: 1, Count: 1, TotalCount: 3, TotalPages: 3})
	})
	c, _ := newTestClient(t, api.URL+"/client/v4")
	on := true
	items, info, err := c.ListIdentityProviders(context.Background(), ZoneScope(testZone), ListOptions{Page: 2, PerPage: 1, SCIMEnabled: &on})
	if err != nil {
		t.Fatal(err)
	}
	if gotPath != "/client/v4/zones/"+testZone+"/access/identity_providers" {
		t.Errorf("path %q", gotPath)
	}
	if gotQuery != "page=2&per_page=1&scim_enabled=true" {
		t.Errorf("query %q", gotQuery)
	}
	if len(items) != 1 || items[0].ID != testIdPID || info.TotalPages != 3 || info.Page != 2 {
		t.Errorf("items %+v, info %+v", items, info)
	}
}

// pagedAPI serves n identity providers, perPage at a time, like the API: a
// page past the end is 200 with an empty result.
func pagedAPI(t *testing.T, n int, withTotalPages bool) (*fakeAPI, *[]int) {
	var pages []int
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		perPage, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
		pages = append(pages, page)
		var items []IdentityProvider
		for i := (page - 1) * perPage; i < page*perPage && i < n; i++ {
			p := storedIdP(redacted34)
			p.ID = "idp-" + strconv.Itoa(i)
			items = append(items, p)
		}
		if items == nil {
			items = []IdentityProvider{}
		}
		info := &ResultInfo{Page: page, PerPage: perPage, Count: len(items), TotalCount: n}
		if withTotalPages {
			info.TotalPages = (n + perPage - 1) / perPage
		}
		writeResult(w, 200, items, info)
	})
	return api, &pages
}

func TestListAllIdentityProvidersFollowsPages(t *testing.T) {
	t.Run("until the empty page past the end", func(t *testing.T) {
		api, pages := pagedAPI(t, 7, false)
		c, _ := newTestClient(t, api.URL)
		all, err := c.ListAllIdentityProviders(context.Background(), AccountScope(testAccount), ListOptions{PerPage: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 7 || all[6].ID != "idp-6" {
			t.Errorf("got %d items", len(all))
		}
		if want := []int{1, 2, 3, 4}; !slices.Equal(*pages, want) {
			t.Errorf("pages asked %v, want %v", *pages, want)
		}
	})
	t.Run("stops at total_pages", func(t *testing.T) {
		api, pages := pagedAPI(t, 7, true)
		c, _ := newTestClient(t, api.URL)
		all, err := c.ListAllIdentityProviders(context.Background(), AccountScope(testAccount), ListOptions{PerPage: 3})
		if err != nil || len(all) != 7 {
			t.Fatalf("%d items, %v", len(all), err)
		}
		if want := []int{1, 2, 3}; !slices.Equal(*pages, want) {
			t.Errorf("pages asked %v, want %v", *pages, want)
		}
	})
	t.Run("no identity providers", func(t *testing.T) {
		api, pages := pagedAPI(t, 0, true)
		c, _ := newTestClient(t, api.URL)
		all, err := c.ListAllIdentityProviders(context.Background(), AccountScope(testAccount), ListOptions{})
		if err != nil || len(all) != 0 || len(*pages) != 1 {
			t.Fatalf("%d items, pages %v, %v", len(all), *pages, err)
		}
	})
	t.Run("a server that ignores the page parameter", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeResult(w, 200, []IdentityProvider{storedIdP(redacted34)}, &ResultInfo{Page: 1, PerPage: 1, Count: 1})
		})
		c, _ := newTestClient(t, api.URL)
		_, err := c.ListAllIdentityProviders(context.Background(), AccountScope(testAccount), ListOptions{})
		if err == nil || !strings.Contains(err.Error(), "asked for page 2") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a server that never ends", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			writeResult(w, 200, []IdentityProvider{storedIdP(redacted34)}, nil)
		})
		c, _ := newTestClient(t, api.URL)
		_, err := c.ListAllIdentityProviders(context.Background(), AccountScope(testAccount), ListOptions{})
		if err == nil || !strings.Contains(err.Error(), "stopped after") || api.requests.Load() != MaxPages {
			t.Fatalf("err = %v after %d requests", err, api.requests.Load())
		}
	})
	t.Run("an error on a later page", func(t *testing.T) {
		api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("page") == "2" {
				writeAPIError(w, 403, CodeAuthentication, "Authentication error")
				return
			}
			writeResult(w, 200, []IdentityProvider{storedIdP(redacted34)}, nil)
		})
		c, _ := newTestClient(t, api.URL)
		_, err := c.ListAllIdentityProviders(context.Background(), AccountScope(testAccount), ListOptions{})
		if !IsAuth(err) || !strings.HasPrefix(err.Error(), "page 2: ") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestListAcceptsANullResultAsAnEmptyPage(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":null}`)
	})
	c, _ := newTestClient(t, api.URL)
	all, err := c.ListAllIdentityProviders(context.Background(), AccountScope(testAccount), ListOptions{})
	if err != nil || len(all) != 0 {
		t.Fatalf("%v, %v", all, err)
	}
}

func TestGetIdentityProvider(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/zones/"+testZone+"/access/identity_providers/"+testIdPID {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		// Unknown envelope keys are ignored.
		_, _ = io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":`+mustJSON(t, storedIdP(redacted34))+`,"extra_key":{"a":1}}`)
	})
	c, _ := newTestClient(t, api.URL)
	p, err := c.GetIdentityProvider(context.Background(), ZoneScope(testZone), testIdPID)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != testIdPID || p.Config.IssuerURL == "" || p.SCIMConfig == nil || p.SCIMConfig.SecretAvailable() {
		t.Errorf("got %+v", p)
	}
}

func TestCreateIdentityProvider(t *testing.T) {
	var body map[string]any
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/accounts/"+testAccount+"/access/identity_providers" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		if r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Error(err)
		}
		writeResult(w, http.StatusCreated, storedIdP(testSecret), nil)
	})
	c, _ := newTestClient(t, api.URL)
	in := samlIdP()
	in.SCIMConfig.Secret = "must-not-be-sent"
	p, err := c.CreateIdentityProvider(context.Background(), AccountScope(testAccount), in)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != testIdPID || !p.SCIMConfig.SecretAvailable() || p.SCIMConfig.Secret != testSecret {
		t.Errorf("got %+v", p)
	}
	if body["name"] != "JumpCloud" || body["type"] != "saml" || body["config"].(map[string]any)["sso_target_url"] == nil {
		t.Errorf("body %v", body)
	}
	if strings.Contains(mustJSON(t, body), "must-not-be-sent") {
		t.Errorf("the secret was sent: %v", body)
	}
	if in.SCIMConfig.Secret != "must-not-be-sent" {
		t.Error("the caller's value was modified")
	}
}

func TestUpdateIdentityProviderSendsTheWholeObject(t *testing.T) {
	var body string
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || r.URL.Path != "/accounts/"+testAccount+"/access/identity_providers/"+testIdPID {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		writeResult(w, 200, storedIdP(redacted34), nil)
	})
	c, _ := newTestClient(t, api.URL)
	in := storedIdP(redacted34)
	in.Config.Extra = map[string]json.RawMessage{"max_sso_url_length": json.RawMessage(`2048`)}
	in.SCIMConfig.SeatDeprovision = false
	p, err := c.UpdateIdentityProvider(context.Background(), AccountScope(testAccount), testIdPID, in)
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != testIdPID {
		t.Errorf("got %+v", p)
	}
	for _, want := range []string{`"max_sso_url_length":2048`, `"seat_deprovision":false`, `"idp_public_certs":["MIIBszCCAVmgAwIBAgIUabc"]`} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %s: %s", want, body)
		}
	}
	if strings.Contains(body, `"secret"`) {
		t.Errorf("body carries the secret: %s", body)
	}
}

func TestDeleteIdentityProvider(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodDelete || r.URL.Path != "/zones/"+testZone+"/access/identity_providers/"+testIdPID {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		writeResult(w, http.StatusAccepted, map[string]string{"id": testIdPID}, nil)
	})
	c, _ := newTestClient(t, api.URL)
	if err := c.DeleteIdentityProvider(context.Background(), ZoneScope(testZone), testIdPID); err != nil {
		t.Fatal(err)
	}
}

func TestDeleteAcceptsAnEmpty2xx(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c, _ := newTestClient(t, api.URL)
	if err := c.DeleteIdentityProvider(context.Background(), ZoneScope(testZone), testIdPID); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshSCIMSecret(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/accounts/"+testAccount+"/access/identity_providers/"+testIdPID+"/refresh_scim_secret" {
			t.Errorf("%s %s", r.Method, r.URL.Path)
		}
		writeResult(w, 200, storedIdP(testSecret), nil)
	})
	c, _ := newTestClient(t, api.URL)
	p, err := c.RefreshSCIMSecret(context.Background(), AccountScope(testAccount), testIdPID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.SCIMConfig.SecretAvailable() || p.SCIMConfig.Secret != testSecret {
		t.Errorf("got %v", p.SCIMConfig)
	}
}

func TestListSCIMUsersFiltersAndPages(t *testing.T) {
	var queries []string
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/accounts/"+testAccount+"/access/identity_providers/"+testIdPID+"/scim/users" {
			t.Errorf("path %s", r.URL.Path)
		}
		queries = append(queries, r.URL.RawQuery)
		var users []SCIMUser
		switch r.URL.Query().Get("page") {
		case "1":
			for i := range SCIMPerPage {
				users = append(users, SCIMUser{ID: "u" + strconv.Itoa(i)})
			}
		case "2":
			users = []SCIMUser{{ID: "last"}}
		default:
			users = []SCIMUser{}
		}
		writeResult(w, 200, users, &ResultInfo{Count: len(users)})
	})
	c, _ := newTestClient(t, api.URL)
	users, err := c.ListSCIMUsers(context.Background(), testAccount, testIdPID, SCIMUserFilter{
		Username: "jdoe", Email: "j@example.com", Name: "J Doe", IDPResourceIDs: []string{"a", "b"}, CFResourceIDs: []string{"c"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != SCIMPerPage+1 || users[SCIMPerPage].ID != "last" {
		t.Errorf("got %d users", len(users))
	}
	want := "cf_resource_id=c&email=j%40example.com&idp_resource_id=a&idp_resource_id=b&name=J+Doe&page=1&per_page=100&username=jdoe"
	if len(queries) != 3 || queries[0] != want || !strings.Contains(queries[2], "page=3") {
		t.Errorf("queries %q", queries)
	}
}

func TestListSCIMUsersDecodesTheSCIMShape(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") != "1" {
			_, _ = io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":[]}`)
			return
		}
		_, _ = io.WriteString(w, `{"success":true,"errors":[],"messages":[],"result":[{"id":"bd97ef8d","active":true,"displayName":"John Smith",
		"emails":[{"primary":true,"type":"work","value":"john.smith@example.com"}],"externalId":"john_smith",
		"meta":{"created":"2025-01-01T00:00:00Z","lastModified":"2025-01-02T00:00:00Z"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}]}`)
	})
	c, _ := newTestClient(t, api.URL)
	users, err := c.ListSCIMUsers(context.Background(), testAccount, testIdPID, SCIMUserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	u := users[0]
	if u.ID != "bd97ef8d" || !u.Active || u.DisplayName != "John Smith" || u.Emails[0].Value != "john.smith@example.com" ||
		u.ExternalID != "john_smith" || u.Meta.Created == nil || u.Meta.LastModified.Day() != 2 || len(u.Schemas) != 1 {
		t.Errorf("got %+v", u)
	}
}

func TestListSCIMGroups(t *testing.T) {
	var queries []string
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/accounts/"+testAccount+"/access/identity_providers/"+testIdPID+"/scim/groups" {
			t.Errorf("path %s", r.URL.Path)
		}
		queries = append(queries, r.URL.RawQuery)
		if r.URL.Query().Get("page") == "1" {
			writeResult(w, 200, []SCIMGroup{{ID: "g1", DisplayName: "ALL EMPLOYEES", ExternalID: "all"}}, &ResultInfo{Page: 1, TotalPages: 1})
			return
		}
		writeResult(w, 200, []SCIMGroup{}, nil)
	})
	c, _ := newTestClient(t, api.URL)
	groups, err := c.ListSCIMGroups(context.Background(), testAccount, testIdPID, SCIMGroupFilter{Name: "ALL EMPLOYEES", CFResourceIDs: []string{"g1"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].DisplayName != "ALL EMPLOYEES" {
		t.Errorf("got %+v", groups)
	}
	if len(queries) != 1 || queries[0] != "cf_resource_id=g1&name=ALL+EMPLOYEES&page=1&per_page=100" {
		t.Errorf("queries %q", queries)
	}
}

func TestSCIMFilterLimits(t *testing.T) {
	c, _ := newTestClient(t, "http://127.0.0.1:1")
	ids := make([]string, 51)
	if _, err := c.ListSCIMGroups(context.Background(), testAccount, testIdPID, SCIMGroupFilter{IDPResourceIDs: ids}); err == nil {
		t.Error("51 resource IDs accepted")
	}
	if _, err := c.ListSCIMUsers(context.Background(), "", testIdPID, SCIMUserFilter{}); err == nil {
		t.Error("empty account accepted")
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
