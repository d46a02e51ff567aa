package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestIdentityProviderKeepsUnknownKeysAcrossAFullPUT(t *testing.T) {
	in := `{
	  "id": "` + testIdPID + `", "name": "Okta", "type": "oidc",
	  "saml_certificate_set_id": "7d1c5d4e-0000-4000-8000-000000000000",
	  "config": {"client_id": "abc", "claims": ["groups"], "pkce_enabled": true, "redirect_url": "https://t.cloudflareaccess.com/cdn-cgi/access/callback",
	             "future_option": {"x": 1}},
	  "scim_config": {"enabled": true, "user_deprovision": false, "seat_deprovision": false,
	                  "identity_update_behavior": "reauth", "scim_base_url": "https://x/scim/v2",
	                  "secret": "` + redacted34 + `", "group_member_deprovision": true, "future_flag": 3}
	}`
	var p IdentityProvider
	if err := json.Unmarshal([]byte(in), &p); err != nil {
		t.Fatal(err)
	}
	if p.Config.IssuerURL != "" || p.Config.ClientID != "abc" || p.Config.PKCEEnabled == nil || !*p.Config.PKCEEnabled ||
		string(p.Config.Extra["future_option"]) != `{"x": 1}` || len(p.Config.Extra) != 1 || p.Config.RedirectURL == "" {
		t.Fatalf("config = %+v", p.Config)
	}
	if string(p.Extra["saml_certificate_set_id"]) == "" || p.SCIMConfig.SecretAvailable() {
		t.Fatalf("idp = %+v", p)
	}

	out, err := writeBody(p)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	cfg := got["config"].(map[string]any)
	scim := got["scim_config"].(map[string]any)
	if got["saml_certificate_set_id"] == nil || cfg["client_id"] != "abc" || cfg["pkce_enabled"] != true || cfg["future_option"] == nil ||
		scim["future_flag"] != float64(3) {
		t.Errorf("unknown keys dropped: %s", out)
	}
	for _, key := range []string{"issuer_url", "sign_request", "client_secret", "auth_url", "directory_id", "support_groups"} {
		if _, ok := cfg[key]; ok {
			t.Errorf("empty %s added to an OIDC config: %s", key, out)
		}
	}
	if _, ok := scim["secret"]; ok {
		t.Errorf("secret sent on a write: %s", out)
	}
	if _, ok := scim["group_member_deprovision"]; ok {
		t.Errorf("legacy key sent: %s", out)
	}
	// Full-PUT semantics: false flags are sent, not omitted.
	if v, ok := scim["user_deprovision"]; !ok || v != false {
		t.Errorf("user_deprovision not sent as false: %s", out)
	}
}

func TestSAMLConfigRoundTrip(t *testing.T) {
	p := storedIdP(redacted34)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"sign_request":false`) {
		t.Errorf("explicit sign_request=false not sent: %s", b)
	}
	var back IdentityProvider
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip:\n got %#v\nwant %#v", back, p)
	}
}

func TestExtraKeys(t *testing.T) {
	c := IdentityProviderConfig{IssuerURL: "https://i", Extra: map[string]json.RawMessage{
		"issuer_url": json.RawMessage(`"ignored: the typed field owns it"`),
		"b":          json.RawMessage(` 2 `),
		"a":          json.RawMessage(`{"x":1}`),
	}}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"issuer_url":"https://i","a":{"x":1},"b":2}` {
		t.Errorf("got %s", b)
	}
	b, err = json.Marshal(IdentityProviderConfig{Extra: map[string]json.RawMessage{"a": json.RawMessage(`1`)}})
	if err != nil || string(b) != `{"a":1}` {
		t.Errorf("empty typed part: %s, %v", b, err)
	}
	if _, err := json.Marshal(IdentityProviderConfig{Extra: map[string]json.RawMessage{"a": json.RawMessage(`{nope`)}}); err == nil {
		t.Error("invalid extra JSON accepted")
	}
}

// The keys each type keeps out of Extra are exactly the keys encoding/json writes for its typed fields
// (and group_member_deprovision, read and dropped).
func TestKnownKeysAreTheEncodedKeys(t *testing.T) {
	for _, tc := range []struct {
		value any // a wire alias, every field set
		known map[string]bool
		more  []string
	}{
		{filled[identityProviderWire](), identityProviderKeys, nil},
		{filled[identityProviderConfigWire](), identityProviderConfigKeys, nil},
		{filled[scimConfigWire](), scimConfigKeys, []string{"group_member_deprovision"}},
	} {
		b, err := json.Marshal(tc.value)
		if err != nil {
			t.Fatal(err)
		}
		var encoded map[string]json.RawMessage
		if err := json.Unmarshal(b, &encoded); err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{}
		for k := range encoded {
			want[k] = true
		}
		for _, k := range tc.more {
			want[k] = true
		}
		if !reflect.DeepEqual(tc.known, want) {
			t.Errorf("%T: known keys %v, encoding/json writes %v", tc.value, tc.known, want)
		}
	}
}

