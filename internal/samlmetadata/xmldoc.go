package samlmetadata

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// readDocument applies the byte-level and XML-level safety rules and
// returns the checked tree of a document with exactly one root element.
// Nothing reads the document before its size is bounded: the byte count
// (by the caller), then the elements and attributes on the raw bytes, then
// the attributes per element and the namespace declarations on the tree.
func readDocument(ctx context.Context, data []byte) (*tree, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if err := checkNotOtherFormat(data); err != nil {
		return nil, err
	}
	if err := checkUTF8(data); err != nil {
		return nil, err
	}
	elements, err := checkMarkupCounts(data)
	if err != nil {
		return nil, err
	}
	doc, err := readEtree(data)
	if err != nil {
		return nil, err
	}
	if err := stopped(ctx); err != nil {
		return nil, err
	}
	return checkDocument(ctx, doc, elements)
}

// checkNotOtherFormat recognises, by how they start, two files people give
// instead of metadata, so that the error says what they are rather than
// what of XML they break: an HTML page (a login or error page saved from a
// browser, or served at the metadata's URL), whose DOCTYPE would otherwise
// be refused as a possible XXE attack, and a PEM certificate. It looks past
// whitespace, an XML declaration and comments, and reads each byte at most
// once.
func checkNotOtherFormat(data []byte) error {
	rest := skipProlog(data)
	for _, start := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if len(rest) > len(start) && bytes.EqualFold(rest[:len(start)], []byte(start)) && endsName(rest[len(start)]) {
			return fail(ErrHTMLPage, "the metadata is an HTML page (it starts with %s), not SAML metadata; a web page, such as a login page or an error page, was saved or downloaded instead of the IdP's metadata XML", rest[:len(start)])
		}
	}
	if label, ok := bytes.CutPrefix(rest, []byte("-----BEGIN ")); ok {
		label, _, _ = bytes.Cut(label[:min(len(label), 40)], []byte("-----"))
		if bytes.ContainsFunc(label, func(r rune) bool { return (r < 'A' || r > 'Z') && r != ' ' }) {
			label = []byte("...") // not a PEM label: do not repeat it
		}
		return fail(ErrPEM, "the metadata is a PEM file (it starts with -----BEGIN %s-----), not SAML metadata; a certificate is not the IdP's metadata XML", label)
	}
	return nil
}

// skipProlog returns data after leading whitespace, XML declarations and
// comments: where the first element or text starts.
func skipProlog(data []byte) []byte {
	for {
		data = bytes.TrimLeft(data, " \t\r\n")
		var end string
		switch {
		case bytes.HasPrefix(data, []byte("<?")):
			end = "?>"
		case bytes.HasPrefix(data, []byte("<!--")):
			end = "-->"
		default:
			return data
		}
		i := bytes.Index(data[2:], []byte(end))
		if i < 0 {
			return nil
		}
		data = data[2+i+len(end):]
	}
}

// endsName reports whether c may follow a tag or DOCTYPE name.
func endsName(c byte) bool {
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// checkMarkupCounts bounds, on the raw bytes, what the XML reader would
// build: an element, comment, processing instruction or CDATA section each
// start with a '<' that is not followed by '/', and every attribute has an
// '='. Both counts can only overstate ('<' inside a comment, '=' in text),
// so a document within them is within the exact limits too. Reading 2 MiB
// of "<b/>" into a tree would cost 0.4 s and 120 MB. It returns the count of
// '<', the most elements the tree can have.
func checkMarkupCounts(data []byte) (elements int, err error) {
	elements = bytes.Count(data, []byte("<")) - bytes.Count(data, []byte("</"))
	if elements > MaxElements {
		return 0, fail(ErrTooManyElements, "the metadata has %d elements (comments and processing instructions included), more than the limit of %d; real IdP metadata has a few hundred, so check that this is IdP metadata and not a federation aggregate", elements, MaxElements)
	}
	if n := bytes.Count(data, []byte("=")); n > MaxDocumentAttributes {
		return 0, fail(ErrTooManyAttributes, "the metadata has up to %d attributes (it has that many '=' signs), more than the limit of %d; real IdP metadata has a few hundred, so check that this is IdP metadata and not a federation aggregate", n, MaxDocumentAttributes)
	}
	return elements, nil
}

// readEtree reads data with etree, on encoding/xml: the one XML reader.
func readEtree(data []byte) (*etree.Document, error) {
	doc := etree.NewDocument()
	var declared string
	doc.ReadSettings = etree.ReadSettings{
		MaxDepth:               MaxDepth,
		PreserveDuplicateAttrs: true, // so duplicates can be refused, not silently merged
		PreserveCData:          true, // so CDATA in certificate text can be refused
		CharsetReader: func(charset string, _ io.Reader) (io.Reader, error) {
			declared = charset // encoding/xml calls this only for non-UTF-8 labels
			return nil, fmt.Errorf("encoding %q is not supported", charset)
		},
	}
	if err := doc.ReadFromBytes(data); err != nil {
		// A DOCTYPE is reported as such even when a later entity reference
		// is what made the parse fail (billion laughs, XXE).
		if hasDirective(&doc.Element) {
			return nil, errDTD()
		}
		return nil, readError(err, declared)
	}
	return doc, nil
}

func errDTD() error {
	return fail(ErrDTD, "the metadata contains a DOCTYPE or ENTITY declaration; SAML metadata never needs one, so remove it (it may be an XXE or entity-expansion attack)")
}

func readError(err error, declared string) error {
	var syn *xml.SyntaxError
	switch {
	case declared != "":
		return fail(ErrEncoding, "the metadata declares encoding %q; only UTF-8 is accepted, so re-save the file as UTF-8", declared)
	case errors.Is(err, etree.ErrMaxDepth):
		return fail(ErrTooDeep, "the metadata nests elements more than %d levels deep; real metadata needs fewer than 20", MaxDepth)
	case errors.As(err, &syn):
		return fail(ErrSyntax, "the metadata is not well-formed XML: line %d: %s; fix the file (often a quote or tag broken by hand-editing) or export it again", syn.Line, syn.Msg)
	default:
		return failCause(ErrSyntax, err, "the metadata is not well-formed XML; fix the file or export it again")
	}
}

// checkUTF8 refuses UTF-16/32 and invalid UTF-8, naming the line.
func checkUTF8(data []byte) error {
	if len(data) >= 2 && (data[0] == 0xFE && data[1] == 0xFF || data[0] == 0xFF && data[1] == 0xFE ||
		data[0] == 0 || data[1] == 0) {
		return fail(ErrEncoding, "the metadata is encoded as UTF-16 or UTF-32; only UTF-8 is accepted, so re-save the file as UTF-8")
	}
	if utf8.Valid(data) {
		return nil
	}
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			line := bytes.Count(data[:i], []byte{'\n'}) + 1
			return fail(ErrEncoding, "the metadata is not valid UTF-8 (byte 0x%02X on line %d); only UTF-8 is accepted, so re-save the file as UTF-8", data[i], line)
		}
		i += size
	}
	return nil
}

