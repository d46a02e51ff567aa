package provider

import (
	"context"
	"errors"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// parseSAMLMetadataName is the function's name: provider::zerotrust::parse_saml_metadata(xml).
const parseSAMLMetadataName = "parse_saml_metadata"

var _ function.Function = (*parseSAMLMetadataFunction)(nil)

// parseSAMLMetadataFunction reads IdP metadata with the same parser and safety rules as
// zerotrust_saml_login_method, so its values can feed any resource, including the official Cloudflare
// provider's cloudflare_zero_trust_access_identity_provider.
type parseSAMLMetadataFunction struct {
	// metadata is the provider's memo: Terraform calls a function again and again with the same text.
	metadata *samlmetadata.Memo
}

// functionCertificateAttrTypes is one element of the result's certificates list: the resource's
// certificate attributes plus the canonical PEM.
var functionCertificateAttrTypes = func() map[string]attr.Type {
	t := maps.Clone(certificateAttrTypes)
	t["pem"] = types.StringType
	return t
}()

// functionCertificate is one element of the result's certificates list.
func functionCertificate(c samlmetadata.Certificate) attr.Value {
	attrs := certificateAttrs(c)
	attrs["pem"] = types.StringValue(c.PEM())
	return types.ObjectValueMust(functionCertificateAttrTypes, attrs)
}

// parseSAMLMetadataResultTypes is the result object.
var parseSAMLMetadataResultTypes = map[string]attr.Type{
	"issuer":             types.StringType,
	"sso_url":            types.StringType,
	"sso_binding":        types.StringType,
	"sso_urls":           types.MapType{ElemType: types.StringType},
	"certificates":       types.ListType{ElemType: types.ObjectType{AttrTypes: functionCertificateAttrTypes}},
	"certificate_bundle": types.StringType,
	"valid_until":        types.StringType,
	"name_id_formats":    types.ListType{ElemType: types.StringType},
}

func (parseSAMLMetadataFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = parseSAMLMetadataName
}

func (parseSAMLMetadataFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Read an identity provider's SAML metadata: issuer, SSO URLs and signing certificates.",
		MarkdownDescription: "Parses SAML 2.0 identity-provider metadata (for example JumpCloud's *Export Metadata* file) " +
			"with the same parser and safety rules as `zerotrust_saml_login_method`, and returns what a service provider " +
			"needs from it, so the values can feed other resources, including the official Cloudflare provider's " +
			"`cloudflare_zero_trust_access_identity_provider`.\n\n" +
			"The result is an object with these attributes:\n\n" +
			"- `issuer` (String) The IdP's entityID: the value for `issuer_url`.\n" +
			"- `sso_url` (String) The single sign-on URL the login method would use: the `" + ssoBindingRedirect +
			"` endpoint when present, otherwise the `" + ssoBindingPOST + "` one. The value for `sso_target_url`.\n" +
			"- `sso_binding` (String) The binding of `sso_url`, as `" + ssoBindingRedirect + "` or `" + ssoBindingPOST + "`.\n" +
			"- `sso_urls` (Map of String) Every SingleSignOnService location by binding. SAML 2.0 bindings are keyed by " +
			"their short name (`" + ssoBindingRedirect + "`, `" + ssoBindingPOST + "`, `HTTP-Artifact`, `SOAP`, …), " +
			"other bindings by their full URN. When a binding appears twice, the first location wins, as for `sso_url`.\n" +
			"- `certificates` (List of Object) The signing certificates in document order, each with `pem` " +
			"(canonical PEM), `sha256_fingerprint` (lowercase hex of the DER), `subject`, `not_before` and `not_after` (RFC 3339).\n" +
			"- `certificate_bundle` (String) All signing certificates as one PEM bundle: the value for `idp_public_cert`.\n" +
			"- `valid_until` (String) The metadata's `validUntil` (RFC 3339), or null when it has none.\n" +
			"- `name_id_formats` (List of String) The NameID formats the IdP offers.\n\n" +
			"Metadata the resource would refuse is refused here too, with the same message: a DOCTYPE, several IdP " +
			"entities, no signing certificate, more than " + itoa(samlmetadata.DefaultMaxBytes>>20) + " MiB, and so on. " +
			"Every SSO location must be an absolute `https` URL: a function has no `allow_http` switch, and its result " +
			"is meant to be copied into resources that do no checks of their own. For a development IdP served over " +
			"plain http, use `zerotrust_saml_login_method` with `allow_http = true` instead.\n\n" +
			"The function is pure: it reads only its argument (no network, no clock), so it is evaluated at plan time " +
			"and never changes between runs. Certificate expiry is reported, not judged: compare `not_after` with " +
			"`plantimestamp()` if you want a check.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "xml",
				MarkdownDescription: "The metadata document, typically `file(\"${path.module}/JumpCloud-saml2-metadata.xml\")`.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: parseSAMLMetadataResultTypes},
	}
}

