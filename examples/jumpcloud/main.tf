# JumpCloud as a Cloudflare Zero Trust login method, as in Cloudflare's JumpCloud guide, but declarative.
# `make demo` applies this against the local API emulator.

terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "account_id" {
  description = "Cloudflare account ID (32 hex characters)."
  type        = string
}

# The API token comes from CLOUDFLARE_API_TOKEN.
provider "zerotrust" {
  account_id = var.account_id
}

# JumpCloud: SSO > your Cloudflare application > Export Metadata. Save the file next to this one.
resource "zerotrust_saml_login_method" "jumpcloud" {
  name         = "JumpCloud"
  metadata_xml = file("${path.module}/JumpCloud-saml2-metadata.xml")

  # "Optional configurations" of the guide.
  attributes           = ["email", "groups"]
  email_attribute_name = "email"
  header_attributes = [
    { attribute_name = "groups", header_name = "Cf-Access-Groups" },
  ]
}

# "Synchronize users and groups" of the guide: turn SCIM on with the guide's options.
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id          = zerotrust_saml_login_method.jumpcloud.id
  user_deprovision         = true     # Enable user deprovisioning
  seat_deprovision         = true     # Remove user seat on deprovision
  identity_update_behavior = "reauth" # Group membership change reauthentication

  # Change this number to regenerate the SCIM secret (the old one stops working at once).
  # secret_version = 1
}

output "login_method_id" {
  description = "ID of the login method in Zero Trust."
  value       = zerotrust_saml_login_method.jumpcloud.id
}

output "acs_url" {
  description = "Paste into JumpCloud as the ACS URL."
  value       = zerotrust_saml_login_method.jumpcloud.redirect_url
}

output "certificate_expiry" {
  description = "When JumpCloud's signing certificate expires."
  value       = [for c in zerotrust_saml_login_method.jumpcloud.certificates : c.not_after]
}

output "scim_base_url" {
  description = "Paste into JumpCloud: Identity Management > Base URL."
  value       = zerotrust_scim_config.jumpcloud.scim_base_url
}

output "scim_secret" {
  description = "Paste into JumpCloud: Identity Management > Token Key. Cloudflare shows it only once; read it with `terraform output -raw scim_secret`."
  value       = zerotrust_scim_config.jumpcloud.secret
  sensitive   = true
}
