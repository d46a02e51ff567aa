# Every OIDC login method of the provider's account_id: `terraform query` (Terraform 1.14 and later).
list "zerotrust_oidc_login_method" "all" {
  provider = zerotrust
  limit    = 1000 # Terraform stops at 100 results unless told otherwise
}

# The JumpCloud ones, as full objects to generate configuration from.
list "zerotrust_oidc_login_method" "jumpcloud" {
  provider         = zerotrust
  include_resource = true

  config {
    name_regex = "^JumpCloud"
  }
}
