#!/usr/bin/env bash
# make faults: the fault drill at N = 50 (ZEROTRUST_DRILL_N) on Terraform and on OpenTofu. N login methods,
# each with a SCIM config, are created and then a quarter of both changed, while the emulator fails 10 % of
# requests with 503, answers bursts of 429 with retry-after, drops 2 % of connections and loses 2 % of write
# responses after the write. The test fails unless the emulator then holds exactly the N login methods with
# the configured values (no duplicate, no orphan, no lost update) and every plan is empty. `make test` runs
# the same drill at N = 16.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=lib/cli.sh
. "$root/scripts/lib/cli.sh"
export CHECKPOINT_DISABLE=1 ZEROTRUST_DRILL_N="${ZEROTRUST_DRILL_N:-50}"
for cli in "${TERRAFORM:-$root/.tools/bin/terraform}" "${TOFU:-$root/.tools/bin/tofu}"; do
  [ -x "$cli" ] || { echo "faults: $cli is missing: run 'make tools'" >&2; exit 1; }
  echo "==> fault drill, N=$ZEROTRUST_DRILL_N, on $(cli_version "$cli")"
  log="$(mktemp)"
  set +e
  TF_ACC_TERRAFORM_PATH="$cli" \
    go test -count=1 -timeout 20m -run '^TestFaultDrill$' -v ./internal/provider/ >"$log" 2>&1
  code=$?
  set -e
  grep -E '^(--- |ok|FAIL)|fault drill' "$log" || true
  if [ "$code" -ne 0 ]; then cat "$log"; rm -f "$log"; echo "==> fault drill FAILED" >&2; exit 1; fi
  rm -f "$log"
done
echo "==> fault drill OK on both CLIs: no duplicate, no orphan, no lost update, empty plans"
