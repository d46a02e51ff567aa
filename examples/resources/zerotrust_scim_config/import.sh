# Import by the login method's ID, in any form zerotrust_saml_login_method accepts:
terraform import zerotrust_scim_config.jumpcloud accounts/<account_id>/<login_method_id>
terraform import zerotrust_scim_config.jumpcloud zones/<zone_id>/<login_method_id>
terraform import zerotrust_scim_config.jumpcloud <account_id>/<login_method_id>
terraform import zerotrust_scim_config.jumpcloud <login_method_id> # in the provider's account_id

# Cloudflare shows the SCIM secret only once, so import cannot recover it: `secret` stays null and the
# IdP keeps using the secret it has. To get a new one, set (or change) secret_version and apply:
#   secret_version = 1
# The old secret stops working at once: give the new one to the IdP right after the apply.
