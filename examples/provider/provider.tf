terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "cloudflare_account_id" {
  description = "Cloudflare account ID (32 hex characters): Zero Trust dashboard > Settings, or the URL of any dashboard page."
  type        = string
}

# The API token is read from CLOUDFLARE_API_TOKEN, like the official Cloudflare provider does: keep it out of
# the configuration. account_id is the default scope of every resource and data source.
provider "zerotrust" {
  account_id = var.cloudflare_account_id
}
