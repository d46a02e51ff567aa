package emulator

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	filter "github.com/scim2/filter-parser/v2"
)

// scimPrefix is where the SCIM populations live:
// /populations/<population uuid>/scim/v2/{Users,Groups,ServiceProviderConfig,ResourceTypes,Schemas}.
const scimPrefix = "/populations/"

// SCIMResource is a SCIM user or group as stored: the attributes the SCIM
// client sent (validated against the core User or Group schema, without id,
// meta and schemas) plus the server-owned id and timestamps.
type SCIMResource struct {
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes"`
	Created    time.Time      `json:"created"`
	Modified   time.Time      `json:"modified"`
}

var (
	scimUserSchema   = schema.CoreUserSchema()
	scimGroupSchema  = schema.CoreGroupSchema()
	scimEnterprise   = schema.ExtensionEnterpriseUser()
	scimServiceProv  = scim.ServiceProviderConfig{SupportFiltering: true, SupportPatch: true, MaxResults: MaxSCIMPerPage, AuthenticationSchemes: []scim.AuthenticationScheme{{Type: scim.AuthenticationTypeOauthBearerToken, Name: "OAuth Bearer Token", Description: "The SCIM secret of the login method as a bearer token.", Primary: true}}}
	scimCoreUserURN  = scimUserSchema.ID
	scimCoreGroupURN = scimGroupSchema.ID
)

