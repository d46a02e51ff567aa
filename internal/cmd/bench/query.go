package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// The query mode (-query, `make bench-query`) measures importing a whole account with `terraform query`
// (Terraform 1.14 and later): an account with N SAML login methods, every tenth with SCIM on, and
// -other login methods of other types, made in the emulator as a dashboard user would; then
// `terraform query`, `terraform query -generate-config-out`, the plan and apply of the generated imports,
// and a plan after them, which must be empty. It writes its own section of BENCHMARKS.md, between the
// markers below, and leaves the rest of the file alone.

const (
	querySectionBegin = "<!-- bench-query: begin (written by `make bench-query`; the rest of the file is `make bench`'s) -->"
	querySectionEnd   = "<!-- bench-query: end -->"
	routeListAccount  = "GET /accounts/{account_id}/access/identity_providers"
)

// otherTypes are the login method types the query must leave out, in turn.
var otherTypes = []string{"oidc", "azureAD", "github", "google-apps", "onetimepin"}

const queryFile = `# Every SAML login method of the account, and the SCIM config of each that ever had SCIM on.
list "zerotrust_saml_login_method" "login_method" {
  provider         = zerotrust
  include_resource = true
  limit            = 10000
}

list "zerotrust_scim_config" "scim" {
  provider         = zerotrust
  include_resource = true
  limit            = 10000
}
`

func runQuery(o options) error {
	o.loadStart = loadAverage()
	if err := os.RemoveAll(o.work); err != nil {
		return err
	}
	n := o.sizes[len(o.sizes)-1]
	q, stop, err := startQueryBench(o, n)
	if err != nil {
		return err
	}
	defer stop()
	rs, err := q.measureAll()
	return writeQuerySection(o, q, rs, err)
}

// queryBench is one emulator holding the account and one working directory.
type queryBench struct {
	*bench
	other, scim int
}

func startQueryBench(o options, n int) (*queryBench, func(), error) {
	q := &queryBench{bench: &bench{o: o, n: n, dir: filepath.Join(o.work, fmt.Sprintf("query-n%d", n))}, other: o.queryOther}
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return nil, nil, err
	}
	// A read-only token: importing must not need more.
	q.token = "bench-" + hex.EncodeToString(tok)
	emu, err := emulator.Open(emulator.Options{Accounts: []string{benchAccount}, Tokens: map[string]emulator.Permission{q.token: emulator.PermRead}})
	if err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	hs := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }() // ends with Shutdown in stop
	stop := func() { _ = hs.Shutdown(context.Background()) }
	q.emu, q.url = emu, "http://"+ln.Addr().String()
	emu.SetBaseURL(q.url)
	emu.SetFaults(emulator.FaultConfig{Latency: o.latency})
	if err := q.seed(); err != nil {
		stop()
		return nil, nil, err
	}
	if err := q.writeQueryConfig(); err != nil {
		stop()
		return nil, nil, err
	}
	return q, stop, nil
}

// seed makes the login methods as a dashboard user would: certificates pasted as bare base64, SCIM on
// for every tenth, and the others of other types spread among them.
func (q *queryBench) seed() error {
	scope := emulator.AccountScope(benchAccount)
	every := max(1, (q.n+q.other)/max(1, q.other))
	made, others := 0, 0
	for i := 0; made < q.n || others < q.other; i++ {
		if others < q.other && (i%every == every-1 || made == q.n) {
			typ := otherTypes[others%len(otherTypes)]
			if _, err := q.emu.Seed(scope, emulator.IdP{Name: fmt.Sprintf("%s %02d", typ, others), Type: typ,
				Config: emulator.Config{Other: map[string]any{"client_id": fmt.Sprintf("client-%d", others)}}}); err != nil {
				return err
			}
			others++
			continue
		}
		cert, err := newCert(fmt.Sprintf("Bench Org %d", made))
		if err != nil {
			return err
		}
		key := fmt.Sprintf("m%04d", made)
		idp := emulator.IdP{Name: "JumpCloud " + key, Type: "saml", Config: emulator.Config{
			IssuerURL: "https://sso.jumpcloud.example/" + key, SSOTargetURL: "https://sso.jumpcloud.example/saml2/" + key,
			IdPPublicCerts: []string{cert}, Attributes: []string{"email", "groups"}, EmailAttributeName: "email"}}
		if made%10 == 0 {
			idp.SCIMConfig = emulator.SCIMConfig{Enabled: true, UserDeprovision: true, IdentityUpdateBehavior: "reauth"}
			q.scim++
		}
		if _, err := q.emu.Seed(scope, idp); err != nil {
			return err
		}
		made++
	}
	return nil
}

