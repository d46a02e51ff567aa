// Package loginmethod owns the login methods (Access identity providers) of one provider process as it
// reads and writes them: a Store serves reads, and searches of a scope by name or SCIM state (Select),
// from one list per scope, serialises the read-modify-write cycles of each login method (the API only
// replaces a whole identity provider, and two resources, the login method and its SCIM settings, change
// parts of the same one), adopts a create whose answer was lost instead of creating a duplicate, and
// keeps the one table of which login method types each resource may manage (types.go).
//
// It is plain Go on top of internal/client and internal/samlmetadata, and must not import anything
// from terraform-plugin-*: the provider maps its errors to diagnostics and adapts tflog to Logger.
package loginmethod
