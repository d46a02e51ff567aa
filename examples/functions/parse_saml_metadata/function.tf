terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

locals {
  jumpcloud = provider::zerotrust::parse_saml_metadata(file("${path.module}/JumpCloud-saml2-metadata.xml"))
}

# The values the official Cloudflare provider's cloudflare_zero_trust_access_identity_provider wants in
# its config block: issuer_url, sso_target_url and idp_public_certs.
output "issuer_url" {
  value = local.jumpcloud.issuer
}

output "sso_target_url" {
  value = local.jumpcloud.sso_url
}

output "idp_public_certs" {
  value = [for c in local.jumpcloud.certificates : c.pem]
}

# What to check before a rollover: each signing certificate's fingerprint and expiry.
output "signing_certificates" {
  value = {
    for c in local.jumpcloud.certificates : c.sha256_fingerprint => c.not_after
  }
}

# Every SSO endpoint by binding, for IdPs where the default (HTTP-Redirect first) is not the one you want.
output "sso_post_url" {
  value = local.jumpcloud.sso_urls["HTTP-POST"]
}
