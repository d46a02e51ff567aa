package samlmetadata

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// checkRoot requires md:EntityDescriptor or md:EntitiesDescriptor.
func checkRoot(t *tree) error {
	if t.is(t.root, NamespaceMetadata, "EntityDescriptor") || t.is(t.root, NamespaceMetadata, "EntitiesDescriptor") {
		return nil
	}
	return fail(ErrNotMetadata, "the root element is {%s}%s, but SAML 2.0 metadata starts with EntityDescriptor or EntitiesDescriptor in namespace %s; check that this is the IdP's SAML metadata file",
		t.space[t.root], t.root.Tag, NamespaceMetadata)
}

// entities lists the EntityDescriptors under root in document order,
// descending into nested EntitiesDescriptors.
func entities(t *tree, root *etree.Element) []*etree.Element {
	if t.is(root, NamespaceMetadata, "EntityDescriptor") {
		return []*etree.Element{root}
	}
	var out []*etree.Element
	for _, c := range root.ChildElements() {
		switch {
		case t.is(c, NamespaceMetadata, "EntityDescriptor"):
			out = append(out, c)
		case t.is(c, NamespaceMetadata, "EntitiesDescriptor"):
			out = append(out, entities(t, c)...)
		}
	}
	return out
}

// idpDescriptors returns the entity's IDPSSODescriptors that support SAML 2.0.
func idpDescriptors(t *tree, entity *etree.Element) []*etree.Element {
	var out []*etree.Element
	for _, d := range t.children(entity, NamespaceMetadata, "IDPSSODescriptor") {
		if protocols, _ := attr(d, "protocolSupportEnumeration"); slices.Contains(strings.Fields(protocols), ProtocolSAML20) {
			out = append(out, d)
		}
	}
	return out
}

// selectEntity applies the entity rules: unique entityIDs, then the
// caller's choice or the only IdP entity.
func selectEntity(t *tree, want string) (*etree.Element, error) {
	all := entities(t, t.root)
	seen := map[string]bool{}
	var idps []string
	var chosen *etree.Element
	for _, e := range all {
		id, _ := attr(e, "entityID")
		if id == "" {
			return nil, fail(ErrInvalidMetadata, "an EntityDescriptor has no entityID; the metadata is incomplete, so export it again")
		}
		if seen[id] {
			return nil, fail(ErrDuplicateEntityID, "the entityID %q appears on more than one entity; parsers disagree about which one counts, so obtain clean metadata from the IdP", id)
		}
		seen[id] = true
		if len(idpDescriptors(t, e)) > 0 {
			idps = append(idps, id)
		}
		if want != "" && id == want {
			chosen = e
		}
	}
	switch {
	case want != "" && chosen == nil:
		return nil, fail(ErrEntityNotFound, "the metadata has no entity with entityID %q; IdP entities found: %s", want, listOrNone(idps))
	case want != "":
		return chosen, nil
	case len(idps) == 0:
		return nil, fail(ErrNoIDPDescriptor, "the metadata describes no SAML 2.0 identity provider (no IDPSSODescriptor supporting %s); check that this is the IdP's metadata and not a service provider's", ProtocolSAML20)
	case len(idps) > 1:
		return nil, &AmbiguousEntityError{EntityIDs: idps}
	}
	for _, e := range all {
		if id, _ := attr(e, "entityID"); id == idps[0] {
			return e, nil
		}
	}
	panic("unreachable: selected entity vanished")
}