// filled returns a T whose every exported field holds a value that is not zero.
func filled[T any]() *T {
	v := new(T)
	var fill func(reflect.Value)
	fill = func(v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			v.SetString("x")
		case reflect.Bool:
			v.SetBool(true)
		case reflect.Int:
			v.SetInt(1)
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem())
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0))
		case reflect.Struct:
			for i := range v.NumField() {
				if v.Type().Field(i).IsExported() {
					fill(v.Field(i))
				}
			}
		}
	}
	fill(reflect.ValueOf(v).Elem())
	return v
}

func TestSecretAvailable(t *testing.T) {
	for secret, want := range map[string]bool{
		"":              false,
		redacted34:      false,
		"abc*def":       false,
		"*":             false,
		testSecret:      true,
		"plain-secret1": true,
	} {
		if got := (SCIMConfig{Secret: secret}).SecretAvailable(); got != want {
			t.Errorf("SecretAvailable(%q) = %t, want %t", secret, got, want)
		}
	}
	var null SCIMConfig
	if err := json.Unmarshal([]byte(`{"secret":null}`), &null); err != nil || null.SecretAvailable() {
		t.Errorf("null secret: %v, %t", err, null.SecretAvailable())
	}
}

func TestSCIMConfigFormattingHidesTheSecret(t *testing.T) {
	p := storedIdP(testSecret)
	for _, s := range []string{fmt.Sprint(p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), fmt.Sprint(p.SCIMConfig), fmt.Sprintf("%v", *p.SCIMConfig)} {
		if strings.Contains(s, testSecret) {
			t.Errorf("formatted value leaks the secret: %s", s)
		}
	}
}

// A SAML config does not grow the OAuth keys, nor an OAuth config the SAML ones.
func TestConfigsKeepToTheirKeys(t *testing.T) {
	b, err := json.Marshal(storedIdP(redacted34).Config)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]any
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	saml := map[string]bool{"issuer_url": true, "sso_target_url": true, "idp_public_certs": true, "attributes": true,
		"email_attribute_name": true, "header_attributes": true, "sign_request": true, "redirect_url": true}
	for k := range keys {
		if !saml[k] {
			t.Errorf("a SAML config sends %q: %s", k, b)
		}
	}
	f := false
	b, err = json.Marshal(IdentityProviderConfig{ClientID: "id", DirectoryID: "d", SupportGroups: &f, Prompt: PromptLogin})
	if err != nil || string(b) != `{"client_id":"id","directory_id":"d","support_groups":false,"prompt":"login"}` {
		t.Errorf("azureAD config: %s, %v", b, err)
	}
}

// The client secret is write-only: a read never brings one back to send, an empty one is not sent, and
// one that looks redacted is refused rather than sent.
func TestClientSecretIsSentOnlyWhenSet(t *testing.T) {
	for _, read := range []string{`{"client_id":"abc"}`, `{"client_id":"abc","client_secret":null}`,
		`{"client_id":"abc","client_secret":"` + redacted34 + `"}`, `{"client_id":"abc","client_secret":""}`} {
		var c IdentityProviderConfig
		if err := json.Unmarshal([]byte(read), &c); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(c)
		if err != nil || string(b) != `{"client_id":"abc"}` {
			t.Errorf("read %s, sent %s (%v)", read, b, err)
		}
	}
	b, err := json.Marshal(IdentityProviderConfig{ClientID: "abc", ClientSecret: "n3w"})
	if err != nil || string(b) != `{"client_id":"abc","client_secret":"n3w"}` {
		t.Errorf("a set secret: %s, %v", b, err)
	}
	for _, secret := range []string{redacted34, "abc*def"} {
		_, err := json.Marshal(IdentityProvider{Name: "x", Type: "oidc", Config: IdentityProviderConfig{ClientSecret: secret}})
		if !errors.Is(err, ErrRedactedSecret) {
			t.Errorf("%q: %v", secret, err)
		}
	}
}

func TestConfigFormattingHidesTheClientSecret(t *testing.T) {
	const secret = "client-s3cret-value"
	p := IdentityProvider{Name: "x", Type: "oidc", Config: IdentityProviderConfig{ClientID: "abc", ClientSecret: secret}}
	for _, s := range []string{fmt.Sprint(p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), fmt.Sprint(p.Config), fmt.Sprintf("%v", &p.Config)} {
		if strings.Contains(s, secret) || !strings.Contains(s, "abc") {
			t.Errorf("formatted value leaks the secret or hides the rest: %s", s)
		}
	}
}
