package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// listFixture is an account as a dashboard user leaves it: four SAML login methods (one with SCIM on,
// one with SCIM switched on once and off again), two of other types, a read-only one, and a SAML login
// method in a zone.
type listFixture struct {
	emu                               *emulator.TestServer
	eu, us, okta, old, zoned          emulator.IdP
	oktaCert                          testCert
	saml, jumpCloud, scimOn, everSCIM []string // IDs, in the API's order
}

func newListFixture(t *testing.T) *listFixture {
	t.Helper()
	f := &listFixture{emu: emulator.NewTestServer(t, emulator.Options{}), oktaCert: validCert(t)}
	account := f.emu.AccountScope()
	cert := validCert(t)
	saml := func(name string) emulator.IdP {
		return emulator.IdP{Name: name, Type: "saml", Config: emulator.Config{IssuerURL: "https://idp.example.com/" + name,
			SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{cert.PEM}}}
	}
	seed := func(scope emulator.Scope, p emulator.IdP) emulator.IdP {
		t.Helper()
		idp, err := f.emu.Seed(scope, p)
		if err != nil {
			t.Fatal(err)
		}
		return idp
	}
	eu := saml("JumpCloud EU")
	eu.SCIMConfig = emulator.SCIMConfig{Enabled: true, UserDeprovision: true, SeatDeprovision: true, IdentityUpdateBehavior: "reauth"}
	f.eu = seed(account, eu)
	f.us = seed(account, saml("JumpCloud US"))
	seed(account, emulator.IdP{Name: "Okta OIDC", Type: "oidc", Config: emulator.Config{Other: map[string]any{"client_id": "abc"}}})
	sign := true
	f.okta = seed(account, emulator.IdP{Name: "Okta", Type: "saml", Config: emulator.Config{
		IssuerURL: "http://www.okta.com/exk7r0qrje5hFQlkk2p7", SSOTargetURL: "https://example.okta.com/app/sso/saml",
		IdPPublicCerts: []string{f.oktaCert.Base64}, // as pasted in the dashboard
		Attributes:     []string{"email", "groups"}, EmailAttributeName: "email", SignRequest: &sign,
		// One attribute as two headers: the current one and a legacy one.
		HeaderAttributes: []emulator.HeaderAttribute{{AttributeName: "groups", HeaderName: "Cf-Access-Groups"}, {AttributeName: "groups", HeaderName: "X-Groups"}},
	}})
	seed(account, emulator.IdP{Name: "GitHub", Type: "github", Config: emulator.Config{Other: map[string]any{"client_id": "gh"}}})
	locked := saml("Managed by Cloudflare")
	locked.ReadOnly = true
	seed(account, locked)
	f.old = seed(account, saml("JumpCloud old"))
	for _, on := range []bool{true, false} {
		if err := f.emu.Mutate(account, f.old.ID, func(p *emulator.IdP) { p.SCIMConfig.Enabled = on }); err != nil {
			t.Fatal(err)
		}
	}
	f.zoned = seed(f.emu.ZoneScope(), saml("JumpCloud zone"))

	f.saml = []string{f.eu.ID, f.us.ID, f.okta.ID, f.old.ID}
	f.jumpCloud = []string{f.eu.ID, f.us.ID, f.old.ID}
	f.scimOn = []string{f.eu.ID}
	f.everSCIM = []string{f.eu.ID, f.old.ID}
	return f
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

func boolean(b bool) tftypes.Value { return tftypes.NewValue(tftypes.Bool, b) }

// ids returns the login method IDs of a listing's identities, and checks each identity's scope.
func (l listOutcome) ids(t *testing.T, account, zone string) []string {
	t.Helper()
	var ids []string
	for _, r := range l.results {
		var id string
		if err := r.identity["id"].As(&id); err != nil {
			t.Fatal(err)
		}
		wantAccount, wantZone := tftypes.NewValue(tftypes.String, nil), tftypes.NewValue(tftypes.String, nil)
		if account != "" {
			wantAccount = str(account)
		} else {
			wantZone = str(zone)
		}
		if !r.identity["account_id"].Equal(wantAccount) || !r.identity["zone_id"].Equal(wantZone) {
			t.Errorf("login method %s has the identity %v, want account %q, zone %q", id, r.identity, account, zone)
		}
		ids = append(ids, id)
	}
	return ids
}

// summaries returns "severity: summary: detail" of each diagnostic.
func (l listOutcome) summaries() []string {
	var out []string
	for _, d := range l.diags {
		sev := "warning"
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			sev = "error"
		}
		out = append(out, sev+": "+d.Summary+": "+strings.Join(strings.Fields(d.Detail), " "))
	}
	return out
}

