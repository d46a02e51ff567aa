# Turn SCIM on for a login method with the JumpCloud guide's options.
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id          = zerotrust_saml_login_method.jumpcloud.id
  user_deprovision         = true     # Enable user deprovisioning
  seat_deprovision         = true     # Remove user seat on deprovision
  identity_update_behavior = "reauth" # Group membership change reauthentication

  # Set or change this number to regenerate the secret, e.g. after an import
  # (the old secret stops working at once).
  # secret_version = 1
}

# Give these to JumpCloud (Identity Management > Base URL and Token Key).
output "scim_base_url" {
  value = zerotrust_scim_config.jumpcloud.scim_base_url
}

# terraform output -raw scim_secret
output "scim_secret" {
  value     = zerotrust_scim_config.jumpcloud.secret
  sensitive = true
}
