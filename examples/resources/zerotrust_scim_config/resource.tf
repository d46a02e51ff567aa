terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

resource "zerotrust_saml_login_method" "jumpcloud" {
  name         = "JumpCloud"
  metadata_xml = file("${path.module}/JumpCloud-saml2-metadata.xml")
}

# SCIM provisioning for the login method: JumpCloud's "Identity Management" tab.
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id = zerotrust_saml_login_method.jumpcloud.id

  enabled                  = true
  user_deprovision         = true     # revoke a user's sessions when JumpCloud deprovisions them
  seat_deprovision         = true     # also free their Zero Trust seat (needs user_deprovision)
  identity_update_behavior = "reauth" # the guide's "group membership change reauthentication"

  # Change to any new value to have Cloudflare issue a new SCIM secret (then paste it into JumpCloud again).
  secret_version = 1
}

# Paste into JumpCloud > the application > Identity Management: "Base URL" and "Token Key".
output "scim_base_url" {
  value = zerotrust_scim_config.jumpcloud.scim_base_url
}

output "scim_token_key" {
  value     = zerotrust_scim_config.jumpcloud.secret
  sensitive = true
}
