# A login method is imported by its ID in the official Cloudflare provider's form,
# accounts/<account_id>/<login_method_id> or zones/<zone_id>/<login_method_id>.
# <account_id>/<login_method_id>, and a bare <login_method_id> in the provider's account_id, work too.
terraform import zerotrust_oidc_login_method.jumpcloud accounts/0123456789abcdef0123456789abcdef/4c8e2d6a-1b3f-4a5e-9c7d-8e2f1a3b5c7d
