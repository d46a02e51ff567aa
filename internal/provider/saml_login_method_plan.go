package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/workaround"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

// explicitIdPAttrs are the IdP settings that come from the metadata or from the configuration, never both.
var explicitIdPAttrs = []string{"issuer_url", "sso_target_url", "idp_public_cert"}

func (m samlLoginMethodModel) metadataInput() metadataInput {
	return metadataInput{
		XML: m.MetadataXML, URL: m.MetadataURL, AllowHTTP: m.AllowHTTP.ValueBool(),
		EntityID: m.EntityID, SSOBinding: m.SSOBinding, SigningCerts: m.MetadataSigningCerts,
	}
}

func (m samlLoginMethodModel) explicitValue(name string) interface {
	IsNull() bool
	IsUnknown() bool
} {
	switch name {
	case "issuer_url":
		return m.IssuerURL
	case "sso_target_url":
		return m.SSOTargetURL
	default:
		return m.IDPPublicCert
	}
}

// ValidateConfig checks that the IdP side comes from exactly one place, and parses metadata_xml so that
// broken metadata fails `terraform validate` as well as the plan.
func (r *samlLoginMethodResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg samlLoginMethodModel
	resp.Diagnostics.Append(workaround.GetConfig(ctx, req.Config, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	in := cfg.metadataInput()
	// metadata_signing_certs is checked here rather than by a validator, so that it is read once.
	signers, ok := in.signingCertificates(ctx, &resp.Diagnostics)
	if in.given() {
		for _, name := range explicitIdPAttrs {
			if !cfg.explicitValue(name).IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root(name), "Conflicting IdP Settings",
					name+" is read from the metadata when metadata_xml or metadata_url is set. Remove "+name+
						", or remove the metadata and set issuer_url, sso_target_url and idp_public_cert yourself.")
			}
		}
		if ok && isSet(in.XML) && in.known() && !resp.Diagnostics.HasError() {
			loadMetadata(ctx, r.metadata, r.fetches, in, signers, r.now, &resp.Diagnostics)
		}
		return
	}
	for _, name := range explicitIdPAttrs {
		if cfg.explicitValue(name).IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Missing IdP Setting",
				name+" is required unless the IdP's metadata is given: set metadata_xml (for example "+
					"file(\"JumpCloud-saml2-metadata.xml\")) or metadata_url, or set issuer_url, sso_target_url and idp_public_cert.")
		}
	}
	for name, v := range map[string]interface {
		IsNull() bool
		IsUnknown() bool
	}{"entity_id": cfg.EntityID, "sso_binding": cfg.SSOBinding, "metadata_signing_certs": cfg.MetadataSigningCerts} {
		if !v.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Setting Needs Metadata",
				name+" selects or checks SAML metadata, so it only applies with metadata_xml or metadata_url. Remove it, or give the metadata.")
		}
	}
}

