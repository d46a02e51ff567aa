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

// The provider's garbage collector settings; tuneGC says why.
const (
	gcPercent   = 400
	memoryLimit = 64 << 20
)

// registryAddress is where users find the provider: registry.terraform.io/zerotrust-tf/zerotrust.
const registryAddress = "registry.terraform.io/zerotrust-tf/zerotrust"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()
	if !debugMode {
		silenceUncollectedLogs()
	}
	tuneGC()

	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	// What providerserver.Serve does, with the server that releases each request's context.
	if err := tf6server.Serve(registryAddress, provider.ProtocolServer(provider.New(version, commit)), opts...); err != nil {
		log.Fatal(err.Error())
	}
}

// tuneGC sets the collector for a process that lives for one CLI run and keeps little: a plan of 500
// login methods with 500 SCIM configs keeps about 4 MB live but allocates about 1 GB on the way, so at
// the default GOGC of 100 the collector runs every 4 MB, some 250 times, for a fifth of the provider's
// CPU. At 400 it runs a quarter as often, and the soft memory limit keeps the heap from growing to five
// times what is live when that passes 64 MiB: measured at 2000 login methods with SCIM configs on
// OpenTofu 1.12.6 (BENCHMARKS.md, issue 24), the provider peaks at 80 MB at most with the limit and at up
// to 102 MB without it, for the same CPU. GOGC and GOMEMLIMIT set by the user win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
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
