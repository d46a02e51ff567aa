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
  header_attributes = {
    groups = "Cf-Access-Groups"
  }
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
