package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

const scimConfigAddr = "zerotrust_scim_config.jumpcloud"

// scimTestConfig is a SAML login method and its SCIM config (scimBody inside the resource block), plus
// whatever extra HCL the step needs.
func scimTestConfig(e *testEnv, cert testCert, loginName, scimBody string, extra ...string) string {
	return explicitConfig(e, loginName, cert.PEM) + `
resource "zerotrust_scim_config" "jumpcloud" {
  login_method_id = zerotrust_saml_login_method.jumpcloud.id
` + scimBody + `
}
` + strings.Join(extra, "\n")
}

// zoneConfig is a zone-scoped SAML login method and its SCIM config (scimBody inside its block).
func zoneConfig(e *testEnv, cert testCert, scimBody string) string {
	return e.provider() + `
resource "zerotrust_saml_login_method" "jumpcloud" {
  zone_id         = "` + e.emu.ZoneID + `"
  name            = "JumpCloud"
  issuer_url      = "https://idp.example.com/metadata"
  sso_target_url  = "https://idp.example.com/sso"
  idp_public_cert = ` + hclString(cert.PEM) + `
}

resource "zerotrust_scim_config" "jumpcloud" {
  zone_id         = "` + e.emu.ZoneID + `"
  login_method_id = zerotrust_saml_login_method.jumpcloud.id
` + scimBody + `
}
`
}

// jumpCloud stands in for JumpCloud's SCIM client: it pushes users and groups to the SCIM endpoint
// the provider exposes, authenticated with the secret the provider captured.
type jumpCloud struct {
	baseURL, secret string
}

// jumpCloudFromState reads scim_base_url and secret of the SCIM config from Terraform state.
func jumpCloudFromState(s *terraform.State) (jumpCloud, error) {
	rs, ok := s.RootModule().Resources[scimConfigAddr]
	if !ok {
		return jumpCloud{}, fmt.Errorf("%s not in state", scimConfigAddr)
	}
	jc := jumpCloud{baseURL: rs.Primary.Attributes["scim_base_url"], secret: rs.Primary.Attributes["secret"]}
	if jc.baseURL == "" || jc.secret == "" {
		return jc, fmt.Errorf("%s has scim_base_url %q and a secret of %d characters", scimConfigAddr, jc.baseURL, len(jc.secret))
	}
	return jc, nil
}

// do sends one SCIM request and returns its status and decoded body.
func (jc jumpCloud) do(method, path string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, jc.baseURL+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+jc.secret)
	req.Header.Set("Content-Type", "application/scim+json")
	req.Header.Set("Accept", "application/scim+json")
	hc := &http.Client{Timeout: 10 * time.Second}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	var out map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			return resp.StatusCode, nil, fmt.Errorf("decoding %s %s: %w (%s)", method, path, err, raw)
		}
	}
	return resp.StatusCode, out, nil
}

// createUser pushes a user as JumpCloud does and returns its Cloudflare ID.
func (jc jumpCloud) createUser(userName, externalID, displayName string) (string, error) {
	status, out, err := jc.do(http.MethodPost, "/Users", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName":    userName,
		"externalId":  externalID,
		"displayName": displayName,
		"active":      true,
		"emails":      []map[string]any{{"value": userName, "type": "work", "primary": true}},
	})
	if err != nil {
		return "", err
	}
	if status != http.StatusCreated {
		return "", fmt.Errorf("creating SCIM user %s: status %d, %v", userName, status, out)
	}
	id, _ := out["id"].(string)
	return id, nil
}

// createGroup pushes a group with members and returns its Cloudflare ID.
func (jc jumpCloud) createGroup(name, externalID string, memberIDs ...string) (string, error) {
	members := make([]map[string]any, len(memberIDs))
	for i, id := range memberIDs {
		members[i] = map[string]any{"value": id}
	}
	status, out, err := jc.do(http.MethodPost, "/Groups", map[string]any{
		"schemas":     []string{"urn:ietf:params:scim:schemas:core:2.0:Group"},
		"displayName": name,
		"externalId":  externalID,
		"members":     members,
	})
	if err != nil {
		return "", err
	}
	if status != http.StatusCreated {
		return "", fmt.Errorf("creating SCIM group %s: status %d, %v", name, status, out)
	}
	id, _ := out["id"].(string)
	return id, nil
}

// listStatus returns the status of GET /Users: 200 with a good secret, 401 otherwise.
func (jc jumpCloud) listStatus() (int, error) {
	status, _, err := jc.do(http.MethodGet, "/Users", nil)
	return status, err
}

// secretInStateWorks fails unless the SCIM endpoint in state accepts the secret in state, as the IdP
// would use them.
func secretInStateWorks(s *terraform.State) error {
	jc, err := jumpCloudFromState(s)
	if err != nil {
		return err
	}
	if status, err := jc.listStatus(); err != nil || status != http.StatusOK {
		return fmt.Errorf("the secret in state answers %d (%v) at the endpoint in state", status, err)
	}
	return nil
}

// stateIsEmpty fails unless the state holds no resource.
func stateIsEmpty(s *terraform.State) error {
	if n := len(s.RootModule().Resources); n != 0 {
		return fmt.Errorf("the state holds %d resources", n)
	}
	return nil
}

// stateSecret returns the secret attribute of the SCIM config in state ("" when null).
func stateSecret(s *terraform.State) string {
	if rs, ok := s.RootModule().Resources[scimConfigAddr]; ok {
		return rs.Primary.Attributes["secret"]
	}
	return ""
}

// checkEmulatorSCIM compares the emulator's scim_config of the login method in state with want.
func (e *testEnv) checkEmulatorSCIM(want emulator.SCIMConfig) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := e.onlyLoginMethod().SCIMConfig
		if got != want {
			return fmt.Errorf("emulator scim_config is %+v, want %+v", got, want)
		}
		return nil
	}
}

// seedSAML seeds a SAML login method as if made in the dashboard.
func (e *testEnv) seedSAML(t *testing.T, name string, cert testCert, scim emulator.SCIMConfig) emulator.IdP {
	t.Helper()
	idp, err := e.emu.Seed(e.emu.AccountScope(), emulator.IdP{
		Name: name, Type: "saml", SCIMConfig: scim,
		Config: emulator.Config{IssuerURL: "https://idp.example.com/metadata", SSOTargetURL: "https://idp.example.com/sso", IdPPublicCerts: []string{cert.PEM}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return idp
}
