package client

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// SCIMPerPage is the page size for SCIM users and groups (the API maximum).
const SCIMPerPage = 100

// maxSCIMResourceIDs is the API's limit on repeated *_resource_id filters.
const maxSCIMResourceIDs = 50

// SCIMUser is a user the identity provider pushed to Cloudflare over SCIM.
type SCIMUser struct {
	ID          string      `json:"id"` // Cloudflare-generated
	Active      bool        `json:"active"`
	DisplayName string      `json:"displayName"`
	Emails      []SCIMEmail `json:"emails"`
	ExternalID  string      `json:"externalId"` // IdP-generated
	Meta        SCIMMeta    `json:"meta"`
	Schemas     []string    `json:"schemas"`
}

// SCIMEmail is one e-mail address of a SCIM user.
type SCIMEmail struct {
	Primary bool   `json:"primary"`
	Type    string `json:"type"`
	Value   string `json:"value"`
}

// SCIMGroup is a group the identity provider pushed to Cloudflare over SCIM.
type SCIMGroup struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	ExternalID  string   `json:"externalId"`
	Meta        SCIMMeta `json:"meta"`
	Schemas     []string `json:"schemas"`
}

// SCIMMeta holds a SCIM resource's timestamps; nil when absent.
type SCIMMeta struct {
	Created      *time.Time `json:"created,omitempty"`
	LastModified *time.Time `json:"lastModified,omitempty"`
}

// SCIMUserFilter narrows ListSCIMUsers. Empty fields are not sent. The API
// allows up to 50 resource IDs of each kind, and documents the resource-ID
// filters as exclusive of the others.
type SCIMUserFilter struct {
	Username, Email, Name string
	IDPResourceIDs        []string // the IdP's externalId
	CFResourceIDs         []string // Cloudflare's id
}

// SCIMGroupFilter narrows ListSCIMGroups, like SCIMUserFilter.
type SCIMGroupFilter struct {
	Name           string
	IDPResourceIDs []string
	CFResourceIDs  []string
}

// ListSCIMUsers returns every SCIM user of an account's identity provider
// that matches f, fetching all pages SCIMPerPage at a time.
func (c *Client) ListSCIMUsers(ctx context.Context, accountID, idpID string, f SCIMUserFilter) ([]SCIMUser, error) {
	q := url.Values{}
	setIf(q, "username", f.Username)
	setIf(q, "email", f.Email)
	setIf(q, "name", f.Name)
	if err := setResourceIDs(q, f.IDPResourceIDs, f.CFResourceIDs); err != nil {
		return nil, fmt.Errorf("list SCIM users: %w", err)
	}
	return listSCIM[SCIMUser](ctx, c, accountID, idpID, "users", q)
}

// ListSCIMGroups returns every SCIM group of an account's identity provider
// that matches f, fetching all pages SCIMPerPage at a time.
func (c *Client) ListSCIMGroups(ctx context.Context, accountID, idpID string, f SCIMGroupFilter) ([]SCIMGroup, error) {
	q := url.Values{}
	setIf(q, "name", f.Name)
	if err := setResourceIDs(q, f.IDPResourceIDs, f.CFResourceIDs); err != nil {
		return nil, fmt.Errorf("list SCIM groups: %w", err)
	}
	return listSCIM[SCIMGroup](ctx, c, accountID, idpID, "groups", q)
}

func listSCIM[T any](ctx context.Context, c *Client, accountID, idpID, kind string, filter url.Values) ([]T, error) {
	if err := validateTarget(AccountScope(accountID), idpID); err != nil {
		return nil, fmt.Errorf("list SCIM %s: %w", kind, err)
	}
	path := idpPath(AccountScope(accountID), idpID) + "/scim/" + kind
	return pagesOf[T](ctx, c, path, filter, SCIMPerPage).all()
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

func setResourceIDs(q url.Values, idp, cf []string) error {
	if len(idp) > maxSCIMResourceIDs || len(cf) > maxSCIMResourceIDs {
		return fmt.Errorf("at most %d resource IDs of each kind may be given (got %d IdP and %d Cloudflare IDs)", maxSCIMResourceIDs, len(idp), len(cf))
	}
	for _, id := range idp {
		q.Add("idp_resource_id", id)
	}
	for _, id := range cf {
		q.Add("cf_resource_id", id)
	}
	return nil
}
