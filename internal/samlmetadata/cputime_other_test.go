//go:build !unix

package samlmetadata

import (
	"testing"
	"time"
)

// processCPU is unknown here; benchmarks then report no cpu-ns/op.
func processCPU(testing.TB) time.Duration { return 0 }
