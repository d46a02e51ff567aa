package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// The docs name a diagnostic by its title in italics, in one of two ways: "Plan error *Title*" (or
// warning, apply error; "Plan warnings *A* or *B*" names both) in prose and tables, or as the first
// cell of a table whose first header cell is "Error" or "Warning".
var (
	docsTitleInProse = regexp.MustCompile(`(?i)\b(?:error|warning)s?\s+((?:\*[^*\n]+\*(?:,\s*|\s+or\s+|\s+and\s+)?)+)`)
	docsItalic       = regexp.MustCompile(`\*([^*\n]+)\*`)
	docsTableHeader  = regexp.MustCompile(`^\|\s*(Error|Warning)\s*\|`)
	docsTableTitle   = regexp.MustCompile(`^\|\s*\*([^*\n]+)\*\s*\|`)
)

// docsDiagnosticTitles returns the diagnostic titles a Markdown document names, in order.
func docsDiagnosticTitles(doc string) []string {
	var titles []string
	inTable := false
	for _, line := range strings.Split(doc, "\n") {
		switch {
		case docsTableHeader.MatchString(line):
			inTable = true
		case !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable:
			if m := docsTableTitle.FindStringSubmatch(line); m != nil {
				titles = append(titles, m[1])
			}
		}
		for _, m := range docsTitleInProse.FindAllStringSubmatch(line, -1) {
			for _, t := range docsItalic.FindAllStringSubmatch(m[1], -1) {
				titles = append(titles, t[1])
			}
		}
	}
	return titles
}

// diagnosticSummaries returns the summaries the named Go files of this package give their diagnostics
// as string literals, by the call that adds them: AddError and AddWarning take the summary first,
// AddAttributeError and AddAttributeWarning after the path. A summary assigned to a variable first
// (summary := "…") counts too when the variable is named summary.
func diagnosticSummaries(t *testing.T, files []string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		literal := func(e ast.Expr) {
			if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					out[s] = true
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				at := map[string]int{"AddError": 0, "AddWarning": 0, "AddAttributeError": 1, "AddAttributeWarning": 1}
				if i, ok := at[sel.Sel.Name]; ok && len(n.Args) > i {
					literal(n.Args[i])
				}
			case *ast.AssignStmt:
				for i, lhs := range n.Lhs {
					if id, ok := lhs.(*ast.Ident); ok && id.Name == "summary" && i < len(n.Rhs) {
						literal(n.Rhs[i])
					}
				}
			}
			return true
		})
	}
	return out
}

// providerSources lists the non-test Go files of this package.
func providerSources(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	return slices.DeleteFunc(names, func(n string) bool { return strings.HasSuffix(n, "_test.go") })
}

