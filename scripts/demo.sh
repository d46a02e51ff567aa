#!/usr/bin/env bash
# The main job, end to end on this machine: start the Cloudflare API emulator, install the provider from a
# local filesystem mirror, `terraform init` and `apply` examples/jumpcloud, print its outputs, check that the
# SCIM endpoint accepts the captured secret, then plan again and fail unless that plan is empty. Stops the
# emulator it started, whatever happens.
#
# Everything goes under .demo, readable by this user only (umask 077): the state holds the SCIM secret and
# the emulator's API token is in a file. They are removed when the demo ends, whatever happens: the
# emulator they belong to is gone by then.
#
# The CLI: TERRAFORM=/path/to/cli when set; else the first terraform (1.5 or later) or tofu (1.6 or later) on
# PATH; else Terraform 1.5.7, built once from the Go module proxy by scripts/install-tools.sh.
set -euo pipefail
umask 077

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=lib/cli.sh
. "$root/scripts/lib/cli.sh"

# usable_cli CLI: whether CLI is a Terraform 1.5+ or an OpenTofu 1.6+ (the first with provider functions).
usable_cli() { cli_is "$1" Terraform 1.5 || cli_is "$1" OpenTofu 1.6; }

pick_cli() {
  local c
  if [ -n "${TERRAFORM:-}" ]; then
    usable_cli "$TERRAFORM" || { echo "demo: TERRAFORM=$TERRAFORM is not Terraform 1.5+ or OpenTofu 1.6+" >&2; return 1; }
    echo "$TERRAFORM"
    return
  fi
  for c in $(type -ap terraform tofu); do
    if usable_cli "$c"; then echo "$c"; return; fi
  done
  echo "==> no terraform (1.5+) or tofu (1.6+) on PATH: installing Terraform 1.5.7 into .tools/bin (built from the" \
    "Go module proxy the first time, about 6 minutes; later runs reuse it)" >&2
  "$root/scripts/install-tools.sh" terraform
  echo "$root/.tools/bin/terraform"
}

terraform="$(pick_cli)"
echo "==> using $(cli_version "$terraform") ($terraform)"
host="$(provider_host "$terraform")"
cmd=terraform
[ "$host" = registry.opentofu.org ] && cmd=tofu
demo="$root/.demo"
version="0.0.1"  # a release version: an empty constraint never selects a pre-release
account_id="0123456789abcdef0123456789abcdef"
token="demo-api-token-$(date +%s)-$RANDOM"
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

rm -rf "$demo"
mkdir -p "$demo/bin" "$demo/work"
mirror="$demo/mirror/$host/zerotrust-tf/zerotrust/$version/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$mirror"

echo "==> building the provider and the emulator"
go build -trimpath -ldflags "-X main.version=$version" -o "$mirror/terraform-provider-zerotrust_v$version" "$root"
go build -trimpath -o "$demo/bin/emulator" "$root/internal/cmd/emulator"

echo "==> starting the Cloudflare API emulator"
# The API token reaches the emulator in a file only this user can read and Terraform in its environment,
# never on a command line, where any user could read it with ps.
printf '%s\n' "$token" >"$demo/api-token"
"$demo/bin/emulator" -listen 127.0.0.1:0 -token-file "$demo/api-token" -account "$account_id" \
  -url-file "$demo/emulator.url" >"$demo/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true
  rm -f "$demo/work/terraform.tfstate" "$demo/work/terraform.tfstate.backup" "$demo/api-token" "$demo/scim-auth-header"' EXIT
for _ in $(seq 1 100); do
  [ -s "$demo/emulator.url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$demo/emulator.log"; echo "emulator did not start" >&2; exit 1; }
  sleep 0.1
done
base_url="$(cat "$demo/emulator.url")"
echo "    emulator at $base_url"

cat >"$demo/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$demo/mirror"
    include = ["$host/zerotrust-tf/zerotrust"]
  }
  direct {
    exclude = ["$host/zerotrust-tf/zerotrust"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$demo/terraformrc"
export CLOUDFLARE_API_TOKEN="$token" CLOUDFLARE_BASE_URL="$base_url" TF_VAR_account_id="$account_id"

cp "$root"/examples/jumpcloud/*.tf "$root"/examples/jumpcloud/*.xml "$demo/work/"
tf() { "$terraform" -chdir="$demo/work" "$@"; }

echo "==> $cmd init"
tf init -input=false -no-color >/dev/null
echo "==> $cmd apply"
tf apply -input=false -auto-approve -no-color
echo "==> outputs"
tf output -no-color
echo "==> SCIM: the endpoint and the captured secret work (as JumpCloud would use them)"
scim_base_url="$(tf output -raw scim_base_url)"
# The secret goes to curl in a header file only this user can read, never on a command line.
printf 'Authorization: Bearer %s\n' "$(tf output -raw scim_secret)" >"$demo/scim-auth-header"
scim_status="$(curl -sS -o /dev/null -w '%{http_code}' -H @"$demo/scim-auth-header" \
  -H 'Accept: application/scim+json' "$scim_base_url/Users")"
rm -f "$demo/scim-auth-header"
[ "$scim_status" = 200 ] || { echo "==> demo FAILED: GET $scim_base_url/Users with the secret answered $scim_status" >&2; exit 1; }
echo "    GET $scim_base_url/Users with the secret: $scim_status"
echo "==> $cmd plan (must be empty)"
set +e
tf plan -input=false -detailed-exitcode -no-color
code=$?
set -e
case "$code" in
  0) echo "==> demo OK: the second plan is empty" ;;
  2) echo "==> demo FAILED: the second plan wants changes" >&2; exit 1 ;;
  *) echo "==> demo FAILED: $cmd plan exited $code" >&2; exit 1 ;;
esac
