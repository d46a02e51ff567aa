package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

const benchAccount = "023e105f4ecef8ad9ca31a8372d0c353"

// result is one measured CLI run.
type result struct {
	n         int
	phase     string
	cache     bool
	rateLimit bool // the provider's default client rate limit; off otherwise
	counts    map[string]int
	wall      time.Duration
	// providerPeakKB is the highest VmHWM of a provider process started by this run.
	providerPeakKB int64
	// providers is how many provider processes the CLI started; providerCPU the CPU time they used.
	providers   int
	providerCPU time.Duration
	// treeMaxKB is ru_maxrss from wait4 of the CLI: the largest of the CLI and its children.
	treeMaxKB int64
	changes   int // resources the plan would change
	note      string
}

func (r result) total() int {
	t := 0
	for _, v := range r.counts {
		t += v
	}
	return t
}

// bench is one emulator and one working directory for a given N.
type bench struct {
	o     options
	n     int
	dir   string
	token string
	emu   *emulator.Server
	url   string
	rc    string
}

func benchSize(o options, n int) ([]result, error) {
	b := &bench{o: o, n: n, dir: filepath.Join(o.work, fmt.Sprintf("n%d", n))}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, err
	}
	b.token = "bench-" + hex.EncodeToString(tok)
	emu, err := emulator.Open(emulator.Options{
		Accounts:  []string{benchAccount},
		Tokens:    map[string]emulator.Permission{b.token: emulator.PermWrite},
		RateLimit: o.serverLimit,
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }() // ends with Shutdown below
	defer func() { _ = hs.Shutdown(context.Background()) }()
	b.emu, b.url = emu, "http://"+ln.Addr().String()
	emu.SetBaseURL(b.url)
	emu.SetFaults(emulator.FaultConfig{Latency: o.latency})

	if err := b.writeConfig(); err != nil {
		return nil, err
	}
	log := func(r result) {
		fmt.Fprintf(os.Stderr, "bench: N=%-4d %-34s cache=%-3s rate_limit=%-7s %6d requests %8.2fs provider peak %6.1f MB CPU %6.2fs %s\n",
			r.n, r.phase, onOff(r.cache), map[bool]string{true: "default", false: "off"}[r.rateLimit], r.total(),
			r.wall.Seconds(), float64(r.providerPeakKB)/1024, r.providerCPU.Seconds(), r.note)
	}
	if _, err := b.tf(0, "init", "-input=false", "-no-color"); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}

	var results []result
	step := func(phase string, cache, rateLimit bool, wantExit int, args ...string) (result, error) {
		r, err := b.measure(phase, cache, rateLimit, wantExit, args...)
		if err == nil {
			log(r)
			results = append(results, r)
		}
		return r, err
	}
	plan := []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}

	if _, err := step("apply", true, false, 0, "apply", "-input=false", "-no-color", "-auto-approve"); err != nil {
		return results, err
	}
	if err := b.verifyApplied(); err != nil {
		return results, err
	}
	if !o.skipRLimit {
		// The same apply with the provider's defaults, the first apply a user runs: destroy (not
		// measured, rate limit off) and apply again from an empty account.
		if _, err := b.tf(0, "destroy", "-input=false", "-no-color", "-auto-approve", "-var", "rate_limit=0"); err != nil {
			return results, fmt.Errorf("destroy before the rate-limited apply: %w", err)
		}
		if n := len(b.emu.List(emulator.AccountScope(benchAccount))); n != 0 {
			return results, fmt.Errorf("after destroy the emulator holds %d login methods, want 0", n)
		}
		if _, err := step("apply", true, true, 0, "apply", "-input=false", "-no-color", "-auto-approve"); err != nil {
			return results, err
		}
		if err := b.verifyApplied(); err != nil {
			return results, err
		}
	}
	if _, err := step("no-change plan", true, false, 0, plan...); err != nil {
		return results, err
	}
	if _, err := step("no-change plan", false, false, 0, plan...); err != nil {
		return results, err
	}
	if !o.skipRLimit && n == o.rlOnN {
		if _, err := step("no-change plan", true, true, 0, plan...); err != nil {
			return results, err
		}
	}
	if !o.skipRLimit && n == o.rlOffN {
		if _, err := step("no-change plan", false, true, 0, plan...); err != nil {
			return results, err
		}
	}
	changed, err := b.changeInDashboard()
	if err != nil {
		return results, err
	}
	phase := fmt.Sprintf("plan after %d%% changed (%d)", o.changePct, changed)
	for _, cache := range []bool{true, false} {
		r, err := step(phase, cache, false, 2, plan...)
		if err != nil {
			return results, err
		}
		want := changed
		if o.scim {
			want *= 2
		}
		if r.changes != want {
			return results, fmt.Errorf("%s: the plan changes %d resources, want %d", phase, r.changes, want)
		}
	}
	return results, nil
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// writeConfig writes the configuration: N login methods from JumpCloud-like metadata, each with a SCIM
// config (laid out as layout.go describes), and a CLI configuration that installs the provider from the
// mirror.
func (b *bench) writeConfig() error {
	if err := os.MkdirAll(b.dir, 0o755); err != nil {
		return err
	}
	if err := b.writeMirrorRC(); err != nil {
		return err
	}
	main := b.terraformBlock() + fmt.Sprintf(`
variable "methods" {
  type = map(object({ name = string, metadata = string }))
}

variable "oidc_methods" {
  type    = map(object({ name = string, client_id = string }))
  default = {}
}

variable "rate_limit" {
  type    = number
  default = null
}

variable "refresh_by_list" {
  type    = bool
  default = true
}

# The API token comes from CLOUDFLARE_API_TOKEN.
provider "zerotrust" {
  base_url        = %q
  account_id      = %q
  rate_limit      = var.rate_limit
  refresh_by_list = var.refresh_by_list
}
`, b.url+"/client/v4", benchAccount)
	resources, err := b.writeResources()
	if err != nil {
		return err
	}
	main += resources
	if err := os.WriteFile(filepath.Join(b.dir, "main.tf"), []byte(main), 0o644); err != nil {
		return err
	}
	vars, err := methodsVars(b.n, b.o.mixed)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(b.dir, "terraform.tfvars.json"), vars, 0o644)
}

