terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "login_method_id" {
  description = "ID of the SAML login method whose SCIM-provisioned groups to read."
  type        = string
}

# Every group JumpCloud has pushed into Zero Trust over SCIM.
data "zerotrust_scim_groups" "all" {
  login_method_id = var.login_method_id
}

# One group by name, for example to check it exists before an Access policy relies on it.
data "zerotrust_scim_groups" "engineering" {
  login_method_id = var.login_method_id
  name            = "Engineering"
}

output "provisioned_groups" {
  value = length(data.zerotrust_scim_groups.all.groups)
}

output "engineering_provisioned" {
  value = length(data.zerotrust_scim_groups.engineering.groups) > 0
}
