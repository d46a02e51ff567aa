package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/loginmethod"
)

var (
	_ resource.ResourceWithConfigure      = (*oidcLoginMethodResource)(nil)
	_ resource.ResourceWithImportState    = (*oidcLoginMethodResource)(nil)
	_ resource.ResourceWithIdentity       = (*oidcLoginMethodResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*oidcLoginMethodResource)(nil)
	_ resource.ResourceWithValidateConfig = (*oidcLoginMethodResource)(nil)
	_ list.ListResourceWithConfigure      = (*oidcLoginMethodList)(nil)
)

// oidcLoginMethodResource is zerotrust_oidc_login_method: the shared login-method resource
// (login_method_resource.go) with the OIDC schema, model and plan.
type oidcLoginMethodResource struct {
	loginMethodResource[oidcLoginMethodModel, *oidcLoginMethodModel]
	// fetches is the provider's fetch memo, for the issuers' discovery documents, and discoveryTimeout
	// its bound for one of them (0: fetch.DefaultTimeout).
	fetches          *fetch.Memo
	discoveryTimeout time.Duration
}

// oidcLoginMethodList is the list resource zerotrust_oidc_login_method.
type oidcLoginMethodList = loginMethodListResource[oidcLoginMethodModel, *oidcLoginMethodModel]

func newOIDCLoginMethodResource(p *zeroTrustProvider) resource.Resource {
	return &oidcLoginMethodResource{loginMethodResource: loginMethodResource[oidcLoginMethodModel, *oidcLoginMethodModel]{spec: &oidcLoginMethodSpec},
		fetches: p.fetches, discoveryTimeout: p.discoveryTimeout}
}

func newOIDCLoginMethodList() list.ListResource {
	return &oidcLoginMethodList{spec: &oidcLoginMethodSpec}
}

// oidcLoginMethodSpec is what the OIDC login method adds to the shared code.
var oidcLoginMethodSpec = loginMethodSpec[oidcLoginMethodModel]{
	kind:    loginmethod.KindOIDCLoginMethod,
	apiType: loginmethod.TypeOIDC,
	suffix:  "_oidc_login_method",
	listDescription: "Lists the OpenID Connect login methods (type `oidc`) of an account or zone, to import them with " +
		"`terraform query` (Terraform 1.14 and later). Login methods of other types (Okta, Microsoft Entra ID and the other " +
		"OAuth types included), and those Cloudflare marks read-only, are left out, and a warning counts them. With " +
		"`include_resource = true` each result is the full `zerotrust_oidc_login_method`, with explicit `auth_url`, " +
		"`token_url` and `certs_url` and without a client secret (Cloudflare never returns it), so the configuration " +
		"`terraform query -generate-config-out` writes plans no changes after the import.",
	write: writeOIDC,
	read: func(ctx context.Context, m *oidcLoginMethodModel, idp *client.IdentityProvider) diag.Diagnostics {
		return m.readFrom(ctx, idp)
	},
	imported: importAllowHTTPDefault,
}
