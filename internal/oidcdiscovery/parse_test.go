package oidcdiscovery

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const jumpCloud = "https://oauth.id.jumpcloud.com/"

// jumpCloudDoc is the shape of JumpCloud's document (members the provider does not use trimmed).
const jumpCloudDoc = `{
  "issuer": "https://oauth.id.jumpcloud.com/",
  "authorization_endpoint": "https://oauth.id.jumpcloud.com/oauth2/auth",
  "token_endpoint": "https://oauth.id.jumpcloud.com/oauth2/token",
  "jwks_uri": "https://oauth.id.jumpcloud.com/.well-known/jwks.json",
  "subject_types_supported": ["public"],
  "response_types_supported": ["code", "code id_token", "id_token"],
  "claims_supported": ["sub", "email", "name"],
  "mtls_endpoint_aliases": {"token_endpoint": "https://mtls.oauth.id.jumpcloud.com/oauth2/token"},
  "code_challenge_methods_supported": ["plain", "S256"]
}`

// with returns jumpCloudDoc with member set to value (raw JSON), or removed when value is "".
func with(t *testing.T, member, value string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(jumpCloudDoc), &m); err != nil {
		t.Fatal(err)
	}
	if value == "" {
		delete(m, member)
	} else {
		m[member] = json.RawMessage(value)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseJumpCloud(t *testing.T) {
	d, err := Parse(jumpCloud, []byte(jumpCloudDoc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Document{Issuer: jumpCloud, AuthorizationEndpoint: "https://oauth.id.jumpcloud.com/oauth2/auth",
		TokenEndpoint: "https://oauth.id.jumpcloud.com/oauth2/token", JWKSURI: "https://oauth.id.jumpcloud.com/.well-known/jwks.json",
		CodeChallengeMethodsSupported: []string{"plain", "S256"}}
	if d.Issuer != want.Issuer || d.AuthorizationEndpoint != want.AuthorizationEndpoint || d.TokenEndpoint != want.TokenEndpoint ||
		d.JWKSURI != want.JWKSURI || strings.Join(d.CodeChallengeMethodsSupported, ",") != "plain,S256" || !d.SupportsS256() {
		t.Fatalf("got %+v", d)
	}
}

func TestDiscoveryURL(t *testing.T) {
	for issuer, want := range map[string]string{
		jumpCloud:                        "https://oauth.id.jumpcloud.com/.well-known/openid-configuration",
		"https://accounts.google.com":    "https://accounts.google.com/.well-known/openid-configuration",
		"https://login.example.com/t/v2": "https://login.example.com/t/v2/.well-known/openid-configuration",
	} {
		if got := DiscoveryURL(issuer); got != want {
			t.Errorf("DiscoveryURL(%q) = %q, want %q", issuer, got, want)
		}
	}
}

// Members the provider does not use are not required; those it uses are, with their types.
func TestParseMembers(t *testing.T) {
	minimal := `{"issuer":"https://idp.example.com","authorization_endpoint":"https://idp.example.com/a",` +
		`"token_endpoint":"https://idp.example.com/t","jwks_uri":"https://idp.example.com/k"}`
	d, err := Parse("https://idp.example.com", []byte(minimal), Options{})
	if err != nil {
		t.Fatalf("a document with only the members the provider uses: %v", err)
	}
	if d.CodeChallengeMethodsSupported != nil || d.SupportsS256() {
		t.Errorf("absent code_challenge_methods_supported: %v", d.CodeChallengeMethodsSupported)
	}
	if d, err := Parse(jumpCloud, []byte(with(t, "code_challenge_methods_supported", `null`)), Options{}); err != nil || d.CodeChallengeMethodsSupported != nil {
		t.Errorf("null code_challenge_methods_supported: %v, %v", d, err)
	}
	if d, err := Parse(jumpCloud, []byte(with(t, "code_challenge_methods_supported", `["plain"]`)), Options{}); err != nil || d.SupportsS256() {
		t.Errorf("plain only: %v, %v", d, err)
	}
	for _, tc := range []struct {
		doc  string
		is   error
		want []string
	}{
		{with(t, "jwks_uri", ""), ErrMissingMember, []string{`no "jwks_uri"`, "OpenID Connect Discovery 1.0 §3"}},
		{with(t, "issuer", ""), ErrMissingMember, []string{`"issuer"`}},
		{`{"issuer":"https://oauth.id.jumpcloud.com/"}`, ErrMissingMember,
			[]string{`"authorization_endpoint" or "token_endpoint" or "jwks_uri"`}},
		{with(t, "token_endpoint", `42`), ErrMemberType, []string{`"token_endpoint" must be a string, not a number`}},
		{with(t, "issuer", `null`), ErrMemberType, []string{`"issuer" must be a string, not null`}},
		{with(t, "code_challenge_methods_supported", `"S256"`), ErrMemberType, []string{"an array of strings, not a string"}},
		{with(t, "code_challenge_methods_supported", `[256]`), ErrMemberType, []string{"an array of other values"}},
		// §4.3: identical, so a trailing slash counts; the message shows both.
		{with(t, "issuer", `"https://oauth.id.jumpcloud.com"`), ErrIssuerMismatch,
			[]string{`issuer is "https://oauth.id.jumpcloud.com", but issuer is "https://oauth.id.jumpcloud.com/"`, "§4.3"}},
		{with(t, "issuer", `"https://attacker.example/"`), ErrIssuerMismatch, []string{"https://attacker.example/"}},
	} {
		_, err := Parse(jumpCloud, []byte(tc.doc), Options{})
		wantErr(t, err, tc.is, ErrInvalidDocument, tc.want...)
	}
}

func TestParseEndpoints(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{`"http://oauth.id.jumpcloud.com/oauth2/token"`, "plain http"},
		{`"/oauth2/token"`, "is not an absolute URL"},
		{`"https://user:pw@oauth.id.jumpcloud.com/oauth2/token"`, "carries credentials"},
		{`"https://oauth.id.jumpcloud.com/oauth2/token#x"`, "has a fragment"},
		{`"https://oauth.id.jumpcloud.com/oauth2/token#"`, "has a fragment"},
		{`"ftp://oauth.id.jumpcloud.com/token"`, "does not use https"},
		{`"javascript:alert(1)"`, "is not an absolute URL"},
		{`""`, "is empty"},
	} {
		for _, member := range []string{"authorization_endpoint", "token_endpoint", "jwks_uri"} {
			_, err := Parse(jumpCloud, []byte(with(t, member, tc.value)), Options{})
			wantErr(t, err, ErrEndpointURL, ErrEndpointURL, `"`+member+`"`, tc.want)
		}
	}
	// A query is allowed (RFC 6749 §3.1); http only when allowed, for a development IdP.
	if _, err := Parse(jumpCloud, []byte(with(t, "token_endpoint", `"https://oauth.id.jumpcloud.com/token?tenant=1"`)), Options{}); err != nil {
		t.Errorf("an endpoint with a query: %v", err)
	}
	dev := strings.ReplaceAll(jumpCloudDoc, "https://", "http://")
	if _, err := Parse("http://oauth.id.jumpcloud.com/", []byte(dev), Options{AllowHTTP: true}); err != nil {
		t.Errorf("allow_http: %v", err)
	}
}

func TestCheckIssuer(t *testing.T) {
	for issuer, want := range map[string]string{
		"http://idp.example.com":             "plain http",
		"idp.example.com":                    "absolute URL",
		"https://u:p@idp.example.com":        "without credentials",
		"https://idp.example.com/?tenant=1":  "query or a fragment",
		"https://idp.example.com/?":          "query or a fragment",
		"https://idp.example.com/#x":         "query or a fragment",
		"ftp://idp.example.com":              "must use https",
		"https://idp.example.com/%zz":        "absolute URL",
		"https://idp.example.com/oauth2/def": "",
	} {
		err := CheckIssuer(issuer, Options{})
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", issuer, err)
			}
			continue
		}
		wantErr(t, err, ErrIssuer, ErrIssuer, want)
		// Parse checks the configured issuer first, whatever the document.
		_, err = Parse(issuer, []byte(jumpCloudDoc), Options{})
		wantErr(t, err, ErrIssuer, ErrIssuer, want)
	}
	if err := CheckIssuer("http://127.0.0.1:8080/good", Options{AllowHTTP: true}); err != nil {
		t.Errorf("allow_http: %v", err)
	}
}

