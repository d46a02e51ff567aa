# The SCIM endpoint of a login method managed elsewhere, found by name.
data "zerotrust_scim_endpoint" "jumpcloud" {
  name = "JumpCloud"
}

output "scim_base_url" {
  value = data.zerotrust_scim_endpoint.jumpcloud.scim_base_url
}
