// Command exportcheck fails when an exported name of this module is used by no code but tests: such a name
// goes, or moves into a _test.go file (export_test.go for a package's external tests). golangci-lint's
// `unused` cannot see this: it checks one package at a time and takes every exported name as used. Nor
// can `deadcode` (golang.org/x/tools), which reports functions a main cannot reach, but not constants,
// variables or types.
//
// What it looks at: the package-level functions, types, variables and constants, and the methods whose
// name no interface declares (a method an interface names is taken as implementing it), declared in a
// non-test file of a package that is not a main. Such a name passes when a non-test file of any package,
// its own included, refers to it, or when allowed lists it with the reason; an entry of allowed that
// nothing needs any more is reported too, so the list stays true.
//
// Usage, from the module root (`make lint` runs it): go run ./scripts/exportcheck [packages]
// (default ./...).
package main

import (
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// allowed are the exported names kept although only tests use them, each with the reason. The key is
// the name as exportcheck prints it: the package path inside the module, then the name, then the method.
var allowed = map[string]string{
	"internal/client.IsRateLimited": "the shared rate-limit budget uses it (issue 24, item 6)",
	"internal/client.CodeInvalidRequest": "one of the API's error codes, beside those the client " +
		"recognises; the tests answer with it",
	"internal/client.CodeNotFound": "one of the API's error codes, beside those the client recognises; " +
		"the tests answer with it",
	"internal/emulator.New":                     "test support: Open for tests of other packages, which cannot handle an error",
	"internal/emulator.NewTestServer":           "test support: the emulator every test of another package starts",
	"internal/emulator.TestServer.APIBaseURL":   "test support (NewTestServer)",
	"internal/emulator.TestServer.AccountScope": "test support (NewTestServer)",
	"internal/emulator.TestServer.ZoneScope":    "test support (NewTestServer)",
	"internal/samlmetadata.Parse": "ParseContext without a context, the entry point the package's documentation " +
		"names; the provider parses through the Memo, with the request's context",
	"internal/samlmetadata.Memo.Parses": "how many documents one memo parsed, for the provider's parse-once test: " +
		"a counter of the instance the test builds, not a global, so tests that read it run in parallel",
	"internal/samlmetadata.BindingHTTPPOSTSimple":       "the SAML 2.0 bindings are one vocabulary (saml-bindings-2.0-os section 3)",
	"internal/samlmetadata.BindingHTTPArtifact":         "the SAML 2.0 bindings are one vocabulary (saml-bindings-2.0-os section 3)",
	"internal/samlmetadata.BindingSOAP":                 "the SAML 2.0 bindings are one vocabulary (saml-bindings-2.0-os section 3)",
	"internal/samlmetadata.BindingPAOS":                 "the SAML 2.0 bindings are one vocabulary (saml-bindings-2.0-os section 3)",
	"internal/client.PromptLogin":                       "the values of an Entra ID login method's prompt are one vocabulary (the OpenAPI's enum)",
	"internal/client.PromptSelectAccount":               "the values of an Entra ID login method's prompt are one vocabulary (the OpenAPI's enum)",
	"internal/client.PromptNone":                        "the values of an Entra ID login method's prompt are one vocabulary (the OpenAPI's enum)",
	"internal/oidcdiscovery/oidctest.NewServer":         "test support: the discovery server tests of other packages start",
	"internal/oidcdiscovery/oidctest.NewTLSServer":      "test support: the discovery server tests of other packages start",
	"internal/oidcdiscovery/oidctest.Server.Issuer":     "test support (NewServer)",
	"internal/oidcdiscovery/oidctest.Server.Document":   "test support (NewServer)",
	"internal/oidcdiscovery/oidctest.Server.Transport":  "test support (NewTLSServer)",
	"internal/oidcdiscovery/oidctest.Provider.Requests": "test support: how many requests an issuer served",
}

func main() {
	patterns := os.Args[1:]
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	findings, err := check(".", patterns, allowed)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exportcheck:", err)
		os.Exit(2)
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	if len(findings) > 0 {
		fmt.Printf("exportcheck: %d finding(s). A name only tests use goes, moves into a _test.go file "+
			"(export_test.go for external tests), or is listed in scripts/exportcheck's allowed with the reason.\n", len(findings))
		os.Exit(1)
	}
}

// exported is one exported name and where it is declared.
type exported struct {
	name  string    // as printed: internal/client.Client.ListAll
	pos   string    // file:line:column, the file relative to the module root
	owner *exported // a method's type: using the method uses the type
	used  bool      // by a non-test file
}

// check loads the packages of patterns, with their tests, from dir and returns one line per exported name
// only tests use, and per entry of allow that nothing needs, sorted.
func check(dir string, patterns []string, allow map[string]string) ([]string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cfg := &packages.Config{
		Dir:   dir,
		Mode:  packages.NeedName | packages.NeedModule | packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax,
		Tests: true,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	var loadErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, e.Error())
		}
	})
	if len(loadErrs) > 0 {
		return nil, fmt.Errorf("the packages do not load:\n%s", strings.Join(loadErrs, "\n"))
	}

	implemented := interfaceMethodNames(pkgs)
	names := map[string]*exported{} // by declaration position: each test variant of a package has its own objects
	for _, p := range pkgs {
		if p.Name == "main" || p.ID != p.PkgPath { // test variants have IDs like "p [p.test]"
			continue
		}
		declare(p, dir, names, implemented)
	}
	for _, p := range pkgs {
		for id, obj := range p.TypesInfo.Uses {
			if strings.HasSuffix(p.Fset.Position(id.Pos()).Filename, "_test.go") {
				continue
			}
			// By position: an instance of a generic function or method has the position of its origin.
			if e := names[p.Fset.Position(obj.Pos()).String()]; e != nil {
				e.used = true
				if e.owner != nil {
					e.owner.used = true
				}
			}
		}
	}

	var out []string
	seen := map[string]bool{}
	for _, e := range names {
		seen[e.name] = true
		if !e.used {
			if _, ok := allow[e.name]; !ok {
				out = append(out, fmt.Sprintf("%s: %s is exported, and no code but tests uses it", e.pos, e.name))
			}
		} else if _, ok := allow[e.name]; ok {
			out = append(out, fmt.Sprintf("allowed: %s is used by non-test code now: remove it from the list", e.name))
		}
	}
	for name := range allow {
		if !seen[name] {
			out = append(out, fmt.Sprintf("allowed: %s is not an exported name of these packages: remove it from the list", name))
		}
	}
	sort.Strings(out)
	return out, nil
}

