#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from the provider's schema, templates/ and examples/, offline.
#
# tfplugindocs would export the schema with the `terraform` on PATH, but Terraform 1.5.7 predates provider
# functions and leaves them out of `providers schema -json`. So the schema is exported here with OpenTofu
# (which has functions) from a local build of the provider, under the address tfplugindocs looks up
# (registry.terraform.io/hashicorp/zerotrust), and handed over with --providers-schema. Nothing is
# downloaded: the provider comes from a -plugin-dir.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tofu="${TOFU:-$root/.tools/bin/tofu}"
tfplugindocs="${TFPLUGINDOCS:-$root/.tools/bin/tfplugindocs}"
cd "$root"

# Inside the tree because tfplugindocs resolves --website-source-dir relative to the provider directory.
build=".docs-build"
rm -rf "$build"
trap 'rm -rf "$root/$build"' EXIT
plugin="$build/plugins/registry.terraform.io/hashicorp/zerotrust/0.0.1/$(go env GOOS)_$(go env GOARCH)"
mkdir -p "$plugin" "$build/work"
go build -o "$plugin/terraform-provider-zerotrust_v0.0.1" .

cat >"$build/work/main.tf" <<'HCL'
terraform {
  required_providers {
    zerotrust = {
      source = "registry.terraform.io/hashicorp/zerotrust"
    }
  }
}
HCL
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_CLI_CONFIG_FILE=/dev/null
"$tofu" -chdir="$build/work" init -input=false -backend=false -plugin-dir="$root/$build/plugins" >/dev/null
"$tofu" -chdir="$build/work" providers schema -json >"$build/schema.json"

go run ./scripts/docstemplates -schema "$build/schema.json" -in templates -out "$build/templates"

"$tfplugindocs" generate \
  --provider-name zerotrust \
  --rendered-provider-name "Zero Trust SAML" \
  --providers-schema "$build/schema.json" \
  --website-source-dir "$build/templates"
