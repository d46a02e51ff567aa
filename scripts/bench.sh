#!/usr/bin/env bash
# make bench: build the provider into a filesystem mirror, then run internal/cmd/bench, which starts the
# emulator in its own process, applies and plans N login methods (each with a SCIM config) with the real
# CLI, and writes BENCHMARKS.md. Not part of `make test`: it takes a few minutes.
#   BENCH_N=10,100,500  BENCH_LATENCY=50ms  TERRAFORM=.tools/bin/terraform (or .tools/bin/tofu)  BENCH_ARGS=...
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
terraform="${TERRAFORM:-$root/.tools/bin/terraform}"
out="$root/.bench"
version="0.0.0-bench"
export CHECKPOINT_DISABLE=1

rm -rf "$out"
platform="zerotrust-tf/zerotrust/$version/$(go env GOOS)_$(go env GOARCH)"
mirror="$out/mirror/registry.terraform.io/$platform"
mkdir -p "$mirror" "$out/mirror/registry.opentofu.org/$platform"
echo "==> building the provider and the benchmark"
go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$mirror/terraform-provider-zerotrust_v$version" .
# OpenTofu (TERRAFORM=.tools/bin/tofu) looks for the provider under its own registry's host.
ln "$mirror/terraform-provider-zerotrust_v$version" "$out/mirror/registry.opentofu.org/$platform/"
go build -trimpath -o "$out/bench" ./internal/cmd/bench

echo "==> benchmark (N=${BENCH_N:-10,100,500}, latency ${BENCH_LATENCY:-50ms})"
# shellcheck disable=SC2086 # BENCH_ARGS is a list of flags
"$out/bench" -terraform "$terraform" -mirror "$out/mirror" -version "$version" -work "$out/work" \
  -out "$root/BENCHMARKS.md" -n "${BENCH_N:-10,100,500}" -latency "${BENCH_LATENCY:-50ms}" \
  -command "make bench${BENCH_N:+ BENCH_N=$BENCH_N}${BENCH_LATENCY:+ BENCH_LATENCY=$BENCH_LATENCY}" ${BENCH_ARGS:-}