// The list resources select by name, pattern, SCIM state and scope, count in one warning what they must
// leave out, warn when the limit cuts the list, and do all of it from one list request per scope.
func TestLoginMethodList_selectsAndWarns(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	p := protocol(t, f.emu)
	f.emu.ResetCounts()
	account := f.emu.AccountID
	const leftOut = `warning: Login Methods Left Out: 3 more login methods in account ` + emulator.TestAccountID +
		` match, but zerotrust_saml_login_method cannot manage them, so they are not listed: 1 of type "github", 1 of type "oidc" and 1 read-only SAML (marked read_only by Cloudflare). Manage them with the official Cloudflare provider.`

	for _, tc := range []struct {
		name     string
		typeName string
		config   map[string]tftypes.Value
		limit    int64
		want     []string
		zone     bool
		diags    []string
	}{
		{name: "every SAML login method", typeName: samlLoginMethodType, want: f.saml, diags: []string{leftOut}},
		{name: "a name pattern", typeName: samlLoginMethodType, config: map[string]tftypes.Value{"name_regex": str("^JumpCloud")}, want: f.jumpCloud},
		{name: "a pattern that matches others too", typeName: samlLoginMethodType, config: map[string]tftypes.Value{"name_regex": str("(?i)okta")},
			want: []string{f.okta.ID}, diags: []string{`warning: Login Methods Left Out: 1 more login method in account ` + emulator.TestAccountID +
				` matches, but zerotrust_saml_login_method cannot manage it, so it is not listed: 1 of type "oidc". Manage it with the official Cloudflare provider.`}},
		{name: "a name", typeName: samlLoginMethodType, config: map[string]tftypes.Value{"name": str("JumpCloud US")}, want: []string{f.us.ID}},
		{name: "SCIM on", typeName: samlLoginMethodType, config: map[string]tftypes.Value{"scim_enabled": boolean(true)}, want: f.scimOn},
		{name: "SCIM on, with a name pattern", typeName: samlLoginMethodType,
			config: map[string]tftypes.Value{"scim_enabled": boolean(true), "name_regex": str("US$")}},
		{name: "a zone", typeName: samlLoginMethodType, config: map[string]tftypes.Value{"zone_id": str(f.emu.ZoneID)}, want: []string{f.zoned.ID}, zone: true},
		{name: "another account", typeName: samlLoginMethodType, config: map[string]tftypes.Value{"account_id": str(account)}, want: f.saml, diags: []string{leftOut}},
		{name: "beyond the limit", typeName: samlLoginMethodType, limit: 2, want: f.saml[:2], diags: []string{leftOut,
			"warning: More Login Methods Than the Limit: 4 login methods of account " + emulator.TestAccountID + " match, and the list " +
				"block's limit returns the first 2. Set limit = 4 (or more) in the list block to list them all."}},
		{name: "SCIM configs: SCIM on once", typeName: scimConfigType, want: f.everSCIM},
		{name: "SCIM configs: SCIM on now", typeName: scimConfigType, config: map[string]tftypes.Value{"scim_enabled": boolean(true)}, want: f.scimOn},
		{name: "SCIM configs: a name", typeName: scimConfigType, config: map[string]tftypes.Value{"name": str("JumpCloud US")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := p.list(tc.typeName, tc.config, false, tc.limit)
			wantAccount, wantZone := account, ""
			if tc.zone {
				wantAccount, wantZone = "", f.emu.ZoneID
			}
			if got := out.ids(t, wantAccount, wantZone); !slices.Equal(got, tc.want) {
				t.Errorf("listed %v, want %v", got, tc.want)
			}
			if got := out.summaries(); !slices.Equal(got, tc.diags) {
				t.Errorf("diagnostics\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.diags, "\n"))
			}
			for _, r := range out.results {
				if r.resource != nil {
					t.Errorf("%s: a resource object without include_resource", r.name)
				}
			}
		})
	}
	if c := f.emu.RequestCounts(); c["GET /accounts/{account_id}/access/identity_providers"] != 1 ||
		c["GET /zones/{zone_id}/access/identity_providers"] != 1 || len(nonZero(c)) != 2 {
		t.Errorf("twelve listings sent %v, want one list of the account and one of the zone", nonZero(c))
	}
}

func nonZero(c map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range c {
		if v > 0 {
			out[k] = v
		}
	}
	return out
}

// A pattern that is no regular expression is an error on name_regex; nothing is listed.
func TestLoginMethodList_badPattern(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	out := protocol(t, f.emu).list(samlLoginMethodType, map[string]tftypes.Value{"name_regex": str("^Jump(")}, false, 0)
	if len(out.results) != 0 || len(out.diags) != 1 || out.diags[0].Severity != tfprotov6.DiagnosticSeverityError ||
		!strings.Contains(out.diags[0].Detail, "missing closing )") || out.diags[0].Attribute.String() != tftypes.NewAttributePath().WithAttributeName("name_regex").String() {
		t.Errorf("listing with a broken pattern: %d results, %v", len(out.results), out.summaries())
	}
}

// With include_resource, each result is exactly what importing the login method (or its SCIM config) and
// reading it yields, so the configuration -generate-config-out writes from it plans no change; the
// display name is the login method's name.
func TestLoginMethodList_resourceIsWhatAnImportReads(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	p := protocol(t, f.emu)
	for _, tc := range []struct {
		typeName string
		config   map[string]tftypes.Value
		want     []string
	}{
		{samlLoginMethodType, nil, f.saml},
		{samlLoginMethodType, map[string]tftypes.Value{"zone_id": str(f.emu.ZoneID)}, []string{f.zoned.ID}},
		{scimConfigType, nil, f.everSCIM},
	} {
		out := p.list(tc.typeName, tc.config, true, 0)
		if len(out.results) != len(tc.want) {
			t.Fatalf("%s %v: %d results, want %d", tc.typeName, tc.config, len(out.results), len(tc.want))
		}
		for i, r := range out.results {
			id := tc.want[i]
			prefix := "accounts/" + f.emu.AccountID + "/"
			if tc.config != nil {
				prefix = "zones/" + f.emu.ZoneID + "/"
			}
			imported, identity := p.importAndRead(tc.typeName, prefix+id)
			resType := p.schema.ResourceSchemas[tc.typeName].ValueType()
			if got, want := tftypes.NewValue(resType, r.resource), tftypes.NewValue(resType, imported); !got.Equal(want) {
				t.Errorf("%s %s: listed\n%s\nan import reads\n%s", tc.typeName, id, got, want)
			}
			if got, want := tftypes.NewValue(p.identityType(tc.typeName), r.identity), tftypes.NewValue(p.identityType(tc.typeName), identity); !got.Equal(want) {
				t.Errorf("%s %s: listed identity %s, an import gives %s", tc.typeName, id, got, want)
			}
			// The SCIM config has no name: its display name is the login method's too.
			if idp, _ := f.emu.Get(scopeOf(f, id), id); r.name != idp.Name {
				t.Errorf("%s %s: display name %q, want %q", tc.typeName, id, r.name, idp.Name)
			}
		}
	}
	// What the Okta login method's result holds, spelled out: the explicit values the generated
	// configuration needs, the certificate pasted as bare base64 in canonical PEM, no metadata, no secret.
	okta := p.list(samlLoginMethodType, map[string]tftypes.Value{"name": str("Okta")}, true, 0).results[0].resource
	for attr, want := range map[string]tftypes.Value{
		"issuer_url": str("http://www.okta.com/exk7r0qrje5hFQlkk2p7"), "sso_target_url": str("https://example.okta.com/app/sso/saml"),
		"idp_public_cert": str(f.oktaCert.PEM), "email_attribute_name": str("email"), "sign_request": boolean(true),
		"allow_http": boolean(false), "metadata_xml": tftypes.NewValue(tftypes.String, nil), "zone_id": tftypes.NewValue(tftypes.String, nil),
		"header_attributes": headerPairsValue("groups", "Cf-Access-Groups", "groups", "X-Groups"),
	} {
		if !okta[attr].Equal(want) {
			t.Errorf("the Okta result's %s is %s, want %s", attr, okta[attr], want)
		}
	}
	eu := p.list(scimConfigType, map[string]tftypes.Value{"scim_enabled": boolean(true)}, true, 0).results[0].resource
	for attr, want := range map[string]tftypes.Value{
		"login_method_id": str(f.eu.ID), "enabled": boolean(true), "user_deprovision": boolean(true), "seat_deprovision": boolean(true),
		"identity_update_behavior": str("reauth"), "secret": tftypes.NewValue(tftypes.String, nil),
		"secret_version": tftypes.NewValue(tftypes.Number, nil),
	} {
		if !eu[attr].Equal(want) {
			t.Errorf("the JumpCloud EU SCIM result's %s is %s, want %s", attr, eu[attr], want)
		}
	}
}

func scopeOf(f *listFixture, id string) emulator.Scope {
	if id == f.zoned.ID {
		return f.emu.ZoneScope()
	}
	return f.emu.AccountScope()
}

// importAndRead imports a resource by ID and refreshes it, as `terraform plan` with an import block does,
// and returns the state and identity the read gives.
func (p *protoServer) importAndRead(typeName, id string) (state, identity map[string]tftypes.Value) {
	p.t.Helper()
	ctx := context.Background()
	imp, err := p.srv.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: typeName, ID: id})
	if err != nil || len(imp.ImportedResources) != 1 || hasError(imp.Diagnostics) {
		p.t.Fatalf("importing %s %s: %v %v", typeName, id, err, imp.Diagnostics)
	}
	got := imp.ImportedResources[0]
	read, err := p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: got.State,
		CurrentIdentity: got.Identity, Private: got.Private})
	if err != nil || hasError(read.Diagnostics) {
		p.t.Fatalf("reading %s %s: %v %v", typeName, id, err, read.Diagnostics)
	}
	return p.attributes(p.schema.ResourceSchemas[typeName].ValueType(), read.NewState),
		p.attributes(p.identityType(typeName), read.NewIdentity.IdentityData)
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	return slices.ContainsFunc(diags, func(d *tfprotov6.Diagnostic) bool { return d.Severity == tfprotov6.DiagnosticSeverityError })
}

