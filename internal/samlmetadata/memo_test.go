package samlmetadata

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// countingMemo is a memo whose parses are counted by document, and which can hold a parse in flight.
type countingMemo struct {
	*Memo
	mu     sync.Mutex
	byDoc  map[string]int
	hold   chan struct{} // when set, a parse waits for it to close
	inside chan struct{} // when set, a parse says it has started
}

func newCountingMemo(maxEntries int, maxBytes int64) *countingMemo {
	c := &countingMemo{Memo: NewMemo(maxEntries, maxBytes), byDoc: map[string]int{}}
	c.parse = func(ctx context.Context, data []byte, opts Options) outcome {
		c.mu.Lock()
		c.byDoc[string(data)]++
		hold, inside := c.hold, c.inside
		c.mu.Unlock()
		if inside != nil {
			inside <- struct{}{}
		}
		if hold != nil {
			select {
			case <-hold:
			case <-ctx.Done():
				return outcome{err: ctx.Err()}
			}
		}
		return parseUntimed(ctx, data, opts)
	}
	return c
}

func (c *countingMemo) parsesOf(doc []byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byDoc[string(doc)]
}

func TestMemoParsesEachDocumentOnce(t *testing.T) {
	jc := readCorpus(t, "real/jumpcloud-samlify.xml")
	okta := readCorpus(t, "real/okta-crewjam.xml")
	m := newCountingMemo(16, 1<<20)
	ctx := context.Background()
	for range 3 {
		md, err := m.Parse(ctx, jc, Options{})
		if err != nil || md.EntityID != "samlify" {
			t.Fatalf("JumpCloud: %v %+v", err, md)
		}
		md, err = m.Parse(ctx, okta, Options{})
		if err != nil || len(md.Certificates) != 1 {
			t.Fatalf("Okta: %v %+v", err, md)
		}
	}
	// The same bytes in another slice are the same document.
	if _, err := m.Parse(ctx, append([]byte(nil), jc...), Options{}); err != nil {
		t.Fatal(err)
	}
	if m.parsesOf(jc) != 1 || m.parsesOf(okta) != 1 || m.Parses() != 2 {
		t.Errorf("parses: JumpCloud %d, Okta %d, in all %d; want 1, 1, 2", m.parsesOf(jc), m.parsesOf(okta), m.Parses())
	}
}

// Every option that changes the result is part of the key; the results differ as Parse's do.
func TestMemoKeysByOptions(t *testing.T) {
	jc := readCorpus(t, "real/jumpcloud-samlify.xml")
	signer := &x509.Certificate{Raw: []byte("a pinned signer")}
	m := newCountingMemo(16, 1<<20)
	ctx := context.Background()
	variants := []Options{
		{},
		{Binding: BindingHTTPPOST},
		{EntityID: "samlify"},
		{AllowHTTP: true},
		{AllowSHA1: true},
		{MaxBytes: 100},
		{TrustedSigners: []*x509.Certificate{signer}},
	}
	for _, opts := range variants {
		_, want := Parse(jc, opts)
		for range 2 {
			md, err := m.Parse(ctx, jc, opts)
			if fmt.Sprint(err) != fmt.Sprint(want) {
				t.Errorf("%+v: memo gave %v, Parse gives %v", opts, err, want)
			}
			if opts.Binding == BindingHTTPPOST && (err != nil || md.SSOBinding != BindingHTTPPOST) {
				t.Errorf("HTTP-POST chosen, got %v %+v", err, md)
			}
		}
	}
	if got := m.Parses(); got != int64(len(variants)) {
		t.Errorf("%d parses for %d option sets", got, len(variants))
	}
}

// Refusals are kept like results: a broken document is not parsed again.
func TestMemoKeepsErrors(t *testing.T) {
	m := newCountingMemo(16, 1<<20)
	doc := []byte(`<!DOCTYPE x><x/>`)
	for range 3 {
		if _, err := m.Parse(context.Background(), doc, Options{}); !errors.Is(err, ErrDTD) {
			t.Fatalf("err = %v, want ErrDTD", err)
		}
	}
	if m.Parses() != 1 {
		t.Errorf("%d parses of one broken document", m.Parses())
	}
}

