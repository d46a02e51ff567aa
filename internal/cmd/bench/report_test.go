package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Each mode rewrites its own section of BENCHMARKS.md and keeps everything else: the other mode's
// section and the notes written by hand.
func TestWriteSectionKeepsTheRest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	bench := func(body string) string { return benchSectionBegin + "\n" + body + "\n" + benchSectionEnd + "\n" }
	query := func(body string) string { return querySectionBegin + "\n" + body + "\n" + querySectionEnd + "\n" }
	steps := []struct {
		begin, end, section, want string
	}{
		{benchSectionBegin, benchSectionEnd, bench("run 1"), bench("run 1")},
		{querySectionBegin, querySectionEnd, query("query 1"), bench("run 1") + "\n" + query("query 1")},
		{benchSectionBegin, benchSectionEnd, bench("run 2"), bench("run 2") + "\n" + query("query 1")},
	}
	for i, s := range steps {
		if err := writeSection(path, s.begin, s.end, s.section); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != s.want {
			t.Fatalf("step %d:\n%s\nwant\n%s", i, got, s.want)
		}
	}
	// Notes written by hand between the sections survive a rewrite of either.
	notes := bench("run 2") + "\n## Reading these numbers\n\nby hand\n\n" + query("query 1")
	if err := os.WriteFile(path, []byte(notes), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writeSection(path, benchSectionBegin, benchSectionEnd, bench("run 3")); err != nil {
		t.Fatal(err)
	}
	if err := writeSection(path, querySectionBegin, querySectionEnd, query("query 2")); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if want := bench("run 3") + "\n## Reading these numbers\n\nby hand\n\n" + query("query 2"); string(got) != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
