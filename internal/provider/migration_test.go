package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestSAMLLoginMethod_migrationFromCloudflareProvider follows the migration guide
// (templates/guides/migrate-from-cloudflare.md.tmpl): a SAML identity provider created the way the official
// Cloudflare provider creates it, adopted with an import block in the official ID format and described by
// the IdP's metadata, plans an import whose only change is metadata_xml entering state, applies without a
// single API write, and then plans clean; the login method, SCIM settings included, is untouched.
func TestSAMLLoginMethod_migrationFromCloudflareProvider(t *testing.T) {
	t.Parallel()
	for name, certField := range map[string]func(testCert) any{
		// v5 sends idp_public_certs, a list of what the user wrote: here PEM from a file.
		"v5 idp_public_certs PEM": func(c testCert) any { return map[string]any{"idp_public_certs": []string{c.PEM}} },
		// v4 sends the legacy idp_public_cert, bare base64 with line breaks as in Cloudflare's JumpCloud example.
		"v4 idp_public_cert base64": func(c testCert) any {
			return map[string]any{"idp_public_cert": strings.TrimSpace(regexp.MustCompile(`.{1,76}`).ReplaceAllString(c.Base64, "$0\n"))}
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newTestEnv(t)
			cert := validCert(t)
			ssoURL := "https://sso.jumpcloud.com/saml2/cloudflare"
			config := map[string]any{
				"issuer_url":           "JumpCloud",
				"sso_target_url":       ssoURL,
				"attributes":           []string{"email", "groups"},
				"email_attribute_name": "email",
				"sign_request":         false,
				"header_attributes": []map[string]string{
					{"attribute_name": "groups", "header_name": "Cf-Access-Groups"},
					{"attribute_name": "groups", "header_name": "X-Groups"},
				},
			}
			for k, v := range certField(cert).(map[string]any) {
				config[k] = v
			}
			id := createLikeOfficialProvider(t, e, map[string]any{
				"name": "JumpCloud", "type": "saml", "config": config,
				"scim_config": map[string]any{"enabled": true, "user_deprovision": true, "seat_deprovision": true, "identity_update_behavior": "automatic"},
			})
			before := e.onlyLoginMethod()

			// The guide's configuration: examples/guides/migrate-from-cloudflare/main.tf with this test's IDs.
			cfg := e.provider() + `
import {
  to = zerotrust_saml_login_method.jumpcloud
  id = "accounts/` + e.emu.AccountID + `/` + id + `"
}

resource "zerotrust_saml_login_method" "jumpcloud" {
  name                 = "JumpCloud"
  metadata_xml         = ` + hclString(jumpCloudMetadata("JumpCloud", ssoURL, cert)) + `
  attributes           = ["email", "groups"]
  email_attribute_name = "email"
  sign_request         = false
  header_attributes = [
    { attribute_name = "groups", header_name = "Cf-Access-Groups" },
    { attribute_name = "groups", header_name = "X-Groups" }, # the header an older origin still reads
  ]
}
`
			onlyReads := e.onlyReadsSince("the migration")
			cliTest(t, resource.TestCase{
				ProtoV6ProviderFactories: e.factories(),
				Steps: []resource.TestStep{
					{
						PreConfig: e.emu.ResetCounts,
						Config:    cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{expectOnlyChanged(loginMethodAddr, "metadata_xml")},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
							statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("account_id"), knownvalue.StringExact(e.emu.AccountID)),
							statecheck.ExpectKnownValue(loginMethodAddr, tfjsonpath.New("issuer_url"), knownvalue.StringExact("JumpCloud")),
						},
						Check: onlyReads,
					},
					{
						// Plans clean afterwards, import block still in place (the test framework fails a non-empty plan).
						PreConfig: e.emu.ResetCounts,
						Config:    cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeTestCheckFunc(onlyReads, func(*terraform.State) error {
							if after := e.onlyLoginMethod(); !reflect.DeepEqual(after, before) {
								return fmt.Errorf("the login method changed:\nbefore %+v\nafter  %+v", before, after)
							}
							return nil
						}),
					},
				},
			})
		})
	}
}

// expectOnlyChanged passes when addr is planned as an import with an in-place update of nothing but the
// named attributes: settings that exist only in Terraform (metadata_xml) and are new in state, never in
// the API.
func expectOnlyChanged(addr string, attrs ...string) plancheck.PlanCheck {
	return onlyChanged{addr, attrs}
}

type onlyChanged struct {
	addr  string
	attrs []string
}

func (c onlyChanged) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		if rc.Change.Importing == nil {
			resp.Error = fmt.Errorf("%s is not planned as an import", c.addr)
			return
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		var changed []string
		for k, v := range after {
			if !reflect.DeepEqual(before[k], v) {
				changed = append(changed, k)
			}
		}
		for k := range before {
			if _, ok := after[k]; !ok {
				changed = append(changed, k)
			}
		}
		slices.Sort(changed)
		if !slices.Equal(changed, c.attrs) {
			resp.Error = fmt.Errorf("%s: the import plans changes to %v, want only %v", c.addr, changed, c.attrs)
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

// createLikeOfficialProvider POSTs an identity provider the way the official Cloudflare provider does,
// through the API (not the emulator's seeding), and returns its ID.
func createLikeOfficialProvider(t *testing.T, e *testEnv, body map[string]any) string {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, e.emu.APIBaseURL()+"/accounts/"+e.emu.AccountID+"/access/identity_providers", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.emu.WriteToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Success bool            `json:"success"`
		Errors  json.RawMessage `json:"errors"`
		Result  struct {
			ID string `json:"id"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusCreated || !env.Success || env.Result.ID == "" {
		t.Fatalf("creating the identity provider: %s, errors %s", resp.Status, env.Errors)
	}
	return env.Result.ID
}