// BenchmarkListLoginMethods lists an account of 500 SAML login methods and 20 of other types with
// include_resource, as `terraform query -generate-config-out` does, through the provider's protocol
// server against the emulator. It reports the list requests per listing (target: 1 per 1,000 login
// methods) and checks every result and the warning about the 20.
func BenchmarkListLoginMethods(b *testing.B) {
	emu := emulator.NewTestServer(b, emulator.Options{})
	cert := newTestCert(b, "Bench", time.Now().Add(-time.Hour), time.Now().AddDate(5, 0, 0))
	for i := range 520 {
		p := emulator.IdP{Name: fmt.Sprintf("JumpCloud %03d", i), Type: "saml", Config: emulator.Config{
			IssuerURL: fmt.Sprintf("https://sso.jumpcloud.example/%03d", i), SSOTargetURL: "https://sso.jumpcloud.example/saml2/x",
			IdPPublicCerts: []string{cert.Base64}, Attributes: []string{"email", "groups"}}}
		if i%26 == 25 { // 20 of 520
			p = emulator.IdP{Name: fmt.Sprintf("Okta OIDC %03d", i), Type: "oidc", Config: emulator.Config{Other: map[string]any{"client_id": "x"}}}
		}
		if _, err := emu.Seed(emu.AccountScope(), p); err != nil {
			b.Fatal(err)
		}
	}
	lists := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		p := protocol(b, emu) // a new provider process: nothing kept from the last listing
		emu.ResetCounts()
		b.StartTimer()
		out := p.list(samlLoginMethodType, nil, true, 1000)
		b.StopTimer()
		lists += emu.RequestCounts()["GET /accounts/{account_id}/access/identity_providers"]
		if len(out.results) != 500 || len(out.diags) != 1 || !strings.Contains(out.diags[0].Detail, `20 of type "oidc"`) {
			b.Fatalf("%d results, diagnostics %v", len(out.results), out.summaries())
		}
		for _, r := range out.results {
			if r.resource == nil || r.resource["idp_public_cert"].IsNull() {
				b.Fatalf("%s: no resource object", r.name)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(lists)/float64(b.N), "list-requests/op")
}

// A list block's config is validated like a resource's: account_id and zone_id conflict, and a broken
// pattern fails `terraform validate -query` on name_regex.
func TestLoginMethodList_validation(t *testing.T) {
	t.Parallel()
	f := newListFixture(t)
	p := protocol(t, f.emu)
	for _, tc := range []struct {
		config map[string]tftypes.Value
		want   string
	}{
		{map[string]tftypes.Value{"account_id": str(f.emu.AccountID), "zone_id": str(f.emu.ZoneID)}, "Invalid Attribute Combination"},
		{map[string]tftypes.Value{"name_regex": str("(")}, "Invalid Regular Expression"},
		{map[string]tftypes.Value{"name_regex": str("^JumpCloud"), "scim_enabled": boolean(false)}, ""},
	} {
		for _, typeName := range []string{samlLoginMethodType, scimConfigType} {
			resp, err := p.srv.ValidateListResourceConfig(context.Background(), &tfprotov6.ValidateListResourceConfigRequest{
				TypeName: typeName, Config: p.value(p.schema.ListResourceSchemas[typeName].ValueType(), tc.config)})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range resp.Diagnostics {
				got = append(got, d.Summary)
			}
			if strings.Join(got, "; ") != tc.want {
				t.Errorf("%s %v: diagnostics %q, want %q", typeName, tc.config, got, tc.want)
			}
		}
	}
}
