# Import the login method created in the Zero Trust dashboard; its ID is in the dashboard's URL
# (Settings > Authentication > Login methods > the method > Edit).
import {
  to = zerotrust_saml_login_method.jumpcloud
  id = "accounts/0123456789abcdef0123456789abcdef/9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21"
}