// Every diagnostic title the docs name is one the provider gives, so a reader who searches the docs
// for the message in front of them finds it, and no doc promises a warning that never comes.
func TestDocsNameOnlyRealDiagnostics(t *testing.T) {
	real := diagnosticSummaries(t, providerSources(t))
	docs := filepath.Join("..", "..", "docs")
	named := 0
	err := filepath.WalkDir(docs, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, title := range docsDiagnosticTitles(string(b)) {
			named++
			if !real[title] {
				t.Errorf("%s names the diagnostic %q, which the provider never gives", path, title)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if named < 8 {
		t.Errorf("the docs name %d diagnostic titles; the resource's error table alone has more: is the convention above still theirs?", named)
	}
}

// The login method's table of plan-time errors lists every error its plan-time checks give: the
// configuration checks, the metadata and the certificates.
func TestDocsLoginMethodErrorTableIsComplete(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "resources", "saml_login_method.md"))
	if err != nil {
		t.Fatal(err)
	}
	listed := docsDiagnosticTitles(string(b))
	var missing []string
	for title := range diagnosticSummaries(t, []string{"saml_login_method_plan.go", "metadata_source.go", "certificates.go"}) {
		if !slices.Contains(listed, title) && !strings.Contains(strings.ToLower(title), "expire") && !strings.Contains(title, "validUntil") {
			missing = append(missing, title) // warnings (expiry, validUntil) are described in prose
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("the Plan-time errors table of docs/resources/saml_login_method.md lacks %q (edit its template)", missing)
	}
}

func TestDocsDiagnosticTitlesConvention(t *testing.T) {
	doc := "| Symptom | Fix |\n|---|---|\n| Plan warning *A Soon* or *A Expired* | renew |\n| *Not a title* | x |\n\n" +
		"An apply error *B* and the dashboard's *Button*.\n\n| Error | On |\n|---|---|\n| *C* | `x` |\n| plain | y |\n\n| *D* | after the table |\n"
	if got, want := docsDiagnosticTitles(doc), []string{"A Soon", "A Expired", "B", "C"}; !slices.Equal(got, want) {
		t.Errorf("titles %q, want %q", got, want)
	}
}

// What Cloudflare applies when identity_update_behavior is not sent is settled by Cloudflare's OpenAPI
// (the 2026 delta; the 2024 extract predates the field): the docs say Cloudflare applies a value only if
// the OpenAPI gives it as the default, and say that the API documents none otherwise. CONTRACT.md's
// field table says the same.
func TestIdentityUpdateBehaviorDefaultIsTheOpenAPIs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "emulator", "testdata", "openapi", "cloudflare-access-idp-openapi-2026-delta.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	prop := spec.Components.Schemas["IdentityProviderSCIMConfig"].Properties["identity_update_behavior"]
	if prop["enum"] == nil {
		t.Fatalf("the OpenAPI has no IdentityProviderSCIMConfig.identity_update_behavior with an enum: %v", prop)
	}
	var resp resource.SchemaResponse
	(&scimConfigResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	desc := resp.Schema.Attributes["identity_update_behavior"].GetMarkdownDescription()
	contract, err := os.ReadFile(filepath.Join("..", "emulator", "CONTRACT.md"))
	if err != nil {
		t.Fatal(err)
	}
	var row string
	for _, line := range strings.Split(string(contract), "\n") {
		if strings.HasPrefix(line, "| `identity_update_behavior` |") {
			row = line
		}
	}
	if def, ok := prop["default"]; ok {
		if want := fmt.Sprintf("Cloudflare applies `%v`", def); !strings.Contains(desc, want) {
			t.Errorf("the OpenAPI's default is %v, and the description does not say %q: %s", def, want, desc)
		}
		return
	}
	if !strings.Contains(desc, "Cloudflare's API documents no default") {
		t.Errorf("the OpenAPI gives no default, and the description does not say so: %s", desc)
	}
	if !strings.Contains(row, "The OpenAPI gives no default") {
		t.Errorf("the OpenAPI gives no default, and CONTRACT.md's field table does not say so: %s", row)
	}
}

// The CHANGELOG's oldest supported Terraform is the one the tests run on (the pin of install-tools.sh).
func TestChangelogNamesTheTestedTerraform(t *testing.T) {
	changelog, err := os.ReadFile(filepath.Join("..", "..", "CHANGELOG.md"))
	if err != nil {
		t.Fatal(err)
	}
	tools, err := os.ReadFile(filepath.Join("..", "..", "scripts", "install-tools.sh"))
	if err != nil {
		t.Fatal(err)
	}
	pin := regexp.MustCompile(`TERRAFORM_VERSION="\$\{TERRAFORM_VERSION:-([0-9.]+)\}"`).FindSubmatch(tools)
	claim := regexp.MustCompile(`needs Terraform ([0-9.]+) or later`).FindSubmatch(changelog)
	if pin == nil || claim == nil || string(claim[1]) != string(pin[1]) {
		t.Errorf("CHANGELOG.md says Terraform %q or later; the tests run on %q (scripts/install-tools.sh)", claim, pin)
	}
}
