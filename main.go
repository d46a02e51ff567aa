// Command terraform-provider-zerotrust serves the zerotrust Terraform provider over plugin protocol 6.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/provider"
)

// Set by goreleaser (and `make build`) through -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "none"
)

// memoryLimit is the provider's default soft memory limit (see main).
const memoryLimit = 64 << 20

// registryAddress is where users find the provider: registry.terraform.io/zerotrust-tf/zerotrust.
const registryAddress = "registry.terraform.io/zerotrust-tf/zerotrust"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	if !debugMode {
		silenceUncollectedLogs()
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A plan of 1000 resources keeps about 30 MB live, but by default the GC lets the heap double
		// before it collects, and the resident set stays at its high-water mark. A soft limit keeps the
		// provider under 100 MB without costing time; a GOMEMLIMIT set by the user wins.
		debug.SetMemoryLimit(memoryLimit)
	}

	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// What providerserver.Serve does, with the server that releases each request's context.
	if err := tf6server.Serve(registryAddress, provider.ProtocolServer(provider.New(version, commit)), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// silenceUncollectedLogs turns the plugin SDK's logging off when Terraform (or OpenTofu) will not keep it.
// The CLI keeps a provider's logs only when TF_LOG or TF_LOG_PROVIDER is set, but the SDK formats its
// trace logs whatever the CLI does with them: in a plan of 1000 resources that is a fifth of the
// provider's CPU and most of its garbage. A level set explicitly for the SDK is left alone.
func silenceUncollectedLogs() {
	if os.Getenv("TF_LOG") != "" || os.Getenv("TF_LOG_PROVIDER") != "" {
		return
	}
	for _, v := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		if os.Getenv(v) == "" {
			if err := os.Setenv(v, "OFF"); err != nil {
				log.Printf("[WARN] could not turn %s off: %v", v, err)
			}
		}
	}
}
