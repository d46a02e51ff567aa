// Package lib declares the exported names the test sorts out.
package lib

import "fmt"

// Used is called by app.
func Used() {}

// OnlyTests is called by lib's tests only.
func OnlyTests() {}

// OnlyOtherTests is called by app's tests only.
func OnlyOtherTests() {}

// Nobody is called by nothing at all.
func Nobody() {}

// Inside is called by Used's package only, by code.
func Inside() int { return Limit }

// Limit is used by Inside.
const Limit = 3

// Kept is only for tests, and allowed.
var Kept = 1

// Allowed is used by app, and allowed all the same.
var Allowed = 2

// T is used through its methods only.
type T struct{}

// New returns a T.
func New() T { return T{} }

// Do is called by app.
func (T) Do() {}

// Spare is called by nothing.
func (T) Spare() {}

// String implements fmt.Stringer: an interface names it, so it counts as used.
func (T) String() string { return fmt.Sprint(Inside()) }

// Box is generic; its method is called through an instance.
type Box[V any] struct{ v V }

// Get is called by app on a Box[int].
func (b Box[V]) Get() V { return b.v }
