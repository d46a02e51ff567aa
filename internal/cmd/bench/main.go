// Command bench measures what plans and applies of many login methods (each with a SCIM config) cost
// against the emulator: API requests by route, wall time and the provider process's peak memory, with the
// refresh-by-list cache on and off in the same run. It runs the real CLI with the provider installed from
// a filesystem mirror, as users run it, and writes BENCHMARKS.md. `make bench` runs it; see scripts/bench.sh.
//
// It imports the emulator, never the provider: the provider is the binary under test.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

type options struct {
	terraform  string
	mirror     string
	version    string
	work       string
	out        string
	sizes      []int
	latency    time.Duration
	scim       bool
	layout     string
	rlOnN      int // N of the cache-on, rate-limited no-change plan
	rlOffN     int // N of the cache-off, rate-limited no-change plan (extrapolated)
	changePct  int
	command    string
	skipRLimit bool
	loadStart  string
	// mixed makes half of the login methods OIDC ones (layout.go).
	mixed bool
	// serverLimit is the emulator's rate limit (nil: none, and no rate-limit fields).
	serverLimit *emulator.RateLimitConfig
	// query selects the query mode (query.go) instead of the plan benchmark.
	query      bool
	queryOther int
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	var o options
	var sizes, scim string
	flag.StringVar(&o.terraform, "terraform", "", "Terraform (or OpenTofu) CLI to run")
	flag.StringVar(&o.mirror, "mirror", "", "filesystem mirror holding the provider build under test")
	flag.StringVar(&o.version, "version", "", "provider version in the mirror")
	flag.StringVar(&o.work, "work", ".bench/work", "working directory (recreated)")
	flag.StringVar(&o.out, "out", "BENCHMARKS.md", "report to write")
	flag.StringVar(&sizes, "n", "10,100,500", "numbers of login methods")
	flag.DurationVar(&o.latency, "latency", 50*time.Millisecond, "emulator latency per API request")
	flag.StringVar(&scim, "scim", "auto", "give each login method a zerotrust_scim_config: true, false or auto (if the provider has it)")
	flag.StringVar(&o.layout, "layout", layoutModule, "configuration layout: module (a module per IdP) or flat (two for_each resources); see layout.go")
	flag.IntVar(&o.rlOnN, "rate-limited-n", 500, "N of the no-change plan with the default client rate limit and the cache on")
	flag.IntVar(&o.rlOffN, "rate-limited-off-n", 100, "N of the no-change plan with the default client rate limit and the cache off")
	flag.IntVar(&o.changePct, "change-percent", 5, "percentage of login methods changed in the dashboard")
	flag.BoolVar(&o.skipRLimit, "skip-rate-limited", false, "skip the runs with the default client rate limit: an apply at every N and the no-change plans of -rate-limited-n and -rate-limited-off-n")
	flag.StringVar(&o.command, "command", "make bench", "command recorded in the report")
	flag.BoolVar(&o.mixed, "mixed", false, "half of the login methods are zerotrust_oidc_login_method (endpoints set, client_secret), half SAML; module layout only")
	flag.BoolVar(&o.query, "query", false, "measure importing an account with `terraform query` (Terraform 1.14+) instead: N (the last of -n) SAML login methods; see query.go")
	flag.IntVar(&o.queryOther, "other", 20, "with -query: login methods of other types in the account")
	serverLimit := flag.String("server-rate-limit", "off", "the emulator's rate limit per user as REQUESTS/WINDOW (1200/5m is Cloudflare's), "+
		"with the Ratelimit fields on every response; off: none, as before")
	flag.Parse()
	var err error
	if o.serverLimit, err = emulator.ParseRateLimitFlag(*serverLimit); err != nil {
		log.Fatalf("-server-rate-limit: %v", err)
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			log.Fatalf("-n: %q is not a positive number", s)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.terraform == "" || o.mirror == "" || o.version == "" {
		log.Fatal("-terraform, -mirror and -version are required (scripts/bench.sh sets them)")
	}
	switch scim {
	case "true":
		o.scim = true
	case "auto":
		_, err := os.Stat(filepath.Join("internal", "provider", "scim_config_resource.go"))
		o.scim = err == nil
	}
	do := run
	if o.query {
		do = runQuery
	}
	if err := do(o); err != nil {
		log.Fatal(err)
	}
}

func run(o options) error {
	o.loadStart = loadAverage()
	if err := os.RemoveAll(o.work); err != nil {
		return err
	}
	var results []result
	for _, n := range o.sizes {
		rs, err := benchSize(o, n)
		results = append(results, rs...)
		if err != nil {
			// The report of the sizes done so far, and why the run stopped.
			return fmt.Errorf("at N=%d: %w", n, errors.Join(err, writeReport(o, results, err)))
		}
	}
	return writeReport(o, results, nil)
}
