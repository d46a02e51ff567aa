#!/usr/bin/env bash
# Installs the pinned Terraform and OpenTofu CLIs into .tools/bin, building them from the Go module
# proxy (the only network this project may use). Each build is kept under the user's cache directory,
# keyed by version, so a fresh clone on the same machine reuses it instead of rebuilding (~6 min each).
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
OPENTOFU_VERSION="${OPENTOFU_VERSION:-1.11.3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-zerotrust/tools"
mkdir -p "$bin" "$cache"
export CHECKPOINT_DISABLE=1 GOFLAGS=-mod=mod

# link_cached NAME CACHED_PATH: point .tools/bin/NAME at a cached build.
link_cached() { ln -sf "$2" "$bin/$1"; }

terraform_cached="$cache/terraform-$TERRAFORM_VERSION/terraform"
if [ ! -x "$terraform_cached" ]; then
  echo ">> building Terraform $TERRAFORM_VERSION (first time only, ~6 min)" >&2
  tmp="$(mktemp -d)"
  GOBIN="$tmp" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
  mkdir -p "$(dirname "$terraform_cached")"
  mv "$tmp/terraform" "$terraform_cached"
  rm -rf "$tmp"
fi
link_cached terraform "$terraform_cached"

tofu_cached="$cache/tofu-$OPENTOFU_VERSION/tofu"
if [ ! -x "$tofu_cached" ]; then
  echo ">> building OpenTofu $OPENTOFU_VERSION (first time only, ~6 min)" >&2
  # Outside the project, so the download can never touch this module's go.mod or go.sum.
  (cd "$(mktemp -d)" && go mod download "github.com/opentofu/opentofu@v$OPENTOFU_VERSION")
  src="$(go env GOMODCACHE)/github.com/opentofu/opentofu@v$OPENTOFU_VERSION"
  mkdir -p "$(dirname "$tofu_cached")"
  (cd "$src" && go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$tofu_cached.tmp" ./cmd/tofu)
  mv "$tofu_cached.tmp" "$tofu_cached"
fi
link_cached tofu "$tofu_cached"

"$bin/terraform" version | sed -n 1p >&2
"$bin/tofu" version | sed -n 1p >&2
