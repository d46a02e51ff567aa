terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

# The SCIM endpoint of a login method managed elsewhere (for example in the dashboard), by name.
# Give login_method_id instead when you have it.
data "zerotrust_scim_endpoint" "jumpcloud" {
  name = "JumpCloud"
}

# Paste into JumpCloud > the application > Identity Management as "Base URL".
output "scim_base_url" {
  value = data.zerotrust_scim_endpoint.jumpcloud.scim_base_url
}

output "scim_enabled" {
  value = data.zerotrust_scim_endpoint.jumpcloud.enabled
}
