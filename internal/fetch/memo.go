package fetch

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/singleflight"
)

// Memo remembers what Fetch returned, so a process asks each distinct URL once: a Terraform provider
// validates and then plans every resource in separate calls, and many resources may name the same URL.
// A result is keyed by the URL and every field of the policy. Errors are kept too (a URL that timed out
// is not waited for again by each resource); the caller's own cancellation is never a result, because
// the shared request runs on a context detached from every caller and bounded by the policy's timeout.
//
// Concurrent calls for the same key share one request (golang.org/x/sync/singleflight); each caller
// still returns as soon as its own context ends. The memo keeps at most maxEntries results of maxBytes
// of bodies in all and drops the least recently used first; a body larger than maxBytes is returned and
// not kept. Bodies are shared between callers, who must not change them.
//
// Nothing expires: a process lives for one Terraform command, and a plan that read a document once
// must plan every resource from that same document.
type Memo struct {
	fetcher    *Fetcher
	maxEntries int
	maxBytes   int64

	group singleflight.Group

	mu    sync.Mutex
	bytes int64
	lru   *list.List // of *memoEntry, most recently used first
	byKey map[string]*list.Element

	fetches atomic.Int64
	// waiting, when set, is called once a call waits for a request in flight, its own or another's
	// (tests use it as a barrier).
	waiting func()
}

type memoEntry struct {
	key  string
	data []byte
	err  error
}

func (e *memoEntry) size() int64 { return int64(len(e.data)) + int64(len(e.key)) }

// NewMemo returns an empty memo that fetches with f (nil: a zero Fetcher).
func NewMemo(f *Fetcher, maxEntries int, maxBytes int64) *Memo {
	if f == nil {
		f = &Fetcher{}
	}
	return &Memo{fetcher: f, maxEntries: maxEntries, maxBytes: maxBytes, lru: list.New(), byKey: map[string]*list.Element{}}
}

// Fetch returns what Fetcher.Fetch(ctx, rawURL, p) returns, asking the server only if the memo holds no
// result for rawURL and p yet.
func (m *Memo) Fetch(ctx context.Context, rawURL string, p Policy) ([]byte, error) {
	key := p.key() + " " + rawURL
	if e, ok := m.lookup(key); ok {
		return e.data, e.err
	}
	ch := m.group.DoChan(key, func() (any, error) {
		// A request that finished between the lookup above and DoChan has stored its result.
		if e, ok := m.lookup(key); ok {
			return e, nil
		}
		m.fetches.Add(1)
		// Detached from the caller: the request is shared, and one caller giving up must not fail the
		// others. The policy's timeout bounds it.
		data, err := m.fetcher.Fetch(context.WithoutCancel(ctx), rawURL, p)
		e := &memoEntry{key: key, data: data, err: err}
		m.store(e)
		return e, nil
	})
	if m.waiting != nil {
		m.waiting()
	}
	select {
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	case r := <-ch:
		e := r.Val.(*memoEntry)
		return e.data, e.err
	}
}

func (m *Memo) lookup(key string) (*memoEntry, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[key]
	if !ok {
		return nil, false
	}
	m.lru.MoveToFront(el)
	return el.Value.(*memoEntry), true
}

// store keeps e within the bounds, dropping the least recently used entries.
func (m *Memo) store(e *memoEntry) {
	if e.size() > m.maxBytes || m.maxEntries <= 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.byKey[e.key]; ok {
		m.remove(old)
	}
	m.byKey[e.key] = m.lru.PushFront(e)
	m.bytes += e.size()
	for m.lru.Len() > m.maxEntries || m.bytes > m.maxBytes {
		m.remove(m.lru.Back())
	}
}

func (m *Memo) remove(el *list.Element) {
	e := el.Value.(*memoEntry)
	m.bytes -= e.size()
	m.lru.Remove(el)
	delete(m.byKey, e.key)
}
