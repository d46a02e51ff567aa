# The SCIM settings of a login method are imported by the login method's ID, in the same forms as
# zerotrust_saml_login_method: accounts/<account_id>/<login_method_id> (the official provider's form),
# zones/<zone_id>/<login_method_id>, <account_id>/<login_method_id> or <login_method_id>.
# The SCIM secret cannot be read back after it was first shown: set secret_version to have a new one issued.
terraform import zerotrust_scim_config.jumpcloud accounts/0123456789abcdef0123456789abcdef/9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21