// A document is one UTF-8 JSON object, without a member twice in any object, within the limits.
func TestParseRefusesBadJSON(t *testing.T) {
	dupNested := strings.Replace(jumpCloudDoc, `{"token_endpoint": "https://mtls`, `{"token_endpoint": "x", "token_endpoint": "https://mtls`, 1)
	deep := strings.Replace(jumpCloudDoc, `"subject_types_supported": ["public"]`,
		`"subject_types_supported": `+strings.Repeat("[", MaxDepth)+strings.Repeat("]", MaxDepth), 1)
	for _, tc := range []struct {
		name, doc string
		is        error
		want      []string
	}{
		{"html", "\n<!DOCTYPE html><html><body>Sign in</body></html>", ErrHTML,
			[]string{"HTML page", "https://oauth.id.jumpcloud.com/.well-known/openid-configuration"}},
		{"html without doctype", "<HTML lang=en><p>Error 500", ErrHTML, nil},
		{"xml", `<?xml version="1.0"?><md:EntityDescriptor/>`, ErrSyntax, []string{"XML, not JSON"}},
		{"empty", "  \n", ErrSyntax, []string{"empty"}},
		{"array", `[{"issuer":"x"}]`, ErrNotObject, []string{"a JSON array, not a JSON object"}},
		{"string", `"https://oauth.id.jumpcloud.com/"`, ErrNotObject, []string{"a JSON string"}},
		{"two objects", jumpCloudDoc + "\n{}", ErrNotObject, []string{"more after its top-level object"}},
		{"garbage after", jumpCloudDoc + " x", ErrSyntax, []string{"line 11"}},
		{"syntax", "{\n  \"issuer\": \"a\",\n  oops\n}", ErrSyntax, []string{"line 3, column 3"}},
		{"trailing comma", `{"issuer":"a",}`, ErrSyntax, nil},
		{"truncated", jumpCloudDoc[:100], ErrSyntax, []string{"ends before the JSON is complete"}},
		{"duplicate", `{"issuer":"https://attacker.example/",` + jumpCloudDoc[1:], ErrDuplicateMember,
			[]string{`the member "issuer" appears twice in the discovery document`}},
		{"escaped duplicate", `{"\u0069ssuer":"https://attacker.example/",` + jumpCloudDoc[1:], ErrDuplicateMember, []string{`"issuer"`}},
		{"nested duplicate", dupNested, ErrDuplicateMember, []string{`"token_endpoint" appears twice in "mtls_endpoint_aliases"`}},
		{"too deep", deep, ErrTooDeep, []string{"more than 32 deep"}},
		{"not utf-8", strings.Replace(jumpCloudDoc, `"public"`, "\"p\xffublic\"", 1), ErrEncoding, []string{"UTF-8"}},
	} {
		_, err := Parse(jumpCloud, []byte(tc.doc), Options{})
		if !errors.Is(err, tc.is) || !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.is)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", tc.name, err, w)
			}
		}
	}
	// The same member name in different objects is no duplicate; neither are array elements.
	if _, err := Parse(jumpCloud, []byte(jumpCloudDoc), Options{}); err != nil {
		t.Fatal(err)
	}
	atLimit := strings.Replace(jumpCloudDoc, `"subject_types_supported": ["public"]`,
		`"subject_types_supported": `+strings.Repeat("[", MaxDepth-1)+strings.Repeat("]", MaxDepth-1), 1)
	if _, err := Parse(jumpCloud, []byte(atLimit), Options{}); err != nil {
		t.Errorf("nested %d deep: %v", MaxDepth, err)
	}
	// A byte order mark is ignored (RFC 8259 §8.1 allows it).
	if _, err := Parse(jumpCloud, []byte("\uFEFF"+jumpCloudDoc), Options{}); err != nil {
		t.Errorf("BOM: %v", err)
	}
}