func listOrNone(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// extract turns the (possibly verified) root into Metadata.
func extract(t *tree, opts Options) (*Metadata, error) {
	entity, err := selectEntity(t, opts.EntityID)
	if err != nil {
		return nil, err
	}
	md := &Metadata{}
	md.EntityID, _ = attr(entity, "entityID")
	descs := idpDescriptors(t, entity)
	switch len(descs) {
	case 0:
		return nil, fail(ErrNoIDPDescriptor, "the entity %q has no IDPSSODescriptor supporting %s; it is not a SAML 2.0 identity provider", md.EntityID, ProtocolSAML20)
	case 1:
	default:
		return nil, fail(ErrMultipleIDPDescriptors, "the entity %q has %d IDPSSODescriptors supporting SAML 2.0; exactly one is allowed because parsers disagree about which one counts", md.EntityID, len(descs))
	}
	idp := descs[0]

	if md.ValidUntil, err = validUntil(entity, t.root); err != nil {
		return nil, err
	}
	for _, s := range t.children(idp, NamespaceMetadata, "SingleSignOnService") {
		var ep Endpoint
		ep.Binding, _ = attr(s, "Binding")
		ep.Location, _ = attr(s, "Location")
		md.SSOEndpoints = append(md.SSOEndpoints, ep)
	}
	chosen, err := chooseEndpoint(md.SSOEndpoints, opts.Binding)
	if err != nil {
		return nil, err
	}
	if err := checkSSOURL(chosen.Location, opts.AllowHTTP); err != nil {
		return nil, err
	}
	md.SSOURL, md.SSOBinding = chosen.Location, chosen.Binding

	for _, f := range t.children(idp, NamespaceMetadata, "NameIDFormat") {
		md.NameIDFormats = append(md.NameIDFormats, strings.TrimSpace(charData(f)))
	}
	if md.Certificates, err = signingCertificates(t, idp); err != nil {
		return nil, err
	}
	return md, nil
}

// charData concatenates an element's character data, skipping comments.
func charData(e *etree.Element) string {
	var b strings.Builder
	for _, t := range e.Child {
		if cd, ok := t.(*etree.CharData); ok {
			b.WriteString(cd.Data)
		}
	}
	return b.String()
}

func validUntil(entity, root *etree.Element) (*time.Time, error) {
	v, ok := attr(entity, "validUntil")
	if !ok && entity != root {
		v, ok = attr(root, "validUntil")
	}
	if !ok {
		return nil, nil
	}
	t, err := parseDateTime(v)
	if err != nil {
		return nil, failCause(ErrBadValidUntil, err, "validUntil %q is not an xs:dateTime", v)
	}
	return &t, nil
}

// parseDateTime parses xs:dateTime; a value without a zone is taken as UTC.
func parseDateTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02T15:04:05.999999999", s)
}

// chooseEndpoint picks the requested binding, or HTTP-Redirect then HTTP-POST.
func chooseEndpoint(eps []Endpoint, binding string) (Endpoint, error) {
	if len(eps) == 0 {
		return Endpoint{}, fail(ErrNoSSOEndpoint, "the IdP descriptor has no SingleSignOnService; the metadata is incomplete, so ask the IdP administrator for metadata with an SSO endpoint")
	}
	prefs := []string{BindingHTTPRedirect, BindingHTTPPOST}
	if binding != "" {
		prefs = []string{binding}
	}
	for _, want := range prefs {
		for _, ep := range eps {
			if ep.Binding == want {
				return ep, nil
			}
		}
	}
	var found []string
	for _, ep := range eps {
		found = append(found, ep.Binding)
	}
	return Endpoint{}, fail(ErrNoSSOEndpoint, "no SingleSignOnService with binding %s (found: %s); choose one of the bindings found",
		strings.Join(prefs, " or "), strings.Join(found, ", "))
}

// checkSSOURL requires an absolute https URL with a host and no userinfo
// (http only when allowed).
func checkSSOURL(loc string, allowHTTP bool) error {
	u, err := url.Parse(loc)
	if err != nil {
		return failCause(ErrSSOURL, err, "the SSO location %q is not a valid URL", loc)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowHTTP:
	case u.Scheme == "http":
		return fail(ErrSSOURL, "the SSO location %q uses plain http; an IdP login page must use https (http is accepted only when explicitly allowed for development)", loc)
	default:
		return fail(ErrSSOURL, "the SSO location %q is not an absolute https URL; check the SingleSignOnService Location in the metadata", loc)
	}
	switch {
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return fail(ErrSSOURL, "the SSO location %q has no host; it must look like https://idp.example.com/sso", loc)
	case u.User != nil:
		return fail(ErrSSOURL, "the SSO location %q contains credentials (user@host); remove them", redactUser(u))
	}
	return nil
}

func redactUser(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return c.String()
}

// CheckSSOURL applies to loc the rule Parse applies to the chosen SSO
// endpoint: an absolute https URL with a host and no credentials (http only
// when allowHTTP). Errors match ErrSSOURL. Callers that expose the other
// endpoints of Metadata.SSOEndpoints use it to hold them to the same rule.
func CheckSSOURL(loc string, allowHTTP bool) error {
	return checkSSOURL(loc, allowHTTP)
}
