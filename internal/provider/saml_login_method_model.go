package provider

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// applyTo writes the SAML settings this resource owns into an API config, leaving every other key as it
// is. Values that already mean the same (the same certificates in other text, the same header
// attributes in another order) are left untouched, so an equivalent plan sends no change.
func (m samlLoginMethodModel) applyTo(ctx context.Context, cfg *client.IdentityProviderConfig) diag.Diagnostics {
	var diags diag.Diagnostics
	cfg.IssuerURL = m.IssuerURL.ValueString()
	cfg.SSOTargetURL = m.SSOTargetURL.ValueString()

	want, err := samlmetadata.ParseCertificates(m.IDPPublicCert.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("idp_public_cert"), "Invalid Certificate", err.Error())
		return diags
	}
	if current, err := samlmetadata.ParseCertificates(strings.Join(apiCertTexts(*cfg), "\n")); err != nil || !samlmetadata.SameCertificates(current, want) {
		cfg.IDPPublicCerts = make([]string, len(want))
		for i, c := range want {
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

// readFrom sets the model from the API's login method. Values equal to the prior ones (certificates by
// DER, empty lists that were null) keep their prior form, so a refresh never shows a formatting diff.
func (m *samlLoginMethodModel) readFrom(ctx context.Context, idp *client.IdentityProvider) diag.Diagnostics {
	var diags diag.Diagnostics
	m.ID = types.StringValue(idp.ID)
	m.Name = types.StringValue(idp.Name)
	m.IssuerURL = types.StringValue(idp.Config.IssuerURL)
	m.SSOTargetURL = types.StringValue(idp.Config.SSOTargetURL)
	m.RedirectURL = types.StringValue(idp.Config.RedirectURL)

	live := canonicalCertBundle(apiCertTexts(idp.Config))
	if m.IDPPublicCert.IsNull() || m.IDPPublicCert.IsUnknown() || !sameCertBundles(m.IDPPublicCert.ValueString(), live) {
		m.IDPPublicCert = newCertBundleValue(live)
	}
	m.Certificates = certificatesList(m.IDPPublicCert.ValueString())

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

// apiCertTexts returns the certificates of a SAML config: idp_public_certs, or the legacy single idp_public_cert.
func apiCertTexts(cfg client.IdentityProviderConfig) []string {
	texts := append([]string(nil), cfg.IDPPublicCerts...)
	if cfg.IDPPublicCert != "" {
		texts = append(texts, cfg.IDPPublicCert)
	}
	return texts
}

// canonicalCertBundle turns certificate texts from the API into one PEM bundle. Each text may be PEM or
// bare base64; a text that is no certificate is kept as it is, so the plan shows it instead of hiding it.
func canonicalCertBundle(texts []string) string {
	var parts []string
	for _, t := range texts {
		if certs, err := samlmetadata.ParseCertificates(t); err == nil {
			parts = append(parts, samlmetadata.PEMBundle(certs))
		} else {
			parts = append(parts, strings.TrimSpace(t)+"\n")
		}
	}
	return strings.Join(parts, "")
}

// sameOwnedConfig compares the SAML settings this provider owns.
func sameOwnedConfig(a, b client.IdentityProviderConfig) bool {
	return a.IssuerURL == b.IssuerURL && a.SSOTargetURL == b.SSOTargetURL &&
		sameCertBundles(strings.Join(apiCertTexts(a), "\n"), strings.Join(apiCertTexts(b), "\n"))
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

// certificatesList describes each certificate of a bundle for the computed certificates attribute.
func certificatesList(bundle string) types.List {
	objType := types.ObjectType{AttrTypes: certificateAttrTypes}
	certs, err := samlmetadata.ParseCertificates(bundle)
	if err != nil {
		return types.ListValueMust(objType, nil)
	}
	elems := make([]attr.Value, len(certs))
	for i, c := range certs {
		elems[i] = types.ObjectValueMust(certificateAttrTypes, map[string]attr.Value{
			"sha256_fingerprint": types.StringValue(c.SHA256),
			"subject":            types.StringValue(c.Subject),
			"not_before":         types.StringValue(c.NotBefore.UTC().Format(time.RFC3339)),
			"not_after":          types.StringValue(c.NotAfter.UTC().Format(time.RFC3339)),
		})
	}
	return types.ListValueMust(objType, elems)
}
