#!/usr/bin/env bash
# make drill-budget: runs of one Cloudflare user share its rate limit (internal/provider/budget_drill_test.go).
# K Terraform runs, each with its own provider, apply N login methods with SCIM configs and destroy them,
# against one emulator account and one user whose limit is scaled to 240 requests per 30 s; the drill fails
# on any failed apply, 429 or lockout. Scenarios: four runs alone (about three windows of requests); four
# runs beside a "dashboard" of the same user that spends 60 % of the quota; and one run of 100 against
# Cloudflare's own limit, with the rate-limit fields and without (no limit), three times each, interleaved.
# Writes the table into its section of BENCHMARKS.md. `scripts/drill-budget.sh once` is `make test`'s run:
# the first scenario only, nothing written. TERRAFORM=/path/to/cli picks the CLI (Terraform 1.5.7 by default).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=lib/cli.sh
. "$root/scripts/lib/cli.sh"
export CHECKPOINT_DISABLE=1 ZEROTRUST_BUDGET_DRILL=1
cli="${TERRAFORM:-$root/.tools/bin/terraform}"
[ -x "$cli" ] || { echo "drill-budget: $cli is missing: run 'make tools'" >&2; exit 1; }
# The provider suite's TestMain points plugin-testing at OpenTofu's registry host itself.
version="$(cli_version "$cli")"

# scenario K N RATE_LIMIT DASHBOARD: runs the drill once and prints its table row.
scenario() {
  local log code
  log="$(mktemp)"
  set +e
  TF_ACC_TERRAFORM_PATH="$cli" ZEROTRUST_BUDGET_K="$1" ZEROTRUST_BUDGET_N="$2" \
    ZEROTRUST_BUDGET_RATE_LIMIT="$3" ZEROTRUST_BUDGET_DASHBOARD="$4" \
    go test -count=1 -timeout 30m -parallel "$(( $1 > 4 ? $1 : 4 ))" -run '^TestBudgetDrill$' -v ./internal/provider/ >"$log" 2>&1
  code=$?
  set -e
  if [ "$code" -ne 0 ]; then
    cat "$log" >&2; rm -f "$log"
    echo "==> budget drill FAILED (K=$1 N=$2 limit $3 dashboard $4)" >&2
    exit 1
  fi
  sed -n 's/.*drill-budget-row: //p' "$log"
  rm -f "$log"
}

header='| K | N | limit per user | dashboard | requests of the runs | of the dashboard | 429s | lockouts | wall | first to last request | least the quota allows | wall / least | first to last / least |
|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'

if [ "${1:-}" = once ]; then
  echo "==> budget drill: 4 runs of one user, 240 requests per 30 s, on $version"
  echo "$header"
  scenario 4 45 240/30s 0
  exit 0
fi

# The commit under test, taken before the build: one made during the run is not the one measured.
commit="$(git rev-parse --short HEAD)$(git diff --quiet || echo -dirty)"
echo "==> budget drill on $version (a few minutes)"
echo "$header"
rows=()
for s in "4 45 240/30s 0" "4 12 240/30s 0.6" "1 100 1200/5m 0" "1 100 off 0" "1 100 1200/5m 0" "1 100 off 0" \
  "1 100 1200/5m 0" "1 100 off 0"; do
  # shellcheck disable=SC2086 # s is a list of arguments
  row="$(scenario $s)"
  echo "$row"
  rows+=("$row")
done

begin='<!-- drill-budget: begin (written by `make drill-budget`) -->'
end='<!-- drill-budget: end -->'
section="$(
  echo "$begin"
  echo "## Runs of one user sharing Cloudflare's rate limit"
  echo
  echo "Produced by \`make drill-budget\` (scripts/drill-budget.sh → TestBudgetDrill) on $(date -u '+%Y-%m-%d %H:%M') UTC at commit $commit, $version; load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "Each run is its own Terraform CLI and provider; together they share one user's budget on one emulator account. A run applies N login methods with SCIM configs and destroys them. *Wall* is from the runs' start to the end of the last destroy, CLI start-up included; *first to last request* is the time the API was in use, as the emulator saw it. *Least the quota allows* is all requests (the dashboard's included) / quota × window. The dashboard lists login methods at its share of the quota, from a window before the runs start, without reading the rate-limit fields. *none* is a server without a limit and without the fields: the client's own limit alone."
  echo
  echo "$header"
  printf '%s\n' "${rows[@]}"
  echo "$end"
)"
out="$root/BENCHMARKS.md"
if grep -qF "$begin" "$out"; then
  awk -v begin="$begin" -v end="$end" -v section="$section" '
    $0 == begin { print section; skip = 1; next }
    skip && $0 == end { skip = 0; next }
    !skip { print }' "$out" >"$out.tmp" && mv "$out.tmp" "$out"
else
  printf '\n%s\n' "$section" >>"$out"
fi
echo "==> budget drill OK: no failed apply, no 429, no lockout; table written to BENCHMARKS.md"