func (q *queryBench) writeQueryConfig() error {
	if err := os.MkdirAll(q.dir, 0o755); err != nil {
		return err
	}
	if err := q.writeMirrorRC(); err != nil {
		return err
	}
	main := q.terraformBlock() + fmt.Sprintf(`
# The API token comes from CLOUDFLARE_API_TOKEN.
provider "zerotrust" {
  base_url   = %q
  account_id = %q
}
`, q.url+"/client/v4", benchAccount)
	for name, body := range map[string]string{"main.tf": main, "import.tfquery.hcl": queryFile} {
		if err := os.WriteFile(filepath.Join(q.dir, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// queryResult is one measured CLI run of the query mode.
type queryResult struct {
	result
	check string // what was verified in the output
}

var (
	listedLine   = regexp.MustCompile(`(?m)^list\.zerotrust_(saml_login_method\.login_method|scim_config\.scim)\s`)
	importPlan   = regexp.MustCompile(`Plan: (\d+) to import, 0 to add, 0 to change, 0 to destroy\.`)
	importApply  = regexp.MustCompile(`Apply complete! Resources: (\d+) imported, 0 added, 0 changed, 0 destroyed\.`)
	leftOutCount = regexp.MustCompile(`(\d+) more login methods in account \S+ match`)
	secretLine   = regexp.MustCompile(`(?m)^\s*secret\s*=`)
)

func (q *queryBench) measureAll() ([]queryResult, error) {
	var rs []queryResult
	if _, err := q.tf(0, "init", "-input=false", "-no-color"); err != nil {
		return rs, fmt.Errorf("init: %w", err)
	}
	want := q.n + q.scim
	steps := []struct {
		phase string
		exit  int
		args  []string
		check func(out string) (string, error)
	}{
		{"terraform query", 0, []string{"query", "-no-color"}, func(out string) (string, error) {
			listed := len(listedLine.FindAllString(out, -1))
			m := leftOutCount.FindStringSubmatch(strings.Join(strings.Fields(out), " "))
			if listed != want || m == nil || m[1] != fmt.Sprint(q.other) {
				return "", fmt.Errorf("listed %d (want %d), left-out warning %q (want %d)", listed, want, m, q.other)
			}
			return fmt.Sprintf("%d results; a warning counts the %d others", listed, q.other), nil
		}},
		{"terraform query -generate-config-out", 0, []string{"query", "-no-color", "-generate-config-out=imported.tf"}, func(string) (string, error) {
			gen, err := os.ReadFile(filepath.Join(q.dir, "imported.tf"))
			if err != nil {
				return "", err
			}
			s := string(gen)
			res, imp := strings.Count(s, "\nresource \"zerotrust_"), strings.Count(s, "\nimport {")
			if res != want || imp != want || secretLine.MatchString(s) {
				return "", fmt.Errorf("imported.tf holds %d resource and %d import blocks, want %d each, and no secret", res, imp, want)
			}
			return fmt.Sprintf("imported.tf: %d resource and %d import blocks, %d kB", res, imp, len(gen)/1024), nil
		}},
		{"plan of the generated imports", 2, []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, func(out string) (string, error) {
			if m := importPlan.FindStringSubmatch(out); m == nil || m[1] != fmt.Sprint(want) {
				return "", fmt.Errorf("the plan is not %d imports and nothing else", want)
			}
			return fmt.Sprintf("%d to import, 0 to add, 0 to change, 0 to destroy", want), nil
		}},
		{"apply of the generated imports", 0, []string{"apply", "-input=false", "-no-color", "-auto-approve"}, func(out string) (string, error) {
			if m := importApply.FindStringSubmatch(out); m == nil || m[1] != fmt.Sprint(want) {
				return "", fmt.Errorf("the apply did not import %d and change nothing", want)
			}
			return fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", want), nil
		}},
		{"plan after the import", 0, []string{"plan", "-input=false", "-no-color", "-detailed-exitcode"}, func(out string) (string, error) {
			if !strings.Contains(out, "No changes.") {
				return "", fmt.Errorf("the plan is not empty")
			}
			return "No changes (exit 0)", nil
		}},
	}
	for _, s := range steps {
		q.emu.ResetCounts()
		out, st, err := q.run(s.exit, s.args...)
		r := queryResult{result: result{n: q.n, phase: s.phase, cache: true, counts: q.emu.RequestCounts(), wall: st.wall,
			providerPeakKB: st.providerPeakKB, providers: st.providers, treeMaxKB: st.treeMaxKB}}
		if err == nil && st.exit != s.exit {
			err = fmt.Errorf("exit %d, want %d\n%s", st.exit, s.exit, tail(out, 4000))
		}
		if err == nil {
			r.check, err = s.check(out)
		}
		if err == nil {
			for route, c := range r.counts {
				if c > 0 && !strings.HasPrefix(route, "GET ") {
					err = fmt.Errorf("sent %d × %s; importing must only read", c, route)
				}
			}
		}
		if err != nil {
			return rs, fmt.Errorf("%s: %w", s.phase, err)
		}
		fmt.Fprintf(os.Stderr, "bench: query N=%d+%d %-38s %4d requests %8.2fs provider peak %6.1f MB  %s\n",
			q.n, q.other, s.phase, r.total(), r.wall.Seconds(), float64(r.providerPeakKB)/1024, r.check)
		rs = append(rs, r)
	}
	return rs, nil
}

// writeQuerySection replaces the query section of the report (or appends it) and leaves the rest as is.
func writeQuerySection(o options, q *queryBench, rs []queryResult, runErr error) error {
	total := q.n + q.other
	perThousand := (total + 999) / 1000
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n## Importing an account with `terraform query`\n\n", querySectionBegin)
	fmt.Fprintf(&b, "Produced by `%s` (scripts/bench-query.sh → internal/cmd/bench -query) on %s at commit %s.\n\n",
		o.command, time.Now().UTC().Format("2006-01-02 15:04 UTC"), gitCommit())
	fmt.Fprintf(&b, "- Machine: %s; load average at the start %s and at the end %s.\n", machine(), o.loadStart, loadAverage())
	fmt.Fprintf(&b, "- CLI: %s; the provider is a release-style build installed from a filesystem mirror; a read-only API token.\n", cliVersion(o.terraform))
	fmt.Fprintf(&b, "- Account: %d SAML login methods made in the emulator as in the dashboard (certificates as bare base64; SCIM on for every tenth, %d), and %d login methods of other types (%s) among them; %s latency on every API request.\n",
		q.n, q.scim, q.other, strings.Join(otherTypes, ", "), o.latency)
	fmt.Fprintf(&b, "- Query: `list` blocks for `zerotrust_saml_login_method` and `zerotrust_scim_config` with `include_resource = true` (internal/cmd/bench/query.go); each phase runs on the state the one before left.\n\n")
	if runErr != nil {
		fmt.Fprintf(&b, "**The run failed:** %s\n\n", strings.ReplaceAll(runErr.Error(), "\n", " "))
	}
	if len(rs) > 0 {
		fmt.Fprintf(&b, "| target | measured | holds |\n|---|---|---|\n")
		lists := rs[0].counts[routeListAccount]
		fmt.Fprintf(&b, "| `terraform query` of %d SAML + %d other login methods: ≤ 1 list request per 1,000 login methods (%d) | %d list request(s), %d requests in all | %s |\n",
			q.n, q.other, perThousand, lists, rs[0].total(), yesNo(lists <= perThousand && rs[0].total() == lists))
		if len(rs) == 5 {
			fmt.Fprintf(&b, "| The generated configuration imports all %d login methods (and %d SCIM configs) and then plans empty | %s; %s; %s | yes |\n",
				q.n, q.scim, rs[2].check, rs[3].check, rs[4].check)
		}
		fmt.Fprintf(&b, "\n| phase | API requests by route | total | wall | provider peak | CLI tree | checked |\n|---|---|---:|---:|---:|---:|---|\n")
		for _, r := range rs {
			fmt.Fprintf(&b, "| %s | %s | %d | %.2f s | %s | %s | %s |\n", r.phase, byRoute(r.counts), r.total(), r.wall.Seconds(), mb(r.providerPeakKB), mb(r.treeMaxKB), r.check)
		}
		b.WriteString("\nEvery phase only read from the API (GET). The plan and apply of the imports refresh every imported resource from the same one list request as the query.\n")
	}
	b.WriteString(querySectionEnd + "\n")

	if err := writeSection(o.out, querySectionBegin, querySectionEnd, b.String()); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: wrote the query section of %s\n", o.out)
	return runErr
}

func yesNo(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}
