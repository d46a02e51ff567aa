// Command providerschema prints the provider's schemas as `terraform providers schema -json` prints them,
// from the provider's own GetProviderSchema and GetResourceIdentitySchemas (package
// internal/provider/schemajson), with list resources and resource identities whatever CLI is installed.
// scripts/generate-docs.sh hands its output to tfplugindocs.
//
// Usage: go run ./internal/cmd/providerschema [-address registry.terraform.io/hashicorp/zerotrust] >schema.json
//
// Unlike the other small mains it imports the provider: the provider is what it describes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider/schemajson"
)

func main() {
	// tfplugindocs looks the schema up under this address (or the bare provider name).
	address := flag.String("address", "registry.terraform.io/hashicorp/"+provider.TypeName, "provider address to file the schemas under")
	flag.Parse()
	server := provider.ProtocolServer(provider.New("docs", "docs"))()
	schemas, err := schemajson.Export(context.Background(), server, *address)
	if err == nil {
		enc := json.NewEncoder(os.Stdout)
		err = enc.Encode(schemas)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "providerschema:", err)
		os.Exit(1)
	}
}
