package lib

import "testing"

func TestLib(t *testing.T) { OnlyTests(); _ = Kept }