// declare adds the exported names of p's non-test files to names.
func declare(p *packages.Package, dir string, names map[string]*exported, implemented map[string]bool) {
	prefix := strings.TrimPrefix(strings.TrimPrefix(p.PkgPath, p.Module.Path), "/") + "."
	add := func(name string, pos token.Pos, owner *exported) *exported {
		position := p.Fset.Position(pos)
		if strings.HasSuffix(position.Filename, "_test.go") {
			return nil
		}
		e := &exported{name: prefix + name, pos: position.String(), owner: owner}
		names[position.String()] = e
		if rel, err := filepath.Rel(dir, position.Filename); err == nil {
			e.pos = fmt.Sprintf("%s:%d:%d", rel, position.Line, position.Column)
		}
		return e
	}
	scope := p.Types.Scope()
	for _, n := range scope.Names() {
		obj := scope.Lookup(n)
		if !obj.Exported() {
			continue
		}
		e := add(n, obj.Pos(), nil)
		named, ok := obj.Type().(*types.Named)
		if e == nil || !ok || obj != named.Obj() {
			continue
		}
		for m := range named.Methods() {
			if m.Exported() && !implemented[m.Name()] {
				add(n+"."+m.Name(), m.Pos(), e)
			}
		}
	}
}

// interfaceMethodNames returns the names of the methods that the interfaces declared at package level in
// pkgs and in what they import declare, and those the standard library asks for without a named interface
// (errors.Is, errors.As and errors.Unwrap look for Is, As and Unwrap).
func interfaceMethodNames(pkgs []*packages.Package) map[string]bool {
	names := map[string]bool{"Error": true, "Is": true, "As": true, "Unwrap": true}
	seen := map[*types.Package]bool{}
	var visit func(*types.Package)
	visit = func(tp *types.Package) {
		if seen[tp] {
			return
		}
		seen[tp] = true
		for _, n := range tp.Scope().Names() {
			if iface, ok := tp.Scope().Lookup(n).Type().Underlying().(*types.Interface); ok {
				for m := range iface.Methods() {
					names[m.Name()] = true
				}
			}
		}
		for _, imp := range tp.Imports() {
			visit(imp)
		}
	}
	for _, p := range pkgs {
		visit(p.Types)
	}
	return names
}
