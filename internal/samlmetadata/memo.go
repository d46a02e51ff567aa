package samlmetadata

import (
	"container/list"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
)

// Memo remembers what Parse made of a document, for a process that reads the same documents again and
// again: a Terraform provider validates the metadata of a resource, then plans it, in the same process.
// A result is keyed by the SHA-256 of the document and by every option that decides it. Options.Now is
// not part of the key: the memo keeps what parsing decides without the clock, and judges the signer's
// validity with each call's clock, so it answers as Parse would at that moment. Errors are kept too,
// except those of a cancelled parse. Concurrent calls for the same key share one parse.
//
// The memo holds at most maxEntries results of documents of maxBytes in all, and drops the least
// recently used first; a larger document is parsed and not kept. Results are shared between callers,
// who must not change them.
type Memo struct {
	maxEntries int
	maxBytes   int64

	mu    sync.Mutex
	bytes int64
	lru   *list.List // of *memoEntry, most recently used first
	byKey map[memoKey]*list.Element

	parses atomic.Int64
	// parse is parseUntimed; tests replace it to hold a parse in flight.
	parse func(context.Context, []byte, Options) outcome
	// waiting, when set, is called when a call starts to wait for another one's parse (tests).
	waiting func()
}

type memoKey struct {
	document [sha256.Size]byte
	options  string
}

type memoEntry struct {
	key     memoKey
	size    int64
	done    chan struct{} // closed once outcome is set
	outcome outcome
}

// NewMemo returns an empty memo with the given bounds.
func NewMemo(maxEntries int, maxBytes int64) *Memo {
	return &Memo{maxEntries: maxEntries, maxBytes: maxBytes, lru: list.New(), byKey: map[memoKey]*list.Element{}, parse: parseUntimed}
}

// Parses returns how many documents the memo has parsed, as opposed to served from what it kept.
func (m *Memo) Parses() int64 { return m.parses.Load() }

// Parse returns Parse(data, opts), parsing data only if the memo does not hold its result yet.
func (m *Memo) Parse(ctx context.Context, data []byte, opts Options) (*Metadata, error) {
	key := memoKey{document: sha256.Sum256(data), options: optionsKey(opts)}
	for {
		e, owner := m.entry(key, int64(len(data)))
		if owner {
			m.parses.Add(1)
			e.outcome = m.parse(ctx, data, opts)
			close(e.done)
			m.settle(e)
			return e.outcome.result(opts)
		}
		if m.waiting != nil {
			m.waiting()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-e.done:
		}
		// The parse this call waited for was cancelled by its own caller: parse again for this one.
		if isCancellation(e.outcome.err) && ctx.Err() == nil {
			continue
		}
		return e.outcome.result(opts)
	}
}

// entry returns the entry of key, creating it when there is none; owner says that the caller created
// it and must parse.
func (m *Memo) entry(key memoKey, size int64) (e *memoEntry, owner bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.byKey[key]; ok {
		m.lru.MoveToFront(el)
		return el.Value.(*memoEntry), false
	}
	e = &memoEntry{key: key, size: size, done: make(chan struct{})}
	m.byKey[key] = m.lru.PushFront(e)
	m.bytes += size
	return e, true
}

// settle keeps a finished entry within the bounds, or drops it when it must not be kept.
func (m *Memo) settle(e *memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if isCancellation(e.outcome.err) || e.size > m.maxBytes {
		m.remove(e.key)
	}
	for m.lru.Len() > m.maxEntries || m.bytes > m.maxBytes {
		oldest := m.lru.Back()
		if oldest == nil {
			break
		}
		m.remove(oldest.Value.(*memoEntry).key)
	}
}

func (m *Memo) remove(key memoKey) {
	if el, ok := m.byKey[key]; ok {
		m.bytes -= el.Value.(*memoEntry).size
		m.lru.Remove(el)
		delete(m.byKey, key)
	}
}

func isCancellation(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// optionsKey encodes every option that decides Parse's result.
func optionsKey(o Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %q %q %t %t", o.maxBytes(), o.EntityID, o.Binding, o.AllowHTTP, o.AllowSHA1)
	for _, c := range o.TrustedSigners {
		if c == nil { // refused by Parse, which says which one
			b.WriteString(" nil")
			continue
		}
		fmt.Fprintf(&b, " %x", sha256.Sum256(c.Raw))
	}
	return b.String()
}
