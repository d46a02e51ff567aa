terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

# The API token comes from CLOUDFLARE_API_TOKEN; Read permission is enough for `terraform query`.
provider "zerotrust" {
  account_id = "0123456789abcdef0123456789abcdef"
}
