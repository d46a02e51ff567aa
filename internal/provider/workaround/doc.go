// Package workaround holds the provider's replacements for terraform-plugin-framework behaviour that
// costs too much at scale, and nothing else. Each one names the framework code it works around and the
// upstream report, was measured (BENCHMARKS.md), and has a canary test that fails once the framework
// no longer needs it; delete the workaround when its canary fails.
//
//   - model_codec.go: the framework's Get and Set compile a regular expression per model field on every
//     call (terraform-plugin-framework internal/reflect.isValidFieldName). Every resource, data source,
//     list resource and the provider itself convert their models with GetPlan, GetState, GetConfig,
//     SetPlan, SetState, GetIdentity, SetIdentity and SetResource instead. Canary:
//     TestCanaryFrameworkGetCompilesARegexpPerField.
//     Upstream: hashicorp/terraform-plugin-framework#725 (open, tech-debt) proposes the fix, the
//     precompiled expression of internal/fwschema, but as tidying that "may give a very slight
//     performance bump"; no report of the cost exists. One should say: Get and Set call
//     isValidFieldName for every field of the target struct, and it compiles "^[a-z][a-z0-9_]*$" each
//     time; a plan of 1,000 resources makes about 7,000 calls, 96,000 compilations, a sixth of what the
//     provider allocates; a package-level regexp.MustCompile (or #725) removes it.
//   - request_context.go: the framework keeps the cancel function, and so the context, of every request
//     until StopProvider (terraform-plugin-framework internal/proto6server.registerContext, in 35 of its
//     36 RPCs). ProtocolServer hands the framework a context it can release when the request ends, for
//     every RPC but those TestEveryRPCReleasesItsContext lists with the reason they need not. Canary:
//     TestCanaryFrameworkKeepsRequestContexts.
//     Upstream: no report exists. registerContext came with hashicorp/terraform-plugin-framework#782,
//     the fix of #781 ("Resource context is not cancelled when apply aborted"), which is right to cancel
//     requests in flight on an interrupt; the kept functions are its side effect. One should say:
//     Server.contextCancels only grows, since only StopProvider (sent on an interrupt) empties it, so
//     every request's context and its values (about 11 kB of loggers and fields) stay reachable for the
//     life of the process: 55 MB over a plan of 1,000 resources, marked again by every GC cycle; each
//     RPC should drop its cancel function when it returns (a map keyed per request, deleted in a defer).
//
// Like the rest of the Terraform layer it imports the framework; it imports nothing of this provider.
package workaround
