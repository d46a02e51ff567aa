package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// echoRule says when a field is in a response: the last column of the table "Which fields a response
// carries" in CONTRACT.md, which this file reads so that the document and the emulator cannot disagree.
type echoRule string

const (
	echoAlways    echoRule = "always"
	echoIfSet     echoRule = "if set"
	echoIfTrue    echoRule = "if true"
	echoAfterSCIM echoRule = "after SCIM"
	echoNever     echoRule = "never"
)

// echoRules reads the table from CONTRACT.md: field path ("config.sign_request") → rule.
func echoRules(t testing.TB) map[string]echoRule {
	t.Helper()
	raw, err := os.ReadFile("CONTRACT.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "### Which fields a response carries")
	if !ok {
		t.Fatal(`CONTRACT.md has no section "Which fields a response carries"`)
	}
	section, _, _ = strings.Cut(section, "\n#")
	row := regexp.MustCompile("^\\| `([a-z_.]+)` \\|.*\\| `([a-zA-Z ]+)`")
	rules := map[string]echoRule{}
	for _, line := range strings.Split(section, "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		switch r := echoRule(m[2]); r {
		case echoAlways, echoIfSet, echoIfTrue, echoAfterSCIM, echoNever:
			rules[m[1]] = r
		default:
			t.Fatalf("CONTRACT.md: %s has the unknown rule %q", m[1], r)
		}
	}
	if len(rules) < 20 {
		t.Fatalf("CONTRACT.md: read only %d rows of the table", len(rules))
	}
	return rules
}

// echoCase is what a response is checked against: the body the client last wrote, and the facts of the
// IdP that decide the other rules.
type echoCase struct {
	sent     map[string]any // the POST or PUT body that set the IdP's fields
	readOnly bool
	scimOn   bool // SCIM has been enabled at some time
}

// checkEcho returns every way result breaks the rules. Only the top level and the config and scim_config
// objects are walked: the table names fields down to that depth.
func checkEcho(rules map[string]echoRule, c echoCase, result map[string]any) []string {
	var problems []string
	got := flatten(result)
	sent := flatten(c.sent)
	for path, rule := range rules {
		v, present := got[path]
		var want bool
		switch rule {
		case echoAlways:
			want = true
		case echoNever:
			want = false
		case echoIfTrue:
			want = c.readOnly
			if present && v != true {
				problems = append(problems, fmt.Sprintf("%s = %v, want true or absent", path, v))
			}
		case echoAfterSCIM:
			want = c.scimOn
		case echoIfSet:
			_, want = sent[path]
			if path == "config.idp_public_certs" {
				_, legacy := sent["config.idp_public_cert"]
				want = want || legacy
			}
		}
		if present != want {
			problems = append(problems, fmt.Sprintf("%s (%s): present = %v, want %v", path, rule, present, want))
		}
	}
	for path := range got {
		if _, ok := rules[path]; !ok {
			problems = append(problems, fmt.Sprintf("%s is not in CONTRACT.md's table", path))
		}
	}
	sort.Strings(problems)
	return problems
}

// flatten maps the top-level keys of m, and those of its config and scim_config objects, by path.
func flatten(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
		if obj, ok := v.(map[string]any); ok && (k == "config" || k == "scim_config") {
			for k2, v2 := range obj {
				out[k+"."+k2] = v2
			}
		}
	}
	return out
}

func resultObject(t testing.TB, r testResp) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.env.Result, &m); err != nil {
		t.Fatalf("decoding %s: %v", r.env.Result, err)
	}
	return m
}

func resultList(t testing.TB, r testResp) []map[string]any {
	t.Helper()
	var l []map[string]any
	if err := json.Unmarshal(r.env.Result, &l); err != nil {
		t.Fatalf("decoding %s: %v", r.env.Result, err)
	}
	return l
}

