// Package workaround holds the provider's replacements for terraform-plugin-framework behaviour that
// costs too much at scale, and nothing else. Each one names the framework code it works around and the
// upstream report, was measured (BENCHMARKS.md), and has a canary test that fails once the framework
// no longer needs it; delete the workaround when its canary fails.
//
//   - model_codec.go: the framework's Get and Set compile a regular expression per model field on every
//     call (terraform-plugin-framework internal/reflect.isValidFieldName; upstream
//     hashicorp/terraform-plugin-framework#725). Every resource, data source and the provider itself
//     convert their models with GetPlan, GetState, GetConfig, SetPlan and SetState instead. Canary:
//     TestCanaryFrameworkGetCompilesARegexpPerField.
//   - request_context.go: the framework keeps the cancel function, and so the context, of every request
//     until StopProvider (terraform-plugin-framework internal/proto6server.registerContext, added by the
//     fix of hashicorp/terraform-plugin-framework#781 so that an interrupt cancels requests in flight).
//     ProtocolServer hands the framework a context it can release when the request ends. Canary:
//     TestCanaryFrameworkKeepsRequestContexts.
//
// Like the rest of the Terraform layer it imports the framework; it imports nothing of this provider.
package workaround