// ModifyPlan computes the IdP settings from the metadata, keeps equivalent certificates in their prior
// form, fills in the default account, and warns about expiring certificates and stale metadata. Each
// certificate is read once: from the metadata (through the provider's memo), or from idp_public_cert;
// the prior state's only when its text differs.
func (r *samlLoginMethodResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, cfg, state, ok := modelInputs[samlLoginMethodModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	now := r.now
	planAccount(r.data, &plan, &cfg, state, resp)

	// certs are the certificates of plan.IDPPublicCert, when it is known.
	var certs []samlmetadata.Certificate
	in := plan.metadataInput()
	switch {
	case in.given() && !in.known():
		plan.IssuerURL, plan.SSOTargetURL, plan.IDPPublicCert = types.StringUnknown(), types.StringUnknown(), certBundleUnknown()
	case in.given():
		signers, ok := in.signingCertificates(ctx, &resp.Diagnostics)
		if !ok {
			return
		}
		md := loadMetadata(ctx, r.metadata, r.fetches, in, signers, now, &resp.Diagnostics)
		if md == nil {
			return
		}
		plan.IssuerURL = types.StringValue(md.EntityID)
		plan.SSOTargetURL = types.StringValue(md.SSOURL)
		plan.IDPPublicCert = newCertBundleValue(samlmetadata.PEMBundle(md.Certificates))
		certs = md.Certificates
		if md.ValidUntil != nil && md.ValidUntil.Before(now()) {
			resp.Diagnostics.AddAttributeWarning(in.sourcePath(), "SAML Metadata Past Its validUntil",
				fmt.Sprintf("The metadata says it is valid until %s, which has passed. Many IdPs export an old validUntil, "+
					"so it is still used; export fresh metadata from the IdP if its settings may have changed.", md.ValidUntil.UTC().Format(time.RFC3339)))
		}
	case isSet(plan.IDPPublicCert):
		certs, _ = parseCertificates(ctx, plan.IDPPublicCert.ValueString()) // its validator reports an error
	}
	if state != nil && isSet(plan.IDPPublicCert) {
		if same, stateCerts := sameAsPrior(ctx, state.IDPPublicCert, plan.IDPPublicCert.ValueString(), certs); same {
			plan.IDPPublicCert, certs = state.IDPPublicCert, stateCerts // the same certificates: no diff from formatting, ever
		}
	}
	if plan.IDPPublicCert.IsUnknown() {
		plan.Certificates = types.ListUnknown(types.ObjectType{AttrTypes: certificateAttrTypes})
	} else {
		plan.Certificates = certificatesList(certs)
		if r.data != nil {
			warnExpiringCerts(certs, now(), r.data.certExpiryWarning, in, &resp.Diagnostics)
		}
	}
	resp.Diagnostics.Append(workaround.SetPlan(ctx, &resp.Plan, plan)...)
}

// sameAsPrior reports whether a prior idp_public_cert holds the planned certificates, whose text is
// planned, and returns the prior certificates in the prior order. The prior text is read only when it
// is not the planned text.
func sameAsPrior(ctx context.Context, prior certBundleValue, planned string, certs []samlmetadata.Certificate) (bool, []samlmetadata.Certificate) {
	switch {
	case !isSet(prior):
		return false, nil
	case prior.ValueString() == planned:
		return true, certs
	case certs == nil:
		return false, nil
	}
	priorCerts, err := parseCertificates(ctx, prior.ValueString())
	if err != nil || !samlmetadata.SameCertificates(priorCerts, certs) {
		return false, nil
	}
	return true, priorCerts
}

// warnExpiringCerts warns, at plan time, about certificates that expired or expire within the window.
func warnExpiringCerts(certs []samlmetadata.Certificate, now time.Time, window time.Duration, in metadataInput, diags *diag.Diagnostics) {
	at := path.Root("idp_public_cert")
	if in.given() {
		at = in.sourcePath()
	}
	for _, c := range samlmetadata.Expired(certs, now) {
		diags.AddAttributeWarning(at, "IdP Signing Certificate Expired",
			fmt.Sprintf("The IdP signing certificate %q (SHA-256 %s) expired on %s. Rotate it at the IdP and update the "+
				"metadata here, or sign-ins may fail.", c.Subject, c.SHA256, c.NotAfter.UTC().Format(time.RFC3339)))
	}
	for _, c := range samlmetadata.ExpiringWithin(certs, now, window) {
		days := int(c.NotAfter.Sub(now).Hours() / 24)
		diags.AddAttributeWarning(at, "IdP Signing Certificate Expires Soon",
			fmt.Sprintf("The IdP signing certificate %q (SHA-256 %s) expires on %s, in %d days. Add the IdP's next "+
				"certificate (idp_public_cert may hold both during a rollover) before then.", c.Subject, c.SHA256,
				c.NotAfter.UTC().Format(time.RFC3339), days))
	}
}