// Why the token walk exists: encoding/json alone takes a document with two issuers and keeps the last.
func TestEncodingJSONKeepsTheLastDuplicate(t *testing.T) {
	doc := `{"issuer":"https://attacker.example/",` + jumpCloudDoc[1:]
	var m struct{ Issuer string }
	if err := json.Unmarshal([]byte(doc), &m); err != nil || m.Issuer != jumpCloud {
		t.Fatalf("encoding/json now refuses or keeps another duplicate (%q, %v): checkStructure's duplicate check "+
			"may be redundant", m.Issuer, err)
	}
}

func TestParseSizeCap(t *testing.T) {
	doc := with(t, "x_padding", `"`+strings.Repeat("x", 600)+`"`)
	if _, err := Parse(jumpCloud, []byte(doc), Options{MaxBytes: int64(len(doc))}); err != nil {
		t.Fatalf("at the cap: %v", err)
	}
	_, err := Parse(jumpCloud, []byte(doc), Options{MaxBytes: int64(len(doc) - 1)})
	wantErr(t, err, ErrTooLarge, ErrTooLarge, "more than the limit")
	big := with(t, "x_padding", `"`+strings.Repeat("x", DefaultMaxBytes)+`"`)
	_, err = Parse(jumpCloud, []byte(big), Options{})
	wantErr(t, err, ErrTooLarge, ErrTooLarge, "a few kilobytes")
}

func wantErr(t *testing.T, err, is, kind error, text ...string) {
	t.Helper()
	if !errors.Is(err, is) || !errors.Is(err, kind) {
		t.Errorf("error %v, want %v (%v)", err, is, kind)
		return
	}
	for _, w := range text {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("%q does not say %q", err, w)
		}
	}
}

// CheckEndpoint holds hand-set endpoints to the rules of the document's, in the attribute's words.
func TestCheckEndpoint(t *testing.T) {
	for _, tc := range []struct {
		value     string
		allowHTTP bool
		want      string // "" when accepted
	}{
		{"https://oauth.id.jumpcloud.com/oauth2/auth", false, ""},
		{"http://idp.test/token", true, ""},
		{"http://idp.test/token", false, `token_url "http://idp.test/token" uses plain http`},
		{"/oauth2/token", false, "is not an absolute URL"},
		{"https://user:pw@idp.test/token", false, "carries credentials"},
		{"https://idp.test/token#x", false, "has a fragment"},
		{"ftp://idp.test/token", false, "does not use https"},
		{"", false, "is empty"},
	} {
		err := CheckEndpoint("token_url", tc.value, Options{AllowHTTP: tc.allowHTTP})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v, want it accepted", tc.value, err)
		case tc.want != "" && (!errors.Is(err, ErrEndpointURL) || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: %v, want ErrEndpointURL saying %q", tc.value, err, tc.want)
		}
	}
}
