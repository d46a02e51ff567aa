package oidcdiscovery

import (
	"strings"
	"testing"
)

// BenchmarkParse: a real-sized document, and the most expensive one the limits let through (at the byte
// cap, as many small objects as fit, each walked and decoded).
func BenchmarkParse(b *testing.B) {
	var many strings.Builder
	many.WriteString(jumpCloudDoc[:len(jumpCloudDoc)-2] + `,"x":[`)
	for many.Len() < DefaultMaxBytes-64 {
		many.WriteString(`{"a":1,"b":[2]},`)
	}
	many.WriteString(`{}]}`)
	for _, tc := range []struct{ name, doc string }{{"jumpcloud", jumpCloudDoc}, {"at-limits", many.String()}} {
		b.Run(tc.name, func(b *testing.B) {
			if _, err := Parse(jumpCloud, []byte(tc.doc), Options{}); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(tc.doc)))
			b.ReportAllocs()
			for b.Loop() {
				_, _ = Parse(jumpCloud, []byte(tc.doc), Options{})
			}
		})
	}
}