func (f parseSAMLMetadataFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var xml string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &xml))
	if resp.Error != nil {
		return
	}
	result, err := parseSAMLMetadataValue(ctx, f.metadata, xml)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, result))
}

// parseSAMLMetadataValue is the function's logic: metadata text in, result object out. Its error is the
// metadata parser's message, prefixed so it reads as a sentence in Terraform's output.
func parseSAMLMetadataValue(ctx context.Context, memo *samlmetadata.Memo, xml string) (types.Object, error) {
	md, err := memo.Parse(ctx, []byte(xml), samlmetadata.Options{})
	if err != nil {
		return types.ObjectNull(parseSAMLMetadataResultTypes), &metadataFuncError{err: err}
	}

	ssoURLs := map[string]attr.Value{}
	for _, ep := range md.SSOEndpoints {
		key := samlmetadata.BindingShortName(ep.Binding)
		if _, seen := ssoURLs[key]; seen {
			continue
		}
		if err := samlmetadata.CheckSSOURL(ep.Location, false); err != nil {
			return types.ObjectNull(parseSAMLMetadataResultTypes), &metadataFuncError{err: err, binding: key}
		}
		ssoURLs[key] = types.StringValue(ep.Location)
	}

	certs := make([]attr.Value, len(md.Certificates))
	for i, c := range md.Certificates {
		certs[i] = functionCertificate(c)
	}

	formats := make([]attr.Value, 0, len(md.NameIDFormats))
	for _, f := range md.NameIDFormats {
		formats = append(formats, types.StringValue(f))
	}

	return types.ObjectValueMust(parseSAMLMetadataResultTypes, map[string]attr.Value{
		"issuer":             types.StringValue(md.EntityID),
		"sso_url":            types.StringValue(md.SSOURL),
		"sso_binding":        types.StringValue(samlmetadata.BindingShortName(md.SSOBinding)),
		"sso_urls":           types.MapValueMust(types.StringType, ssoURLs),
		"certificates":       types.ListValueMust(types.ObjectType{AttrTypes: functionCertificateAttrTypes}, certs),
		"certificate_bundle": types.StringValue(samlmetadata.PEMBundle(md.Certificates)),
		"valid_until":        rfc3339(md.ValidUntil),
		"name_id_formats":    types.ListValueMust(types.StringType, formats),
	}), nil
}

// metadataFuncError is a metadata refusal as the function reports it.
type metadataFuncError struct {
	err     error
	binding string // set when the refusal is about the SSO location of this binding
}

func (e *metadataFuncError) Error() string {
	msg := "The SAML metadata cannot be used: " + e.err.Error()
	switch {
	case errors.Is(e.err, samlmetadata.ErrInternal):
		msg = "The provider could not read the SAML metadata: " + e.err.Error()
	case e.binding != "":
		msg = "The SAML metadata cannot be used: the " + e.binding + " SingleSignOnService is refused: " + e.err.Error()
	}
	// Terraform and OpenTofu end a function argument's error with a full stop of their own.
	if advice := metadataAdvice(e.err, parseSAMLMetadataName+"'s xml argument"); advice != "" {
		return msg + ". " + strings.TrimSuffix(advice, ".")
	}
	return msg
}

func (e *metadataFuncError) Unwrap() error { return e.err }
