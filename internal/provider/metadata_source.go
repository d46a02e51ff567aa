package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

const (
	metadataFetchTimeout   = 30 * time.Second
	metadataFetchRedirects = 5
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
// document validated and then planned is parsed once. signers are the parsed metadata_signing_certs.
// It returns nil after adding an error diagnostic on the attribute at fault. The result is shared:
// callers must not change it.
func loadMetadata(ctx context.Context, memo *samlmetadata.Memo, in metadataInput, signers []*x509.Certificate, now func() time.Time, diags *diag.Diagnostics) *samlmetadata.Metadata {
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
		data, err = fetchMetadata(ctx, in.URL.ValueString(), in.AllowHTTP)
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
	at, hint := in.sourcePath(), ""
	switch {
	case errors.Is(err, samlmetadata.ErrAmbiguousEntity), errors.Is(err, samlmetadata.ErrEntityNotFound):
		at, hint = path.Root("entity_id"), "Set entity_id to the entityID of the identity provider to use."
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

// fetchMetadata downloads metadata with a timeout, a size cap and at most a few redirects, over https
// unless allowHTTP.
func fetchMetadata(ctx context.Context, rawURL string, allowHTTP bool) ([]byte, error) {
	if err := checkMetadataURL(rawURL, allowHTTP); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, metadataFetchTimeout)
	defer cancel()
	httpClient := &http.Client{
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= metadataFetchRedirects {
				return fmt.Errorf("more than %d redirects", metadataFetchRedirects)
			}
			return checkMetadataURL(req.URL.String(), allowHTTP)
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("metadata_url %q is not a valid URL: %w", rawURL, err)
	}
	req.Header.Set("Accept", "application/samlmetadata+xml, application/xml, text/xml")
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s failed: %w. Check the URL and that this machine can reach the IdP", rawURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s answered %s; the IdP must serve its metadata at this URL with 200 OK", rawURL, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, samlmetadata.DefaultMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the metadata from %s failed: %w", rawURL, err)
	}
	// Parse applies the size cap and reports an oversized document as samlmetadata.ErrTooLarge.
	return data, nil
}

func checkMetadataURL(rawURL string, allowHTTP bool) error {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.User != nil {
		return fmt.Errorf("metadata_url %q must be an absolute URL without credentials", rawURL)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if allowHTTP {
			return nil
		}
		return fmt.Errorf("metadata_url %q uses plain http, so anyone on the path could swap the IdP's certificate; "+
			"use https, or set allow_http = true for a development IdP", rawURL)
	default:
		return fmt.Errorf("metadata_url %q must use https", rawURL)
	}
}
