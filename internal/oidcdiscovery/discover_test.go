package oidcdiscovery_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery/oidctest"
)

// Every behavior of the test server, fetched and, where there is a document, given inline: the good
// ones parse, each bad one is refused with its sentinel.
func TestDiscoverEachBehavior(t *testing.T) {
	plain, tls := oidctest.NewServer(t), oidctest.NewTLSServer(t)
	for _, tc := range []struct {
		b      oidctest.Behavior
		tls    bool // served over https and fetched without allow_http
		want   error
		inline error // Parse of the inline document, when it differs from want
	}{
		{b: oidctest.Good},
		{b: oidctest.Good, tls: true},
		{b: oidctest.NoPKCE},
		{b: oidctest.Moved},
		{b: oidctest.WrongIssuer, want: oidcdiscovery.ErrIssuerMismatch},
		{b: oidctest.HTTPEndpoint, tls: true, want: oidcdiscovery.ErrEndpointURL},
		{b: oidctest.MissingMember, want: oidcdiscovery.ErrMissingMember},
		{b: oidctest.HTMLPage, want: oidcdiscovery.ErrHTML},
		{b: oidctest.DuplicateMember, want: oidcdiscovery.ErrDuplicateMember},
		{b: oidctest.Oversize, want: fetch.ErrTooLarge, inline: oidcdiscovery.ErrTooLarge},
		{b: oidctest.RedirectOtherOrigin, want: fetch.ErrRedirect},
		{b: oidctest.RedirectToHTTP, tls: true, want: fetch.ErrRedirect},
		{b: oidctest.Slow, want: fetch.ErrTimeout},
	} {
		s, opts := plain, oidcdiscovery.Options{AllowHTTP: true}
		if tc.tls {
			s, opts = tls, oidcdiscovery.Options{}
		}
		if tc.b == oidctest.Slow {
			opts.Timeout = 50 * time.Millisecond // the server never answers: what is tested is that the fetch gives up
		}
		name := string(tc.b)
		issuer := s.Issuer(tc.b)
		d, err := oidcdiscovery.Discover(context.Background(), &fetch.Fetcher{Transport: s.Transport()}, issuer, opts)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if d.Issuer != issuer || d.AuthorizationEndpoint != issuer+"/authorize" || d.TokenEndpoint != issuer+"/token" ||
				d.JWKSURI != issuer+"/jwks" || d.SupportsS256() != (tc.b != oidctest.NoPKCE) {
				t.Errorf("%s: %+v", name, d)
			}
		} else if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
		if doc := s.Document(tc.b); doc != nil {
			want := tc.want
			if tc.inline != nil {
				want = tc.inline
			}
			if _, err := oidcdiscovery.Parse(issuer, doc, opts); !errors.Is(err, want) && (want != nil || err != nil) {
				t.Errorf("%s inline: %v, want %v", name, err, want)
			}
		}
	}
	if _, err := oidcdiscovery.Discover(context.Background(), &fetch.Fetcher{}, tls.Issuer(oidctest.Good)+"?x=1", oidcdiscovery.Options{}); !errors.Is(err, oidcdiscovery.ErrIssuer) {
		t.Errorf("an issuer with a query is refused before any request: %v", err)
	}
}

// The wrong-issuer refusal shows both strings, as §4.3 asks a person to compare them.
func TestDiscoverWrongIssuerSaysBoth(t *testing.T) {
	s := oidctest.NewServer(t)
	issuer := s.Issuer(oidctest.WrongIssuer)
	_, err := oidcdiscovery.Discover(context.Background(), &fetch.Fetcher{}, issuer, oidcdiscovery.Options{AllowHTTP: true})
	if err == nil || !strings.Contains(err.Error(), `"`+issuer+`"`) || !strings.Contains(err.Error(), `"`+issuer+`/"`) {
		t.Fatalf("%v", err)
	}
}

// Through a memo, a process asks each issuer once, however many login methods name it.
func TestDiscoverThroughAMemoAsksOnce(t *testing.T) {
	s := oidctest.NewServer(t)
	m := fetch.NewMemo(&fetch.Fetcher{}, 16, 1<<20)
	opts := oidcdiscovery.Options{AllowHTTP: true}
	for range 5 {
		for _, b := range []oidctest.Behavior{oidctest.Good, oidctest.WrongIssuer} {
			_, _ = oidcdiscovery.Discover(context.Background(), m, s.Issuer(b), opts)
		}
	}
	if s.Provider.Requests(oidctest.Good) != 1 || s.Provider.Requests(oidctest.WrongIssuer) != 1 {
		t.Fatalf("requests: good %d, wrong issuer %d", s.Provider.Requests(oidctest.Good), s.Provider.Requests(oidctest.WrongIssuer))
	}
}
