package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// metadataPolicy is the provider's policy for metadata_url, whose texts the tests pin.
func metadataPolicy(allowHTTP bool) Policy {
	return Policy{Attribute: "metadata_url", Document: "metadata", Accept: "application/samlmetadata+xml",
		AllowHTTP: allowHTTP, HTTPRisk: "anyone on the path could swap the IdP's certificate", MaxBytes: 1 << 10}
}

// discoveryLike is a policy that keeps redirects on the origin.
func discoveryLike(allowHTTP bool) Policy {
	p := metadataPolicy(allowHTTP)
	p.Attribute, p.Document, p.SameOrigin = "issuer", "discovery document", true
	return p
}

// server answers every path with handler and counts the requests.
type server struct {
	*httptest.Server
	requests atomic.Int64
}

func newServer(t *testing.T, tls bool, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		h(w, r)
	})
	if tls {
		s.Server = httptest.NewTLSServer(counted)
	} else {
		s.Server = httptest.NewServer(counted)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *server) fetcher() *Fetcher { return &Fetcher{Transport: s.Client().Transport} }

func wantKind(t *testing.T, err, kind error, text ...string) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want one that matches %v", err, kind)
	}
	for _, s := range text {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
}

func TestFetchReturnsTheBodyOfA200(t *testing.T) {
	var accept atomic.Value
	s := newServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		accept.Store(r.Header.Get("Accept"))
		fmt.Fprint(w, "<EntityDescriptor/>")
	})
	got, err := s.fetcher().Fetch(context.Background(), s.URL+"/md", metadataPolicy(true))
	if err != nil || string(got) != "<EntityDescriptor/>" {
		t.Fatalf("Fetch = %q, %v", got, err)
	}
	if accept.Load() != "application/samlmetadata+xml" {
		t.Errorf("Accept = %v", accept.Load())
	}
}

// The URL checks keep the texts metadata_url has always had.
func TestCheckURLRefusals(t *testing.T) {
	p := metadataPolicy(false)
	for _, tc := range []struct{ url, want string }{
		{"http://idp.example.com/md", `metadata_url "http://idp.example.com/md" uses plain http, so anyone on the path could swap the IdP's certificate; use https, or set allow_http = true for a development IdP`},
		{"ftp://idp.example.com/md", `metadata_url "ftp://idp.example.com/md" must use https`},
		{"/relative", `metadata_url "/relative" must be an absolute URL without credentials`},
		{"https://user:pw@idp.example.com/md", `must be an absolute URL without credentials`},
		{"https://idp.example.com/%zz", `must be an absolute URL without credentials`},
	} {
		_, err := (&Fetcher{}).Fetch(context.Background(), tc.url, p)
		wantKind(t, err, ErrURL, tc.want)
	}
	if err := metadataPolicy(true).CheckURL("http://idp.example.com/md"); err != nil {
		t.Errorf("allow_http: %v", err)
	}
}

func TestFetchRefusesBadAnswers(t *testing.T) {
	big := strings.Repeat("x", 1<<10+1)
	s := newServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/missing":
			http.NotFound(w, r)
		case "/big":
			fmt.Fprint(w, big)
		case "/exact":
			fmt.Fprint(w, big[:1<<10])
		}
	})
	f, p := s.fetcher(), metadataPolicy(true)
	_, err := f.Fetch(context.Background(), s.URL+"/missing", p)
	wantKind(t, err, ErrStatus, "answered 404 Not Found; the IdP must serve its metadata at this URL with 200 OK")
	_, err = f.Fetch(context.Background(), s.URL+"/big", p)
	wantKind(t, err, ErrTooLarge, "more than 1024 bytes", "metadata_url")
	if got, err := f.Fetch(context.Background(), s.URL+"/exact", p); err != nil || len(got) != 1<<10 {
		t.Errorf("a body at the cap: %d bytes, %v", len(got), err)
	}
	closed := newServer(t, false, func(http.ResponseWriter, *http.Request) {})
	addr := closed.URL
	closed.Close()
	_, err = f.Fetch(context.Background(), addr, p)
	wantKind(t, err, ErrUnreachable, "Check the URL and that this machine can reach the IdP")
}

