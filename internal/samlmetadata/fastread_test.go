package samlmetadata

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// fastReadCases are small inputs at the edges of fastRead's subset; fast
// says whether the fast path takes them. Whenever it does,
// TestFastReadMatchesEtree requires the same tree as etree.
var fastReadCases = []struct {
	name string
	xml  string
	fast bool
}{
	{"empty", ``, true},
	{"element", `<a/>`, true},
	{"prefixed names", `<md:a xmlns:md="urn:x" md:b="1"><md:c/></md:a>`, true},
	{"xml declaration", `<?xml version="1.0" encoding="utf-8"?><a/>`, true},
	{"declaration in single quotes, any case", `<?xml version='1.0' encoding='Utf-8' standalone='yes'?>` + "\n<a/>", true},
	{"declaration without encoding", `<?xml version="1.0"?><a/>`, true},
	{"other PI", `<a><?pi data ?? more?></a>`, true},
	{"PI with colons in target", `<?a:b:c x?><a/>`, true},
	{"empty PI", `<?xml?><a/>`, true},
	{"comment", `<!-- c - d --><a><!----></a>`, true},
	{"comment with markup and CR", "<a><!-- <b/> &amp; \r\n --></a>", true},
	{"CDATA", `<a><![CDATA[x < & y ]] ]]></a>`, true},
	{"empty CDATA", `<a><![CDATA[]]></a>`, true},
	{"whitespace CDATA", "<a><![CDATA[ \n ]]></a>", true},
	{"CDATA with CRLF", "<a><![CDATA[\r\nx\ry]]></a>", true},
	{"text entities", `<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x6c;&#X;</a>`, false},
	{"text entities, all valid", `<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x6C;&#0065;</a>`, true},
	{"character reference to CR", "<a>&#13;\n&#xD;</a>", true},
	{"CRLF and CR in text", "<a>x\r\ny\rz\r\r\n</a>", true},
	{"CRLF in attribute", "<a b=\"x\r\ny\tz\n\"/>", true},
	{"whitespace text", "<a>\n  \t<b/>\r\n</a>", true},
	{"text before and after the root", "\n<a/>\n  ", true},
	{"text outside the root", "x<a/>y", true},
	{"two roots", `<a/><b/>`, true},
	{"non-ASCII text", "<a b=\"é€😀\">ü\u00A0\uFEFF</a>", true},
	{"spaces around =", "<a b = \"1\"\n\tc\r\n=\r\n'2' />", true},
	{"no space between attributes", `<a b="1"c="2"/>`, true},
	{"]]> in attribute", `<a b="]]>"/>`, true},
	{"quotes inside attribute", `<a b="it's" c='say "x"'/>`, true},
	{"end tag with space", "<a></a \n>", true},
	{"xmlns attributes", `<a xmlns="urn:d" xmlns:x="urn:x"><x:b x:c="1" c="2"/></a>`, true},
	{"name characters", `<_a.b-c:d9 e_.-9="1"/>`, true},

	{"DOCTYPE", `<!DOCTYPE a><a/>`, false},
	{"DOCTYPE with entity", `<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`, false},
	{"unknown entity", `<a>&nbsp;</a>`, false},
	{"entity without semicolon", `<a>&amp</a>`, false},
	{"bare ampersand", `<a>a & b</a>`, false},
	{"character reference to NUL", `<a>&#0;</a>`, false},
	{"character reference to a surrogate", `<a>&#xD800;</a>`, false},
	{"character reference to U+FFFE", `<a>&#xFFFE;</a>`, false},
	{"character reference too large", `<a>&#x110000;</a>`, false},
	{"uppercase X in a character reference", `<a>&#X41;</a>`, false},
	{"control character", "<a>\x01</a>", false},
	{"control character in attribute", "<a b=\"\x0c\"/>", false},
	{"U+FFFF", "<a>\uFFFF</a>", false},
	{"invalid UTF-8 in text", "<a>\xff</a>", false},
	{"invalid UTF-8 in comment", "<a><!-- \xff --></a>", true},
	{"]]> in text", `<a>]]></a>`, false},
	{"-- in comment", `<a><!-- a -- b --></a>`, false},
	{"comment ending --->", `<a><!-- a ---></a>`, false},
	{"unterminated comment", `<a><!-- a`, false},
	{"unterminated CDATA", `<a><![CDATA[x`, false},
	{"bad <![ sequence", `<a><![CDATX[x]]></a>`, false},
	{"< in attribute", `<a b="<"/>`, false},
	{"unquoted attribute", `<a b=1/>`, false},
	{"attribute without value", `<a b/>`, false},
	{"duplicate attribute", `<a b="1" b="2"/>`, false},
	{"duplicate prefixed attribute", `<a x:b="1" x:b="2"/>`, false},
	{"same local name, different prefixes", `<a x:b="1" y:b="2"/>`, true},
	{"mismatched end tag", `<a></b>`, false},
	{"end tag with other prefix", `<x:a></y:a>`, false},
	{"unclosed element", `<a><b></a>`, false},
	{"unclosed root", `<a>`, false},
	{"stray end tag", `</a>`, false},
	{"two colons in a name", `<a:b:c/>`, false},
	{"leading colon", `<:a/>`, false},
	{"trailing colon", `<a:/>`, false},
	{"name starting with a digit", `<1a/>`, false},
	{"non-ASCII name", `<é/>`, false},
	{"non-ASCII after an ASCII name", `<aé/>`, false},
	{"space after <", `< a/>`, false},
	{"slash without >", `<a / >`, false},
	{"lone <", `<`, false},
	{"text ending in <", `<a/>x<`, false},
	{"version 1.1", `<?xml version="1.1"?><a/>`, false},
	{"ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`, false},
	{"PI without target", `<??><a/>`, false},
	{"unterminated PI", `<?pi x`, false},
	{"too deep", strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1), false},
	{"deepest allowed", strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth), true},
	{"more attributes than the fast path takes", "<a" + manyAttributes(fastMaxAttributes+1) + "/>", false},
	{"most attributes the fast path takes", "<a" + manyAttributes(fastMaxAttributes) + "/>", true},
	{"too many attributes", "<a" + manyAttributes(MaxAttributes+1) + "/>", false},
}

