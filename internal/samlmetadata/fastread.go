package samlmetadata

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// fastRead builds, for the plain XML that real metadata is written in, the
// very document that readEtree builds, four to five times faster:
// encoding/xml, under etree, reads one byte at a time through an interface,
// which alone costs more than 1 ms for a 71 kB ADFS file.
//
// It never reports an error. Anything outside its subset (a DOCTYPE or other
// directive, a non-ASCII name, an entity other than the five predefined ones,
// a character that XML forbids, a mismatched or unclosed tag, a declaration
// of another encoding or version, nesting deeper than MaxDepth, more than
// fastMaxAttributes attributes or a repeated one) makes it decline with
// ok == false, and the caller reads the input with etree instead, which also
// words every error. So each input has one reader and there is no second
// opinion: the tree it returns is the tree that every check, the signature
// verification and the extraction use.
//
// Each rule below mirrors encoding/xml's Decoder.RawToken in strict mode and
// etree's readFrom; TestFastReadMatchesEtree and FuzzFastRead hold it to
// building the identical tree (names, attributes, text, CDATA, comments,
// processing instructions, whitespace flags) for every input it accepts.
func fastRead(data []byte) (doc *etree.Document, ok bool) {
	r := fastReader{data: data, names: make(map[string]string, 64)}
	doc = etree.NewDocument()
	stack := make([]*etree.Element, 1, 16)
	stack[0] = &doc.Element
	for r.pos < len(r.data) {
		top := stack[len(stack)-1]
		if r.data[r.pos] != '<' {
			if !r.text(top) {
				return nil, false
			}
			continue
		}
		if r.pos+1 >= len(r.data) {
			return nil, false
		}
		switch r.data[r.pos+1] {
		case '/':
			if len(stack) == 1 || !r.endTag(top) {
				return nil, false
			}
			stack = stack[:len(stack)-1]
		case '?':
			if !r.procInst(top) {
				return nil, false
			}
		case '!':
			if !r.commentOrCDATA(top) {
				return nil, false
			}
		default:
			if len(stack) > MaxDepth {
				return nil, false
			}
			e, empty, ok := r.startTag(top)
			if !ok {
				return nil, false
			}
			if !empty {
				stack = append(stack, e)
			}
		}
	}
	if len(stack) != 1 {
		return nil, false
	}
	return doc, true
}

// fastMaxAttributes bounds the attributes of one element on the fast path.
// CreateAttr scans the element's attributes for a duplicate each time, so an
// element with n costs n²/2 comparisons; real metadata has fewer than 20.
const fastMaxAttributes = 32

type fastReader struct {
	data  []byte
	pos   int
	names map[string]string // element and attribute names, and short whitespace, read once
	buf   []byte            // scratch for text that needs decoding
}

var (
	cdataOpen  = []byte("<![CDATA[")
	cdataClose = []byte("]]>")
	commentEnd = []byte("--")
	piEnd      = []byte("?>")
)

// text reads character data up to the next '<' or the end.
func (r *fastReader) text(top *etree.Element) bool {
	end := bytes.IndexByte(r.data[r.pos:], '<')
	if end < 0 {
		end = len(r.data) - r.pos
	}
	raw := r.data[r.pos : r.pos+end]
	r.pos += end
	if bytes.Contains(raw, cdataClose) { // "unescaped ]]> not in CDATA section"
		return false
	}
	s, ok := r.decode(raw, true)
	if !ok {
		return false
	}
	// etree's reader flags whitespace-only text; SetData applies that same rule (CreateText does not).
	top.CreateText("").SetData(s)
	return true
}

// commentOrCDATA reads "<!--...-->" or "<![CDATA[...]]>"; any other "<!"
// (DOCTYPE, ENTITY) is a directive, for the slow path to refuse.
func (r *fastReader) commentOrCDATA(top *etree.Element) bool {
	rest := r.data[r.pos:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		body := rest[4:]
		i := bytes.Index(body, commentEnd)
		if i < 0 || i+2 >= len(body) || body[i+2] != '>' { // "--" must end the comment
			return false
		}
		top.CreateComment(string(body[:i])) // encoding/xml keeps comments as raw bytes
		r.pos += 4 + i + 3
	case bytes.HasPrefix(rest, cdataOpen):
		body := rest[len(cdataOpen):]
		i := bytes.Index(body, cdataClose)
		if i < 0 {
			return false
		}
		s, ok := r.decode(body[:i], false)
		if !ok {
			return false
		}
		top.CreateCData(s)
		r.pos += len(cdataOpen) + i + len(cdataClose)
	default:
		return false
	}
	return true
}

