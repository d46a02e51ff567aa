package oidcdiscovery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// WellKnownPath is what OpenID Connect Discovery 1.0 §4.1 appends to the issuer, after removing a
// trailing "/", to find the discovery document.
const WellKnownPath = "/.well-known/openid-configuration"

// Limits on one document. Real discovery documents are a few kilobytes (Google's 1.4 kB, Okta's 5 kB,
// Keycloak's 7 kB, nested at most 2 deep); the limits are large multiples of that. The most expensive
// document they let through (BenchmarkParse/at-limits: 256 KiB of small objects) costs 14 MB allocated
// and 50 to 110 ms on a loaded 2-core machine, within samlmetadata's budget of 250 ms and 64 MB; a real
// document costs 30 µs.
const (
	// DefaultMaxBytes is the size cap used when Options.MaxBytes is 0.
	DefaultMaxBytes = 256 << 10
	// MaxDepth is the deepest nesting of objects and arrays accepted.
	MaxDepth = 32
)

// PKCEMethodS256 is the code challenge method a provider lists in code_challenge_methods_supported when
// it supports PKCE with SHA-256 (RFC 7636 §4.2, RFC 8414 §2).
const PKCEMethodS256 = "S256"

// Options tune Parse and Discover. The zero value is strict: https only, DefaultMaxBytes.
type Options struct {
	// AllowHTTP accepts an http:// issuer and http:// endpoints (development IdPs only).
	AllowHTTP bool
	// MaxBytes caps the document; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds Discover's fetch; 0 means fetch.DefaultTimeout. Parse ignores it.
	Timeout time.Duration
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

// Document is what the provider takes from a discovery document.
type Document struct {
	Issuer                string // issuer, identical to the configured one
	AuthorizationEndpoint string // authorization_endpoint: Cloudflare's auth_url
	TokenEndpoint         string // token_endpoint: Cloudflare's token_url
	JWKSURI               string // jwks_uri: Cloudflare's certs_url
	// CodeChallengeMethodsSupported is code_challenge_methods_supported (RFC 8414 §2), nil when the
	// document does not have the member.
	CodeChallengeMethodsSupported []string
}

// SupportsS256 reports whether the provider lists PKCE with S256. A provider may support it without
// saying so; a false result is a reason to warn, not to refuse.
func (d *Document) SupportsS256() bool {
	return slices.Contains(d.CodeChallengeMethodsSupported, PKCEMethodS256)
}

// DiscoveryURL is where the discovery document of issuer is (OpenID Connect Discovery 1.0 §4.1): the
// issuer without its trailing "/", then WellKnownPath. For https://oauth.id.jumpcloud.com/ it is
// https://oauth.id.jumpcloud.com/.well-known/openid-configuration.
func DiscoveryURL(issuer string) string {
	return strings.TrimSuffix(issuer, "/") + WellKnownPath
}

// httpRisk is what plain http lets anyone on the path do, for the refusals of http URLs.
const httpRisk = "anyone on the path could swap the IdP's endpoints and signing keys"

// CheckIssuer refuses an issuer that cannot name an OpenID provider (§3: a URL using the https scheme
// with no query or fragment component; http only with Options.AllowHTTP). It needs no network.
func CheckIssuer(issuer string, opts Options) error {
	u, err := url.Parse(issuer)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.User != nil:
		return fail(ErrIssuer, "issuer %q must be an absolute URL without credentials, such as https://oauth.id.jumpcloud.com/", issuer)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(issuer, "#"):
		return fail(ErrIssuer, "issuer %q must not have a query or a fragment (OpenID Connect Discovery 1.0 §3): remove what follows the path", issuer)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if opts.AllowHTTP {
			return nil
		}
		return fail(ErrIssuer, "issuer %q uses plain http, so %s; use https, or set allow_http = true for a development IdP", issuer, httpRisk)
	default:
		return fail(ErrIssuer, "issuer %q must use https", issuer)
	}
}

// requiredMembers are the members the provider uses and OpenID Connect Discovery 1.0 §3 requires
// (token_endpoint "unless only the Implicit Flow is used", which Cloudflare does not use).
var requiredMembers = []string{"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"}

