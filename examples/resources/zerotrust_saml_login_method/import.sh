# A login method is imported by its ID in the official Cloudflare provider's form,
# accounts/<account_id>/<login_method_id> or zones/<zone_id>/<login_method_id>.
# <account_id>/<login_method_id>, and a bare <login_method_id> in the provider's account_id, work too.
terraform import zerotrust_saml_login_method.jumpcloud accounts/0123456789abcdef0123456789abcdef/9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21
