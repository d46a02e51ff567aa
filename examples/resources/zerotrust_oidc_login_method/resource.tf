terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "jumpcloud_client_secret" {
  description = "JumpCloud: the OIDC application's Client Secret."
  type        = string
  sensitive   = true
}

# From the issuer's discovery document, given in a file so that plans need no network path to JumpCloud
# (remove discovery_json to fetch it from the issuer at every plan). auth_url, token_url and certs_url are
# read from it at plan time. The secret is write-only (Terraform 1.11+, OpenTofu 1.11+): raise
# client_secret_wo_version to send a new one.
resource "zerotrust_oidc_login_method" "jumpcloud" {
  name           = "JumpCloud"
  issuer         = "https://oauth.id.jumpcloud.com/"
  discovery_json = file("${path.module}/openid-configuration.json")

  client_id                = "8b5f1c2e-4d3a-4f6b-9e7d-1a2b3c4d5e6f"
  client_secret_wo         = var.jumpcloud_client_secret
  client_secret_wo_version = 1

  claims       = ["groups"]
  pkce_enabled = true
}

# An IdP without discovery: the three endpoints from its documentation.
variable "legacy_client_secret" {
  description = "The legacy IdP's client secret."
  type        = string
  sensitive   = true
}

resource "zerotrust_oidc_login_method" "legacy" {
  name      = "Legacy IdP"
  auth_url  = "https://sso.example.com/oauth2/authorize"
  token_url = "https://sso.example.com/oauth2/token"
  certs_url = "https://sso.example.com/oauth2/keys"
  client_id = "cloudflare-access"
  scopes    = ["openid", "email"]

  client_secret_wo         = var.legacy_client_secret
  client_secret_wo_version = 1
}

output "redirect_uri" {
  description = "Register at the IdP as the application's redirect URI."
  value       = zerotrust_oidc_login_method.jumpcloud.redirect_url
}
