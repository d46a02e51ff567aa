terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

# From a metadata file: JumpCloud > SSO > your Cloudflare application > Export Metadata.
# issuer_url, sso_target_url and idp_public_cert are read from it at plan time.
resource "zerotrust_saml_login_method" "jumpcloud" {
  name         = "JumpCloud"
  metadata_xml = file("${path.module}/JumpCloud-saml2-metadata.xml")

  attributes           = ["email", "groups"]
  email_attribute_name = "email"
  # Attributes forwarded to the origin as request headers: one pair per header, so an attribute can
  # be sent as two headers (here the current one and the one an older application still reads).
  header_attributes = [
    { attribute_name = "groups", header_name = "Cf-Access-Groups" },
    { attribute_name = "groups", header_name = "X-Groups" },
  ]
}

# From the IdP's metadata URL, fetched at every plan: a certificate rotated at the IdP shows up as a
# planned update. Pin the certificate the IdP signs its metadata with to refuse tampered metadata.
variable "okta_metadata_signing_cert" {
  description = "PEM of the certificate Okta signs its metadata with, obtained out of band."
  type        = string
}

resource "zerotrust_saml_login_method" "okta" {
  name                   = "Okta"
  metadata_url           = "https://example.okta.com/app/exk7r0qrje5hFQlkk2p7/sso/saml/metadata"
  metadata_signing_certs = var.okta_metadata_signing_cert
  sign_request           = true
}

# Without metadata: the three values the IdP's console shows. During a certificate rollover,
# idp_public_cert holds both certificates.
variable "adfs_signing_certs" {
  description = "PEM bundle of AD FS's token-signing certificates."
  type        = string
}

resource "zerotrust_saml_login_method" "adfs" {
  name            = "AD FS"
  issuer_url      = "http://adfs.example.com/adfs/services/trust"
  sso_target_url  = "https://adfs.example.com/adfs/ls/"
  idp_public_cert = var.adfs_signing_certs
}

output "acs_url" {
  description = "Paste into JumpCloud as the ACS URL."
  value       = zerotrust_saml_login_method.jumpcloud.redirect_url
}
