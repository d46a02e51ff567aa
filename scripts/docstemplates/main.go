// Command docstemplates copies templates/ for tfplugindocs, leaving out the templates of resources, data
// sources, list resources and functions the provider schema does not have. templates/ may run ahead of
// the code on a branch (the SCIM templates before the SCIM resources are merged); tfplugindocs would
// otherwise render such a template without its schema into a broken page. Every template left out is named on stderr.
//
// Usage: go run ./scripts/docstemplates -schema schema.json -in templates -out build/templates
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// providerSchemas is the part of `terraform providers schema -json` this command reads.
type providerSchemas struct {
	ProviderSchemas map[string]struct {
		ResourceSchemas     map[string]json.RawMessage `json:"resource_schemas"`
		DataSourceSchemas   map[string]json.RawMessage `json:"data_source_schemas"`
		ListResourceSchemas map[string]json.RawMessage `json:"list_resource_schemas"`
		Functions           map[string]json.RawMessage `json:"functions"`
	} `json:"provider_schemas"`
}

func main() {
	schemaPath := flag.String("schema", "", "output of `<cli> providers schema -json`")
	in := flag.String("in", "templates", "templates directory")
	out := flag.String("out", "", "where to write the templates tfplugindocs renders")
	prefix := flag.String("prefix", "zerotrust_", "type name prefix of resources and data sources")
	flag.Parse()
	if err := run(*schemaPath, *in, *out, *prefix); err != nil {
		fmt.Fprintln(os.Stderr, "docstemplates:", err)
		os.Exit(1)
	}
}

func run(schemaPath, in, out, prefix string) error {
	data, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var s providerSchemas
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("reading %s: %w", schemaPath, err)
	}
	if len(s.ProviderSchemas) != 1 {
		return fmt.Errorf("%s holds %d provider schemas, want exactly 1", schemaPath, len(s.ProviderSchemas))
	}
	known := map[string]map[string]json.RawMessage{}
	for _, p := range s.ProviderSchemas {
		known["resources"], known["data-sources"], known["functions"] = p.ResourceSchemas, p.DataSourceSchemas, p.Functions
		known["list-resources"] = p.ListResourceSchemas
	}

	return filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(in, path)
		if err != nil {
			return err
		}
		kind, file := filepath.Split(filepath.ToSlash(rel))
		if names, typed := known[strings.TrimSuffix(kind, "/")]; typed && strings.HasSuffix(file, ".md.tmpl") {
			name := strings.TrimSuffix(file, ".md.tmpl")
			_, short := names[prefix+name]
			_, full := names[name]
			if !short && !full {
				fmt.Fprintf(os.Stderr, "docstemplates: left out %s: the provider has no %s %q (yet); its page is generated once it has\n",
					rel, strings.TrimSuffix(kind, "s/"), name)
				return nil
			}
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(out, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, body, 0o644)
	})
}
