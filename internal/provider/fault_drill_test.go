package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
)

// drillFaults is the fault mix of the drill: 10 % 5xx, a burst of 429s with retry-after at the start of
// every step and 1 % more at random, 2 % dropped connections and 2 % responses lost after the write.
func drillFaults(seed int64) emulator.FaultConfig {
	return emulator.FaultConfig{
		ErrorRate: 0.10, ErrorStatus: 503,
		RateLimitBurst: 8, RateLimitRate: 0.01, RetryAfter: time.Second,
		DropRate: 0.02, LostResponseRate: 0.02,
		Seed: seed,
	}
}

// drillMethod is what the drill configures for one login method.
type drillMethod struct {
	name  string
	sso   string
	attrs []string
	cert  testCert
	// The SCIM config of the login method.
	behavior        string
	seatDeprovision bool
}

// drillPlan is the set of login methods of one drill step, by resource key.
type drillPlan map[string]drillMethod

func newDrillPlan(n int, certs []testCert, changed func(i int) bool) drillPlan {
	p := drillPlan{}
	for i := range n {
		key := fmt.Sprintf("m%03d", i)
		m := drillMethod{
			name: "Drill " + key, sso: "https://sso.example.com/saml2/" + key,
			attrs: []string{"email"}, cert: certs[i%len(certs)],
			behavior: "automatic", seatDeprovision: false,
		}
		if changed(i) {
			m.attrs = []string{"email", "groups"}
			m.sso += "/v2"
			m.behavior, m.seatDeprovision = "reauth", true
		}
		p[key] = m
	}
	return p
}

func (p drillPlan) config(e *testEnv) string {
	var b strings.Builder
	b.WriteString(e.provider())
	// count, not for_each: terraform-plugin-testing's state shim does not take string indexes.
	b.WriteString("locals {\n  methods = [\n")
	for _, key := range p.keys() {
		m := p[key]
		fmt.Fprintf(&b, "    { key = %q, name = %q, sso = %q, attrs = %s, cert = %s, behavior = %q, seat = %t },\n",
			key, m.name, m.sso, hclList(m.attrs), hclString(m.cert.PEM), m.behavior, m.seatDeprovision)
	}
	b.WriteString(`  ]
}

resource "zerotrust_saml_login_method" "drill" {
  count           = length(local.methods)
  name            = local.methods[count.index].name
  issuer_url      = "https://sso.example.com/${local.methods[count.index].key}"
  sso_target_url  = local.methods[count.index].sso
  idp_public_cert = local.methods[count.index].cert
  attributes      = local.methods[count.index].attrs
}

resource "zerotrust_scim_config" "drill" {
  count                    = length(local.methods)
  login_method_id          = zerotrust_saml_login_method.drill[count.index].id
  user_deprovision         = true
  seat_deprovision         = local.methods[count.index].seat
  identity_update_behavior = local.methods[count.index].behavior
}
`)
	return b.String()
}

func (p drillPlan) keys() []string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func hclList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// check verifies the outcome the drill promises: the emulator holds exactly the configured login
// methods (no duplicate), each in state under its ID (no orphan), with the configured values (no lost
// update).
func (p drillPlan) check(e *testEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		var problems []string
		live := e.emu.List(e.emu.AccountScope())
		byName := map[string][]emulator.IdP{}
		for _, idp := range live {
			byName[idp.Name] = append(byName[idp.Name], idp)
		}
		if len(live) != len(p) {
			problems = append(problems, fmt.Sprintf("emulator holds %d login methods, want %d", len(live), len(p)))
		}
		for i, key := range p.keys() {
			want := p[key]
			got := byName[want.name]
			if len(got) != 1 {
				problems = append(problems, fmt.Sprintf("%s: %d login methods named %q, want 1", key, len(got), want.name))
				continue
			}
			idp := got[0]
			rs := s.RootModule().Resources[fmt.Sprintf("zerotrust_saml_login_method.drill.%d", i)]
			if rs == nil || rs.Primary.ID != idp.ID {
				problems = append(problems, fmt.Sprintf("%s: login method %s is not the one in state (orphan)", key, idp.ID))
			}
			if idp.Config.SSOTargetURL != want.sso || !slices.Equal(idp.Config.Attributes, want.attrs) ||
				len(idp.Config.IdPPublicCerts) != 1 || !sameCertBundles(context.Background(), idp.Config.IdPPublicCerts[0], want.cert.PEM) {
				problems = append(problems, fmt.Sprintf("%s: emulator holds sso %q attributes %v, want %q %v (lost update)",
					key, idp.Config.SSOTargetURL, idp.Config.Attributes, want.sso, want.attrs))
			}
			wantSCIM := emulator.SCIMConfig{Enabled: true, UserDeprovision: true, SeatDeprovision: want.seatDeprovision, IdentityUpdateBehavior: want.behavior}
			if idp.SCIMConfig != wantSCIM {
				problems = append(problems, fmt.Sprintf("%s: emulator holds SCIM %+v, want %+v (lost update)", key, idp.SCIMConfig, wantSCIM))
			}
			if sc := s.RootModule().Resources[fmt.Sprintf("zerotrust_scim_config.drill.%d", i)]; sc == nil || sc.Primary.ID != idp.ID {
				problems = append(problems, fmt.Sprintf("%s: the SCIM config in state is not that of login method %s", key, idp.ID))
			}
		}
		if len(problems) > 0 {
			return fmt.Errorf("fault drill:\n  %s", strings.Join(problems, "\n  "))
		}
		return nil
	}
}

// drillSize is the number of login methods of the drill: small in the suite, ZEROTRUST_DRILL_N for
// `make faults`.
func drillSize(t *testing.T) int {
	n := 16
	if v := os.Getenv("ZEROTRUST_DRILL_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			t.Fatalf("ZEROTRUST_DRILL_N=%q is not a positive number", v)
		}
	}
	return n
}

// The fault drill: create N login methods each with a SCIM config, then change a quarter of both, while the API fails 10 % of
// requests, rate-limits in bursts, drops 2 % of connections and loses 2 % of write responses after the
// write. Afterwards the emulator holds exactly the N login methods with the configured values, and plans
// (refreshes through the same faults) are empty.
func TestFaultDrill(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	n := drillSize(t)
	certs := []testCert{validCert(t), validCert(t)}
	created := newDrillPlan(n, certs, func(int) bool { return false })
	changed := newDrillPlan(n, certs, func(i int) bool { return i%4 == 1 })
	faults := func(seed int64) func() { return func() { e.emu.SetFaults(drillFaults(seed)) } }
	t.Cleanup(func() {
		counts := e.emu.RequestCounts()
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Logf("fault drill N=%d: %5d %s", n, counts[k], k)
		}
	})
	cliTest(t, resource.TestCase{
		ProtoV6ProviderFactories: e.factories(),
		Steps: []resource.TestStep{
			{PreConfig: faults(8), Config: created.config(e), Check: created.check(e)},
			{PreConfig: faults(9), Config: changed.config(e), Check: changed.check(e)},
			{PreConfig: faults(10), Config: changed.config(e), PlanOnly: true},
		},
	})
}
