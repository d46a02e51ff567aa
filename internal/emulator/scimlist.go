package emulator

import (
	"net/http"
	"strings"
	"time"
)

// wireSCIMUser and wireSCIMGroup are the items of the API's /scim/users and
// /scim/groups lists (SCIMUser and SCIMGroup in the 2026 delta). The SCIM
// userName is not part of the documented item, so it is not sent; the
// username filter still matches it.
type wireSCIMUser struct {
	ID          string          `json:"id"`
	Active      bool            `json:"active"`
	DisplayName string          `json:"displayName,omitempty"`
	Emails      []wireSCIMEmail `json:"emails"`
	ExternalID  string          `json:"externalId,omitempty"`
	Meta        wireSCIMMeta    `json:"meta"`
	Schemas     []string        `json:"schemas"`
}

type wireSCIMEmail struct {
	Primary bool   `json:"primary"`
	Type    string `json:"type,omitempty"`
	Value   string `json:"value"`
}

type wireSCIMMeta struct {
	Created      string `json:"created"`
	LastModified string `json:"lastModified"`
}

type wireSCIMGroup struct {
	ID          string       `json:"id"`
	DisplayName string       `json:"displayName,omitempty"`
	ExternalID  string       `json:"externalId,omitempty"`
	Meta        wireSCIMMeta `json:"meta"`
	Schemas     []string     `json:"schemas"`
}

func str(m map[string]any, key string) string {
	v, _ := m[findKey(m, key)].(string)
	return v
}

func userDisplayName(a map[string]any) string {
	if d := str(a, "displayName"); d != "" {
		return d
	}
	if n, ok := a[findKey(a, "name")].(map[string]any); ok {
		if f := str(n, "formatted"); f != "" {
			return f
		}
		return strings.TrimSpace(str(n, "givenName") + " " + str(n, "familyName"))
	}
	return ""
}

func userEmails(a map[string]any) []wireSCIMEmail {
	out := []wireSCIMEmail{}
	list, _ := a[findKey(a, "emails")].([]any)
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		primary, _ := m[findKey(m, "primary")].(bool)
		out = append(out, wireSCIMEmail{Primary: primary, Type: str(m, "type"), Value: str(m, "value")})
	}
	return out
}

func scimMeta(r *SCIMResource) wireSCIMMeta {
	return wireSCIMMeta{Created: r.Created.UTC().Format(time.RFC3339), LastModified: r.Modified.UTC().Format(time.RFC3339)}
}

func renderSCIMUser(r *SCIMResource) wireSCIMUser {
	active := true
	if v, ok := r.Attributes[findKey(r.Attributes, "active")].(bool); ok {
		active = v
	}
	return wireSCIMUser{
		ID: r.ID, Active: active, DisplayName: userDisplayName(r.Attributes), Emails: userEmails(r.Attributes),
		ExternalID: str(r.Attributes, "externalId"), Meta: scimMeta(r), Schemas: []string{scimCoreUserURN},
	}
}

func renderSCIMGroup(r *SCIMResource) wireSCIMGroup {
	return wireSCIMGroup{
		ID: r.ID, DisplayName: str(r.Attributes, "displayName"), ExternalID: str(r.Attributes, "externalId"),
		Meta: scimMeta(r), Schemas: []string{scimCoreGroupURN},
	}
}

// scimListQuery is the parsed filter of /scim/users or /scim/groups.
type scimListQuery struct {
	page, perPage         int
	cfIDs, idpIDs         []string
	username, email, name string
}

func parseSCIMListQuery(r *http.Request, users bool) (scimListQuery, *apiError) {
	q := r.URL.Query()
	var lq scimListQuery
	var aerr *apiError
	lq.page, lq.perPage, aerr = pageParams(q.Get("page"), q.Get("per_page"), DefaultSCIMPerPage, MaxSCIMPerPage)
	if aerr != nil {
		return lq, aerr
	}
	lq.cfIDs, lq.idpIDs = q["cf_resource_id"], q["idp_resource_id"]
	lq.name = q.Get("name")
	if users {
		lq.username, lq.email = q.Get("username"), q.Get("email")
	}
	for _, ids := range [][]string{lq.cfIDs, lq.idpIDs} {
		if len(ids) > MaxResourceIDFilters {
			return lq, invalidRequest("at most %d resource IDs may be given", MaxResourceIDFilters)
		}
	}
	others := 0
	for _, v := range []string{lq.username, lq.email, lq.name} {
		if v != "" {
			others++
		}
	}
	// The resource-ID filters are documented as mutually exclusive with the
	// other filters.
	if (len(lq.cfIDs) > 0 && (len(lq.idpIDs) > 0 || others > 0)) || (len(lq.idpIDs) > 0 && others > 0) {
		return lq, invalidRequest("cf_resource_id and idp_resource_id cannot be combined with other filters")
	}
	return lq, nil
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func (lq scimListQuery) matchesUser(r *SCIMResource) bool {
	a := r.Attributes
	switch {
	case len(lq.cfIDs) > 0 && !containsFold(lq.cfIDs, r.ID):
	case len(lq.idpIDs) > 0 && !containsFold(lq.idpIDs, str(a, "externalId")):
	case lq.username != "" && !strings.EqualFold(str(a, "userName"), lq.username):
	case lq.name != "" && !strings.EqualFold(userDisplayName(a), lq.name):
	case lq.email != "" && !func() bool {
		for _, e := range userEmails(a) {
			if strings.EqualFold(e.Value, lq.email) {
				return true
			}
		}
		return false
	}():
	default:
		return true
	}
	return false
}

func (lq scimListQuery) matchesGroup(r *SCIMResource) bool {
	a := r.Attributes
	switch {
	case len(lq.cfIDs) > 0 && !containsFold(lq.cfIDs, r.ID):
	case len(lq.idpIDs) > 0 && !containsFold(lq.idpIDs, str(a, "externalId")):
	case lq.name != "" && !strings.EqualFold(str(a, "displayName"), lq.name):
	default:
		return true
	}
	return false
}

func (s *Server) handleSCIMUsers(w http.ResponseWriter, r *http.Request, sc Scope) {
	serveSCIMList(s, w, r, sc, true, func(rec *record) []*SCIMResource { return rec.users },
		scimListQuery.matchesUser, renderSCIMUser)
}

func (s *Server) handleSCIMGroups(w http.ResponseWriter, r *http.Request, sc Scope) {
	serveSCIMList(s, w, r, sc, false, func(rec *record) []*SCIMResource { return rec.groups },
		scimListQuery.matchesGroup, renderSCIMGroup)
}

// serveSCIMList answers the API's paged, filtered list of an IdP's SCIM users or groups.
func serveSCIMList[T any](s *Server, w http.ResponseWriter, r *http.Request, sc Scope, users bool,
	resources func(*record) []*SCIMResource, match func(scimListQuery, *SCIMResource) bool, render func(*SCIMResource) T) {
	lq, aerr := parseSCIMListQuery(r, users)
	if aerr != nil {
		aerr.write(w)
		return
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.pathRecordLocked(w, r, sc)
	if rec == nil {
		return
	}
	var matched []*SCIMResource
	for _, res := range resources(rec) {
		if match(lq, res) {
			matched = append(matched, res)
		}
	}
	items, info := paginate(matched, lq.page, lq.perPage)
	out := make([]T, 0, len(items))
	for _, res := range items {
		out = append(out, render(res))
	}
	writeResult(w, http.StatusOK, out, info)
}