func manyAttributes(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " a%d=\"%d\"", i, i)
	}
	return b.String()
}

// TestFastReadMatchesEtree: for every input fastRead accepts, etree accepts
// it too and builds the identical tree. Real metadata must take the fast path.
func TestFastReadMatchesEtree(t *testing.T) {
	for _, c := range fastReadCases {
		t.Run(c.name, func(t *testing.T) {
			if ok := checkFastRead(t, []byte(c.xml)); ok != c.fast {
				t.Errorf("fastRead took %q: %v, want %v", c.xml, ok, c.fast)
			}
		})
	}
	for _, in := range fastReadInputs(t) {
		t.Run(in.name, func(t *testing.T) {
			ok := checkFastRead(t, in.data)
			if in.real && !ok {
				t.Errorf("fastRead declined real metadata %s, which then takes the slow path", in.name)
			}
		})
	}
}

// FuzzFastRead holds fastRead to etree on arbitrary input.
func FuzzFastRead(f *testing.F) {
	for _, c := range fastReadCases {
		f.Add([]byte(c.xml))
	}
	for _, in := range fastReadInputs(f) {
		f.Add(in.data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFastRead(t, data) })
}

// checkFastRead compares fastRead with readEtree on data and reports
// whether the fast path took it.
func checkFastRead(t *testing.T, data []byte) bool {
	t.Helper()
	fast, ok := fastRead(data)
	if !ok {
		return false
	}
	slow, err := readEtree(data)
	if err != nil {
		t.Fatalf("fastRead accepted input that etree refuses (%v):\n%q", err, truncate(data))
	}
	if diff := treeDiff(&fast.Element, &slow.Element, "document"); diff != "" {
		t.Fatalf("fastRead and etree build different trees: %s\ninput: %q", diff, truncate(data))
	}
	return true
}

func truncate(b []byte) []byte {
	if len(b) > 400 {
		return b[:400]
	}
	return b
}

type fastReadInput struct {
	name string
	data []byte
	real bool // real metadata: the fast path must take it
}

// fastReadInputs: the FuzzParse seeds and the corpus.
func fastReadInputs(t testing.TB) []fastReadInput {
	var ins []fastReadInput
	seeds, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParse", "*"))
	for _, p := range seeds {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(raw), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
			t.Fatalf("%s: not a fuzz seed", p)
		}
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		ins = append(ins, fastReadInput{"seed/" + filepath.Base(p), bytes.TrimPrefix([]byte(data), utf8BOM), false})
	}
	for _, dir := range []string{"real", "hostile"} {
		for _, file := range corpusFiles(t, dir) {
			ins = append(ins, fastReadInput{file, bytes.TrimPrefix(readCorpus(t, file), utf8BOM), dir == "real"})
		}
	}
	return ins
}