// procInst reads "<?target inst?>". The XML declaration must say version
// 1.0 (or nothing) and UTF-8 (or nothing); encoding/xml would otherwise
// fail or switch readers.
func (r *fastReader) procInst(top *etree.Element) bool {
	r.pos += 2
	target, ok := r.name()
	if !ok {
		return false
	}
	r.space()
	i := bytes.Index(r.data[r.pos:], piEnd)
	if i < 0 {
		return false
	}
	inst := string(r.data[r.pos : r.pos+i])
	r.pos += i + len(piEnd)
	if target == "xml" {
		if v := procInstParam("version", inst); v != "" && v != "1.0" {
			return false
		}
		if enc := procInstParam("encoding", inst); enc != "" && !strings.EqualFold(enc, "utf-8") {
			return false
		}
	}
	top.CreateProcInst(target, inst)
	return true
}

// procInstParam is encoding/xml's procInst: the value of param="..." in s.
func procInstParam(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

// endTag reads "</name>" and checks it closes top.
func (r *fastReader) endTag(top *etree.Element) bool {
	r.pos += 2
	space, local, _, ok := r.qname()
	if !ok || space != top.Space || local != top.Tag {
		return false
	}
	r.space()
	if r.pos >= len(r.data) || r.data[r.pos] != '>' {
		return false
	}
	r.pos++
	return true
}

// startTag reads "<name attr="value" ...>" or "<name .../>" into a new
// child of top.
func (r *fastReader) startTag(top *etree.Element) (e *etree.Element, empty, ok bool) {
	r.pos++
	_, _, name, ok := r.qname()
	if !ok {
		return nil, false, false
	}
	e = top.CreateElement(name) // splits "prefix:local" at the colon, as encoding/xml does for a name with one inner colon
	for {
		r.space()
		if r.pos >= len(r.data) {
			return nil, false, false
		}
		switch r.data[r.pos] {
		case '>':
			r.pos++
			return e, false, true
		case '/':
			if r.pos+1 >= len(r.data) || r.data[r.pos+1] != '>' {
				return nil, false, false
			}
			r.pos += 2
			return e, true, true
		}
		if len(e.Attr) == fastMaxAttributes {
			return nil, false, false
		}
		_, _, key, ok := r.qname()
		if !ok {
			return nil, false, false
		}
		r.space()
		if r.pos >= len(r.data) || r.data[r.pos] != '=' {
			return nil, false, false
		}
		r.pos++
		r.space()
		if r.pos >= len(r.data) || (r.data[r.pos] != '"' && r.data[r.pos] != '\'') {
			return nil, false, false
		}
		quote := r.data[r.pos]
		r.pos++
		end := bytes.IndexByte(r.data[r.pos:], quote)
		if end < 0 {
			return nil, false, false
		}
		raw := r.data[r.pos : r.pos+end]
		r.pos += end + 1
		if bytes.IndexByte(raw, '<') >= 0 { // "unescaped < inside quoted string"
			return nil, false, false
		}
		value, ok := r.decode(raw, true)
		if !ok {
			return nil, false, false
		}
		n := len(e.Attr)
		if e.CreateAttr(key, value); len(e.Attr) == n {
			return nil, false, false // a repeated attribute: CreateAttr replaced it, etree keeps both
		}
	}
}

// qname reads a name and splits it as encoding/xml's nsname does; names
// with more than one colon, or a colon at either end, are declined.
func (r *fastReader) qname() (space, local, name string, ok bool) {
	name, ok = r.name()
	if !ok {
		return "", "", "", false
	}
	i := strings.IndexByte(name, ':')
	switch {
	case i < 0:
		return "", name, name, true
	case i == 0 || i == len(name)-1 || strings.IndexByte(name[i+1:], ':') >= 0:
		return "", "", "", false
	}
	return name[:i], name[i+1:], name, true
}

// name reads an ASCII XML name. A non-ASCII byte where a name goes declines:
// encoding/xml would take it into the name and check it against Unicode's
// tables, which this subset leaves to the slow path.
func (r *fastReader) name() (string, bool) {
	start := r.pos
	if start >= len(r.data) || !isNameStart(r.data[start]) {
		return "", false
	}
	end := start + 1
	for end < len(r.data) && isNameByte(r.data[end]) {
		end++
	}
	if end < len(r.data) && r.data[end] >= utf8.RuneSelf {
		return "", false
	}
	r.pos = end
	return r.intern(r.data[start:end]), true
}

func (r *fastReader) intern(b []byte) string {
	if s, ok := r.names[string(b)]; ok { // no allocation for the lookup
		return s
	}
	s := string(b)
	r.names[s] = s
	return s
}

func (r *fastReader) space() {
	for r.pos < len(r.data) && isSpaceByte(r.data[r.pos]) {
		r.pos++
	}
}

// decode turns raw character data into its value as encoding/xml does:
// "\r\n" and "\r" become "\n", the five predefined entities and character
// references are replaced (entities only when entities is true: not in
// CDATA), and every character must be one XML allows.
func (r *fastReader) decode(raw []byte, entities bool) (string, bool) {
	plain, space := true, true
	for _, c := range raw {
		if !plainByte[c] {
			plain = false
			break
		}
		space = space && isSpaceByte(c)
	}
	if plain {
		if space && len(raw) <= 64 {
			return r.intern(raw), true // indentation repeats throughout a file
		}
		return string(raw), true
	}
	buf := r.buf[:0]
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case plainByte[c]:
			buf = append(buf, c)
			i++
		case c == '\r':
			buf = append(buf, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c == '&' && entities:
			n, size := entity(raw[i:])
			if size == 0 {
				return "", false
			}
			buf = utf8.AppendRune(buf, n)
			i += size
		case c >= utf8.RuneSelf:
			ru, size := utf8.DecodeRune(raw[i:])
			if ru == utf8.RuneError && size == 1 || !isInCharacterRange(ru) {
				return "", false
			}
			buf = append(buf, raw[i:i+size]...)
			i += size
		case c == '&' || c == '<': // only in CDATA: text stops at '<', attribute values with one are declined
			buf = append(buf, c)
			i++
		default: // a control character XML forbids
			return "", false
		}
	}
	r.buf = buf
	return string(buf), true
}