// minimalSAML sets only what a SAML IdP requires.
func minimalSAML(name string) map[string]any {
	return map[string]any{"name": name, "type": "saml", "config": map[string]any{
		"issuer_url": "https://idp.example.com/entity", "sso_target_url": "https://idp.example.com/sso",
		"idp_public_certs": []string{testCert},
	}}
}

// fullSAML sets every field a client can write, with the values that tell "set" from "unset" apart:
// false, [] and the legacy certificate field.
func fullSAML(name string) map[string]any {
	return map[string]any{"name": name, "type": "saml",
		"config": map[string]any{
			"issuer_url": "https://idp.example.com/entity", "sso_target_url": "https://idp.example.com/sso",
			"idp_public_cert": testCert, "sign_request": false, "attributes": []string{},
			"email_attribute_name": "mail", "header_attributes": []any{},
		},
		"scim_config": map[string]any{"enabled": true, "user_deprovision": true, "seat_deprovision": true,
			"identity_update_behavior": "reauth", "group_member_deprovision": true},
	}
}

// echoRun checks the responses of one emulator against the table.
type echoRun struct {
	t     *testing.T
	rules map[string]echoRule
	c     apiCall
	base  string
}

func newEchoRun(t *testing.T) (echoRun, *TestServer) {
	ts, _ := newContractServer(t, Options{})
	return echoRun{t: t, rules: echoRules(t), c: ts.client(t, ts.WriteToken), base: idpsPath(ts.AccountScope())}, ts
}

func (e echoRun) check(step string, ec echoCase, result map[string]any) {
	e.t.Helper()
	for _, p := range checkEcho(e.rules, ec, result) {
		e.t.Errorf("%s: %s", step, p)
	}
}

// write sends body and checks the answer; it returns the IdP's ID.
func (e echoRun) write(step, method, path string, status int, ec echoCase) string {
	e.t.Helper()
	result := resultObject(e.t, e.c.do(method, path, ec.sent).want(e.t, status))
	e.check(step, ec, result)
	id, _ := result["id"].(string)
	return id
}

// reads checks the IdP's GET and its item in the list.
func (e echoRun) reads(step string, ec echoCase, id string) {
	e.t.Helper()
	e.check(step+": GET", ec, resultObject(e.t, e.c.do("GET", e.base+"/"+id, nil).want(e.t, http.StatusOK)))
	found := false
	for _, item := range resultList(e.t, e.c.do("GET", e.base+"?per_page=1000", nil).want(e.t, http.StatusOK)) {
		if item["id"] == id {
			found = true
			e.check(step+": list", ec, item)
		}
	}
	if !found {
		e.t.Errorf("%s: %s not listed", step, id)
	}
}

// life checks every response of one IdP's life: create minimal, replace with everything (SCIM on), replace
// with the minimum again, and a create with everything.
func (e echoRun) life(minimal, full, back map[string]any) {
	e.t.Helper()
	id := e.write("POST minimal", "POST", e.base, http.StatusCreated, echoCase{sent: minimal})
	e.reads("minimal", echoCase{sent: minimal}, id)
	e.write("PUT full", "PUT", e.base+"/"+id, http.StatusOK, echoCase{sent: full, scimOn: true})
	e.reads("full", echoCase{sent: full, scimOn: true}, id)
	// A full replace clears what it does not send; SCIM stays known.
	e.write("PUT minimal", "PUT", e.base+"/"+id, http.StatusOK, echoCase{sent: back, scimOn: true})
	e.reads("minimal again", echoCase{sent: back, scimOn: true}, id)
	e.write("POST full", "POST", e.base, http.StatusCreated, echoCase{sent: full, scimOn: true})
}

