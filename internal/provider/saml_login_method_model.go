package provider

import (
	"context"
	"sort"

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
	HeaderAttributes     types.Map       `tfsdk:"header_attributes"`
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

	headers := map[string]string{}
	diags.Append(m.HeaderAttributes.ElementsAs(ctx, &headers, false)...)
	if !sameHeaders(cfg.HeaderAttributes, headers) {
		cfg.HeaderAttributes = headerAttributes(headers)
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
	if idp.Config.EmailAttributeName == "" && m.EmailAttributeName.IsNull() {
		m.EmailAttributeName = types.StringNull()
	} else {
		m.EmailAttributeName = types.StringValue(idp.Config.EmailAttributeName)
	}
	m.SignRequest = types.BoolValue(idp.Config.SignRequest != nil && *idp.Config.SignRequest)

	if len(idp.Config.HeaderAttributes) == 0 && m.HeaderAttributes.IsNull() {
		m.HeaderAttributes = types.MapNull(types.StringType)
	} else {
		headers := make(map[string]string, len(idp.Config.HeaderAttributes))
		for _, h := range idp.Config.HeaderAttributes {
			headers[h.AttributeName] = h.HeaderName
		}
		mv, d := types.MapValueFrom(ctx, types.StringType, headers)
		diags.Append(d...)
		m.HeaderAttributes = mv
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

func headerAttributes(headers map[string]string) []client.HeaderAttribute {
	if len(headers) == 0 {
		return nil
	}
	names := make([]string, 0, len(headers))
	for name := range headers {
		names = append(names, name)
	}
	sort.Strings(names)
	out := make([]client.HeaderAttribute, len(names))
	for i, name := range names {
		out[i] = client.HeaderAttribute{AttributeName: name, HeaderName: headers[name]}
	}
	return out
}

func sameHeaders(current []client.HeaderAttribute, want map[string]string) bool {
	if len(current) != len(want) {
		return false
	}
	for _, h := range current {
		if v, ok := want[h.AttributeName]; !ok || v != h.HeaderName {
			return false
		}
	}
	return true
}
