package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tests that run the suite's CLI themselves (examples, the schema export, the docs' guide) use the
// provider built from this tree, installed with dev_overrides so that nothing is downloaded.

// providerSource is the address every example declares in required_providers.
const providerSource = "zerotrust-tf/zerotrust"

// requiredProvidersTF declares the provider under its address, for configurations the tests write.
const requiredProvidersTF = `terraform {
  required_providers {
    zerotrust = {
      source = "` + providerSource + `"
    }
  }
}
`

// providerBuild is the provider binary, built once per suite run into suiteDir by the first test that
// needs it.
var providerBuild struct {
	once      sync.Once
	cliConfig string
	err       error
}

// devOverrides returns a CLI configuration file that installs the provider built from this tree for
// both registries' address of it.
func devOverrides(t *testing.T) string {
	t.Helper()
	providerBuild.once.Do(func() {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			providerBuild.err = err
			return
		}
		pluginDir := filepath.Join(suiteDir, "plugins")
		if providerBuild.err = buildProvider(root, pluginDir); providerBuild.err != nil {
			return
		}
		providerBuild.cliConfig = filepath.Join(suiteDir, "cli.tfrc")
		providerBuild.err = writeDevOverrides(providerBuild.cliConfig, pluginDir)
	})
	if providerBuild.err != nil {
		t.Fatalf("building the provider for the CLI: %v", providerBuild.err)
	}
	return providerBuild.cliConfig
}

// buildProvider compiles the provider under test into dir, the way a release names it.
func buildProvider(root, dir string) error {
	name := "terraform-provider-zerotrust"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(dir, name), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	return nil
}

// writeDevOverrides points both registries' address of the provider at the local build. Anything else a
// configuration needed would have to be downloaded, and fails instead: examples use only this provider.
func writeDevOverrides(path, pluginDir string) error {
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/%[1]s" = %[2]q
    "registry.opentofu.org/%[1]s" = %[2]q
  }
}
`, providerSource, pluginDir)
	return os.WriteFile(path, []byte(cfg), 0o600)
}

func runCLI(t *testing.T, cli, cliConfig, dir string, args ...string) string {
	t.Helper()
	out, err := runCLIErr(cli, cliConfig, dir, nil, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(cli), strings.Join(args, " "), err, out)
	}
	return out
}

// runCLIErr runs the CLI in dir with only the dev_overrides configuration, no inherited TF_* settings and
// the extra environment env, and returns its combined output.
func runCLIErr(cli, cliConfig, dir string, env []string, args ...string) (string, error) {
	var out bytes.Buffer
	err := runCLITo(&out, &out, cli, cliConfig, dir, env, args...)
	return out.String(), err
}

func runCLITo(stdout, stderr *bytes.Buffer, cli, cliConfig, dir string, env []string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"TF_CLI_CONFIG_FILE=" + cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"TF_DATA_DIR=" + filepath.Join(dir, ".terraform")}, env...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "CLOUDFLARE_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}

// cliAtLeast reports whether a `<cli> version` first line names product (Terraform or OpenTofu) at
// major.minor or later.
func cliAtLeast(version, product string, major, minor int) bool {
	m := regexp.MustCompile(`^(\w+) v(\d+)\.(\d+)`).FindStringSubmatch(version)
	if m == nil || m[1] != product {
		return false
	}
	maj, _ := strconv.Atoi(m[2])
	mnr, _ := strconv.Atoi(m[3])
	return maj > major || (maj == major && mnr >= minor)
}
