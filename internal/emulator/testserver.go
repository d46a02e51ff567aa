package emulator

import (
	"net/http/httptest"
	"testing"
)

// Defaults NewTestServer uses when Options leaves them empty. The IDs have the
// shape of Cloudflare's (32 hex digits); the account ID is the one Cloudflare's
// API documentation uses in its examples.
const (
	TestAccountID  = "023e105f4ecef8ad9ca31a8372d0c353"
	TestZoneID     = "9a7806061c88ada191ed06f989cc3dac"
	TestWriteToken = "test-write-token"
	TestReadToken  = "test-read-token"
	TestAPIEmail   = "user@example.com"
	TestAPIKey     = "c2547eb745079dac9320b638f5e225cf483cc5cfdda41"
)

// TestServer is an emulator on an httptest server, closed when the test ends.
// The embedded *Server gives the in-process controls (Seed, Mutate,
// RequestCounts, SetFaults, ...).
type TestServer struct {
	*Server
	// URL is the server root, e.g. http://127.0.0.1:12345.
	URL string
	// AccountID and ZoneID are the first configured account and a zone of it.
	AccountID string
	ZoneID    string
	// WriteToken and ReadToken are API tokens with those permissions (empty
	// if Options.Tokens was given without one).
	WriteToken string
	ReadToken  string
	// HTTP is the underlying httptest server.
	HTTP *httptest.Server
}

// NewTestServer starts an emulator for one test. Empty Options fields get the
// Test* defaults: account TestAccountID, zone TestZoneID owned by it, tokens
// TestWriteToken (write) and TestReadToken (read), and the API key
// TestAPIEmail/TestAPIKey (write). Controls are always on.
func NewTestServer(t testing.TB, opts Options) *TestServer {
	t.Helper()
	if len(opts.Accounts) == 0 {
		opts.Accounts = []string{TestAccountID}
	}
	if opts.Zones == nil {
		opts.Zones = map[string]string{TestZoneID: opts.Accounts[0]}
	}
	ts := &TestServer{AccountID: opts.Accounts[0]}
	for z := range opts.Zones {
		if ts.ZoneID == "" || z == TestZoneID {
			ts.ZoneID = z
		}
	}
	if opts.Tokens == nil {
		opts.Tokens = map[string]Permission{TestWriteToken: PermWrite, TestReadToken: PermRead}
	}
	for tok, p := range opts.Tokens {
		switch {
		case p == PermWrite && (ts.WriteToken == "" || tok == TestWriteToken):
			ts.WriteToken = tok
		case p == PermRead && (ts.ReadToken == "" || tok == TestReadToken):
			ts.ReadToken = tok
		}
	}
	if opts.APIKeys == nil {
		opts.APIKeys = map[string]APIKeyCred{"test": {Email: TestAPIEmail, Key: TestAPIKey, Permission: PermWrite}}
	}
	opts.Controls = true
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	ts.Server = s
	ts.HTTP = httptest.NewServer(s)
	t.Cleanup(ts.HTTP.Close)
	ts.URL = ts.HTTP.URL
	s.SetBaseURL(ts.URL)
	return ts
}

// APIBaseURL is the base URL API clients use: URL + "/client/v4".
func (ts *TestServer) APIBaseURL() string { return ts.URL + apiPrefix }

// AccountScope and ZoneScope are the scopes of AccountID and ZoneID.
func (ts *TestServer) AccountScope() Scope { return AccountScope(ts.AccountID) }

// ZoneScope: see AccountScope.
func (ts *TestServer) ZoneScope() Scope { return ZoneScope(ts.ZoneID) }
