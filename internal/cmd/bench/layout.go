package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// The benchmark lays the configuration out in one of two ways.
//
// layoutModule (the default) is how a team with many IdPs writes it: a module per IdP connection,
// instantiated with for_each, holding one login method and its SCIM config. The SCIM config refers to
// zerotrust_saml_login_method.this, a single instance.
//
// layoutFlat puts all N login methods and all N SCIM configs in two for_each resources at the root, the
// SCIM configs referring to zerotrust_saml_login_method.m[each.key]. Terraform 1.5 evaluates such a
// reference by decoding every instance of the resource, so each of the N SCIM configs costs N decodes:
// at N = 500 that is most of the CLI's CPU (BENCHMARKS.md has both layouts' numbers) and says nothing
// about the provider. It stays available (-layout flat) to show that cost.
const (
	layoutModule = "module"
	layoutFlat   = "flat"
)

// moduleHeader starts the main.tf of a module of one IdP: the provider's source and the name variable.
const moduleHeader = `terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "name" {
  type = string
}
`

const loginMethodBody = `  attributes           = ["email", "groups"]
  email_attribute_name = "email"
`

const scimConfigBody = `  user_deprovision         = true
  seat_deprovision         = true
  identity_update_behavior = "reauth"
`

// writeResources writes what the layout needs besides main.tf and returns main.tf's resources.
func (b *bench) writeResources() (string, error) {
	switch b.o.layout {
	case layoutFlat:
		if b.o.mixed {
			return "", fmt.Errorf("-mixed needs -layout %s", layoutModule)
		}
		main := `
resource "zerotrust_saml_login_method" "m" {
  for_each             = var.methods
  name                 = each.value.name
  metadata_xml         = each.value.metadata
` + loginMethodBody + "}\n"
		if b.o.scim {
			// for_each over the variable, not over the login methods, which would cost another N
			// decodes of N objects.
			main += `
resource "zerotrust_scim_config" "m" {
  for_each                 = var.methods
  login_method_id          = zerotrust_saml_login_method.m[each.key].id
` + scimConfigBody + "}\n"
		}
		return main, nil
	case layoutModule:
		module := moduleHeader + `
variable "metadata" {
  type = string
}

resource "zerotrust_saml_login_method" "this" {
  name                 = var.name
  metadata_xml         = var.metadata
` + loginMethodBody + "}\n"
		if b.o.scim {
			module += `
resource "zerotrust_scim_config" "this" {
  login_method_id          = zerotrust_saml_login_method.this.id
` + scimConfigBody + "}\n"
		}
		if err := b.writeModule("idp", module); err != nil {
			return "", err
		}
		main := `
module "idp" {
  source   = "./idp"
  for_each = var.methods
  name     = each.value.name
  metadata = each.value.metadata
}
`
		if b.o.mixed {
			if err := b.writeOIDCModule(); err != nil {
				return "", err
			}
			main += `
module "oidc" {
  source    = "./oidc"
  for_each  = var.oidc_methods
  name      = each.value.name
  client_id = each.value.client_id
}
`
		}
		return main, nil
	}
	return "", fmt.Errorf("-layout: %q is neither %q nor %q", b.o.layout, layoutModule, layoutFlat)
}

// writeOIDCModule writes the module of an OIDC login method with its SCIM config (-mixed): the endpoints set
// by hand, nothing fetched at plan time, and the client secret as client_secret, which every CLI can send.
func (b *bench) writeOIDCModule() error {
	module := moduleHeader + `
variable "client_id" {
  type = string
}

resource "zerotrust_oidc_login_method" "this" {
  name          = var.name
  auth_url      = "https://oauth.id.jumpcloud.example/oauth2/auth"
  token_url     = "https://oauth.id.jumpcloud.example/oauth2/token"
  certs_url     = "https://oauth.id.jumpcloud.example/.well-known/jwks.json"
  client_id     = var.client_id
  client_secret = "bench-secret-${var.client_id}"
  claims        = ["groups"]
}
`
	if b.o.scim {
		module += `
resource "zerotrust_scim_config" "this" {
  login_method_id          = zerotrust_oidc_login_method.this.id
` + scimConfigBody + "}\n"
	}
	return b.writeModule("oidc", module)
}

// writeModule writes main.tf of the module in the directory name.
func (b *bench) writeModule(name, main string) error {
	dir := filepath.Join(b.dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(main), 0o644)
}
