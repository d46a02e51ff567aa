# Import the login method created in the Zero Trust dashboard; its ID is in the dashboard's URL
# (Settings > Authentication > Login methods > the method > Edit).
import {
  to = zerotrust_oidc_login_method.jumpcloud
  id = "accounts/0123456789abcdef0123456789abcdef/4c8e2d6a-1b3f-4a5e-9c7d-8e2f1a3b5c7d"
}