// entity decodes "&name;" for the five predefined entities, or "&#N;" /
// "&#xH;", returning the character and the reference's length; size 0 when
// the reference is anything else.
func entity(b []byte) (rune, int) {
	end := bytes.IndexByte(b, ';')
	if end < 2 || end > 12 {
		return 0, 0
	}
	ref := b[1:end]
	if ref[0] != '#' {
		switch string(ref) {
		case "lt":
			return '<', end + 1
		case "gt":
			return '>', end + 1
		case "amp":
			return '&', end + 1
		case "apos":
			return '\'', end + 1
		case "quot":
			return '"', end + 1
		}
		return 0, 0
	}
	digits, base := ref[1:], 10
	if len(digits) > 0 && digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if len(digits) == 0 {
		return 0, 0
	}
	for _, d := range digits {
		if !('0' <= d && d <= '9' || base == 16 && ('a' <= d && d <= 'f' || 'A' <= d && d <= 'F')) {
			return 0, 0
		}
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	// Surrogates become U+FFFD in encoding/xml; leave that oddity to it.
	if err != nil || n > utf8.MaxRune || 0xD800 <= n && n <= 0xDFFF || !isInCharacterRange(rune(n)) {
		return 0, 0
	}
	return rune(n), end + 1
}

// plainByte: bytes that stand for themselves in text and attribute values.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7F; c++ {
		t[c] = c != '&' && c != '<'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isNameStart(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
}

func isNameByte(c byte) bool {
	return isNameStart(c) || '0' <= c && c <= '9' || c == '.' || c == '-'
}

// isInCharacterRange is XML 1.0's Char production, as encoding/xml checks it.
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
