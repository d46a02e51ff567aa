#!/usr/bin/env bash
# Prints the path of the newest-Terraform tier's CLI for `make test`, or nothing when there is none:
# TERRAFORM_LATEST when set (it must be Terraform 1.14 or later: the first with list resources and
# `terraform query`), else the first `terraform` on PATH whose version is 1.14 or later. make passes
# TERRAFORM_LATEST from its command line or the environment.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/cli.sh
. "$root/scripts/lib/cli.sh"
min=1.14

is_latest() { cli_is "$1" Terraform "$min"; }

if [ -n "${TERRAFORM_LATEST:-}" ]; then
  if ! is_latest "$TERRAFORM_LATEST"; then
    echo "TERRAFORM_LATEST=$TERRAFORM_LATEST is not Terraform $min or later ($(cli_version "$TERRAFORM_LATEST" || true))" >&2
    exit 1
  fi
  echo "$TERRAFORM_LATEST"
  exit 0
fi
for c in $(type -ap terraform); do
  if is_latest "$c"; then echo "$c"; exit 0; fi
done
