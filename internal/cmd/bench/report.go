package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"time"
)

// routeNames shortens the emulator's route keys for the table.
func routeName(key string) string {
	for _, scope := range []string{"/accounts/{account_id}", "/zones/{zone_id}"} {
		base := scope + "/access/identity_providers"
		method, path, _ := strings.Cut(key, " ")
		switch path {
		case base:
			if method == "GET" {
				return "list"
			}
			return method
		case base + "/{identity_provider_id}":
			if method == "GET" {
				return "GET one"
			}
			return method
		}
	}
	return key
}

func byRoute(counts map[string]int) string {
	short := map[string]int{}
	for k, v := range counts {
		if v > 0 {
			short[routeName(k)] += v
		}
	}
	keys := make([]string, 0, len(short))
	for k := range short {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, short[k])
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

func mb(kb int64) string {
	if kb <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MB", float64(kb)/1024)
}

// find returns the result of a phase, or nil.
func find(rs []result, n int, phase string, cache, rateLimit bool) *result {
	for i := range rs {
		r := &rs[i]
		if r.n == n && r.phase == phase && r.cache == cache && r.rateLimit == rateLimit {
			return r
		}
	}
	return nil
}

func cliVersion(cli string) string {
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		return cli
	}
	return strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0]
}

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb int64
				if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d", &kb); err == nil {
					mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
				}
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	return fmt.Sprintf("%s, %d cores%s, Linux %s (%s/%s), %s", cpu, runtime.NumCPU(), mem,
		strings.TrimSpace(string(kernel)), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func gitCommit() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

type target struct {
	name, measured string
	ok             bool
	known          bool
}

func targets(o options, rs []result) []target {
	var ts []target
	big := 0
	for _, n := range o.sizes {
		big = max(big, n)
	}
	on := find(rs, big, "no-change plan", true, false)
	off := find(rs, big, "no-change plan", false, false)
	if on != nil && off != nil {
		lists := on.counts["GET /accounts/{account_id}/access/identity_providers"]
		ts = append(ts, target{
			name:     fmt.Sprintf("No-change plan of N = %d: ≤ 2 requests per scope (1 scope), vs ≥ %d for one GET per resource", big, 2*big),
			measured: fmt.Sprintf("%d requests (%d list pages) with the cache, %d without", on.total(), lists, off.total()),
			ok:       on.total() <= 2 && (off.total() >= 2*big || !o.scim), known: true,
		})
		if !o.scim {
			ts[len(ts)-1].measured += " (no SCIM configs in this build: one GET per login method only)"
		}
		ratio := on.wall.Seconds() / off.wall.Seconds()
		ts = append(ts, target{
			name:     fmt.Sprintf("No-change plan of N = %d, rate limit off, %s latency: wall time ≤ 0.5 × cache off", big, o.latency),
			measured: fmt.Sprintf("%.2f s vs %.2f s = %.2f ×", on.wall.Seconds(), off.wall.Seconds(), ratio),
			ok:       ratio <= 0.5, known: true,
		})
	}
	if rl := find(rs, o.rlOnN, "no-change plan", true, true); rl != nil {
		m := fmt.Sprintf("%.1f s with the cache", rl.wall.Seconds())
		if rlOff := find(rs, o.rlOffN, "no-change plan", false, true); rlOff != nil {
			extra := rlOff.wall.Seconds() * float64(o.rlOnN) / float64(o.rlOffN)
			m += fmt.Sprintf("; one GET per resource: %.1f s at N = %d (%d requests), ≈ %.0f s extrapolated to N = %d",
				rlOff.wall.Seconds(), o.rlOffN, rlOff.total(), extra, o.rlOnN)
		}
		ts = append(ts, target{
			name:     fmt.Sprintf("No-change plan of N = %d with the default client rate limit: under 60 s", o.rlOnN),
			measured: m, ok: rl.wall < 60*time.Second, known: true,
		})
	}
	// The first apply of a team adopting the provider, with the provider's defaults: Cloudflare's official
	// provider creates a login method with its SCIM config in one request.
	for _, want := range []struct {
		n, requests int
		wall        time.Duration
	}{{100, 200, 6 * time.Second}, {500, 1000, 30 * time.Second}} {
		on := find(rs, want.n, "apply", true, true)
		if on == nil {
			continue
		}
		m := fmt.Sprintf("%d requests in %.2f s", on.total(), on.wall.Seconds())
		if off := find(rs, want.n, "apply", true, false); off != nil {
			m += fmt.Sprintf("; rate limit off: %d requests in %.2f s", off.total(), off.wall.Seconds())
		}
		ts = append(ts, target{
			name: fmt.Sprintf("Apply of N = %d with the default settings (client rate limit on), %s latency: ≤ %d requests and ≤ %.0f s",
				want.n, o.latency, want.requests, want.wall.Seconds()),
			measured: m, ok: on.total() <= want.requests && on.wall <= want.wall, known: true,
		})
	}
	var peak int64
	for _, r := range rs {
		if r.n == big {
			peak = max(peak, r.providerPeakKB)
		}
	}
	if peak > 0 {
		ts = append(ts, target{
			name:     fmt.Sprintf("Peak provider memory at N = %d under 100 MB", big),
			measured: fmt.Sprintf("%s (highest of all phases)", mb(peak)), ok: peak < 100*1024, known: true,
		})
	}
	return ts
}

func writeReport(o options, rs []result, runErr error) error {
	var b strings.Builder
	b.WriteString(benchSectionBegin + "\n")
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Produced by `%s` (scripts/bench.sh → internal/cmd/bench) on %s at commit %s.\n\n",
		o.command, time.Now().UTC().Format("2006-01-02 15:04 UTC"), gitCommit())
	fmt.Fprintf(&b, "- Machine: %s; load average (1, 5, 15 min) at the start %s and at the end %s — the machine is shared, so other work may have run alongside.\n",
		machine(), o.loadStart, loadAverage())
	fmt.Fprintf(&b, "- CLI: %s, default `-parallelism` (10); the provider is a release-style build installed from a filesystem mirror.\n", cliVersion(o.terraform))
	fmt.Fprintf(&b, "- API: the emulator in the harness process on 127.0.0.1, %s latency on every API request", o.latency)
	if o.serverLimit != nil {
		fmt.Fprintf(&b, "; its rate limit %s per user, with the Ratelimit fields on every response", o.serverLimit)
	}
	b.WriteString(".\n")
	scim := "each with a `zerotrust_scim_config` (SCIM on, deprovisioning, `reauth`)"
	if !o.scim {
		scim = "without SCIM configs (this build has no `zerotrust_scim_config`)"
	}
	layout := "a module per IdP instantiated with `for_each` (`module \"idp\"`), holding the login method and its SCIM config"
	if o.layout == layoutFlat {
		layout = "two `for_each` resources at the root (`-layout flat`)"
	}
	methods := "N `zerotrust_saml_login_method` from JumpCloud-like `metadata_xml` (one certificate each)"
	if o.mixed {
		methods = "N login methods, half `zerotrust_saml_login_method` from JumpCloud-like `metadata_xml` (one certificate each), half `zerotrust_oidc_login_method` with its endpoints and `client_secret` set (`-mixed`, module `oidc`)"
	}
	fmt.Fprintf(&b, "- Configuration: %s, %s, one account; laid out as %s (internal/cmd/bench/layout.go says why).\n", methods, scim, layout)
	fmt.Fprintf(&b, "- Dashboard change: %d %% of the login methods get another SSO URL (OIDC: token URL)%s, made in the emulator between plans.\n",
		o.changePct, map[bool]string{true: " and another SCIM identity update behaviour", false: ""}[o.scim])
	fmt.Fprintf(&b, "- `rate_limit = 0` (client rate limit off) unless the row says *default* (never more than 1200 requests in any 5 minutes nor 200 in any second; the first 1200 at full speed).\n")
	fmt.Fprintf(&b, "- Cache *off* is `refresh_by_list = false`: one GET per resource, what a one-GET-per-resource refresh needs. Both sides run in the same `make bench` run, against the same emulator state.\n")
	fmt.Fprintf(&b, "- Peak memory: the highest VmHWM (kernel high-water mark of the resident set) of any `terraform-provider-zerotrust` process the CLI started for the phase, polled from /proc every 20 ms; \"CLI tree\" is ru_maxrss of the CLI from wait4 (the largest of the CLI and its children), an upper bound.\n\n")
	if runErr != nil {
		fmt.Fprintf(&b, "**The run failed:** %s\n\n", strings.ReplaceAll(runErr.Error(), "\n", " "))
	}

	fmt.Fprintf(&b, "## Targets\n\n| target | measured | holds |\n|---|---|---|\n")
	for _, t := range targets(o, rs) {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.name, t.measured, map[bool]string{true: "yes", false: "**no**"}[t.ok])
	}
	fmt.Fprintf(&b, "\n## Every phase\n\n")
	fmt.Fprintf(&b, "| N | phase | cache | client rate limit | API requests by route | total | cache off, same phase | wall | cache on / off | provider peak | CLI tree |\n")
	fmt.Fprintf(&b, "|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rs {
		offCol, ratio := "", ""
		if r.cache && !r.rateLimit {
			if off := find(rs, r.n, r.phase, false, false); off != nil {
				offCol = fmt.Sprint(off.total())
				ratio = fmt.Sprintf("%.2f", r.wall.Seconds()/off.wall.Seconds())
			}
		}
		rl := "off"
		if r.rateLimit {
			rl = "default"
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %d | %s | %.2f s | %s | %s | %s |\n",
			r.n, r.phase, onOff(r.cache), rl, byRoute(r.counts), r.total(), offCol, r.wall.Seconds(), ratio, mb(r.providerPeakKB), mb(r.treeMaxKB))
	}
	fmt.Fprintf(&b, "\nThe apply runs with the cache on (refreshes during an apply of new resources read nothing); its requests are the creates and, with SCIM, the read-modify-write of each SCIM config. The apply with the default rate limit runs right after it and a destroy (not measured), again from an empty account.\n")
	b.WriteString(benchSectionEnd + "\n")
	if err := writeSection(o.out, benchSectionBegin, benchSectionEnd, b.String()); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: wrote the plan and apply section of %s\n", o.out)
	return nil
}

// make bench and make bench-query each write their own section of BENCHMARKS.md, between markers, and keep
// the rest of the file: the other mode's section and the notes written by hand after a run.
const (
	benchSectionBegin = "<!-- bench: begin (written by `make bench`; notes below the end marker are kept) -->"
	benchSectionEnd   = "<!-- bench: end -->"
)

// writeSection replaces the part of the file at path from begin to end (markers included) with section,
// which starts with begin and ends with end; a file without the markers gets section at its end.
func writeSection(path, begin, end, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(old)
	if i, j := strings.Index(doc, begin), strings.Index(doc, end); i >= 0 && j > i {
		doc = doc[:i] + section + strings.TrimPrefix(doc[j+len(end):], "\n")
	} else if doc = strings.TrimRight(doc, "\n"); doc != "" {
		doc += "\n\n" + section
	} else {
		doc = section
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}
