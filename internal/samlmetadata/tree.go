package samlmetadata

import (
	"context"

	"github.com/beevik/etree"
)

// tree is a document that has been walked once: its root, the namespace
// URI of every element, resolved during that walk, and what the walk found
// that the signature check needs. Matching elements by namespace then costs
// one map lookup; etree's NamespaceURI walks every attribute of every
// ancestor on each call, which an attacker can make quadratic.
type tree struct {
	root  *etree.Element
	space map[*etree.Element]string
	// nestedSignatures counts the ds:Signature elements that are not
	// children of the root.
	nestedSignatures int
}

func (t *tree) is(e *etree.Element, space, tag string) bool {
	return e.Tag == tag && t.space[e] == space
}

func (t *tree) children(e *etree.Element, space, tag string) []*etree.Element {
	var out []*etree.Element
	for _, c := range e.Child {
		if c, ok := c.(*etree.Element); ok && t.is(c, space, tag) {
			out = append(out, c)
		}
	}
	return out
}

// stopEvery is how many elements the walk visits between two looks at its
// context: a few milliseconds of work at most.
const stopEvery = 256

// walker walks a tree in document order with the namespace scope of each
// element. With check set it applies the rules of the input (names,
// duplicate attributes, the limits on attributes and namespaces); without,
// it only resolves namespaces, for the tree goxmldsig rebuilt from the
// bytes it verified.
type walker struct {
	ctx      context.Context
	check    bool
	scope    scope              // the namespace bindings in force
	declared map[[2]string]bool // distinct (prefix, URI) declarations seen
	// What verifying a signature will cost in namespaces (see
	// checkNamespaceWork): the bindings in scope summed over the elements,
	// and the bytes of declarations exclusive canonicalization writes out,
	// with rendered the declarations it has written on the ancestors.
	inScope, expansion int
	rendered           scope
	t                  *tree
}

// walkTree walks the tree under root, of about elements elements, once and
// returns it with every element's namespace resolved.
func walkTree(ctx context.Context, root *etree.Element, check bool, elements int) (*tree, error) {
	w := &walker{
		ctx:      ctx,
		check:    check,
		scope:    newScope(),
		declared: map[[2]string]bool{},
		rendered: newScope(),
		t:        &tree{root: root, space: make(map[*etree.Element]string, elements)},
	}
	if err := w.element(root); err != nil {
		return nil, err
	}
	return w.t, nil
}

func (w *walker) element(e *etree.Element) error {
	if len(w.t.space)%stopEvery == 0 {
		if err := stopped(w.ctx); err != nil {
			return err
		}
	}
	mark, renderedMark := w.scope.enter(e), w.rendered.mark()
	space := w.scope.uri(e.Space)
	w.t.space[e] = space
	if w.check {
		if err := w.checkElement(e); err != nil {
			return err
		}
		if err := w.checkNamespaceWork(e); err != nil {
			return err
		}
	}
	if space == NamespaceDSig && e.Tag == "Signature" && e.Parent() != w.t.root {
		w.t.nestedSignatures++
	}
	for _, c := range e.Child {
		switch c := c.(type) {
		case *etree.Directive:
			return errDTD()
		case *etree.Element:
			if err := w.element(c); err != nil {
				return err
			}
		}
	}
	w.scope.leave(mark)
	w.rendered.leave(renderedMark)
	return nil
}

// countDeclaration records a namespace declaration; the document may make
// at most MaxNamespaces distinct ones.
func (w *walker) countDeclaration(prefix, uri string) error {
	w.declared[[2]string{prefix, uri}] = true
	if len(w.declared) > MaxNamespaces {
		return fail(ErrTooManyNamespaces, "the metadata declares more than %d distinct namespaces (prefix and URI); real metadata declares fewer than 15", MaxNamespaces)
	}
	return nil
}

// checkNamespaceWork adds up what e will cost the signature check in
// namespaces, which the other limits do not bound. goxmldsig copies every
// binding in scope for each element it canonicalizes, and exclusive
// canonicalization writes a declaration out again on each element that uses
// its prefix, unless an ancestor's output already has it: a long namespace
// URI used on many elements multiplies.
func (w *walker) checkNamespaceWork(e *etree.Element) error {
	w.inScope += len(w.scope.bound)
	if w.inScope > MaxNamespaceScope {
		return fail(ErrTooManyNamespaces, "the metadata's elements have more than %d namespace bindings in scope in total (each element counts every namespace declared on it and on its ancestors); declare only the namespaces the document uses", MaxNamespaceScope)
	}
	w.render(e.Space)
	for _, a := range e.Attr {
		if isPrefixedAttr(a) {
			w.render(a.Space)
		}
	}
	if w.expansion > MaxNamespaceExpansion {
		return fail(ErrTooManyNamespaces, "checking a signature of the metadata would write out more than %d bytes of namespace declarations (exclusive canonicalization repeats a declaration on every element that uses it); declare namespaces where they are used, with short URIs", MaxNamespaceExpansion)
	}
	return nil
}

// render accounts for exclusive canonicalization writing the declaration of
// prefix on the current element, unless its output ancestors already did.
func (w *walker) render(prefix string) {
	uri := w.scope.uri(prefix)
	if done, ok := w.rendered.bound[prefix]; ok && done == uri || !ok && uri == "" {
		return
	}
	w.rendered.bind(prefix, uri)
	w.expansion += len(` xmlns:=""`) + len(prefix) + len(uri)
}

// scope is the namespace bindings in force at the element being walked:
// prefix → URI, with "" the default namespace. Entering an element applies
// its declarations and saves what they replaced; leaving it restores them.
// An unbound prefix resolves to "", as etree resolves it.
type scope struct {
	bound map[string]string
	saved []savedBinding
}

type savedBinding struct {
	prefix, uri string
	bound       bool
}

func newScope() scope { return scope{bound: map[string]string{}} }

func (s *scope) mark() int { return len(s.saved) }

// enter binds the namespaces e declares and returns the mark to leave with.
func (s *scope) enter(e *etree.Element) (mark int) {
	mark = s.mark()
	for _, a := range e.Attr {
		if prefix, ok := declaredPrefix(a); ok {
			s.bind(prefix, a.Value)
		}
	}
	return mark
}

func (s *scope) bind(prefix, uri string) {
	old, bound := s.bound[prefix]
	s.saved = append(s.saved, savedBinding{prefix: prefix, uri: old, bound: bound})
	s.bound[prefix] = uri
}

// leave undoes every binding made since mark.
func (s *scope) leave(mark int) {
	for i := len(s.saved) - 1; i >= mark; i-- {
		if b := s.saved[i]; b.bound {
			s.bound[b.prefix] = b.uri
		} else {
			delete(s.bound, b.prefix)
		}
	}
	s.saved = s.saved[:mark]
}

func (s *scope) uri(prefix string) string { return s.bound[prefix] }

// declaredPrefix reports whether a declares a namespace (xmlns:p="..." or
// xmlns="...") and for which prefix ("" for the default namespace).
func declaredPrefix(a etree.Attr) (string, bool) {
	switch {
	case a.Space == "xmlns":
		return a.Key, true
	case a.Space == "" && a.Key == "xmlns":
		return "", true
	}
	return "", false
}

// stopped reports the context's error, worded as a stop, once it is done.
func stopped(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &stopError{cause: err}
	}
	return nil
}

type stopError struct{ cause error }

func (e *stopError) Error() string { return "parsing the metadata stopped: " + e.cause.Error() }
func (e *stopError) Unwrap() error { return e.cause }
