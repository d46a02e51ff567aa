# Terraform 1.12 and later: import by the login method's identity. Leave out account_id (and zone_id)
# to use the provider's account_id; set zone_id instead for a zone-scoped login method.
import {
  to = zerotrust_oidc_login_method.jumpcloud
  identity = {
    account_id = "0123456789abcdef0123456789abcdef"
    id         = "4c8e2d6a-1b3f-4a5e-9c7d-8e2f1a3b5c7d"
  }
}
