package client

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// walk runs an iterator to its end and returns the IDs it gave, page by page.
func walk(p *Pages[IdentityProvider]) [][]string {
	var pages [][]string
	for p.Next() {
		var ids []string
		for _, idp := range p.Items() {
			ids = append(ids, idp.ID)
		}
		pages = append(pages, ids)
	}
	return pages
}

// A list is complete when one answer held all of it: only then does it show one moment of the scope.
func TestIdentityProviderPagesSaysWhetherTheListIsComplete(t *testing.T) {
	for _, tc := range []struct {
		name          string
		n, perPage    int
		totalPages    bool
		wantPages     []int
		wantItems     int
		wantComplete  bool
		wantLastItems string
	}{
		{"one page with total_pages", 3, 10, true, []int{1}, 3, true, "idp-0,idp-1,idp-2"},
		{"an empty scope", 0, 10, true, []int{1}, 0, true, ""},
		{"an empty scope without total_pages", 0, 10, false, []int{1}, 0, true, ""},
		{"several pages", 7, 3, true, []int{1, 2, 3}, 7, false, "idp-6"},
		// Without total_pages only an empty page ends the list, so a short first page is not the end.
		{"one page without total_pages", 3, 10, false, []int{1, 2}, 3, false, "idp-0,idp-1,idp-2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api, asked := pagedAPI(t, tc.n, tc.totalPages)
			c, _ := newTestClient(t, api.URL)
			p := c.IdentityProviderPages(context.Background(), AccountScope(testAccount), ListOptions{PerPage: tc.perPage})
			got := walk(p)
			if err := p.Err(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(*asked, tc.wantPages) {
				t.Errorf("pages asked %v, want %v", *asked, tc.wantPages)
			}
			var n int
			last := ""
			for _, ids := range got {
				n += len(ids)
				last = strings.Join(ids, ",")
			}
			if n != tc.wantItems || last != tc.wantLastItems {
				t.Errorf("got pages %v, want %d items ending with %q", got, tc.wantItems, tc.wantLastItems)
			}
			if p.Complete() != tc.wantComplete {
				t.Errorf("Complete() = %t, want %t", p.Complete(), tc.wantComplete)
			}
		})
	}
}

// A walk that fails is never complete, and its error says which page failed.
func TestIdentityProviderPagesFailingPageIsNotComplete(t *testing.T) {
	api, _ := pagedAPI(t, 7, true)
	c, _ := newTestClient(t, api.URL)
	p := c.IdentityProviderPages(context.Background(), AccountScope(testAccount), ListOptions{PerPage: 3})
	if !p.Next() || len(p.Items()) != 3 {
		t.Fatalf("first page: %v", p.Err())
	}
	api.Close() // the second page cannot be fetched
	if p.Next() {
		t.Fatal("Next after the server went away returned true")
	}
	if err := p.Err(); err == nil || !strings.HasPrefix(err.Error(), "page 2: ") {
		t.Errorf("Err() = %v, want the error of page 2", err)
	}
	if p.Complete() || p.Items() != nil {
		t.Errorf("a failed walk says Complete() = %t with items %v", p.Complete(), p.Items())
	}
}

func TestCheckCredentialsNamesTheRuleBroken(t *testing.T) {
	for _, tc := range []struct {
		token, key, email string
		want              error
	}{
		{"tok", "", "", nil},
		{"", "key", "a@example.com", nil},
		{"", "", "", ErrNoCredentials},
		{"", "", "a@example.com", ErrNoCredentials},
		{"tok", "key", "", ErrConflictingCredentials},
		{"tok", "", "a@example.com", ErrConflictingCredentials},
		{"", "key", "", ErrMissingEmail},
		{"tok\n", "", "", ErrInvalidCredentials},
	} {
		if err := CheckCredentials(tc.token, tc.key, tc.email); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("CheckCredentials(%q, %q, %q) = %v, want %v", tc.token, tc.key, tc.email, err, tc.want)
		}
	}
}

func TestCheckBaseURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"":                                 true,
		DefaultBaseURL:                     true,
		"http://127.0.0.1:8080/client/v4/": true,
		"api.cloudflare.com/client/v4":     false,
		"ftp://example.com":                false,
		"https://user:pw@example.com/v4":   false,
		"https://example.com/v4?x=1":       false,
		"https://example.com/v4#frag":      false,
		"https://exa mple.com/%zz":         false,
	} {
		err := CheckBaseURL(raw)
		if (err == nil) != ok || (err != nil && !errors.Is(err, ErrInvalidBaseURL)) {
			t.Errorf("CheckBaseURL(%q) = %v, want ok=%t", raw, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("CheckBaseURL(%q) = %v: the error shows the password", raw, err)
		}
	}
}
