package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// SSO bindings a user may ask for, by the short names IdP admin consoles show. The same values feed
// the validator and the documentation.
var (
	ssoBindingRedirect = samlmetadata.BindingShortName(samlmetadata.BindingHTTPRedirect)
	ssoBindingPOST     = samlmetadata.BindingShortName(samlmetadata.BindingHTTPPOST)
)

func (r *samlLoginMethodResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Version: samlLoginMethodSchemaVersion,
		MarkdownDescription: "A Cloudflare Zero Trust **SAML login method** (an Access identity provider of type `saml`), " +
			"built from your identity provider's SAML metadata (`metadata_xml` or `metadata_url`) or from explicit " +
			"`issuer_url`, `sso_target_url` and `idp_public_cert`. Paste `redirect_url` into the IdP as its ACS URL. " +
			"SCIM provisioning is managed by `zerotrust_scim_config`; this resource never changes it.",
		Attributes: withLoginMethodAttributes(samlRedirectURLDescription, map[string]schema.Attribute{
			"metadata_xml": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The IdP's SAML 2.0 metadata XML, typically `file(\"${path.module}/JumpCloud-saml2-metadata.xml\")`. " +
					"`issuer_url`, `sso_target_url` and `idp_public_cert` are read from it at plan time. Hostile or broken " +
					"metadata (DOCTYPE, several IdPs, no signing certificate, a non-https SSO URL, …) fails `terraform validate` and the plan. " +
					"Conflicts with `metadata_url` and with explicit `issuer_url`, `sso_target_url` and `idp_public_cert`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("metadata_url")), stringvalidator.LengthAtLeast(1)},
			},
			"metadata_url": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "URL of the IdP's SAML metadata, fetched at every plan (" + fetch.DefaultTimeout.String() +
					" timeout, " + itoa(samlmetadata.DefaultMaxBytes>>20) + " MiB limit, `https` only unless `allow_http` is set), so a " +
					"certificate rotated at the IdP shows up as a planned update. Conflicts with `metadata_xml`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"allow_http": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Accept plain `http://` for `metadata_url` and for the SSO URL in the metadata. " +
					"Only for development IdPs on a private network; defaults to `false`.",
			},
			"entity_id": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The entityID to use when the metadata is an `EntitiesDescriptor` holding several identity " +
					"providers; the plan error lists the ones found.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"sso_binding": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Which `SingleSignOnService` of the metadata becomes `sso_target_url`: one of " +
					quotedList(ssoBindingRedirect, ssoBindingPOST) + ". By default `" + ssoBindingRedirect + "` is used when " +
					"present, otherwise `" + ssoBindingPOST + "`.",
				Validators: []validator.String{stringvalidator.OneOf(ssoBindingRedirect, ssoBindingPOST)},
			},
			"metadata_signing_certs": schema.StringAttribute{
				CustomType: certBundleType{},
				Optional:   true,
				MarkdownDescription: "PEM bundle of the certificates your IdP signs its metadata with, obtained out of band. " +
					"When set, the metadata must carry a valid XML signature by one of them, and only the signed content is used; " +
					"unsigned or tampered metadata fails the plan. SHA-1 signatures are refused.",
				// Checked by ValidateConfig, which reads the certificates once for the check and the signature.
			},
			"issuer_url": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The IdP's entityID (JumpCloud: *IdP Entity ID*). Read from the metadata when metadata " +
					"is given; otherwise required.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"sso_target_url": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "The IdP's single sign-on URL (JumpCloud: *IdP URL*, `https://sso.jumpcloud.com/saml2/<name>`). " +
					"Read from the metadata when metadata is given; otherwise required.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"idp_public_cert": schema.StringAttribute{
				CustomType: certBundleType{},
				Optional:   true,
				Computed:   true,
				MarkdownDescription: "The IdP's signing certificates as a PEM bundle: one for JumpCloud, several during a " +
					"rollover. Bare base64 is accepted too. Read from the metadata when metadata is given; otherwise required. " +
					"Values holding the same certificates are equal, whatever their order or line breaks.",
				Validators: []validator.String{certBundleValidator{}},
			},
			"attributes": schema.ListAttribute{
				ElementType:         types.StringType,
				Optional:            true,
				MarkdownDescription: "SAML attributes from the IdP's assertion to pass into the Access JWT (dashboard: *SAML attributes*), for example `[\"email\", \"groups\"]`.",
				Validators:          []validator.List{listvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
			"email_attribute_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Name of the SAML attribute that carries the user's e-mail, when it is not the NameID (for example `email`).",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"sign_request": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				MarkdownDescription: "Sign the SAML authentication request with Cloudflare's key (dashboard: *Sign SAML authentication request*). Defaults to `false`.",
			},
			"header_attributes": schema.SetNestedAttribute{
				Optional: true,
				MarkdownDescription: "SAML attributes to forward to the origin as HTTP request headers (dashboard: *SAML header attributes*): " +
					"a set of `{ attribute_name, header_name }` pairs, as the Cloudflare API and the official provider write them, for example " +
					"`[{ attribute_name = \"groups\", header_name = \"Cf-Access-Groups\" }]`. One attribute may be sent as several headers " +
					"(a pair each); the order does not matter, and a pair written twice is one pair.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"attribute_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "Name of the SAML attribute in the IdP's assertion, for example `groups`.",
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"header_name": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "Name of the HTTP request header the origin receives the attribute's value in, for example `Cf-Access-Groups`.",
							Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
						},
					},
				},
			},
			"certificates": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The certificates of `idp_public_cert`, in order, for review and expiry checks.",
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"sha256_fingerprint": schema.StringAttribute{Computed: true, MarkdownDescription: "SHA-256 of the certificate's DER, lowercase hex."},
						"subject":            schema.StringAttribute{Computed: true, MarkdownDescription: "Subject distinguished name."},
						"not_before":         schema.StringAttribute{Computed: true, MarkdownDescription: "Start of validity (RFC 3339)."},
						"not_after":          schema.StringAttribute{Computed: true, MarkdownDescription: "End of validity (RFC 3339)."},
					},
				},
			},
		}),
	}
}

// samlRedirectURLDescription describes redirect_url for SAML.
const samlRedirectURLDescription = "The Assertion Consumer Service (ACS) URL, `https://<team>.cloudflareaccess.com/cdn-cgi/access/callback`: " +
	"paste it into the IdP (JumpCloud: *ACS URL* and *SP Entity ID*)."
