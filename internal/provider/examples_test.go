package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestExamples checks every directory under examples/ that holds .tf or .tfquery.hcl files, whatever
// exists on this branch: it is `fmt -check` clean, declares the provider as zerotrust-tf/zerotrust, and
// passes `validate` with the provider built from this tree (dev_overrides, so nothing is downloaded). It
// runs on the suite's CLI, so `make test` checks the examples on every CLI it runs. What a CLI cannot
// read is left out, with the reason, and checked by a newer one:
//   - provider function calls need Terraform 1.8 or OpenTofu 1.7;
//   - import-by-identity.tf (an import block with identity) needs Terraform 1.12;
//   - .tfquery.hcl files (list blocks for `terraform query`) need Terraform 1.14, where they are
//     formatted and validated with `validate -query`;
//   - write-only attributes (client_secret_wo) need Terraform 1.11 or OpenTofu 1.11: on an older CLI such
//     an example must fail validation with the provider's error that says to use client_secret instead.
//
// The import-by-*.tf files of a directory are alternatives: each is validated on its own with the
// directory's other .tf files, since a resource may have only one import block.
func TestExamples(t *testing.T) {
	t.Parallel()
	cli := needCLI(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dirs := exampleDirs(t, filepath.Join(root, "examples"))
	if len(dirs) == 0 {
		t.Fatal("no example directories found under examples/")
	}
	cliConfig := devOverrides(t)
	can := cliFeatures(testCLI)

	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		for _, v := range exampleVariants(t, dir) {
			name := filepath.ToSlash(rel)
			if v.importFile != "" {
				name += "/" + v.importFile
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				checkExample(t, cli, cliConfig, dir, name, v, can)
			})
		}
	}
}

// cliCan says which example features the suite's CLI reads.
type cliCan struct{ functions, identity, query, writeOnly bool }

func cliFeatures(version string) cliCan {
	return cliCan{
		functions: cliAtLeast(version, "Terraform", 1, 8) || cliAtLeast(version, "OpenTofu", 1, 7),
		identity:  cliAtLeast(version, "Terraform", 1, 12),
		query:     cliAtLeast(version, "Terraform", 1, 14),
		writeOnly: cliAtLeast(version, "Terraform", 1, 11) || cliAtLeast(version, "OpenTofu", 1, 11),
	}
}

// exampleVariant is one validation of an example directory: its .tf files other than import-by-*.tf,
// at most one import-by-*.tf, and its .tfquery.hcl files.
type exampleVariant struct {
	base       []string
	importFile string
	query      []string
}

func exampleVariants(t *testing.T, dir string) []exampleVariant {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var v exampleVariant
	var imports []string
	for _, e := range entries {
		switch n := e.Name(); {
		case !e.Type().IsRegular():
		case strings.HasSuffix(n, ".tfquery.hcl"):
			v.query = append(v.query, n)
		case strings.HasPrefix(n, "import-by-") && strings.HasSuffix(n, ".tf"):
			imports = append(imports, n)
		case strings.HasSuffix(n, ".tf"):
			v.base = append(v.base, n)
		}
	}
	if len(imports) == 0 {
		return []exampleVariant{v}
	}
	variants := make([]exampleVariant, len(imports))
	for i, imp := range imports {
		variants[i] = v
		variants[i].importFile = imp
	}
	return variants
}

func checkExample(t *testing.T, cli, cliConfig, dir, name string, v exampleVariant, can cliCan) {
	files := append(slices.Clone(v.base), v.query...)
	if v.importFile != "" {
		files = append(files, v.importFile)
	}
	if v.importFile == "import-by-identity.tf" && !can.identity {
		t.Skipf("%s imports by identity, which %s cannot parse (Terraform 1.12 needed); `make test-terraform-latest` validates it", name, testCLI)
	}
	if len(v.query) > 0 && !can.query {
		files = slices.DeleteFunc(files, func(f string) bool { return strings.HasSuffix(f, ".tfquery.hcl") })
		if len(files) == 0 {
			t.Skipf("%s holds only .tfquery.hcl files, which %s does not read (Terraform 1.14 needed); `make test-terraform-latest` validates it", name, testCLI)
		}
		t.Logf("%s: %s left out: %s does not read .tfquery.hcl files (Terraform 1.14 needed)", name, strings.Join(v.query, ", "), testCLI)
	}
	src := readFiles(t, dir, files)
	if !can.functions && strings.Contains(src, "provider::") {
		t.Skipf("%s calls provider functions, which %s cannot parse (Terraform 1.8 or OpenTofu 1.7 needed); "+
			"`make test-opentofu` validates it", name, testCLI)
	}
	declares := regexp.MustCompile(`source\s*=\s*"` + regexp.QuoteMeta(providerSource) + `"`).MatchString(src)
	if len(v.base) > 0 && !declares {
		t.Errorf("%s does not declare required_providers { zerotrust = { source = %q } }", name, providerSource)
	}

	// A copy, so that validate's working files never land in the source tree. A directory of list blocks
	// alone gets the required_providers block a .tf file next to it would hold.
	tmp := t.TempDir()
	copyExample(t, dir, tmp, files)
	if len(v.base) == 0 {
		if err := os.WriteFile(filepath.Join(tmp, "providers.tf"), []byte(requiredProvidersTF), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runCLI(t, cli, cliConfig, tmp, "fmt", "-check", "-diff")
	args := []string{"validate", "-no-color"}
	if len(v.query) > 0 && can.query {
		args = append(args, "-query")
	}
	out, err := runCLIErr(cli, cliConfig, tmp, nil, args...)
	if !can.writeOnly && regexp.MustCompile(`(?m)^\s*client_secret_wo\s*=`).MatchString(src) {
		if err == nil || !strings.Contains(out, "Write-Only Client Secret Not Supported by This CLI") ||
			!strings.Contains(strings.Join(strings.Fields(out), " "), "Set client_secret instead") {
			t.Fatalf("%s sets client_secret_wo, which %s cannot send: validate must fail with the provider's advice to "+
				"use client_secret: %v\n%s", name, testCLI, err, out)
		}
		return
	}
	if err != nil {
		if m := regexp.MustCompile(`does not support\s+(resource type|data source|list resource type)\s+"([^"]+)"`).FindStringSubmatch(out); m != nil {
			t.Fatalf("%s uses %s %s, which this build of the provider does not have: the example is ahead of "+
				"the code.\n%s", name, m[1], m[2], out)
		}
		t.Fatalf("validate %s: %v\n%s", name, err, out)
	}
}

// exampleDirs lists every directory under root with at least one .tf or .tfquery.hcl file, in a stable
// order.
func exampleDirs(t *testing.T, root string) []string {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".terraform" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(d.Name(), ".tf") || strings.HasSuffix(d.Name(), ".tfquery.hcl")) {
			if dir := filepath.Dir(path); !slices.Contains(dirs, dir) {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(dirs)
	return dirs
}

// readFiles returns the named files of dir, concatenated.
func readFiles(t *testing.T, dir string, names []string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// copyExample copies the configuration files named in files, and every other regular file that is not
// configuration (metadata XML, scripts), of src into dst. Subdirectories are examples of their own.
func copyExample(t *testing.T, src, dst string, files []string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		n := e.Name()
		config := strings.HasSuffix(n, ".tf") || strings.HasSuffix(n, ".tfquery.hcl")
		if !e.Type().IsRegular() || (config && !slices.Contains(files, n)) {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, n))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, n), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
