package samlmetadata

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestLimits puts each document limit on its edge: a document exactly at the limit passes the checks,
// one step over is refused as too large with the limit's own error, before anything else looks at it.
func TestLimits(t *testing.T) {
	elements := func(n int) string { return "<r>" + strings.Repeat("<b/>", n-1) + "</r>" }
	attrs := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, ` a%d=""`, i)
		}
		return b.String()
	}
	decls := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, ` xmlns:p%d="urn:p%d"`, i, i)
		}
		return b.String()
	}
	// attributesTotal spreads n attributes over elements of MaxAttributes each.
	attributesTotal := func(n int) string {
		full := "<b" + attrs(MaxAttributes) + "/>"
		return "<r>" + strings.Repeat(full, n/MaxAttributes) + "<b" + attrs(n%MaxAttributes) + "/></r>"
	}
	// scope gives each of n children the 16 bindings of the root.
	scope := func(n int) string { return "<r" + decls(16) + ">" + strings.Repeat("<b/>", n) + "</r>" }
	// expansion makes n children write out the root's 1013-byte URI again: 1024 bytes each.
	expansion := func(n int) string {
		return `<r xmlns:p="` + strings.Repeat("u", 1013) + `">` + strings.Repeat("<p:a/>", n) + "</r>"
	}
	cases := []struct {
		limit     string
		at, over  string
		want      error
		overCount int
	}{
		{"MaxElements", elements(MaxElements), elements(MaxElements + 1), ErrTooManyElements, MaxElements + 1},
		{"MaxDocumentAttributes", attributesTotal(MaxDocumentAttributes), attributesTotal(MaxDocumentAttributes) + "", ErrTooManyAttributes, 0},
		{"MaxAttributes", "<r" + attrs(MaxAttributes) + "/>", "<r" + attrs(MaxAttributes+1) + "/>", ErrTooManyAttributes, MaxAttributes + 1},
		{"MaxNamespaces", "<r" + decls(MaxNamespaces) + "/>", "<r" + decls(MaxNamespaces+1) + "/>", ErrTooManyNamespaces, 0},
		{"MaxNamespaces repeated", "<r" + decls(MaxNamespaces) + ">" + strings.Repeat("<b"+decls(MaxNamespaces)+"/>", 20) + "</r>", "", nil, 0},
		{"MaxNamespaceScope", scope(MaxNamespaceScope/16 - 1), scope(MaxNamespaceScope / 16), ErrTooManyNamespaces, 0},
		{"MaxNamespaceExpansion", expansion(MaxNamespaceExpansion / 1024), expansion(MaxNamespaceExpansion/1024 + 1), ErrTooManyNamespaces, 0},
	}
	cases[1].over = strings.Replace(cases[1].at, "<r>", "<r>=", 1) // one more '=', in text
	for _, tc := range cases {
		if _, err := readDocument(context.Background(), []byte(tc.at)); err != nil {
			t.Errorf("%s: at the limit: %v", tc.limit, err)
		}
		if tc.over == "" {
			continue
		}
		_, err := readDocument(context.Background(), []byte(tc.over))
		if !errors.Is(err, tc.want) || kindOf(err) != ErrTooLarge {
			t.Errorf("%s: over the limit: %v, want %v (kind %v)", tc.limit, err, tc.want, ErrTooLarge)
		}
		if tc.overCount > 0 && !strings.Contains(fmt.Sprint(err), fmt.Sprint(tc.overCount)) {
			t.Errorf("%s: the error does not say how many: %v", tc.limit, err)
		}
	}
}

// TestLimitsHoldTheRealCorpus: every real file, as it is and repeated up to the byte cap the way a
// federation aggregate repeats entities, stays within the limits. The repetition shows the margin
// the limits leave over real metadata.
func TestLimitsHoldTheRealCorpus(t *testing.T) {
	for _, f := range corpusFiles(t, "real") {
		if _, err := readDocument(context.Background(), readCorpus(t, f)); errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v", f, err)
		}
	}
	agg := aggregateOf(t, "real/funet-entities.xml", DefaultMaxBytes)
	if _, err := readDocument(context.Background(), agg); err != nil {
		t.Errorf("a %d-byte aggregate of Funet entities: %v", len(agg), err)
	}
}

// aggregateOf repeats the entities of an EntitiesDescriptor file, with distinct entityIDs, up to size bytes.
func aggregateOf(t testing.TB, file string, size int) []byte {
	d := string(readCorpus(t, file))
	open := strings.Index(d, "<EntityDescriptor")
	end := strings.LastIndex(d, "</EntitiesDescriptor>")
	if open < 0 || end < open {
		t.Fatalf("%s is not an aggregate of unprefixed EntityDescriptors", file)
	}
	head, body, tail := d[:open], d[open:end], d[end:]
	var b strings.Builder
	b.WriteString(head)
	for n := 0; b.Len()+len(body)+len(tail)+16 <= size; n++ {
		b.WriteString(strings.ReplaceAll(body, `entityID="https://`, fmt.Sprintf(`entityID="https://%d.`, n)))
	}
	b.WriteString(tail)
	return []byte(b.String())
}

// Issue #22, item 2: one IdP descriptor lists at most MaxCertificates signing certificates, repeats
// included, and a bundle holds at most as many; more is refused before the rest are read.
func TestLimitsCertificates(t *testing.T) {
	certs := smallCertificates(t)
	descriptor := func(n int, repeat bool) []byte {
		if repeat {
			return idpWithCertificates(func(uint64) []byte { return certs(0) }, n, 0)
		}
		return idpWithCertificates(certs, n, 0)
	}
	md, err := Parse(descriptor(MaxCertificates, false), Options{})
	if err != nil || len(md.Certificates) != MaxCertificates {
		t.Fatalf("at the limit: %v", err)
	}
	for i, c := range md.Certificates { // in document order
		if !bytes.Equal(c.DER, certs(uint64(i))) {
			t.Fatalf("certificate %d is not the %dth of the document", i, i)
		}
	}
	if md, err := Parse(descriptor(MaxCertificates, true), Options{}); err != nil || len(md.Certificates) != 1 {
		t.Errorf("one certificate %d times: %v", MaxCertificates, err)
	}
	for _, repeat := range []bool{false, true} {
		_, err := Parse(descriptor(MaxCertificates+1, repeat), Options{})
		if !errors.Is(err, ErrTooManyCertificates) || !errors.Is(kindOf(err), ErrTooLarge) || !strings.Contains(err.Error(), fmt.Sprint(MaxCertificates)) {
			t.Errorf("over the limit (repeats %v): %v", repeat, err)
		}
	}

	bundle := func(n int) string { return certificateBundle(certs, n, 0) }
	if got, err := ParseCertificates(bundle(MaxCertificates)); err != nil || len(got) != MaxCertificates {
		t.Errorf("a bundle at the limit: %d certificates, %v", len(got), err)
	}
	if _, err := ParseCertificates(bundle(MaxCertificates + 1)); !errors.Is(err, ErrBadCertificate) || !strings.Contains(err.Error(), fmt.Sprint(MaxCertificates)) {
		t.Errorf("a bundle over the limit: %v", err)
	}
}
