package provider

import (
	"context"
	"errors"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery"
)

// What metadata_source.go is to SAML metadata, this file is to an OpenID provider's discovery document:
// where it comes from (issuer, or discovery_json), how it is read at plan time (through the provider's
// fetch memo: one request per discovery URL and process), and the diagnostics of every refusal.

// discoveryInput is what a configuration says about the discovery document.
type discoveryInput struct {
	Issuer, JSON types.String
	AllowHTTP    bool
	// Timeout bounds the fetch; 0 means fetch.DefaultTimeout.
	Timeout time.Duration
}

func (m oidcLoginMethodModel) discoveryInput() discoveryInput {
	return discoveryInput{Issuer: m.Issuer, JSON: m.DiscoveryJSON, AllowHTTP: m.AllowHTTP.ValueBool()}
}

// given reports whether the endpoints come from a discovery document.
func (in discoveryInput) given() bool { return !in.Issuer.IsNull() }

// known reports whether everything that decides the document is known at plan time.
func (in discoveryInput) known() bool { return !in.Issuer.IsUnknown() && !in.JSON.IsUnknown() }

// sourcePath is the attribute that holds the document, where its errors are reported.
func (in discoveryInput) sourcePath() path.Path {
	if !in.JSON.IsNull() {
		return path.Root("discovery_json")
	}
	return path.Root("issuer")
}

func (in discoveryInput) options() oidcdiscovery.Options {
	return oidcdiscovery.Options{AllowHTTP: in.AllowHTTP, Timeout: in.Timeout}
}

// loadDiscovery reads the discovery document of in: discovery_json when set, else the issuer's, fetched
// through fetches (once per URL and provider process). It returns nil after adding an error on the
// attribute at fault.
func loadDiscovery(ctx context.Context, fetches *fetch.Memo, in discoveryInput, diags *diag.Diagnostics) *oidcdiscovery.Document {
	var doc *oidcdiscovery.Document
	var err error
	if isSet(in.JSON) {
		doc, err = oidcdiscovery.Parse(in.Issuer.ValueString(), []byte(in.JSON.ValueString()), in.options())
	} else {
		doc, err = oidcdiscovery.Discover(ctx, fetches, in.Issuer.ValueString(), in.options())
	}
	if err != nil {
		addDiscoveryError(diags, in, err)
		return nil
	}
	return doc
}

// discoveryJSONAdvice is how to plan without reaching the IdP.
const discoveryJSONAdvice = "To plan without reaching the IdP, save the document once (for example curl -o " +
	"openid-configuration.json <discovery URL>) and set discovery_json = file(\"openid-configuration.json\") beside issuer."

// addDiscoveryError explains a refused discovery document, or issuer, on the attribute to change.
func addDiscoveryError(diags *diag.Diagnostics, in discoveryInput, err error) {
	var fetchErr *fetch.Error
	switch {
	case errors.Is(err, oidcdiscovery.ErrIssuer):
		diags.AddAttributeError(path.Root("issuer"), "Invalid Issuer", "The issuer cannot be used: "+err.Error()+".")
		return
	case errors.As(err, &fetchErr), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		diags.AddAttributeError(path.Root("issuer"), "Unable to Fetch Discovery Document",
			"The provider could not read the issuer's discovery document: "+err.Error()+".\n\n"+discoveryJSONAdvice)
		return
	}
	at := in.sourcePath()
	detail := "The discovery document cannot be used: " + err.Error() + "."
	switch {
	case errors.Is(err, oidcdiscovery.ErrHTML) && isSet(in.JSON):
		detail += "\n\ndiscovery_json holds a web page (a sign-in or error page saved from a browser), not the IdP's " +
			"discovery document. Save what " + oidcdiscovery.DiscoveryURL(in.Issuer.ValueString()) + " serves instead."
	case errors.Is(err, oidcdiscovery.ErrHTML):
		detail += "\n\nThe discovery URL answered with a web page instead of the JSON document: the issuer is probably " +
			"not the IdP's issuer identifier, or the URL needs a sign-in. Check issuer against the IdP's documentation " +
			"(JumpCloud: https://oauth.id.jumpcloud.com/). " + discoveryJSONAdvice
	case errors.Is(err, oidcdiscovery.ErrMalformed), errors.Is(err, oidcdiscovery.ErrTooLarge):
		if isSet(in.JSON) {
			detail += "\n\nSave the document the IdP serves again, unchanged."
		}
	}
	diags.AddAttributeError(at, "Invalid Discovery Document", detail)
}
