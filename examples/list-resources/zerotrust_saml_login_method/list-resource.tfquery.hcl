# Every SAML login method of the provider's account_id: `terraform query` (Terraform 1.14 and later).
list "zerotrust_saml_login_method" "all" {
  provider = zerotrust
  limit    = 1000 # Terraform stops at 100 results unless told otherwise
}

# The JumpCloud ones with SCIM provisioning on, in another account, as full objects.
list "zerotrust_saml_login_method" "jumpcloud" {
  provider         = zerotrust
  include_resource = true

  config {
    account_id   = "0123456789abcdef0123456789abcdef"
    name_regex   = "^JumpCloud"
    scim_enabled = true
  }
}
