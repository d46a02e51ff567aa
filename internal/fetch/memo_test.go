package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestMemoAsksEachURLOnce(t *testing.T) {
	s := newServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, r.URL.Path)
	})
	m := NewMemo(s.fetcher(), 8, 1<<20)
	p := metadataPolicy(true)
	for range 3 {
		for _, path := range []string{"/a", "/b"} {
			got, err := m.Fetch(context.Background(), s.URL+path, p)
			if err != nil || string(got) != path {
				t.Fatalf("%s: %q, %v", path, got, err)
			}
		}
		// An answer that is an error is kept too.
		if _, err := m.Fetch(context.Background(), s.URL+"/missing", p); !errors.Is(err, ErrStatus) {
			t.Fatalf("missing: %v", err)
		}
	}
	if n := s.requests.Load(); n != 3 || m.fetches.Load() != 3 {
		t.Fatalf("%d requests (%d fetches) for 3 distinct URLs asked 3 times each", n, m.fetches.Load())
	}
	// Another policy is another question.
	if _, err := m.Fetch(context.Background(), s.URL+"/a", discoveryLike(true)); err != nil || s.requests.Load() != 4 {
		t.Fatalf("another policy: %v, %d requests", err, s.requests.Load())
	}
}

// Callers that ask at the same time share one request; one that gives up returns at once and does not
// fail the others.
func TestMemoSharesARequestInFlight(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		<-release
		fmt.Fprint(w, "doc")
	})
	const callers = 8
	m := NewMemo(s.fetcher(), 8, 1<<20)
	var waiting sync.WaitGroup
	waiting.Add(callers + 1)
	m.waiting = waiting.Done

	quitter, quit := context.WithCancel(context.Background())
	quitterErr := make(chan error, 1)
	go func() {
		_, err := m.Fetch(quitter, s.URL, metadataPolicy(true))
		quitterErr <- err
	}()
	results := make(chan string, callers)
	for range callers {
		go func() {
			got, err := m.Fetch(context.Background(), s.URL, metadataPolicy(true))
			if err != nil {
				got = []byte(err.Error())
			}
			results <- string(got)
		}()
	}
	waiting.Wait() // every caller waits for the one request
	quit()
	if err := <-quitterErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the caller that gave up: %v", err)
	}
	close(release)
	for range callers {
		if got := <-results; got != "doc" {
			t.Errorf("a caller got %q", got)
		}
	}
	if n := s.requests.Load(); n != 1 {
		t.Fatalf("%d requests for %d callers", n, callers+1)
	}
}

func TestMemoBounds(t *testing.T) {
	s := newServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.URL.Path[1:])
	})
	// Two entries: asking a third URL drops the least recently used.
	m := NewMemo(s.fetcher(), 2, 1<<20)
	p := metadataPolicy(true)
	get := func(path string) {
		t.Helper()
		if _, err := m.Fetch(context.Background(), s.URL+path, p); err != nil {
			t.Fatal(err)
		}
	}
	get("/a")
	get("/b")
	get("/a") // /a is now the most recent
	get("/c") // drops /b
	get("/a")
	if n := s.requests.Load(); n != 3 {
		t.Fatalf("%d requests, want 3 (a, b, c)", n)
	}
	get("/b")
	if n := s.requests.Load(); n != 4 {
		t.Fatalf("%d requests, want /b asked again", n)
	}

	// A body larger than the memo is returned and not kept; a small one is kept.
	long := "/" + strings.Repeat("x", 600)
	small := NewMemo(s.fetcher(), 8, 500)
	for range 2 {
		for _, path := range []string{long, "/short"} {
			got, err := small.Fetch(context.Background(), s.URL+path, p)
			if err != nil || string(got) != path[1:] {
				t.Fatalf("%.20q, %v", got, err)
			}
		}
	}
	if small.fetches.Load() != 3 {
		t.Fatalf("%d fetches, want 3: the long body asked twice, the short one once", small.fetches.Load())
	}
}