func TestMemoStaysWithinItsBounds(t *testing.T) {
	jc := readCorpus(t, "real/jumpcloud-samlify.xml")
	okta := readCorpus(t, "real/okta-crewjam.xml")
	ctx := context.Background()

	// Two entries at most: a third document drops the least recently used one.
	m := newCountingMemo(2, 1<<20)
	for _, doc := range [][]byte{jc, okta, jc, []byte("<a/>"), jc, okta} {
		_, _ = m.Parse(ctx, doc, Options{})
	}
	if m.parsesOf(jc) != 1 || m.parsesOf(okta) != 2 {
		t.Errorf("with room for 2: JumpCloud parsed %d times, Okta %d; want 1 and 2", m.parsesOf(jc), m.parsesOf(okta))
	}
	if n, b := m.lru.Len(), m.bytes; n != 2 || b != int64(len(jc)+len(okta)) {
		t.Errorf("holds %d entries of %d bytes", n, b)
	}

	// A byte budget smaller than a document keeps nothing.
	small := newCountingMemo(16, int64(len(jc)-1))
	for range 2 {
		if _, err := small.Parse(ctx, jc, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if small.parsesOf(jc) != 2 || small.lru.Len() != 0 || small.bytes != 0 {
		t.Errorf("a document over the budget: %d parses, %d entries, %d bytes kept", small.parsesOf(jc), small.lru.Len(), small.bytes)
	}
}

// Callers of a document being parsed wait for that parse; one caller giving up fails only itself, and
// a parse its own caller cancelled is done again for the others.
func TestMemoSharesAParseInFlight(t *testing.T) {
	jc := readCorpus(t, "real/jumpcloud-samlify.xml")
	m := newCountingMemo(16, 1<<20)
	hold := make(chan struct{})
	inside := make(chan struct{}, 2)
	waiting := make(chan struct{}, 2)
	m.hold, m.inside = hold, inside
	m.waiting = func() { waiting <- struct{}{} }

	first, cancelFirst := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := m.Parse(first, jc, Options{})
		firstErr <- err
	}()
	<-inside // the first caller's parse is in flight

	second := make(chan error, 1)
	go func() {
		md, err := m.Parse(context.Background(), jc, Options{})
		if err == nil && md.EntityID != "samlify" {
			err = fmt.Errorf("entityID %q", md.EntityID)
		}
		second <- err
	}()
	<-waiting // the second caller waits for the first one's parse
	// A third caller that gives up at once fails alone.
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := m.Parse(gone, jc, Options{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled caller got %v", err)
	}
	<-waiting

	cancelFirst()
	if err := <-firstErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled first caller got %v", err)
	}
	<-inside // the second caller parses again, since the parse it waited for was cancelled
	close(hold)
	if err := <-second; err != nil {
		t.Fatalf("the second caller failed: %v", err)
	}
	if got := m.parsesOf(jc); got != 2 {
		t.Errorf("%d parses, want 2 (the cancelled one and the one the second caller needed)", got)
	}
	if _, err := m.Parse(context.Background(), jc, Options{}); err != nil || m.parsesOf(jc) != 2 {
		t.Errorf("after both: %v, %d parses", err, m.parsesOf(jc))
	}
}

// Issue #22, item 3: the memo answers as Parse would at the moment of each call. A signer that has
// expired since the document was kept, or that was not yet valid then, is judged with the caller's
// clock; the document is still parsed once.
func TestMemoJudgesTheSignerByTheClock(t *testing.T) {
	signer, during := signerAt(t, "real/signers/azuread-tenant-signed-bom.signer.pem")
	data := readCorpus(t, "real/azuread-tenant-signed-bom.xml")
	after := func() time.Time { return signer.NotAfter.Add(time.Hour) }
	before := func() time.Time { return signer.NotBefore.Add(-time.Hour) }
	m := newCountingMemo(16, 1<<20)
	for i, clock := range []func() time.Time{during, after, during, before, during} {
		opts := Options{TrustedSigners: []*x509.Certificate{signer}, Now: clock}
		md, err := m.Parse(context.Background(), data, opts)
		wantMD, wantErr := Parse(data, opts)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || (md == nil) != (wantMD == nil) {
			t.Errorf("call %d: memo gave %v, Parse gives %v", i, err, wantErr)
		}
		if valid := clock().Equal(during()); valid != (err == nil) || valid && !md.Signed || !valid && !errors.Is(err, ErrSignerExpired) {
			t.Errorf("call %d at %v: %v", i, clock(), err)
		}
	}
	if m.Parses() != 1 {
		t.Errorf("%d parses of one document", m.Parses())
	}
}

// Issue #22, item 3: a nil trusted signer is an error from the memo, as from Parse, not a panic.
func TestMemoNilSigner(t *testing.T) {
	data := readCorpus(t, "real/azuread-tenant-signed-bom.xml")
	opts := Options{TrustedSigners: []*x509.Certificate{nil}}
	_, want := Parse(data, opts)
	_, err := NewMemo(4, 1<<20).Parse(context.Background(), data, opts)
	if !errors.Is(err, ErrSignerUntrusted) || err.Error() != want.Error() {
		t.Errorf("memo: %v; Parse: %v", err, want)
	}
}
