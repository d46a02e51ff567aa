# The SCIM config of every SAML login method of the provider's account_id that ever had SCIM on.
list "zerotrust_scim_config" "all" {
  provider = zerotrust
  limit    = 1000
}

# Only the login method named JumpCloud, in a zone, as a full object (never with the secret).
list "zerotrust_scim_config" "jumpcloud" {
  provider         = zerotrust
  include_resource = true

  config {
    zone_id = "9a7806061c88ada191ed06f989cc3dac"
    name    = "JumpCloud"
  }
}