// serveSCIM is the SCIM 2.0 service of every login method. The bearer token
// must be the login method's current SCIM secret and SCIM must be enabled;
// otherwise the answer is 401 (also for unknown populations, so the endpoint
// reveals nothing without a secret).
func (s *Server) serveSCIM(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, scimPrefix)
	popID, tail, _ := strings.Cut(rest, "/")
	sub, ok := strings.CutPrefix("/"+tail, "/scim")
	if !ok || (sub != "/v2" && !strings.HasPrefix(sub, "/v2/")) {
		s.count(r.Method + " /populations/<unmatched>")
		writeSCIMError(w, http.StatusNotFound, "no SCIM route for "+r.URL.Path)
		return
	}
	s.count(r.Method + " /populations/{population_id}/scim" + scimRouteKey(sub))

	scheme, token, hasBearer := strings.Cut(r.Header.Get("Authorization"), " ")
	hasBearer = hasBearer && strings.EqualFold(scheme, "Bearer")
	s.mu.RLock()
	rec := s.byPopulation[popID]
	authorized := hasBearer && rec != nil && rec.idp.SCIMConfig.Enabled && rec.secret != "" &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(rec.secret)) == 1
	base := s.baseURL + scimPrefix + popID + "/scim/v2"
	s.mu.RUnlock()
	if !authorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="scim"`)
		writeSCIMError(w, http.StatusUnauthorized, "a valid SCIM secret is required as the bearer token")
		return
	}

	users := scimHandler{s: s, pop: popID, groups: false}
	groups := scimHandler{s: s, pop: popID, groups: true}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scimServiceProv,
		ResourceTypes: []scim.ResourceType{
			{
				ID: optional.NewString("User"), Name: "User", Endpoint: "/Users",
				Description: optional.NewString("User Account"), Schema: scimUserSchema,
				SchemaExtensions: []scim.SchemaExtension{{Schema: scimEnterprise}},
				Handler:          users,
			},
			{
				ID: optional.NewString("Group"), Name: "Group", Endpoint: "/Groups",
				Description: optional.NewString("Group"), Schema: scimGroupSchema,
				Handler: groups,
			},
		},
	}, scim.WithBaseURL(base))
	if err != nil {
		writeSCIMError(w, http.StatusInternalServerError, "building the SCIM server: "+err.Error())
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = sub, ""
	srv.ServeHTTP(w, r2)
}

// scimRouteKey turns "/v2/Users/123" into "/v2/Users/{id}" for the counters.
func scimRouteKey(sub string) string {
	parts := strings.SplitN(strings.TrimPrefix(sub, "/"), "/", 3)
	if len(parts) == 3 && parts[2] != "" {
		parts[2] = "{id}"
	}
	return "/" + strings.Join(parts, "/")
}

func writeSCIMError(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/scim+json")
	writeJSON(w, status, map[string]any{
		"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:Error"},
		"status":  fmt.Sprint(status),
		"detail":  detail,
	})
}

// scimHandler implements scim.ResourceHandler for the users or groups of one
// population, on top of the emulator's state.
type scimHandler struct {
	s      *Server
	pop    string
	groups bool
}

// collection returns the users or groups of the population; callers hold s.mu.
func (h scimHandler) collection() (*[]*SCIMResource, error) {
	rec := h.s.byPopulation[h.pop]
	if rec == nil {
		return nil, scimerrors.ScimError{Status: http.StatusUnauthorized, Detail: "the login method no longer exists"}
	}
	if h.groups {
		return &rec.groups, nil
	}
	return &rec.users, nil
}

func (h scimHandler) resource(res *SCIMResource) scim.Resource {
	attrs := make(scim.ResourceAttributes, len(res.Attributes))
	for k, v := range res.Attributes {
		attrs[k] = v
	}
	created, modified := res.Created, res.Modified
	out := scim.Resource{ID: res.ID, Attributes: attrs, Meta: scim.Meta{Created: &created, LastModified: &modified}}
	if ext, ok := res.Attributes["externalId"].(string); ok && ext != "" {
		out.ExternalID = optional.NewString(ext)
	}
	return out
}

func cleanAttributes(attrs scim.ResourceAttributes) map[string]any {
	out := make(map[string]any, len(attrs))
	for k, v := range attrs {
		switch k {
		case "id", "meta", "schemas":
			continue
		}
		out[k] = v
	}
	return out
}

// checkUnique refuses a second user with the same userName (case-insensitive,
// RFC 7643 §4.1.1) or a second group with the same displayName.
func (h scimHandler) checkUnique(list []*SCIMResource, attrs map[string]any, selfID string) error {
	key := "userName"
	if h.groups {
		key = "displayName"
	}
	v, _ := attrs[key].(string)
	if v == "" {
		return nil
	}
	for _, r := range list {
		if other, _ := r.Attributes[key].(string); r.ID != selfID && strings.EqualFold(other, v) {
			return scimerrors.ScimErrorUniqueness
		}
	}
	return nil
}

func (h scimHandler) Create(_ *http.Request, attributes scim.ResourceAttributes) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	list, err := h.collection()
	if err != nil {
		return scim.Resource{}, err
	}
	attrs := cleanAttributes(attributes)
	if err := h.checkUnique(*list, attrs, ""); err != nil {
		return scim.Resource{}, err
	}
	now := h.s.now().UTC().Truncate(time.Second)
	res := &SCIMResource{ID: newUUID(), Attributes: attrs, Created: now, Modified: now}
	*list = append(*list, res)
	if aerr := h.s.persistLocked(); aerr != nil {
		return scim.Resource{}, scimerrors.ScimErrorInternal
	}
	return h.resource(res), nil
}

func (h scimHandler) find(list []*SCIMResource, id string) (int, error) {
	for i, r := range list {
		if r.ID == id {
			return i, nil
		}
	}
	return -1, scimerrors.ScimErrorResourceNotFound(id)
}

// locate returns the collection and the index of the resource id in it. The caller holds the lock.
func (h scimHandler) locate(id string) (*[]*SCIMResource, int, error) {
	list, err := h.collection()
	if err != nil {
		return nil, -1, err
	}
	i, err := h.find(*list, id)
	if err != nil {
		return nil, -1, err
	}
	return list, i, nil
}

func (h scimHandler) Get(_ *http.Request, id string) (scim.Resource, error) {
	h.s.mu.RLock()
	defer h.s.mu.RUnlock()
	list, i, err := h.locate(id)
	if err != nil {
		return scim.Resource{}, err
	}
	return h.resource((*list)[i]), nil
}

func (h scimHandler) GetAll(_ *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	h.s.mu.RLock()
	defer h.s.mu.RUnlock()
	list, err := h.collection()
	if err != nil {
		return scim.Page{}, err
	}
	var matched []*SCIMResource
	for _, r := range *list {
		if params.FilterValidator != nil {
			probe := make(map[string]any, len(r.Attributes)+1)
			for k, v := range r.Attributes {
				probe[k] = v
			}
			probe["id"] = r.ID
			if params.FilterValidator.PassesFilter(probe) != nil {
				continue
			}
		}
		matched = append(matched, r)
	}
	page := scim.Page{TotalResults: len(matched), Resources: []scim.Resource{}}
	start := max(params.StartIndex, 1) - 1
	for i := start; i < len(matched) && len(page.Resources) < params.Count; i++ {
		page.Resources = append(page.Resources, h.resource(matched[i]))
	}
	return page, nil
}

func (h scimHandler) Replace(_ *http.Request, id string, attributes scim.ResourceAttributes) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	list, i, err := h.locate(id)
	if err != nil {
		return scim.Resource{}, err
	}
	attrs := cleanAttributes(attributes)
	if err := h.checkUnique(*list, attrs, id); err != nil {
		return scim.Resource{}, err
	}
	res := (*list)[i]
	res.Attributes = attrs
	res.Modified = h.s.now().UTC().Truncate(time.Second)
	if aerr := h.s.persistLocked(); aerr != nil {
		return scim.Resource{}, scimerrors.ScimErrorInternal
	}
	return h.resource(res), nil
}

func (h scimHandler) Delete(_ *http.Request, id string) error {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	list, i, err := h.locate(id)
	if err != nil {
		return err
	}
	*list = append((*list)[:i], (*list)[i+1:]...)
	if aerr := h.s.persistLocked(); aerr != nil {
		return scimerrors.ScimErrorInternal
	}
	return nil
}

func (h scimHandler) Patch(_ *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	list, i, err := h.locate(id)
	if err != nil {
		return scim.Resource{}, err
	}
	res := (*list)[i]
	attrs := deepCopyMap(res.Attributes)
	for _, op := range ops {
		if err := applyPatch(attrs, op); err != nil {
			return scim.Resource{}, err
		}
	}
	if err := h.checkUnique(*list, attrs, id); err != nil {
		return scim.Resource{}, err
	}
	res.Attributes = attrs
	res.Modified = h.s.now().UTC().Truncate(time.Second)
	if aerr := h.s.persistLocked(); aerr != nil {
		return scim.Resource{}, scimerrors.ScimErrorInternal
	}
	return h.resource(res), nil
}

// applyPatch applies one RFC 7644 §3.5.2 operation to attrs. It covers what
// identity providers send: whole-attribute add/replace/remove, sub-attributes
// (name.givenName), extension attributes by URN, and value filters such as
// members[value eq "id"] or emails[type eq "work"].value.
func applyPatch(attrs map[string]any, op scim.PatchOperation) error {
	kind := strings.ToLower(op.Op)
	if op.Path == nil {
		values, ok := op.Value.(map[string]any)
		if !ok {
			return scimerrors.ScimErrorInvalidValue
		}
		for k, v := range values {
			target, name := resolveTarget(attrs, k)
			setAttr(target, name, v, kind == "add")
		}
		return nil
	}
	ap := op.Path.AttributePath
	target := attrs
	if uri := ap.URI(); uri != "" && uri != scimCoreUserURN && uri != scimCoreGroupURN {
		ext, _ := attrs[uri].(map[string]any)
		if ext == nil {
			ext = map[string]any{}
			attrs[uri] = ext
		}
		target = ext
	}
	name := findKey(target, ap.AttributeName)
	if op.Path.ValueExpression == nil {
		if sub := ap.SubAttributeName(); sub != "" {
			inner, _ := target[name].(map[string]any)
			if inner == nil {
				inner = map[string]any{}
				target[name] = inner
			}
			target, name = inner, findKey(inner, sub)
		}
		if kind == "remove" {
			delete(target, name)
			return nil
		}
		setAttr(target, name, op.Value, kind == "add")
		return nil
	}
	elems, _ := target[name].([]any)
	var kept []any
	matched := false
	for _, e := range elems {
		m, _ := e.(map[string]any)
		if m == nil || !matches(m, op.Path.ValueExpression) {
			kept = append(kept, e)
			continue
		}
		matched = true
		switch {
		case kind == "remove" && op.Path.SubAttribute == nil:
			continue // drop the element
		case kind == "remove":
			delete(m, findKey(m, *op.Path.SubAttribute))
		case op.Path.SubAttribute != nil:
			m[findKey(m, *op.Path.SubAttribute)] = op.Value
		default:
			if vm, ok := op.Value.(map[string]any); ok {
				for k, v := range vm {
					m[k] = v
				}
			}
		}
		kept = append(kept, m)
	}
	if !matched && kind != "remove" && op.Path.SubAttribute != nil {
		// emails[type eq "work"].value on a user without a work e-mail: create it.
		if ae, ok := op.Path.ValueExpression.(*filter.AttributeExpression); ok && ae.Operator == filter.EQ {
			kept = append(kept, map[string]any{ae.AttributePath.AttributeName: ae.CompareValue, *op.Path.SubAttribute: op.Value})
		}
	}
	if kept == nil {
		delete(target, name)
	} else {
		target[name] = kept
	}
	return nil
}

// resolveTarget maps a path-less patch key (possibly "urn:...:User:attr") to
// the map and key it names.
func resolveTarget(attrs map[string]any, key string) (map[string]any, string) {
	for _, urn := range []string{scimEnterprise.ID + ":"} {
		if rest, ok := strings.CutPrefix(key, urn); ok {
			id := strings.TrimSuffix(urn, ":")
			ext, _ := attrs[id].(map[string]any)
			if ext == nil {
				ext = map[string]any{}
				attrs[id] = ext
			}
			return ext, findKey(ext, rest)
		}
	}
	return attrs, findKey(attrs, key)
}

// setAttr sets target[name]; "add" on a multi-valued attribute appends.
func setAttr(target map[string]any, name string, v any, add bool) {
	if existing, ok := target[name].([]any); ok && add {
		if more, ok := v.([]any); ok {
			target[name] = append(existing, more...)
			return
		}
		target[name] = append(existing, v)
		return
	}
	if sub, ok := v.(map[string]any); ok {
		if existing, ok := target[name].(map[string]any); ok && add {
			for k, x := range sub {
				existing[k] = x
			}
			return
		}
	}
	target[name] = v
}

// findKey returns the existing key of m equal to name ignoring case (SCIM
// attribute names are case-insensitive), or name.
func findKey(m map[string]any, name string) string {
	for k := range m {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// matches evaluates a value filter (eq, ne, pr with and/or/not) on one element
// of a multi-valued attribute.
func matches(m map[string]any, e filter.Expression) bool {
	switch x := e.(type) {
	case *filter.AttributeExpression:
		v, present := m[findKey(m, x.AttributePath.AttributeName)]
		switch x.Operator {
		case filter.PR:
			return present && v != nil && v != ""
		case filter.EQ:
			return present && strings.EqualFold(fmt.Sprint(v), fmt.Sprint(x.CompareValue))
		case filter.NE:
			return !present || !strings.EqualFold(fmt.Sprint(v), fmt.Sprint(x.CompareValue))
		}
		return false
	case *filter.LogicalExpression:
		if x.Operator == filter.AND {
			return matches(m, x.Left) && matches(m, x.Right)
		}
		return matches(m, x.Left) || matches(m, x.Right)
	case *filter.NotExpression:
		return !matches(m, x.Expression)
	}
	return false
}
