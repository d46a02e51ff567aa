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
		module := `terraform {
  required_providers {
    zerotrust = {
      source = "zerotrust-tf/zerotrust"
    }
  }
}

variable "name" {
  type = string
}

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
		dir := filepath.Join(b.dir, "idp")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(module), 0o644); err != nil {
			return "", err
		}
		return `
module "idp" {
  source   = "./idp"
  for_each = var.methods
  name     = each.value.name
  metadata = each.value.metadata
}
`, nil
	}
	return "", fmt.Errorf("-layout: %q is neither %q nor %q", b.o.layout, layoutModule, layoutFlat)
}
