package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/client"
)

var _ resource.ResourceWithUpgradeState = (*samlLoginMethodResource)(nil)

// samlLoginMethodSchemaVersion is the version of zerotrust_saml_login_method's schema. Version 0 held
// header_attributes as a map of attribute name to header name, which cannot hold one attribute sent as
// two headers; version 1 holds a set of {attribute_name, header_name} pairs, as the API does.
const samlLoginMethodSchemaVersion = 1

// UpgradeState turns states of earlier schema versions into the current one. The framework upgrades from
// any version to the current one in a single call, so each upgrader writes the current schema.
func (r *samlLoginMethodResource) UpgradeState(context.Context) map[int64]resource.StateUpgrader {
	return map[int64]resource.StateUpgrader{
		0: {StateUpgrader: upgradeSAMLLoginMethodStateV0},
	}
}

// upgradeSAMLLoginMethodStateV0 makes each entry of the version 0 header_attributes map one pair, and
// reads every other attribute as the current schema reads a state of its own version. It works on the
// state's JSON rather than through a copy of the version 0 schema: only header_attributes changed.
func upgradeSAMLLoginMethodStateV0(ctx context.Context, req resource.UpgradeStateRequest, resp *resource.UpgradeStateResponse) {
	upgraded, err := headerAttributesMapToPairs(req.RawState)
	if err == nil {
		var v tftypes.Value
		v, err = (&tfprotov6.RawState{JSON: upgraded}).UnmarshalWithOpts(resp.State.Schema.Type().TerraformType(ctx),
			tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
		resp.State.Raw = v
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Upgrade Login Method State",
			"The state of this zerotrust_saml_login_method was written by an earlier version of the provider (schema "+
				"version 0), and could not be read to move its header_attributes map to the current list of pairs. "+
				"Remove the resource from the state (terraform state rm) and import it again. The error: "+err.Error())
	}
}

// headerAttributesMapToPairs rewrites a version 0 state's JSON: header_attributes {"groups": "Cf-Access-Groups"}
// becomes [{"attribute_name": "groups", "header_name": "Cf-Access-Groups"}], the JSON of a set of objects
// (which has the API's keys); a null map stays null.
func headerAttributesMapToPairs(raw *tfprotov6.RawState) ([]byte, error) {
	if raw == nil || raw.JSON == nil {
		return nil, fmt.Errorf("the state has no JSON form (a state from Terraform 0.11 or earlier)")
	}
	var state map[string]json.RawMessage
	if err := json.Unmarshal(raw.JSON, &state); err != nil {
		return nil, err
	}
	var headers map[string]string
	if old, ok := state["header_attributes"]; ok {
		if err := json.Unmarshal(old, &headers); err != nil {
			return nil, fmt.Errorf("header_attributes: %w", err)
		}
	}
	if headers != nil {
		pairs := make([]client.HeaderAttribute, 0, len(headers))
		for name, header := range headers {
			pairs = append(pairs, client.HeaderAttribute{AttributeName: name, HeaderName: header})
		}
		b, err := json.Marshal(pairs)
		if err != nil {
			return nil, err
		}
		state["header_attributes"] = b
	}
	return json.Marshal(state)
}