func hasDirective(e *etree.Element) bool {
	for _, t := range e.Child {
		switch t := t.(type) {
		case *etree.Directive:
			return true
		case *etree.Element:
			if hasDirective(t) {
				return true
			}
		}
	}
	return false
}

// checkDocument requires one root element, no directives and no text
// outside the root, then walks the root checking every element's names
// and attributes and resolving its namespace. It has at most elements.
func checkDocument(ctx context.Context, doc *etree.Document, elements int) (*tree, error) {
	roots := 0
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Directive:
			return nil, errDTD()
		case *etree.Element:
			roots++
		case *etree.CharData:
			if !t.IsWhitespace() || t.IsCData() {
				return nil, fail(ErrSyntax, "the metadata has text outside the root element; remove it")
			}
		}
	}
	switch {
	case roots == 0:
		return nil, fail(ErrSyntax, "the metadata has no root element; it is empty or not XML")
	case roots > 1:
		return nil, fail(ErrMultipleRoots, "the metadata has %d root elements; a document must have exactly one, so remove everything after the first EntityDescriptor or EntitiesDescriptor", roots)
	}
	return walkTree(ctx, doc.Root(), true, elements)
}

// checkElement applies the rules every element of the input must meet. The
// walker has entered e, so its scope holds e's own declarations.
func (w *walker) checkElement(e *etree.Element) error {
	if err := checkName(e.Space, e.Tag); err != nil {
		return err
	}
	if len(e.Attr) > MaxAttributes {
		return fail(ErrTooManyAttributes, "element <%s> has %d attributes, more than the limit of %d; real metadata has fewer than 20", qname(e.Space, e.Tag), len(e.Attr), MaxAttributes)
	}
	for i, a := range e.Attr {
		if err := checkName(a.Space, a.Key); err != nil {
			return err
		}
		if prefix, ok := declaredPrefix(a); ok {
			if err := w.countDeclaration(prefix, a.Value); err != nil {
				return err
			}
		}
		for _, b := range e.Attr[:i] {
			if w.sameAttribute(a, b) {
				return fail(ErrDuplicateAttribute, "element <%s> has the attribute %s twice; XML forbids this and parsers disagree about which value wins, so keep only the right one",
					qname(e.Space, e.Tag), qname(a.Space, a.Key))
			}
		}
	}
	return nil
}

// checkName refuses names whose prefix split is ambiguous; encoding/xml
// does not round-trip them (CVE-2020-29511).
func checkName(space, local string) error {
	if strings.Contains(local, ":") || strings.Contains(space, ":") || local == "" {
		return fail(ErrSyntax, "the metadata uses the malformed XML name %q; names may contain at most one colon, between a prefix and a local name", qname(space, local))
	}
	return nil
}

// sameAttribute reports the same qualified name, or two prefixes bound to
// the same namespace URI with the same local name.
func (w *walker) sameAttribute(a, b etree.Attr) bool {
	if a.Key != b.Key {
		return false
	}
	if a.Space == b.Space {
		return true
	}
	return isPrefixedAttr(a) && isPrefixedAttr(b) && w.scope.uri(a.Space) == w.scope.uri(b.Space)
}

func isPrefixedAttr(a etree.Attr) bool { return a.Space != "" && a.Space != "xmlns" }

func qname(space, local string) string {
	if space == "" {
		return local
	}
	return space + ":" + local
}

// attr returns the value of e's attribute named key, without a prefix: the
// attributes SAML metadata defines (entityID, Location, Binding, use, ID,
// validUntil, ...) have none, and one in another namespace (x:entityID) is
// not them. etree's SelectAttrValue would match it.
func attr(e *etree.Element, key string) (value string, ok bool) {
	for _, a := range e.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// checkUniqueIDs refuses two elements with the same ID attribute, which
// makes a signature reference ambiguous (signature wrapping).
func checkUniqueIDs(root *etree.Element) error {
	seen := map[string]bool{}
	var walk func(e *etree.Element) error
	walk = func(e *etree.Element) error {
		if id, ok := attr(e, "ID"); ok {
			if seen[id] {
				return fail(ErrDuplicateID, "the ID %q appears on more than one element; this is a signature-wrapping pattern, so obtain the metadata again from the IdP", id)
			}
			seen[id] = true
		}
		for _, c := range e.ChildElements() {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root)
}
