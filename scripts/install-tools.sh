#!/usr/bin/env bash
# Installs the pinned CLIs into .tools/bin, building them from the Go module proxy (the only network this
# project may use): `install-tools.sh` builds both, `install-tools.sh terraform` or `install-tools.sh tofu`
# one. Each build is kept under the user's cache directory, keyed by version, so a fresh clone on the same
# machine links it in a second instead of rebuilding (~6 min each the first time).
set -euo pipefail

TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"
OPENTOFU_VERSION="${OPENTOFU_VERSION:-1.12.6}"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/cli.sh
. "$root/scripts/lib/cli.sh"
bin="$root/.tools/bin"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-zerotrust/tools"
mkdir -p "$bin" "$cache"
export CHECKPOINT_DISABLE=1 GOFLAGS=-mod=mod

install_terraform() {
  local cached="$cache/terraform-$TERRAFORM_VERSION/terraform"
  if [ ! -x "$cached" ]; then
    echo ">> building Terraform $TERRAFORM_VERSION from the Go module proxy (first time only, about 6 minutes)" >&2
    local tmp
    tmp="$(mktemp -d)"
    GOBIN="$tmp" go install "github.com/hashicorp/terraform@v$TERRAFORM_VERSION"
    mkdir -p "$(dirname "$cached")"
    mv "$tmp/terraform" "$cached"
    rm -rf "$tmp"
  fi
  ln -sf "$cached" "$bin/terraform"
  echo ">> $(cli_version "$bin/terraform") at $bin/terraform" >&2
}

install_tofu() {
  local cached="$cache/tofu-$OPENTOFU_VERSION/tofu" src
  if [ ! -x "$cached" ]; then
    echo ">> building OpenTofu $OPENTOFU_VERSION from the Go module proxy (first time only, about 6 minutes)" >&2
    # Outside the project, so the download can never touch this module's go.mod or go.sum.
    (cd "$(mktemp -d)" && go mod download "github.com/opentofu/opentofu@v$OPENTOFU_VERSION")
    src="$(go env GOMODCACHE)/github.com/opentofu/opentofu@v$OPENTOFU_VERSION"
    mkdir -p "$(dirname "$cached")"
    (cd "$src" && go build -ldflags "-X github.com/opentofu/opentofu/version.dev=no" -o "$cached.tmp" ./cmd/tofu)
    mv "$cached.tmp" "$cached"
  fi
  ln -sf "$cached" "$bin/tofu"
  echo ">> $(cli_version "$bin/tofu") at $bin/tofu" >&2
}

[ "$#" -gt 0 ] || set -- terraform tofu
for tool in "$@"; do
  case "$tool" in
    terraform) install_terraform ;;
    tofu) install_tofu ;;
    *) echo "install-tools: unknown tool $tool (terraform or tofu)" >&2; exit 2 ;;
  esac
done
