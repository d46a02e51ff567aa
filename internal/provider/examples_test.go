package provider

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// providerSource is the address every example declares in required_providers.
const providerSource = "zerotrust-tf/zerotrust"

// TestExamples checks every directory under examples/ that holds .tf files, whatever exists on this
// branch: it is `fmt -check` clean, declares the provider as zerotrust-tf/zerotrust, and passes
// `validate` with the provider built from this tree (dev_overrides, so nothing is downloaded). It runs on
// the suite's CLI, so `make test` checks the examples on Terraform and on OpenTofu. Directories that call
// provider functions need a CLI that knows them (Terraform 1.8, OpenTofu 1.7) and are skipped, with the
// reason, below that.
func TestExamples(t *testing.T) {
	t.Parallel()
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dirs := exampleDirs(t, filepath.Join(root, "examples"))
	if len(dirs) == 0 {
		t.Fatal("no example directories found under examples/")
	}

	work := t.TempDir()
	pluginDir := filepath.Join(work, "plugins")
	buildProvider(t, root, pluginDir)
	cliConfig := filepath.Join(work, "cli.tfrc")
	writeDevOverrides(t, cliConfig, pluginDir)

	functionsOK := cliSupportsFunctions(testCLI)
	for _, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			src := readTF(t, dir)
			if !functionsOK && strings.Contains(src, "provider::") {
				t.Skipf("%s calls provider functions, which %s cannot parse (Terraform 1.8 or OpenTofu 1.7 needed); "+
					"`make test-opentofu` validates it", rel, testCLI)
			}
			if !regexp.MustCompile(`source\s*=\s*"` + regexp.QuoteMeta(providerSource) + `"`).MatchString(src) {
				t.Errorf("%s does not declare required_providers { zerotrust = { source = %q } }", rel, providerSource)
			}

			// A copy, so that validate's working files never land in the source tree.
			tmp := t.TempDir()
			copyDir(t, dir, tmp)
			runCLI(t, cli, cliConfig, tmp, "fmt", "-check", "-diff")
			out, err := runCLIErr(cli, cliConfig, tmp, "validate", "-no-color")
			if err != nil {
				if m := regexp.MustCompile(`does not support\s+(resource type|data source)\s+"([^"]+)"`).FindStringSubmatch(out); m != nil {
					t.Fatalf("%s uses %s %s, which this build of the provider does not have: the example is ahead of "+
						"the code (the SCIM examples validate once zerotrust_scim_* are merged).\n%s", rel, m[1], m[2], out)
				}
				t.Fatalf("validate %s: %v\n%s", rel, err, out)
			}
		})
	}
}

// exampleDirs lists every directory under root with at least one .tf file, in a stable order.
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
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".tf") {
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

// buildProvider compiles the provider under test into dir, the way a release names it.
func buildProvider(t *testing.T, root, dir string) {
	t.Helper()
	name := "terraform-provider-zerotrust"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, name), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
}

// writeDevOverrides points both registries' address of the provider at the local build. Anything else an
// example needed would have to be downloaded, and fails instead: examples use only this provider.
func writeDevOverrides(t *testing.T, path, pluginDir string) {
	t.Helper()
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/%[1]s" = %[2]q
    "registry.opentofu.org/%[1]s" = %[2]q
  }
}
`, providerSource, pluginDir)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// cliSupportsFunctions reports whether a `<cli> version` first line names a CLI with provider functions.
func cliSupportsFunctions(version string) bool {
	m := regexp.MustCompile(`v(\d+)\.(\d+)`).FindStringSubmatch(version)
	if m == nil {
		return false
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	need := 8 // Terraform 1.8
	if strings.HasPrefix(version, "OpenTofu") {
		need = 7 // OpenTofu 1.7
	}
	return major > 1 || (major == 1 && minor >= need)
}

func readTF(t *testing.T, dir string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

// copyDir copies the regular files of src (not its subdirectories: each is an example of its own) into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func runCLI(t *testing.T, cli, cliConfig, dir string, args ...string) {
	t.Helper()
	if out, err := runCLIErr(cli, cliConfig, dir, args...); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(cli), strings.Join(args, " "), err, out)
	}
}

// runCLIErr runs the CLI in dir with only the dev_overrides configuration and no inherited TF_* settings.
func runCLIErr(cli, cliConfig, dir string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir = dir
	env := []string{"TF_CLI_CONFIG_FILE=" + cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_DATA_DIR=" + filepath.Join(dir, ".terraform")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}