// treeDiff describes the first difference between two etree elements and
// their descendants, or returns "".
func treeDiff(a, b *etree.Element, at string) string {
	if a.Space != b.Space || a.Tag != b.Tag {
		return fmt.Sprintf("%s: element %q:%q vs %q:%q", at, a.Space, a.Tag, b.Space, b.Tag)
	}
	if len(a.Attr) != len(b.Attr) {
		return fmt.Sprintf("%s: %d attributes vs %d", at, len(a.Attr), len(b.Attr))
	}
	for i := range a.Attr {
		x, y := a.Attr[i], b.Attr[i]
		if x.Space != y.Space || x.Key != y.Key || x.Value != y.Value || x.Element() != a || y.Element() != b ||
			x.NamespaceURI() != y.NamespaceURI() {
			return fmt.Sprintf("%s: attribute %d: %q:%q=%q (ns %q) vs %q:%q=%q (ns %q)", at, i,
				x.Space, x.Key, x.Value, x.NamespaceURI(), y.Space, y.Key, y.Value, y.NamespaceURI())
		}
	}
	if a.NamespaceURI() != b.NamespaceURI() {
		return fmt.Sprintf("%s: namespace %q vs %q", at, a.NamespaceURI(), b.NamespaceURI())
	}
	if len(a.Child) != len(b.Child) {
		return fmt.Sprintf("%s: %d children vs %d", at, len(a.Child), len(b.Child))
	}
	for i := range a.Child {
		x, y := a.Child[i], b.Child[i]
		here := fmt.Sprintf("%s/%d", at, i)
		if x.Parent() != a || y.Parent() != b || x.Index() != i || y.Index() != i {
			return here + ": parent or index not set"
		}
		switch x := x.(type) {
		case *etree.Element:
			y, ok := y.(*etree.Element)
			if !ok {
				return fmt.Sprintf("%s: element vs %T", here, b.Child[i])
			}
			if d := treeDiff(x, y, here+"("+x.Tag+")"); d != "" {
				return d
			}
		case *etree.CharData:
			y, ok := y.(*etree.CharData)
			if !ok {
				return fmt.Sprintf("%s: text vs %T", here, b.Child[i])
			}
			if x.Data != y.Data || x.IsCData() != y.IsCData() || x.IsWhitespace() != y.IsWhitespace() {
				return fmt.Sprintf("%s: text %q (CDATA %v, whitespace %v) vs %q (CDATA %v, whitespace %v)", here,
					x.Data, x.IsCData(), x.IsWhitespace(), y.Data, y.IsCData(), y.IsWhitespace())
			}
		case *etree.Comment:
			y, ok := y.(*etree.Comment)
			if !ok || x.Data != y.Data {
				return fmt.Sprintf("%s: comment %q vs %#v", here, x.Data, b.Child[i])
			}
		case *etree.ProcInst:
			y, ok := y.(*etree.ProcInst)
			if !ok || x.Target != y.Target || x.Inst != y.Inst {
				return fmt.Sprintf("%s: processing instruction %q %q vs %#v", here, x.Target, x.Inst, b.Child[i])
			}
		case *etree.Directive:
			y, ok := y.(*etree.Directive)
			if !ok || x.Data != y.Data {
				return fmt.Sprintf("%s: directive %q vs %#v", here, x.Data, b.Child[i])
			}
		default:
			return fmt.Sprintf("%s: unexpected token %T", here, x)
		}
	}
	return ""
}

// TestTreeDiffFindsDifferences keeps the comparison honest: each change to a
// parsed tree must be reported.
func TestTreeDiffFindsDifferences(t *testing.T) {
	const src = `<?xml version="1.0"?><md:a xmlns:md="urn:x" md:b="1"><!--c--><d>t</d><![CDATA[e]]> </md:a>`
	changes := map[string]func(root *etree.Element){
		"tag":              func(r *etree.Element) { r.Tag = "z" },
		"prefix":           func(r *etree.Element) { r.Space = "" },
		"attribute value":  func(r *etree.Element) { r.Attr[1].Value = "2" },
		"attribute prefix": func(r *etree.Element) { r.Attr[1].Space = "" },
		"namespace":        func(r *etree.Element) { r.Attr[0].Value = "urn:y" },
		"comment":          func(r *etree.Element) { r.Child[0].(*etree.Comment).Data = "x" },
		"text":             func(r *etree.Element) { r.Child[1].(*etree.Element).Child[0].(*etree.CharData).Data = "u" },
		"CDATA flag":       func(r *etree.Element) { replaceChild(r, 2, etree.NewText("e")) },
		"whitespace flag":  func(r *etree.Element) { replaceChild(r, 3, etree.NewText(" ")) }, // NewText does not flag whitespace
		"missing child":    func(r *etree.Element) { r.RemoveChildAt(3) },
		"extra attribute":  func(r *etree.Element) { r.CreateAttr("z", "1") },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			a, err := readEtree([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := readEtree([]byte(src))
			if d := treeDiff(&a.Element, &b.Element, "document"); d != "" {
				t.Fatalf("identical trees differ: %s", d)
			}
			change(b.Root())
			if d := treeDiff(&a.Element, &b.Element, "document"); d == "" {
				t.Fatal("the change went unnoticed")
			}
		})
	}
}

