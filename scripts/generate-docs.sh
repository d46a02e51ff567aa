#!/usr/bin/env bash
# Regenerates docs/ with tfplugindocs from the provider's schema, templates/ and examples/, offline, and the
# same whatever CLI the machine has (or none).
#
# tfplugindocs would export the schema with the `terraform` on PATH, but what a CLI exports depends on its
# version: Terraform 1.5 leaves out provider functions, OpenTofu 1.12 list resources. So the schema comes
# from the provider itself: internal/cmd/providerschema asks its GetProviderSchema and
# GetResourceIdentitySchemas and writes `terraform providers schema -json`'s format
# under the address tfplugindocs looks up (registry.terraform.io/hashicorp/zerotrust), and it is handed
# over with --providers-schema. The provider suite holds that output to each CLI's own export
# (TestProviderSchemaJSONMatchesTheCLI).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tfplugindocs="${TFPLUGINDOCS:-$root/.tools/bin/tfplugindocs}"
cd "$root"

# Inside the tree because tfplugindocs resolves --rendered-website-dir relative to the provider directory.
build=".docs-build"
rm -rf "$build"
trap 'rm -rf "$root/$build"' EXIT
mkdir -p "$build"
go run ./internal/cmd/providerschema >"$build/schema.json"

# Rendered beside docs/ and moved in only when every page rendered: a template whose resource the provider
# does not have (yet) fails the run, naming it, and leaves docs/ as it was.
"$tfplugindocs" generate \
  --provider-name zerotrust \
  --rendered-provider-name "Zero Trust SAML" \
  --providers-schema "$build/schema.json" \
  --rendered-website-dir "$build/docs"
rm -rf docs
mv "$build/docs" docs
