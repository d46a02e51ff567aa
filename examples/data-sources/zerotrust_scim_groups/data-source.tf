# Find a group JumpCloud synchronised, by name, e.g. for an Access policy or a CI check.
data "zerotrust_scim_groups" "engineering" {
  login_method_id = zerotrust_scim_config.jumpcloud.login_method_id
  name            = "Engineering"
}

output "engineering_group_id" {
  value = one(data.zerotrust_scim_groups.engineering.groups[*].id)
}
