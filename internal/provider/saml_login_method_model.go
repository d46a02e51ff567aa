package provider

import (
	"cmp"
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// samlLoginMethodModel is the state and plan of zerotrust_saml_login_method.
type samlLoginMethodModel struct {
	ID                   types.String    `tfsdk:"id"`
	AccountID            types.String    `tfsdk:"account_id"`
	ZoneID               types.String    `tfsdk:"zone_id"`
	Name                 types.String    `tfsdk:"name"`
	MetadataXML          types.String    `tfsdk:"metadata_xml"`
	MetadataURL          types.String    `tfsdk:"metadata_url"`
	AllowHTTP            types.Bool      `tfsdk:"allow_http"`
	EntityID             types.String    `tfsdk:"entity_id"`
	SSOBinding           types.String    `tfsdk:"sso_binding"`
	MetadataSigningCerts certBundleValue `tfsdk:"metadata_signing_certs"`
	IssuerURL            types.String    `tfsdk:"issuer_url"`
	SSOTargetURL         types.String    `tfsdk:"sso_target_url"`
	IDPPublicCert        certBundleValue `tfsdk:"idp_public_cert"`
	Attributes           types.List      `tfsdk:"attributes"`
	EmailAttributeName   types.String    `tfsdk:"email_attribute_name"`
	SignRequest          types.Bool      `tfsdk:"sign_request"`
	HeaderAttributes     types.Set       `tfsdk:"header_attributes"`
	RedirectURL          types.String    `tfsdk:"redirect_url"`
	Certificates         types.List      `tfsdk:"certificates"`
}

// applyTo writes the SAML settings this resource owns into an API config, leaving every other key as it
// is. certs are the certificates of m.IDPPublicCert, read once by the caller. Values that already mean
// the same (the same certificates in other text, the same header attributes in another order) are left
// untouched, so an equivalent plan sends no change.
func (m samlLoginMethodModel) applyTo(ctx context.Context, cfg *client.IdentityProviderConfig, certs []samlmetadata.Certificate) diag.Diagnostics {
	var diags diag.Diagnostics
	cfg.IssuerURL = m.IssuerURL.ValueString()
	cfg.SSOTargetURL = m.SSOTargetURL.ValueString()

	if current, _, ok := apiCertificates(ctx, cfg.CertificateTexts(), certs); !ok || !samlmetadata.SameCertificates(current, certs) {
		cfg.IDPPublicCerts = make([]string, len(certs))
		for i, c := range certs {
			cfg.IDPPublicCerts[i] = c.PEM()
		}
		cfg.IDPPublicCert = ""
	}

	cfg.Attributes = nil
	diags.Append(m.Attributes.ElementsAs(ctx, &cfg.Attributes, false)...)
	cfg.EmailAttributeName = m.EmailAttributeName.ValueString()

	if headers := headerPairs(m.HeaderAttributes); !sameHeaders(cfg.HeaderAttributes, headers) {
		cfg.HeaderAttributes = headers
	}

	sign := m.SignRequest.ValueBool()
	if cfg.SignRequest != nil || sign {
		cfg.SignRequest = &sign
	}
	return diags
}

// readFrom sets the model from the API's login method. known are the certificates of m.IDPPublicCert
// when the caller has read them in this operation (a create or an update), nil otherwise (a refresh).
// Values equal to the prior ones (certificates by DER, empty lists that were null) keep their prior
// form, so a refresh never shows a formatting diff.
func (m *samlLoginMethodModel) readFrom(ctx context.Context, idp *client.IdentityProvider, known []samlmetadata.Certificate) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(idp.ID)
	m.Name = types.StringValue(idp.Name)
	m.IssuerURL = types.StringValue(idp.Config.IssuerURL)
	m.SSOTargetURL = types.StringValue(idp.Config.SSOTargetURL)
	m.RedirectURL = types.StringValue(idp.Config.RedirectURL)
	m.readCertificates(ctx, idp.Config.CertificateTexts(), known)

	if len(idp.Config.Attributes) == 0 && m.Attributes.IsNull() {
		m.Attributes = types.ListNull(types.StringType)
	} else {
		list, d := types.ListValueFrom(ctx, types.StringType, idp.Config.Attributes)
		diags.Append(d...)
		m.Attributes = list
	}
	m.EmailAttributeName = keepNull(idp.Config.EmailAttributeName, m.EmailAttributeName)
	m.SignRequest = types.BoolValue(idp.Config.SignRequest != nil && *idp.Config.SignRequest)

	if len(idp.Config.HeaderAttributes) == 0 && m.HeaderAttributes.IsNull() {
		m.HeaderAttributes = types.SetNull(headerAttributeType)
	} else {
		m.HeaderAttributes = headerSet(idp.Config.HeaderAttributes)
	}
	if m.AllowHTTP.IsNull() || m.AllowHTTP.IsUnknown() {
		m.AllowHTTP = types.BoolValue(false)
	}
	return diags
}