// The emulator echoes what Cloudflare echoes: Computed fields always, Optional-only fields only when the
// client set them (CONTRACT.md). Every response of a SAML IdP's life is checked: create, read, list and
// replace, from a minimal body to a full one and back, and a read-only IdP.
func TestResponsesEchoOnlyWhatCloudflareEchoes(t *testing.T) {
	e, ts := newEchoRun(t)
	e.life(minimalSAML("minimal"), fullSAML("full"), minimalSAML("minimal again"))
	seeded, err := ts.Seed(ts.AccountScope(), IdP{Name: "Managed", Type: "saml", ReadOnly: true, Config: Config{
		IssuerURL: "https://idp.example.com/entity", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{testCert},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.reads("read-only", echoCase{sent: minimalSAML("Managed"), readOnly: true}, seeded.ID)
}

// The same for oidc, okta and azureAD: their fields are echoed as sent, the client secret never; the
// replace back to the minimum sends no secret (the stored one stays).
func TestOAuthResponsesEchoOnlyWhatCloudflareEchoes(t *testing.T) {
	for _, typ := range oauthTypes {
		t.Run(typ, func(t *testing.T) {
			e, _ := newEchoRun(t)
			e.life(minimalOAuth(typ, "minimal", "s3cret"), fullOAuth(typ, "full", "s3cret"), minimalOAuth(typ, "minimal again", ""))
		})
	}
}

// The check above can fail: each way of breaking the table is reported.
func TestCheckEchoFindsEachBreak(t *testing.T) {
	rules := echoRules(t)
	sent := minimalSAML("x")
	good := map[string]any{"id": "i", "name": "x", "type": "saml",
		"config": map[string]any{"issuer_url": "u", "sso_target_url": "s", "idp_public_certs": []any{"c"}, "redirect_url": "r"},
		"scim_config": map[string]any{"enabled": false, "user_deprovision": false, "seat_deprovision": false,
			"identity_update_behavior": "no_action"},
	}
	if p := checkEcho(rules, echoCase{sent: sent}, good); len(p) != 0 {
		t.Fatalf("a faithful response was refused: %q", p)
	}
	for name, tc := range map[string]struct {
		ec     echoCase
		change func(m map[string]any)
	}{
		"read_only false on an ordinary IdP":  {echoCase{sent: sent}, func(m map[string]any) { m["read_only"] = false }},
		"read_only missing on a read-only":    {echoCase{sent: sent, readOnly: true}, func(map[string]any) {}},
		"sign_request echoed when never set":  {echoCase{sent: sent}, func(m map[string]any) { cfg(m)["sign_request"] = false }},
		"attributes echoed when never set":    {echoCase{sent: sent}, func(m map[string]any) { cfg(m)["attributes"] = []any{} }},
		"legacy certificate echoed":           {echoCase{sent: sent}, func(m map[string]any) { cfg(m)["idp_public_cert"] = "c" }},
		"a computed field missing":            {echoCase{sent: sent}, func(m map[string]any) { delete(cfg(m), "redirect_url") }},
		"scim_base_url before SCIM":           {echoCase{sent: sent}, func(m map[string]any) { scimObj(m)["scim_base_url"] = "u" }},
		"scim_base_url missing after SCIM":    {echoCase{sent: sent, scimOn: true}, func(m map[string]any) { scimObj(m)["secret"] = "***" }},
		"group_member_deprovision echoed":     {echoCase{sent: sent}, func(m map[string]any) { scimObj(m)["group_member_deprovision"] = true }},
		"a field the contract does not list":  {echoCase{sent: sent}, func(m map[string]any) { m["saml_certificate_set_id"] = "x" }},
		"client_secret echoed":                {echoCase{sent: sent}, func(m map[string]any) { cfg(m)["client_secret"] = "s" }},
		"email_attribute_name echoed unasked": {echoCase{sent: sent}, func(m map[string]any) { cfg(m)["email_attribute_name"] = "e" }},
	} {
		m := deepCopyMap(good)
		tc.change(m)
		if p := checkEcho(rules, tc.ec, m); len(p) == 0 {
			t.Errorf("%s: not reported", name)
		}
	}
}

func cfg(m map[string]any) map[string]any     { return m["config"].(map[string]any) }
func scimObj(m map[string]any) map[string]any { return m["scim_config"].(map[string]any) }