func replaceChild(e *etree.Element, i int, t etree.Token) {
	e.RemoveChildAt(i)
	e.InsertChildAt(i, t)
}

// FuzzFastReadGenerated builds XML from the fuzzer's bytes with a small grammar, so that most inputs are
// well-formed and reach fastRead's accepting paths with the characters, references and line endings that
// decide its edge cases, then holds fastRead to etree on them as FuzzFastRead does.
func FuzzFastReadGenerated(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15})
	f.Add([]byte("metadata with several IdPs, each with certificates"))
	f.Add(bytes.Repeat([]byte{3, 250, 17, 99, 4, 0, 201}, 12))
	f.Fuzz(func(t *testing.T, program []byte) {
		g := xmlGenerator{program: program}
		g.document()
		checkFastRead(t, g.out.Bytes())
	})
}

type xmlGenerator struct {
	program []byte
	out     bytes.Buffer
}

// pick returns the next choice in [0, n), or 0 once the program is used up.
func (g *xmlGenerator) pick(n int) int {
	if len(g.program) == 0 {
		return 0
	}
	c := int(g.program[0]) % n
	g.program = g.program[1:]
	return c
}

var (
	genNames = []string{"a", "md:EntityDescriptor", "ds:X509Certificate", "x:a", "_b.c-d", "xmlns", "xmlns:md", "ID", "é"}
	genChars = []string{"a", "MIIC", " ", "\n", "\r\n", "\r", "\t", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;",
		"&#13;", "&#xD;", "&#65;", "&#x1F600;", "&#0;", "&#xD800;", "&#xFFFE;", "&nbsp;", "&", "é", "€", "😀", "\u00a0",
		"\uFEFF", "\uFFFE", "\x01", "\x7f", "\xff", "]", "]]", "]]>", ">", "'", "\"", "-", "--", "?", "?>", "<", "/"}
	genMarkup = []string{"<!DOCTYPE a>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<?xml version=\"1.1\"?>",
		"<?xml encoding=\"latin1\"?>", "<?pi x?>", "</a>", "<a", "/>", ">"}
)

func (g *xmlGenerator) document() {
	if g.pick(3) == 0 {
		g.out.WriteString(genMarkup[g.pick(3)])
	}
	g.chars(2)
	g.element(0)
	g.chars(2)
}

func (g *xmlGenerator) chars(max int) {
	for range g.pick(max + 1) {
		g.out.WriteString(genChars[g.pick(len(genChars))])
	}
}

func (g *xmlGenerator) element(depth int) {
	name := genNames[g.pick(len(genNames))]
	g.out.WriteString("<" + name)
	for range g.pick(4) {
		g.out.WriteString([]string{" ", "\n\t", "", "\r\n "}[g.pick(4)])
		g.out.WriteString(genNames[g.pick(len(genNames))])
		g.out.WriteString([]string{"=", " = ", "\r\n=\n"}[g.pick(3)])
		q := []string{`"`, `'`}[g.pick(2)]
		g.out.WriteString(q)
		g.chars(4)
		g.out.WriteString(q)
	}
	if g.pick(4) == 0 {
		g.out.WriteString([]string{"/>", " />", "/ >"}[g.pick(3)])
		return
	}
	g.out.WriteString(">")
	for range g.pick(5) {
		switch g.pick(7) {
		case 0, 1:
			g.chars(6)
		case 2:
			if depth < 6 {
				g.element(depth + 1)
			}
		case 3:
			g.out.WriteString("<!--")
			g.chars(3)
			g.out.WriteString("-->")
		case 4:
			g.out.WriteString("<![CDATA[")
			g.chars(4)
			g.out.WriteString("]]>")
		case 5:
			g.out.WriteString("<?" + genNames[g.pick(len(genNames))] + []string{" ", ""}[g.pick(2)])
			g.chars(3)
			g.out.WriteString("?>")
		case 6:
			g.out.WriteString(genMarkup[g.pick(len(genMarkup))])
		}
	}
	if g.pick(16) == 0 {
		name = genNames[g.pick(len(genNames))] // now and then a mismatched end tag
	}
	g.out.WriteString("</" + name + []string{">", " >", "\n>"}[g.pick(3)])
}
