// Package app uses lib.
package app

import "example.com/mod/lib"

// Run uses lib.
func Run() int {
	lib.Used()
	lib.New().Do()
	var b lib.Box[int]
	return b.Get() + lib.Allowed
}
