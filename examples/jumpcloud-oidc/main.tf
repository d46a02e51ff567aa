# JumpCloud as a Cloudflare Zero Trust login method over OpenID Connect, with SCIM provisioning.
#
# JumpCloud side (Admin Portal > SSO Applications > Add New Application > Custom OIDC App):
#   - Redirect URIs: the redirect_url output below (https://<team>.cloudflareaccess.com/cdn-cgi/access/callback).
#   - Login URL: https://<team>.cloudflareaccess.com.
#   - Client Authentication Type: Client Secret Basic; standard scopes Email and Profile.
#   - Activate, then copy the Client ID and the Client Secret (JumpCloud shows the secret once).
#
# SCIM: JumpCloud provisions users and groups (its Identity Management tab) only from SAML applications, not
# from a custom OIDC application. As Cloudflare's generic OIDC guide says, create a second JumpCloud
# application for SCIM alone: a custom SAML application whose Identity Management tab gets the scim_base_url
# and scim_secret outputs below, and assign it the same user groups as the OIDC application.

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

variable "client_id" {
  description = "JumpCloud: the OIDC application's Client ID."
  type        = string
}

variable "client_secret" {
  description = "JumpCloud: the OIDC application's Client Secret."
  type        = string
  sensitive   = true
}

# The API token comes from CLOUDFLARE_API_TOKEN.
provider "zerotrust" {
  account_id = var.account_id
}

resource "zerotrust_oidc_login_method" "jumpcloud" {
  name = "JumpCloud"

  # JumpCloud's issuer, with its trailing "/". The provider reads the endpoints from its discovery document
  # at plan time. openid-configuration.json beside this file is that document, so a plan needs no network
  # path to JumpCloud; refresh it with
  #   curl -o openid-configuration.json https://oauth.id.jumpcloud.com/.well-known/openid-configuration
  # or remove discovery_json to read it at every plan.
  issuer         = "https://oauth.id.jumpcloud.com/"
  discovery_json = file("${path.module}/openid-configuration.json")

  client_id = var.client_id
  # Write-only: never in the plan or the state (Terraform 1.11+, OpenTofu 1.11+). Raise the version to
  # send a new secret. On an older CLI use `client_secret = var.client_secret` instead (kept in state).
  client_secret_wo         = var.client_secret
  client_secret_wo_version = 1

  claims       = ["groups"]
  pkce_enabled = true
}

resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id          = zerotrust_oidc_login_method.jumpcloud.id
  user_deprovision         = true
  seat_deprovision         = true
  identity_update_behavior = "reauth"
}

output "redirect_url" {
  description = "Paste into JumpCloud: the OIDC application's Redirect URIs."
  value       = zerotrust_oidc_login_method.jumpcloud.redirect_url
}

output "scim_base_url" {
  description = "Paste into JumpCloud: the SCIM application's Identity Management > Base URL."
  value       = zerotrust_scim_config.jumpcloud.scim_base_url
}

output "scim_secret" {
  description = "Paste into JumpCloud: Identity Management > Token Key. Read it with `terraform output -raw scim_secret`."
  value       = zerotrust_scim_config.jumpcloud.secret
  sensitive   = true
}
