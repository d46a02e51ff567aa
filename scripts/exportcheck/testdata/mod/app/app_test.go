package app_test

import (
	"testing"

	"example.com/mod/app"
	"example.com/mod/lib"
)

func TestApp(t *testing.T) { lib.OnlyOtherTests(); app.Run() }