// terraformBlock requires the provider version in the mirror.
func (b *bench) terraformBlock() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    zerotrust = {
      source  = "zerotrust-tf/zerotrust"
      version = %q
    }
  }
}
`, b.o.version)
}

// writeMirrorRC writes the CLI configuration that installs the provider from the mirror, as b.rc.
func (b *bench) writeMirrorRC() error {
	mirror, err := filepath.Abs(b.o.mirror)
	if err != nil {
		return err
	}
	b.rc = filepath.Join(b.dir, "terraformrc")
	// Terraform resolves the provider's source on registry.terraform.io, OpenTofu on registry.opentofu.org;
	// scripts/bench.sh puts the build under both.
	rc := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/zerotrust-tf/zerotrust", "registry.opentofu.org/zerotrust-tf/zerotrust"]
  }
  direct {
    exclude = ["registry.terraform.io/zerotrust-tf/zerotrust", "registry.opentofu.org/zerotrust-tf/zerotrust"]
  }
}
`, mirror)
	return os.WriteFile(b.rc, []byte(rc), 0o644)
}

// tf runs the CLI in the working directory and returns its combined output; a non-zero exit other than
// allowExit is an error.
func (b *bench) tf(allowExit int, args ...string) (string, error) {
	out, _, err := b.run(allowExit, args...)
	return out, err
}

type runStats struct {
	wall           time.Duration
	exit           int
	providerPeakKB int64
	providers      int
	providerCPU    time.Duration
	treeMaxKB      int64
}

