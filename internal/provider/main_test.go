package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestMain gives the suite the CLI named by TF_ACC_TERRAFORM_PATH (`make test-terraform`, `make
// test-opentofu` and `make test-terraform-latest` set it) and a CLI configuration of its own. Without a CLI,
// the tests that drive one skip (cliTest, needCLI) and the others run: plugin-testing would otherwise look
// for terraform on PATH and download one, and this project never downloads anything at test time.
func TestMain(m *testing.M) {
	os.Setenv("CHECKPOINT_DISABLE", "1")
	dir, err := os.MkdirTemp("", "zerotrust-provider-suite-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "provider suite:", err)
		os.Exit(1)
	}
	suiteDir = dir
	// The CLI reads this empty configuration, not TF_CLI_CONFIG_FILE's or ~/.terraformrc: a user's plugin
	// cache or mirrors must not change what is tested, and where TF_CLI_CONFIG_FILE names a missing file
	// OpenTofu 1.12 prints a warning before its version, which plugin-testing cannot parse.
	cliConfig := filepath.Join(dir, "empty.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "provider suite:", err)
		os.Exit(1)
	}
	os.Setenv("TF_CLI_CONFIG_FILE", cliConfig)
	if cli := os.Getenv("TF_ACC_TERRAFORM_PATH"); cli != "" {
		out, err := exec.Command(cli, "version").Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "provider suite: %s version: %v\n", cli, err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
		testCLI = strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
		fmt.Printf("provider suite CLI: %s (%s)\n", testCLI, cli)
		if onOpenTofu() && os.Getenv(resource.EnvTfAccProviderHost) == "" {
			os.Setenv(resource.EnvTfAccProviderHost, "registry.opentofu.org") // where OpenTofu looks the provider up
		}
	} else {
		fmt.Println("provider suite CLI: none (TF_ACC_TERRAFORM_PATH is not set): the tests that drive one skip")
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testCLI is the first line of `<cli> version`, e.g. "Terraform v1.5.7" or "OpenTofu v1.12.6"; empty
// without a CLI.
var testCLI string

// samlLoginMethodType is the SAML login method's resource type name, as its spec gives it.
var samlLoginMethodType = samlLoginMethodSpec.resourceType()

// suiteDir is the suite's scratch directory (its CLI configuration, the provider build), removed by
// TestMain.
var suiteDir string

// onOpenTofu reports whether the suite runs on OpenTofu.
func onOpenTofu() bool { return strings.HasPrefix(testCLI, "OpenTofu") }

// needCLI returns the path of the suite's CLI, or skips the test, saying why, when there is none.
func needCLI(t *testing.T) string {
	t.Helper()
	if testCLI == "" {
		t.Skip("needs a Terraform or OpenTofu CLI: set TF_ACC_TERRAFORM_PATH=/path/to/terraform (make test does)")
	}
	return os.Getenv("TF_ACC_TERRAFORM_PATH")
}

// cliTest runs c with plugin-testing on the suite's CLI, or skips the test when there is none. The tests
// call it, never resource.Test or resource.UnitTest (the lint forbids them), so that no test lets
// plugin-testing look for a CLI on PATH or download one.
func cliTest(t *testing.T, c resource.TestCase) {
	t.Helper()
	needCLI(t)
	resource.UnitTest(t, c) //nolint:forbidigo // the one call: needCLI has checked the CLI
}