// Parse checks doc, the discovery document of issuer, and returns what it says. issuer is the configured
// one: the document's own must be identical (§4.3). Every refusal matches a sentinel of errors.go.
func Parse(issuer string, doc []byte, opts Options) (*Document, error) {
	if err := CheckIssuer(issuer, opts); err != nil {
		return nil, err
	}
	where := DiscoveryURL(issuer)
	if limit := opts.maxBytes(); int64(len(doc)) > limit {
		return nil, fail(ErrTooLarge, "the discovery document has %d bytes, more than the limit of %d; a discovery document "+
			"is a few kilobytes: check that this is what %s serves", len(doc), limit, where)
	}
	doc = bytes.TrimPrefix(doc, []byte("\uFEFF")) // RFC 8259 §8.1: a parser may ignore a byte order mark
	if err := checkStructure(doc, where); err != nil {
		return nil, err
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(doc, &members); err != nil { // checkStructure has seen one valid object
		return nil, fail(ErrSyntax, "the discovery document does not decode: %v", err)
	}
	var missing []string
	for _, m := range requiredMembers {
		if _, ok := members[m]; !ok {
			missing = append(missing, `"`+m+`"`)
		}
	}
	if len(missing) > 0 {
		return nil, fail(ErrMissingMember, "the discovery document has no %s; OpenID Connect Discovery 1.0 §3 requires "+
			"issuer, authorization_endpoint, token_endpoint and jwks_uri: check that %s is the IdP's discovery document",
			strings.Join(missing, " or "), where)
	}
	d := &Document{}
	for _, f := range []struct {
		member string
		dst    any
	}{
		{"issuer", &d.Issuer},
		{"authorization_endpoint", &d.AuthorizationEndpoint},
		{"token_endpoint", &d.TokenEndpoint},
		{"jwks_uri", &d.JWKSURI},
		{"code_challenge_methods_supported", &d.CodeChallengeMethodsSupported},
	} {
		if err := decodeMember(members, f.member, f.dst); err != nil {
			return nil, err
		}
	}
	if d.Issuer != issuer {
		return nil, fail(ErrIssuerMismatch, "the discovery document's issuer is %q, but issuer is %q; OpenID Connect Discovery "+
			"1.0 §4.3 requires them to be identical, character for character (a trailing \"/\" counts): if this is your "+
			"IdP's document, set issuer to %q", d.Issuer, issuer, d.Issuer)
	}
	for _, e := range []struct{ member, value string }{
		{"authorization_endpoint", d.AuthorizationEndpoint},
		{"token_endpoint", d.TokenEndpoint},
		{"jwks_uri", d.JWKSURI},
	} {
		if err := checkEndpoint(e.member, e.value, opts); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// decodeMember decodes the member into dst; an absent member or a null for an optional one leaves dst
// alone. A value of another type is ErrMemberType.
func decodeMember(members map[string]json.RawMessage, member string, dst any) error {
	raw, ok := members[member]
	if !ok {
		return nil
	}
	_, isList := dst.(*[]string)
	if isList && bytes.Equal(raw, []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil || bytes.Equal(raw, []byte("null")) {
		want := "a string"
		if isList {
			want = "an array of strings"
		}
		return fail(ErrMemberType, "the discovery document's %q must be %s, not %s", member, want, jsonKind(raw))
	}
	return nil
}

func jsonKind(raw json.RawMessage) string {
	switch b := bytes.TrimSpace(raw); {
	case len(b) == 0:
		return "nothing"
	case b[0] == '"':
		return "a string"
	case b[0] == '{':
		return "an object"
	case b[0] == '[':
		return "an array of other values"
	case b[0] == 't' || b[0] == 'f':
		return "a boolean"
	case b[0] == 'n':
		return "null"
	default:
		return "a number"
	}
}

// checkEndpoint refuses an endpoint of the document that is not an absolute https URL (http with
// AllowHTTP) without credentials or fragment (RFC 6749 §3.1 and §3.2: an endpoint URI must not include a
// fragment).
func checkEndpoint(member, value string, opts Options) error {
	problem, plainHTTP := endpointProblem(value, opts)
	switch {
	case problem == "":
		return nil
	case plainHTTP:
		return fail(ErrEndpointURL, "the discovery document's %q is %q, which uses plain http, so %s; the IdP must publish "+
			"https endpoints (set allow_http = true only for a development IdP)", member, value, httpRisk)
	}
	return fail(ErrEndpointURL, "the discovery document's %q is %q, which %s; an endpoint must be an absolute https URL "+
		"without credentials or fragment: fix the IdP's discovery document", member, value, problem)
}

// CheckEndpoint refuses an endpoint URL given by hand, in the attribute named, by the rules a discovery
// document's endpoints follow: an absolute https URL (http with AllowHTTP) without credentials or
// fragment. Its errors match ErrEndpointURL.
func CheckEndpoint(attribute, value string, opts Options) error {
	problem, plainHTTP := endpointProblem(value, opts)
	switch {
	case problem == "":
		return nil
	case plainHTTP:
		return fail(ErrEndpointURL, "%s %q uses plain http, so %s; use the IdP's https endpoint (set allow_http = true "+
			"only for a development IdP)", attribute, value, httpRisk)
	}
	return fail(ErrEndpointURL, "%s %q %s; it must be an absolute https URL without credentials or fragment, as the "+
		"IdP documents it", attribute, value, problem)
}

// endpointProblem says what is wrong with an endpoint URL, "" when nothing is; plainHTTP is true when
// the only fault is plain http without AllowHTTP.
func endpointProblem(value string, opts Options) (problem string, plainHTTP bool) {
	u, err := url.Parse(value)
	switch {
	case value == "":
		return "is empty", false
	case err != nil || !u.IsAbs() || u.Host == "":
		return "is not an absolute URL", false
	case u.User != nil:
		return "carries credentials", false
	case u.Fragment != "" || strings.Contains(value, "#"):
		return "has a fragment", false
	case strings.EqualFold(u.Scheme, "https"), strings.EqualFold(u.Scheme, "http") && opts.AllowHTTP:
		return "", false
	case strings.EqualFold(u.Scheme, "http"):
		return "uses plain http", true
	}
	return "does not use https", false
}

// checkStructure walks the document's tokens once before it is decoded: valid UTF-8 JSON, exactly one
// top-level object, no member twice in one object, at most MaxDepth deep. encoding/json's decoder keeps
// the last of duplicate members without a word; this walk is where they are found (encoding/json/v2,
// which refuses them, is still an experiment in Go 1.26).
func checkStructure(doc []byte, where string) error {
	trimmed := bytes.TrimLeft(doc, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return fail(ErrSyntax, "the discovery document is empty: check that %s serves the IdP's discovery document", where)
	case trimmed[0] == '<':
		head := strings.ToLower(string(trimmed[:min(len(trimmed), 1024)]))
		if strings.HasPrefix(head, "<!doctype html") || strings.Contains(head, "<html") {
			return fail(ErrHTML, "the discovery document is an HTML page, not JSON (a login, error or consent page?): "+
				"check that %s serves the IdP's discovery document, or that the file given is that document", where)
		}
		return fail(ErrSyntax, "the discovery document is XML, not JSON (SAML metadata?): an OIDC login method needs "+
			"the JSON document at %s", where)
	case !utf8.Valid(doc):
		return fail(ErrEncoding, "the discovery document is not UTF-8 (RFC 8259 §8.1): save it as UTF-8")
	}
	// One map holds the member names of every object, keyed by the object's number: a map per object
	// costs more than the walk itself on a document of many small objects.
	type member struct {
		object int
		name   string
	}
	type frame struct {
		object  int    // the object's number; 0 for an array
		wantKey bool   // the next token of an object is a member name or its end
		key     string // the member being read, for messages
	}
	seen := map[member]struct{}{}
	objects := 0
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var stack []frame
	roots := 0
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object != 0 {
			stack[n-1].wantKey = true
		}
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) && len(stack) == 0 && roots == 1 {
				return nil
			}
			return syntaxError(doc, err, where)
		}
		if len(stack) == 0 {
			if roots++; roots > 1 {
				return fail(ErrNotObject, "the discovery document has more after its top-level object (at byte %d): it must be "+
					"exactly one JSON object", dec.InputOffset())
			}
			if tok != json.Delim('{') {
				return fail(ErrNotObject, "the discovery document is %s, not a JSON object: check that %s serves the IdP's "+
					"discovery document", tokenKind(tok), where)
			}
		}
		if n := len(stack); n > 0 && stack[n-1].object != 0 && stack[n-1].wantKey {
			top := &stack[n-1]
			if tok == json.Delim('}') {
				stack = stack[:n-1]
				valueDone()
				continue
			}
			key, _ := tok.(string) // the decoder allows only a string here
			m := member{top.object, key}
			if _, dup := seen[m]; dup {
				in := ""
				var path []string
				for _, f := range stack[:n-1] {
					if f.object != 0 {
						path = append(path, f.key)
					}
				}
				if len(path) > 0 {
					in = fmt.Sprintf(" in %q", strings.Join(path, "."))
				}
				return fail(ErrDuplicateMember, "the member %q appears twice%s in the discovery document; JSON readers disagree on "+
					"which one counts, so such a document is refused: fix it at the IdP", key, in)
			}
			seen[m] = struct{}{}
			top.key, top.wantKey = key, false
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= MaxDepth {
				return fail(ErrTooDeep, "the discovery document nests objects and arrays more than %d deep", MaxDepth)
			}
			f := frame{}
			if tok == json.Delim('{') {
				objects++
				f.object, f.wantKey = objects, true
			}
			stack = append(stack, f)
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}

func tokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "a JSON array"
	case string:
		return "a JSON string"
	case json.Number:
		return "a JSON number"
	case bool:
		return "a JSON boolean"
	default:
		return "JSON null"
	}
}

// syntaxError explains where the JSON breaks, by line and column. json.Decoder's offsets are not
// absolute, so the error path asks json.Unmarshal, whose are.
func syntaxError(doc []byte, err error, where string) error {
	msg, pos := "it ends before the JSON is complete", len(doc)
	var se *json.SyntaxError
	var v any
	if uerr := json.Unmarshal(doc, &v); errors.As(uerr, &se) {
		msg, pos = se.Error(), int(se.Offset)-1 // Offset counts the bytes read, the bad one included
	} else if errors.As(err, &se) {
		msg = se.Error()
	}
	if pos >= len(doc)-1 && strings.HasPrefix(msg, "unexpected end") {
		msg = "it ends before the JSON is complete (cut short?)"
	}
	pos = min(max(pos, 0), len(doc))
	line := 1 + bytes.Count(doc[:pos], []byte("\n"))
	col := pos - bytes.LastIndexByte(doc[:pos], '\n')
	return fail(ErrSyntax, "the discovery document is not valid JSON at line %d, column %d: %s; check that %s serves "+
		"the IdP's discovery document, or fix the file", line, col, msg, where)
}
