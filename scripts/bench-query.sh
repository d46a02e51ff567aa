#!/usr/bin/env bash
# make bench-query: build the provider into a filesystem mirror, then run internal/cmd/bench -query, which
# starts the emulator in its own process with an account of N SAML login methods and some of other types,
# imports them with `terraform query -generate-config-out` on Terraform 1.14+, and writes its section of
# BENCHMARKS.md. The CLI is TERRAFORM_LATEST, else a terraform 1.14+ on PATH (scripts/latest-terraform.sh).
#   BENCH_QUERY_N=500  BENCH_QUERY_OTHER=20  BENCH_LATENCY=50ms  TERRAFORM_LATEST=/path/to/terraform
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=lib/cli.sh
. "$root/scripts/lib/cli.sh"
terraform="$("$root/scripts/latest-terraform.sh")"
if [ -z "$terraform" ]; then
  echo "bench-query: needs Terraform 1.14 or later: set TERRAFORM_LATEST=/path/to/terraform or put one on PATH" >&2
  exit 1
fi
out="$root/.bench"
version="0.0.0-bench"
export CHECKPOINT_DISABLE=1

rm -rf "$out/query"
mirror="$out/query/mirror/registry.terraform.io/zerotrust-tf/zerotrust/$version/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$mirror"
echo "==> building the provider and the benchmark"
go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$mirror/terraform-provider-zerotrust_v$version" .
go build -trimpath -o "$out/query/bench" ./internal/cmd/bench

n="${BENCH_QUERY_N:-500}" other="${BENCH_QUERY_OTHER:-20}"
echo "==> terraform query of $n SAML + $other other login methods on $(cli_version "$terraform") ($terraform)"
"$out/query/bench" -query -terraform "$terraform" -mirror "$out/query/mirror" -version "$version" -work "$out/query/work" \
  -out "$root/BENCHMARKS.md" -n "$n" -other "$other" -latency "${BENCH_LATENCY:-50ms}" \
  -command "make bench-query${BENCH_QUERY_N:+ BENCH_QUERY_N=$BENCH_QUERY_N}${BENCH_QUERY_OTHER:+ BENCH_QUERY_OTHER=$BENCH_QUERY_OTHER}"
