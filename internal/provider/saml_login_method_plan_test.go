package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// planWithClock runs the resource's ModifyPlan for a new login method, at a fixed time, and returns its
// diagnostics. Warnings cannot be observed through terraform-plugin-testing, so this calls the
// framework-facing method directly with the real schema.
func planWithClock(t *testing.T, now time.Time, m samlLoginMethodModel) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	clock := func() time.Time { return now }
	r := &samlLoginMethodResource{now: clock, metadata: testMemo()}
	r.data = newProviderData(nil, "acc", 30*24*time.Hour, true)
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	objType := sr.Schema.Type().TerraformType(ctx)

	plan := tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(objType, nil)}
	if diags := plan.Set(ctx, &m); diags.HasError() {
		t.Fatalf("building the plan: %v", diags)
	}
	req := resource.ModifyPlanRequest{
		Config: tfsdk.Config{Schema: sr.Schema, Raw: plan.Raw},
		Plan:   plan,
		State:  tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(objType, nil)},
	}
	resp := resource.ModifyPlanResponse{Plan: plan}
	r.ModifyPlan(ctx, req, &resp)
	return resp.Diagnostics
}

// newModel is a login method with every attribute null or unknown as Terraform plans a new one.
func newModel(metadataXML string) samlLoginMethodModel {
	return samlLoginMethodModel{
		ID: types.StringUnknown(), AccountID: types.StringUnknown(), ZoneID: types.StringNull(),
		Name: types.StringValue("JumpCloud"), MetadataXML: types.StringValue(metadataXML), MetadataURL: types.StringNull(),
		AllowHTTP: types.BoolValue(false), EntityID: types.StringNull(), SSOBinding: types.StringNull(),
		MetadataSigningCerts: certBundleNull(), IssuerURL: types.StringUnknown(), SSOTargetURL: types.StringUnknown(),
		IDPPublicCert: certBundleUnknown(), Attributes: types.ListNull(types.StringType), EmailAttributeName: types.StringNull(),
		SignRequest: types.BoolValue(false), HeaderAttributes: types.SetNull(headerAttributeType), RedirectURL: types.StringUnknown(),
		Certificates: types.ListUnknown(types.ObjectType{AttrTypes: certificateAttrTypes}),
	}
}

func warningSummaries(diags diag.Diagnostics) string {
	var out []string
	for _, d := range diags.Warnings() {
		out = append(out, d.Summary()+": "+d.Detail())
	}
	return strings.Join(out, "\n")
}

func TestSAMLLoginMethodPlan_expiryWarningsWithAFixedClock(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	expiring := newTestCert(t, "Soon Corp", now.AddDate(-5, 0, 0), now.AddDate(0, 0, 10))
	expired := newTestCert(t, "Old Corp", now.AddDate(-5, 0, 0), now.AddDate(0, 0, -3))
	fresh := newTestCert(t, "Fresh Corp", now.AddDate(0, 0, -1), now.AddDate(5, 0, 0))

	cases := []struct {
		name  string
		certs []testCert
		want  []string
	}{
		{"fresh certificate", []testCert{fresh}, nil},
		{"expires in 10 days", []testCert{expiring}, []string{"Expires Soon", "in 10 days", expiring.SHA256}},
		{"expired 3 days ago", []testCert{expired}, []string{"Expired", "expired on 2026-11-25", expired.SHA256}},
		{"rollover: both warned, fresh one not", []testCert{expired, fresh, expiring}, []string{expired.SHA256, expiring.SHA256}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			diags := planWithClock(t, now, newModel(jumpCloudMetadata("JumpCloud", "https://sso.jumpcloud.com/saml2/x", tc.certs...)))
			if diags.HasError() {
				t.Fatalf("unexpected errors: %v", diags.Errors())
			}
			got := warningSummaries(diags)
			if len(tc.want) == 0 && got != "" {
				t.Fatalf("unexpected warnings:\n%s", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("warnings lack %q:\n%s", w, got)
				}
			}
			if strings.Contains(got, fresh.SHA256) {
				t.Errorf("the fresh certificate was warned about:\n%s", got)
			}
		})
	}
}

func TestSAMLLoginMethodPlan_staleValidUntilWarns(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	md := strings.Replace(jumpCloudMetadata("Google", "https://accounts.google.com/o/saml2/idp?idpid=C0", validCert(t)),
		`entityID="Google"`, `entityID="Google" validUntil="2021-01-03T16:17:49.000Z"`, 1)
	got := warningSummaries(planWithClock(t, now, newModel(md)))
	if !strings.Contains(got, "validUntil") || !strings.Contains(got, "2021-01-03T16:17:49Z") {
		t.Fatalf("no validUntil warning:\n%s", got)
	}
}
