# CI check: has JumpCloud synchronised this user?
data "zerotrust_scim_users" "alice" {
  login_method_id = zerotrust_scim_config.jumpcloud.login_method_id
  email           = "alice@example.com"
}

check "alice_synced" {
  assert {
    condition     = length(data.zerotrust_scim_users.alice.users) == 1
    error_message = "JumpCloud has not pushed alice@example.com over SCIM."
  }
}
