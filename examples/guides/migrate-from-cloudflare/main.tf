# After the migration: the login method the official Cloudflare provider created, now managed by
# zerotrust_saml_login_method from JumpCloud's metadata. Step 1 of the guide removed it from the official
# provider's state; this import block adopts it. The first plan imports it with metadata_xml entering state
# (an update that sends nothing to Cloudflare), and every plan after that is empty.
terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "cloudflare_account_id" {
  description = "Cloudflare account ID (32 hex characters)."
  type        = string
}

# Same credentials as the official provider: CLOUDFLARE_API_TOKEN.
provider "zerotrust" {
  account_id = var.cloudflare_account_id
}

# The ID has the official provider's current import format, accounts/<account_id>/<identity_provider_id>
# (v4's <account_id>/<identity_provider_id> works too): the value of `terraform state show
# cloudflare_zero_trust_access_identity_provider.jumpcloud`'s id, with its account. Remove the block after
# the first apply, or keep it: an imported resource ignores it.
import {
  to = zerotrust_saml_login_method.jumpcloud
  id = "accounts/0123456789abcdef0123456789abcdef/9f2b4a1e-6c1d-4e55-a8a2-3c1f0e7d5b21"
}

resource "zerotrust_saml_login_method" "jumpcloud" {
  name = "JumpCloud" # the official resource's name

  # Replaces config.issuer_url, config.sso_target_url and config.idp_public_certs: the same values,
  # now read from the metadata. Certificates are compared by content, so PEM versus bare base64 or
  # other line breaks are not a change.
  metadata_xml = file("${path.module}/JumpCloud-saml2-metadata.xml")

  # The rest of the official resource's config block, attribute for attribute: header_attributes is
  # copied as it is, the same list of pairs.
  attributes           = ["email", "groups"]
  email_attribute_name = "email"
  sign_request         = false
  header_attributes = [
    { attribute_name = "groups", header_name = "Cf-Access-Groups" },
    { attribute_name = "groups", header_name = "X-Groups" }, # the header an older origin still reads
  ]
}
