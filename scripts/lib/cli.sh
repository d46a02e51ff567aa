# Helpers for the scripts that run a Terraform-compatible CLI. Source it; it defines functions only.

# cli_version CLI: the CLI's first version line ("Terraform v1.5.7", "OpenTofu v1.12.6"). The CLI reads no
# configuration file for it, so a TF_CLI_CONFIG_FILE that names a missing file prints no warnings.
cli_version() { TF_CLI_CONFIG_FILE=/dev/null "$1" version 2>/dev/null | sed -n 1p; }

# cli_semver CLI: the version number alone ("1.5.7"), empty when the CLI does not answer like Terraform.
cli_semver() { cli_version "$1" | sed -n 's/^[A-Za-z]* v\([0-9][0-9.]*\).*/\1/p'; }

# version_at_least A B: whether the dotted version A is B or later.
version_at_least() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | sed -n 1p)" = "$2" ]; }

# cli_is CLI NAME MIN: whether CLI is NAME ("Terraform" or "OpenTofu") at version MIN or later.
cli_is() {
  local line v
  line="$(cli_version "$1")"
  case "$line" in "$2 v"*) ;; *) return 1 ;; esac
  v="$(cli_semver "$1")"
  [ -n "$v" ] && version_at_least "$v" "$3"
}

# provider_host CLI: the registry host the CLI resolves "zerotrust-tf/zerotrust" to.
provider_host() {
  case "$(cli_version "$1")" in
    OpenTofu*) echo registry.opentofu.org ;;
    *) echo registry.terraform.io ;;
  esac
}
