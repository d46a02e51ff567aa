package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain pins the CLI the provider suite runs on. terraform-plugin-testing would otherwise look for
// terraform on PATH or download one, and this project never downloads anything at test time: the CLI is
// TF_ACC_TERRAFORM_PATH (set by `make test-terraform` / `make test-opentofu`), or the Terraform build in
// .tools/bin from `make tools`.
func TestMain(m *testing.M) {
	os.Setenv("CHECKPOINT_DISABLE", "1")
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err == nil {
			cli = filepath.Join(root, ".tools", "bin", "terraform")
		}
		if _, err := os.Stat(cli); err != nil {
			fmt.Fprintln(os.Stderr, "provider suite: no Terraform CLI: run `make tools`, or set TF_ACC_TERRAFORM_PATH")
			os.Exit(1)
		}
		os.Setenv("TF_ACC_TERRAFORM_PATH", cli)
	}
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "provider suite: %s version: %v\n", cli, err)
		os.Exit(1)
	}
	version := strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
	fmt.Printf("provider suite CLI: %s (%s)\n", version, cli)
	testCLI = version
	code := m.Run()
	removeProviderBuild()
	os.Exit(code)
}

// testCLI is the first line of `<cli> version`, e.g. "Terraform v1.5.7" or "OpenTofu v1.11.3".
var testCLI string

// onOpenTofu reports whether the suite runs on OpenTofu.
func onOpenTofu() bool { return strings.HasPrefix(testCLI, "OpenTofu") }
