# Every SAML and OIDC login method of the account, and the SCIM config of each one that ever had SCIM on.
# include_resource returns the full objects, which -generate-config-out writes as configuration.
list "zerotrust_saml_login_method" "login_method" {
  provider         = zerotrust
  include_resource = true
  limit            = 1000
}

list "zerotrust_oidc_login_method" "oidc" {
  provider         = zerotrust
  include_resource = true
  limit            = 1000
}

list "zerotrust_scim_config" "scim" {
  provider         = zerotrust
  include_resource = true
  limit            = 1000
}
