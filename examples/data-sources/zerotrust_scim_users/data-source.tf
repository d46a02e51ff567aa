terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "login_method_id" {
  description = "ID of the SAML login method whose SCIM-provisioned users to read."
  type        = string
}

# Every user JumpCloud has provisioned into Zero Trust over SCIM.
data "zerotrust_scim_users" "all" {
  login_method_id = var.login_method_id
}

# One user, by e-mail: check that a new hire arrived before granting access.
data "zerotrust_scim_users" "alice" {
  login_method_id = var.login_method_id
  email           = "alice@example.com"
}

output "provisioned_users" {
  value = length(data.zerotrust_scim_users.all.users)
}

output "alice_provisioned" {
  value = length(data.zerotrust_scim_users.alice.users) > 0
}
