package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/schemajson"
)

// The docs are generated from the schema JSON internal/cmd/providerschema writes from the provider's own
// GetProviderSchema, not from a CLI's export. This holds it to what the suite's CLI exports with
// `providers schema -json`: every section the CLI writes must be the same, key for key. Each CLI writes
// what it knows: Terraform 1.5 no functions, OpenTofu 1.12 no list resources, Terraform
// 1.14+ everything, so the three tiers of `make test` together cover every section.
func TestProviderSchemaJSONMatchesTheCLI(t *testing.T) {
	t.Parallel()
	cli := needCLI(t)
	cliConfig := devOverrides(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(requiredProvidersTF), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := runCLITo(&stdout, &stderr, cli, cliConfig, dir, nil, "providers", "schema", "-json"); err != nil {
		t.Fatalf("providers schema -json: %v\n%s", err, stderr.String())
	}
	exported := providerSection(t, stdout.Bytes(), testCLI)

	schemas, err := schemajson.Export(context.Background(), ProtocolServer(New("test", "test"))(), "ours")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(schemas)
	if err != nil {
		t.Fatal(err)
	}
	ours := providerSection(t, raw, "providerschema")
	if !writeOnlySupported() {
		dropKey(ours, "write_only") // a CLI without write-only attributes does not export the flag
	}

	var compared, onlyOurs []string
	for section, want := range exported {
		if diff := firstDifference(section, ours[section], want); diff != "" {
			t.Errorf("%s differs from what %s exports: %s", section, testCLI, diff)
		}
		compared = append(compared, section)
	}
	for section := range ours {
		if _, ok := exported[section]; !ok {
			onlyOurs = append(onlyOurs, section)
		}
	}
	sort.Strings(compared)
	sort.Strings(onlyOurs)
	t.Logf("%s exports %s, each the same; it leaves out %v", testCLI, strings.Join(compared, ", "), onlyOurs)
	if cliAtLeast(testCLI, "Terraform", 1, 14) && len(onlyOurs) > 0 {
		t.Errorf("Terraform 1.14+ exports every section, but not %v", onlyOurs)
	}
}

// dropKey removes key from every object in v.
func dropKey(v any, key string) {
	switch x := v.(type) {
	case map[string]any:
		delete(x, key)
		for _, e := range x {
			dropKey(e, key)
		}
	case []any:
		for _, e := range x {
			dropKey(e, key)
		}
	}
}

// providerSection returns the sections (provider, resource_schemas, …) of the one provider in a
// `providers schema -json` document.
func providerSection(t *testing.T, doc []byte, from string) map[string]any {
	t.Helper()
	var parsed struct {
		FormatVersion   string                    `json:"format_version"`
		ProviderSchemas map[string]map[string]any `json:"provider_schemas"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	if parsed.FormatVersion != schemajson.FormatVersion || len(parsed.ProviderSchemas) != 1 {
		t.Fatalf("%s: format %q with %d providers, want %q with 1", from, parsed.FormatVersion, len(parsed.ProviderSchemas), schemajson.FormatVersion)
	}
	for _, p := range parsed.ProviderSchemas {
		return p
	}
	return nil
}

// firstDifference returns where got and want first differ, as a path and both values, or "".
func firstDifference(path string, got, want any) string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: %v, want an object", path, short(got))
		}
		keys := map[string]bool{}
		for k := range w {
			keys[k] = true
		}
		for k := range g {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if d := firstDifference(path+"."+k, g[k], w[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%s: %v, want %v", path, short(got), short(want))
		}
		for i := range w {
			if d := firstDifference(fmt.Sprintf("%s[%d]", path, i), g[i], w[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("%s: %v, want %v", path, short(got), short(want))
	}
	return ""
}

func short(v any) string {
	s := fmt.Sprint(v)
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
