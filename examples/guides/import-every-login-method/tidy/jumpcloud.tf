# The JumpCloud login method that `terraform query` wrote as login_method_0, with a name of its own and
# built from JumpCloud's metadata file again instead of the explicit values it was imported with.
moved {
  from = zerotrust_saml_login_method.login_method_0
  to   = zerotrust_saml_login_method.jumpcloud
}

resource "zerotrust_saml_login_method" "jumpcloud" {
  name         = "JumpCloud"
  metadata_xml = file("${path.module}/JumpCloud-saml2-metadata.xml")
  attributes   = ["email", "groups"]
}

moved {
  from = zerotrust_scim_config.scim_0
  to   = zerotrust_scim_config.jumpcloud
}

resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id          = zerotrust_saml_login_method.jumpcloud.id
  user_deprovision         = true
  identity_update_behavior = "reauth"
}