func (b *bench) run(allowExit int, args ...string) (string, runStats, error) {
	var st runStats
	cmd := exec.Command(b.o.terraform, append([]string{"-chdir=" + b.dir}, args...)...)
	cmd.Env = append(os.Environ(),
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE="+b.rc,
		"CLOUDFLARE_API_TOKEN="+b.token, "TF_LOG=", "TF_LOG_PATH=",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return "", st, err
	}
	w := watchProviders(cmd.Process.Pid)
	err := cmd.Wait()
	st.wall = time.Since(start)
	st.providerPeakKB, st.providers, st.providerCPU = w.stop()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		st.treeMaxKB = ru.Maxrss
	}
	st.exit = cmd.ProcessState.ExitCode()
	logPath := filepath.Join(b.dir, "last-"+args[0]+".log")
	_ = os.WriteFile(logPath, out.Bytes(), 0o644) // for a look after a failure; not needed otherwise
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && st.exit == allowExit) {
		return out.String(), st, fmt.Errorf("%s %s: %w\n%s", filepath.Base(b.o.terraform), strings.Join(args, " "), err, tail(out.String(), 4000))
	}
	return out.String(), st, nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

var planSummary = regexp.MustCompile(`Plan: (\d+) to add, (\d+) to change, (\d+) to destroy`)

// measure runs one phase with fresh request counters.
func (b *bench) measure(phase string, cache, rateLimit bool, wantExit int, args ...string) (result, error) {
	if !rateLimit {
		args = append(args, "-var", "rate_limit=0")
	}
	if !cache {
		args = append(args, "-var", "refresh_by_list=false")
	}
	b.emu.ResetCounts()
	out, st, err := b.run(wantExit, args...)
	r := result{n: b.n, phase: phase, cache: cache, rateLimit: rateLimit, counts: b.emu.RequestCounts(),
		wall: st.wall, providerPeakKB: st.providerPeakKB, providers: st.providers, providerCPU: st.providerCPU, treeMaxKB: st.treeMaxKB}
	if err != nil {
		return r, fmt.Errorf("%s: %w", phase, err)
	}
	if st.exit != wantExit {
		return r, fmt.Errorf("%s: exit %d, want %d\n%s", phase, st.exit, wantExit, tail(out, 4000))
	}
	if m := planSummary.FindStringSubmatch(out); m != nil && args[0] == "plan" {
		add, _ := strconv.Atoi(m[1])
		change, _ := strconv.Atoi(m[2])
		destroy, _ := strconv.Atoi(m[3])
		if add != 0 || destroy != 0 {
			return r, fmt.Errorf("%s: the plan adds %d and destroys %d resources, want neither", phase, add, destroy)
		}
		r.changes = change
	}
	return r, nil
}

// verifyApplied checks the emulator holds exactly the N login methods, with SCIM on if configured.
func (b *bench) verifyApplied() error {
	all := b.emu.List(emulator.AccountScope(benchAccount))
	if len(all) != b.n {
		return fmt.Errorf("after apply the emulator holds %d login methods, want %d", len(all), b.n)
	}
	for _, idp := range all {
		if b.o.scim && (!idp.SCIMConfig.Enabled || idp.SCIMConfig.IdentityUpdateBehavior != "reauth") {
			return fmt.Errorf("login method %s: SCIM %+v, want enabled with reauth", idp.ID, idp.SCIMConfig)
		}
	}
	return nil
}

// changeInDashboard edits changePct percent of the login methods as a dashboard user would: another SSO
// URL, and with SCIM another identity update behaviour.
func (b *bench) changeInDashboard() (int, error) {
	all := b.emu.List(emulator.AccountScope(benchAccount))
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	k := max(1, len(all)*b.o.changePct/100)
	step := len(all) / k
	for i := 0; i < k; i++ {
		err := b.emu.Mutate(emulator.AccountScope(benchAccount), all[i*step].ID, func(p *emulator.IdP) {
			if p.Type == "oidc" {
				p.Config.Other["token_url"] = p.Config.Other["token_url"].(string) + "/changed"
			} else {
				p.Config.SSOTargetURL += "/changed"
			}
			if b.o.scim {
				p.SCIMConfig.IdentityUpdateBehavior = "no_action"
			}
		})
		if err != nil {
			return 0, err
		}
	}
	return k, nil
}
