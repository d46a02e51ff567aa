package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// metadataInput is what a resource or function knows about where the metadata comes from.
type metadataInput struct {
	XML, URL             types.String
	AllowHTTP            bool
	EntityID, SSOBinding types.String
	SigningCerts         certBundleValue
}

// known reports whether every input that decides the metadata's values is known at plan time.
func (in metadataInput) known() bool {
	return !in.XML.IsUnknown() && !in.URL.IsUnknown() && !in.EntityID.IsUnknown() &&
		!in.SSOBinding.IsUnknown() && !in.SigningCerts.IsUnknown()
}

// given reports whether the metadata comes from metadata_xml or metadata_url.
func (in metadataInput) given() bool {
	return !in.XML.IsNull() || !in.URL.IsNull()
}

// sourcePath is the attribute the metadata came from, where its errors are reported.
func (in metadataInput) sourcePath() path.Path {
	if !in.URL.IsNull() {
		return path.Root("metadata_url")
	}
	return path.Root("metadata_xml")
}

// signingCertificates reads metadata_signing_certs, the certificates the metadata must be signed by.
// ok is false once an error has been added on the attribute.
func (in metadataInput) signingCertificates(ctx context.Context, diags *diag.Diagnostics) (signers []*x509.Certificate, ok bool) {
	if !isSet(in.SigningCerts) {
		return nil, true
	}
	certs, err := parseCertificates(ctx, in.SigningCerts.ValueString())
	if err != nil {
		invalidCertificate(diags, path.Root("metadata_signing_certs"), err)
		return nil, false
	}
	for _, c := range certs {
		signers = append(signers, c.X509)
	}
	return signers, true
}

// loadMetadata reads the metadata from its source and parses it through the provider's memo, so a
// document validated and then planned is parsed once; metadata_url is fetched through fetches, once per
// URL and provider process. signers are the parsed metadata_signing_certs.
// It returns nil after adding an error diagnostic on the attribute at fault. The result is shared:
// callers must not change it.
func loadMetadata(ctx context.Context, memo *samlmetadata.Memo, fetches *fetch.Memo, in metadataInput, signers []*x509.Certificate, now func() time.Time, diags *diag.Diagnostics) *samlmetadata.Metadata {
	opts := samlmetadata.Options{
		EntityID:       in.EntityID.ValueString(),
		Binding:        samlmetadata.BindingURN(in.SSOBinding.ValueString()),
		AllowHTTP:      in.AllowHTTP,
		TrustedSigners: signers,
		Now:            now,
	}
	var data []byte
	if isSet(in.URL) {
		var err error
		data, err = fetches.Fetch(ctx, in.URL.ValueString(), metadataFetchPolicy(in.AllowHTTP))
		if err != nil {
			diags.AddAttributeError(path.Root("metadata_url"), "Unable to Fetch SAML Metadata", err.Error())
			return nil
		}
	} else {
		data = []byte(in.XML.ValueString())
	}
	md, err := memo.Parse(ctx, data, opts)
	if err != nil {
		addMetadataError(diags, in, err)
		return nil
	}
	return md
}

