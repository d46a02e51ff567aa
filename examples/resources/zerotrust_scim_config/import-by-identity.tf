# Terraform 1.12 and later: the SCIM config's identity is the login method's.
import {
  to = zerotrust_scim_config.jumpcloud
  identity = {
    account_id = "0123456789abcdef0123456789abcdef"
    id         = "9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21"
  }
}
