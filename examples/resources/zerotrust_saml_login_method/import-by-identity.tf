# Terraform 1.12 and later: import by the login method's identity. Leave out account_id (and zone_id)
# to use the provider's account_id; set zone_id instead for a zone-scoped login method.
import {
  to = zerotrust_saml_login_method.jumpcloud
  identity = {
    account_id = "0123456789abcdef0123456789abcdef"
    id         = "9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21"
  }
}