// readCertificates sets idp_public_cert and certificates from the API's certificate texts, reading each
// text at most once: texts that are what the prior value already holds, or what this provider sent,
// are recognised without parsing.
func (m *samlLoginMethodModel) readCertificates(ctx context.Context, texts []string, known []samlmetadata.Certificate) {
	prior := m.IDPPublicCert
	priorKnown := !prior.IsNull() && !prior.IsUnknown()
	// A refresh of a login method nobody changed: the API holds the very text of the state, whose
	// certificates attribute was computed from it.
	if known == nil && priorKnown && isSet(m.Certificates) && joinPEMs(texts) == prior.ValueString() {
		return
	}
	live, bundle, ok := apiCertificates(ctx, texts, known)
	switch {
	case !ok:
		// A text that is no certificate: show the API's value as it is.
		m.IDPPublicCert = newCertBundleValue(bundle)
		certs, _ := parseCertificates(ctx, bundle)
		m.Certificates = certificatesList(certs)
	case !priorKnown:
		m.IDPPublicCert, m.Certificates = newCertBundleValue(bundle), certificatesList(live)
	case prior.ValueString() == bundle:
		m.Certificates = certificatesList(live)
	default:
		priorCerts := known
		if priorCerts == nil {
			priorCerts, _ = parseCertificates(ctx, prior.ValueString())
		}
		if priorCerts != nil && samlmetadata.SameCertificates(priorCerts, live) {
			m.Certificates = certificatesList(priorCerts) // the prior text, in its order
		} else {
			m.IDPPublicCert, m.Certificates = newCertBundleValue(bundle), certificatesList(live)
		}
	}
}

// joinPEMs is the bundle texts make when each one is a canonical PEM block.
func joinPEMs(texts []string) string {
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	b := make([]byte, 0, n)
	for _, t := range texts {
		b = append(b, t...)
	}
	return string(b)
}

// headerAttributeType is one element of header_attributes: a pair, as the API holds it. One attribute may
// be sent as several headers, so the pair, not the attribute, is what identifies an element.
var headerAttributeType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"attribute_name": types.StringType,
	"header_name":    types.StringType,
}}

// headerPairs is what header_attributes asks the API to hold: its pairs, in a stable order (attribute,
// then header), nil when there are none. Elements are read directly, not through ElementsAs, whose
// reflection compiles a regular expression per struct field on every call (see workaround/model_codec.go).
func headerPairs(set types.Set) []client.HeaderAttribute {
	elems := set.Elements()
	if len(elems) == 0 {
		return nil
	}
	out := make([]client.HeaderAttribute, 0, len(elems))
	for _, e := range elems {
		obj, ok := e.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		attrs := obj.Attributes()
		name, _ := attrs["attribute_name"].(types.String)
		header, _ := attrs["header_name"].(types.String)
		out = append(out, client.HeaderAttribute{AttributeName: name.ValueString(), HeaderName: header.ValueString()})
	}
	slices.SortFunc(out, func(a, b client.HeaderAttribute) int {
		return cmp.Or(cmp.Compare(a.AttributeName, b.AttributeName), cmp.Compare(a.HeaderName, b.HeaderName))
	})
	return out
}

// headerSet is header_attributes holding the API's pairs: every pair, each once.
func headerSet(pairs []client.HeaderAttribute) types.Set {
	seen := make(map[client.HeaderAttribute]bool, len(pairs))
	elems := make([]attr.Value, 0, len(pairs))
	for _, h := range pairs {
		if seen[h] {
			continue
		}
		seen[h] = true
		elems = append(elems, types.ObjectValueMust(headerAttributeType.AttrTypes, map[string]attr.Value{
			"attribute_name": types.StringValue(h.AttributeName),
			"header_name":    types.StringValue(h.HeaderName),
		}))
	}
	return types.SetValueMust(headerAttributeType, elems)
}

// sameHeaders reports whether the API's pairs are the wanted ones, in any order and however often the
// API repeats one.
func sameHeaders(current, want []client.HeaderAttribute) bool {
	have := make(map[client.HeaderAttribute]bool, len(current))
	for _, h := range current {
		have[h] = true
	}
	wanted := make(map[client.HeaderAttribute]bool, len(want))
	for _, h := range want {
		if !have[h] {
			return false
		}
		wanted[h] = true
	}
	return len(wanted) == len(have)
}
