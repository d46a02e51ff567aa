package main

import (
	"slices"
	"testing"
)

// The fixture module testdata/mod holds one exported name of each kind; app.Run, its only user outside
// lib, is itself used by a test only.
func TestCheck(t *testing.T) {
	allow := map[string]string{
		"lib.Kept":    "only tests use it, and the list says why",
		"lib.Allowed": "used by code: the entry is stale",
		"lib.Gone":    "no such name: the entry is stale",
	}
	got, err := check("testdata/mod", []string{"./..."}, allow)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"allowed: lib.Allowed is used by non-test code now: remove it from the list",
		"allowed: lib.Gone is not an exported name of these packages: remove it from the list",
		"app/app.go:7:6: app.Run is exported, and no code but tests uses it",
		"lib/lib.go:13:6: lib.OnlyOtherTests is exported, and no code but tests uses it",
		"lib/lib.go:16:6: lib.Nobody is exported, and no code but tests uses it",
		"lib/lib.go:10:6: lib.OnlyTests is exported, and no code but tests uses it",
		"lib/lib.go:40:10: lib.T.Spare is exported, and no code but tests uses it",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("check found\n%q\nwant\n%q", got, want)
	}
}