// addMetadataError explains a metadata error on the attribute a person has to change.
func addMetadataError(diags *diag.Diagnostics, in metadataInput, err error) {
	at := in.sourcePath()
	hint := metadataAdvice(err, at.String())
	if errors.Is(err, samlmetadata.ErrInternal) {
		diags.AddAttributeError(at, "Unable to Parse SAML Metadata", "The provider could not read the SAML metadata: "+err.Error()+".\n\n"+hint)
		return
	}
	switch {
	case hint != "": // a web page or a certificate instead of metadata
	case errors.Is(err, samlmetadata.ErrAmbiguousEntity), errors.Is(err, samlmetadata.ErrEntityNotFound):
		at, hint = path.Root("entity_id"), "Set entity_id to the entityID of the identity provider to use."
	case errors.Is(err, samlmetadata.ErrSignatureTransform):
		hint = "The signature is refused for how the IdP made it, not for who made it, so metadata_signing_certs is not at fault."
	case errors.Is(err, samlmetadata.ErrSignature):
		at, hint = path.Root("metadata_signing_certs"), "Check that metadata_signing_certs holds the certificate "+
			"your IdP signs its metadata with, and that the metadata was not edited after signing."
	case errors.Is(err, samlmetadata.ErrSSOURL):
		hint = "The SSO URL must be an absolute https URL. For a development IdP served over http, set allow_http = true."
	case errors.Is(err, samlmetadata.ErrTooLarge):
		hint = "IdP metadata is a few kilobytes: check that this is the IdP's own metadata export and not an aggregate."
	case errors.Is(err, samlmetadata.ErrDTD):
		hint = "SAML metadata never needs a DOCTYPE, and it is refused because it can carry XML entity attacks. " +
			"Export the metadata again from the IdP."
	case errors.Is(err, samlmetadata.ErrMalformed):
		hint = "Export the metadata again from the IdP, or fix the file if it was edited by hand."
	case errors.Is(err, samlmetadata.ErrInvalidMetadata):
		hint = "Check that this is the SAML 2.0 metadata of an identity provider (IdP), not of a service provider; " +
			"or set issuer_url, sso_target_url and idp_public_cert explicitly instead."
	}
	detail := "The SAML metadata cannot be used: " + err.Error() + "."
	if hint != "" {
		detail += "\n\n" + hint
	}
	diags.AddAttributeError(at, "Invalid SAML Metadata", detail)
}

// jumpCloudExport says where JumpCloud exports an application's metadata.
const jumpCloudExport = "In JumpCloud, export it from the Admin Portal: SSO Applications, then your SAML application, " +
	"then Export Metadata (in the SSO tab, under JumpCloud Metadata), which saves JumpCloud-saml2-metadata.xml."

// reportURL is where bugs in the provider are reported.
const reportURL = "https://github.com/zerotrust-tf/terraform-provider-zerotrust/issues"

// metadataAdvice is the fix for refusals that are not about the metadata's content: a web page or a
// certificate given instead of metadata, and a failure of the parser itself. source names where the
// document came from (metadata_xml, metadata_url, or a function's argument). It is "" for other errors.
func metadataAdvice(err error, source string) string {
	switch {
	case errors.Is(err, samlmetadata.ErrInternal):
		return "Exporting the metadata again will not help: this is a bug in the provider. Please report it at " + reportURL +
			" with the provider version and the metadata in " + source + " (SAML metadata holds only public values: the " +
			"entity ID, URLs and certificates)."
	case errors.Is(err, samlmetadata.ErrHTMLPage) && source == "metadata_url":
		return "metadata_url answered with a web page instead of the metadata XML: the URL probably needs a sign-in, or is the " +
			"address of a page rather than of the metadata. Give a URL that serves the metadata itself to anyone, or download " +
			"the metadata and set metadata_xml = file(\"JumpCloud-saml2-metadata.xml\") instead of metadata_url. " + jumpCloudExport
	case errors.Is(err, samlmetadata.ErrHTMLPage):
		return source + " holds a web page (a sign-in or error page saved from a browser), not the IdP's metadata XML. Export " +
			"the metadata from the IdP and give that file, for example file(\"JumpCloud-saml2-metadata.xml\"). " + jumpCloudExport
	case errors.Is(err, samlmetadata.ErrPEM):
		return source + " holds a certificate, not the IdP's metadata. Give the IdP's metadata export there instead; or, to " +
			"configure the login method from the certificate itself, set idp_public_cert to this PEM text, with issuer_url (the " +
			"IdP's entity ID) and sso_target_url (its SSO URL), in place of metadata_xml and metadata_url."
	}
	return ""
}

// metadataFetchPolicy is how metadata_url is fetched: with a timeout, a size cap and at most a few
// redirects, over https unless allowHTTP (package fetch).
func metadataFetchPolicy(allowHTTP bool) fetch.Policy {
	return fetch.Policy{
		Attribute: "metadata_url",
		Document:  "metadata",
		Accept:    "application/samlmetadata+xml, application/xml, text/xml",
		AllowHTTP: allowHTTP,
		HTTPRisk:  "anyone on the path could swap the IdP's certificate",
		// Parse reports a document over the cap as samlmetadata.ErrTooLarge; one byte more than the cap
		// reaches it, anything longer is refused by the fetch.
		MaxBytes: samlmetadata.DefaultMaxBytes + 1,
	}
}
