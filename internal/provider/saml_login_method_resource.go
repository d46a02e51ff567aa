package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/samlmetadata"
)

var (
	_ resource.ResourceWithConfigure      = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithImportState    = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithIdentity       = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*samlLoginMethodResource)(nil)
	_ resource.ResourceWithValidateConfig = (*samlLoginMethodResource)(nil)
	_ list.ListResourceWithConfigure      = (*samlLoginMethodList)(nil)
)

// samlLoginMethodResource is zerotrust_saml_login_method: the shared login-method resource
// (login_method_resource.go) with the SAML schema, model and plan.
type samlLoginMethodResource struct {
	loginMethodResource[samlLoginMethodModel, *samlLoginMethodModel]
	// now, metadata and fetches are the provider's clock, metadata memo and fetch memo; validation runs
	// before the provider is configured, so they are set here.
	now      func() time.Time
	metadata *samlmetadata.Memo
	fetches  *fetch.Memo
}

// samlLoginMethodList is the list resource zerotrust_saml_login_method.
type samlLoginMethodList = loginMethodListResource[samlLoginMethodModel, *samlLoginMethodModel]

func newSAMLLoginMethodResource(p *zeroTrustProvider) resource.Resource {
	return &samlLoginMethodResource{loginMethodResource: loginMethodResource[samlLoginMethodModel, *samlLoginMethodModel]{spec: &samlLoginMethodSpec},
		now: p.now, metadata: p.metadata, fetches: p.fetches}
}

func newSAMLLoginMethodList() list.ListResource {
	return &samlLoginMethodList{spec: &samlLoginMethodSpec}
}

// samlLoginMethodSpec is what the SAML login method adds to the shared code.
var samlLoginMethodSpec = loginMethodSpec[samlLoginMethodModel]{
	kind:    loginmethod.KindSAMLLoginMethod,
	apiType: loginmethod.TypeSAML,
	suffix:  "_saml_login_method",
	listDescription: "Lists the SAML login methods of an account or zone, to import them with `terraform query` " +
		"(Terraform 1.14 and later). Login methods of other types, and those Cloudflare marks read-only, are left out, and a " +
		"warning counts them. With `include_resource = true` each result is the full `zerotrust_saml_login_method`, with explicit " +
		"`issuer_url`, `sso_target_url` and `idp_public_cert`, so the configuration `terraform query -generate-config-out` writes " +
		"plans no changes after the import.",
	write: writeSAML,
	read: func(ctx context.Context, m *samlLoginMethodModel, idp *client.IdentityProvider) diag.Diagnostics {
		return m.readFrom(ctx, idp, nil)
	},
	imported: importAllowHTTPDefault,
}

// writeSAML reads the planned certificates once, for the write and for reading the answer back.
func writeSAML(ctx context.Context, plan, _ *samlLoginMethodModel, _ tfsdk.Config, diags *diag.Diagnostics) loginMethodWrite[samlLoginMethodModel] {
	certs, err := parseCertificates(ctx, plan.IDPPublicCert.ValueString())
	if err != nil {
		invalidCertificate(diags, path.Root("idp_public_cert"), err)
	}
	return loginMethodWrite[samlLoginMethodModel]{
		apply: func(ctx context.Context, cfg *client.IdentityProviderConfig) diag.Diagnostics {
			return plan.applyTo(ctx, cfg, certs)
		},
		readBack: func(ctx context.Context, m *samlLoginMethodModel, idp *client.IdentityProvider) diag.Diagnostics {
			return m.readFrom(ctx, idp, certs)
		},
	}
}

func (m *samlLoginMethodModel) keys() loginMethodKeys {
	return loginMethodKeys{ID: &m.ID, AccountID: &m.AccountID, ZoneID: &m.ZoneID, Name: &m.Name}
}