// stalling is a server that sends start (nothing when empty) and then nothing more until the client
// gives up or the test ends.
func stalling(t *testing.T, start string) *server {
	release := make(chan struct{})
	s := newServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		if start != "" {
			fmt.Fprint(w, start)
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	return s
}

// A server that never answers costs the policy's timeout and no more; the caller's own cancellation is
// its context's error, not a timeout.
func TestFetchTimesOut(t *testing.T) {
	s := stalling(t, "")
	p := metadataPolicy(true)
	p.Timeout = 20 * time.Millisecond
	_, err := s.fetcher().Fetch(context.Background(), s.URL, p)
	wantKind(t, err, ErrTimeout, "did not answer within 20ms")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = s.fetcher().Fetch(ctx, s.URL, metadataPolicy(true))
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("cancelled fetch: %v", err)
	}
}

// A body that starts and then stalls is bounded by the same timeout.
func TestFetchTimesOutInTheBody(t *testing.T) {
	s := stalling(t, "<Entity")
	p := metadataPolicy(true)
	p.Timeout = 20 * time.Millisecond
	_, err := s.fetcher().Fetch(context.Background(), s.URL, p)
	wantKind(t, err, ErrTimeout)
}

func TestRedirects(t *testing.T) {
	var target atomic.Value
	s := newServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/away":
			http.Redirect(w, r, target.Load().(string), http.StatusFound)
		case "/here":
			http.Redirect(w, r, "/doc", http.StatusMovedPermanently)
		default:
			fmt.Fprint(w, "doc")
		}
	})
	f := s.fetcher()
	_, err := f.Fetch(context.Background(), s.URL+"/loop", metadataPolicy(true))
	wantKind(t, err, ErrRedirect, "redirected more than 5 times", "set metadata_url to the URL the redirects end at")

	// Another origin: the same server by another name.
	other := strings.Replace(s.URL, "127.0.0.1", "localhost", 1) + "/doc"
	target.Store(other)
	if got, err := f.Fetch(context.Background(), s.URL+"/away", metadataPolicy(true)); err != nil || string(got) != "doc" {
		t.Fatalf("metadata_url follows a redirect to another origin, as it always has: %q, %v", got, err)
	}
	_, err = f.Fetch(context.Background(), s.URL+"/away", discoveryLike(true))
	wantKind(t, err, ErrRedirect, "another origin ("+other+")", "issuer")
	if got, err := f.Fetch(context.Background(), s.URL+"/here", discoveryLike(true)); err != nil || string(got) != "doc" {
		t.Fatalf("a redirect on the origin: %q, %v", got, err)
	}

	// Without allow_http a redirect to http is refused with the URL check's words.
	target.Store("http://idp.example.com/md")
	tlsServer := newServer(t, true, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.Load().(string), http.StatusFound)
	})
	_, err = tlsServer.fetcher().Fetch(context.Background(), tlsServer.URL, metadataPolicy(false))
	wantKind(t, err, ErrURL, `metadata_url "http://idp.example.com/md" uses plain http`)
	// With SameOrigin, https to http is refused even with allow_http, and said so.
	target.Store(strings.Replace(tlsServer.URL, "https://", "http://", 1) + "/doc")
	_, err = tlsServer.fetcher().Fetch(context.Background(), tlsServer.URL, discoveryLike(true))
	wantKind(t, err, ErrRedirect, "from https to plain http")
}

func TestErrorMatchesItsKindAndCause(t *testing.T) {
	cause := errors.New("boom")
	err := error(&Error{Kind: ErrUnreachable, msg: "m", cause: cause})
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, cause) || errors.Is(err, ErrTimeout) {
		t.Fatal("errors.Is does not follow Kind and cause")
	}
}
