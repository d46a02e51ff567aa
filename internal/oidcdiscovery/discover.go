package oidcdiscovery

import (
	"context"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
)

// Getter fetches a URL under a policy: a *fetch.Memo (one request per URL and process, what a provider
// wants) or a *fetch.Fetcher.
type Getter interface {
	Fetch(ctx context.Context, rawURL string, p fetch.Policy) ([]byte, error)
}

// FetchPolicy is how the discovery document of an issuer is fetched: at DiscoveryURL, https only unless
// opts.AllowHTTP, at most opts' size cap, within opts.Timeout (fetch.DefaultTimeout when 0), and never redirected to another
// origin or from https to http. Errors name the attribute "issuer".
func FetchPolicy(opts Options) fetch.Policy {
	return fetch.Policy{
		Attribute:  "issuer",
		Document:   "discovery document",
		Accept:     "application/json",
		AllowHTTP:  opts.AllowHTTP,
		HTTPRisk:   httpRisk,
		SameOrigin: true,
		MaxBytes:   opts.maxBytes(),
		Timeout:    opts.Timeout,
	}
}

// Discover checks issuer, fetches its discovery document with g under FetchPolicy(opts), and parses it
// against issuer. Besides Parse's errors it returns those of package fetch.
func Discover(ctx context.Context, g Getter, issuer string, opts Options) (*Document, error) {
	if err := CheckIssuer(issuer, opts); err != nil {
		return nil, err
	}
	doc, err := g.Fetch(ctx, DiscoveryURL(issuer), FetchPolicy(opts))
	if err != nil {
		return nil, err
	}
	return Parse(issuer, doc, opts)
}
