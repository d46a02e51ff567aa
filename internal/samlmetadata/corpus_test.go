package samlmetadata

import (
	"compress/gzip"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// corpusDir is the metadata corpus: real files with the oracle's expected values (expected.json) and hostile
// files with their expected behaviour (hostile/README.md). See testdata/corpus/README.md.
const corpusDir = "testdata/corpus"

// readCorpus reads a corpus file by its path under corpusDir ("real/okta-crewjam.xml"). The two
// multi-megabyte generated hostile files are stored gzip-compressed as NAME.gz and read as NAME.
// A missing file fails the test: the corpus is part of the repository.
func readCorpus(t testing.TB, name string) []byte {
	t.Helper()
	path := filepath.Join(corpusDir, name)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		data, err = readGzip(path + ".gz")
	}
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return io.ReadAll(zr)
}

// corpusFiles lists the XML files of a corpus directory ("real", "hostile") by the names readCorpus takes,
// failing the test when there are none.
func corpusFiles(t testing.TB, dir string) []string {
	t.Helper()
	var names []string
	for _, pattern := range []string{"*.xml", "*.xml.gz"} {
		matches, err := filepath.Glob(filepath.Join(corpusDir, dir, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			names = append(names, dir+"/"+strings.TrimSuffix(filepath.Base(m), ".gz"))
		}
	}
	if len(names) == 0 {
		t.Fatalf("no corpus files in %s", filepath.Join(corpusDir, dir))
	}
	slices.Sort(names)
	return names
}

func signerFromCorpus(t testing.TB, name string) *x509.Certificate {
	t.Helper()
	certs, err := ParseCertificates(string(readCorpus(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	return certs[0].X509
}

// oracleFile is the part of expected.json the tests compare.
type oracleFile struct {
	Expected struct {
		IssuerURL   string    `json:"issuer_url"`
		SSOPost     *string   `json:"sso_post"`
		SSORedirect *string   `json:"sso_redirect"`
		SHA256      []string  `json:"signing_cert_sha256"`
		NotAfter    []*string `json:"signing_cert_notAfter"`
		ValidUntil  *string   `json:"validUntil"`
		Error       string    `json:"error"`
		Candidates  []string  `json:"candidates"`
	} `json:"expected"`
	IDPEntities []struct {
		EntityID     string  `json:"entityID"`
		SSOPost      *string `json:"sso_post"`
		SSORedirect  *string `json:"sso_redirect"`
		SigningCerts []struct {
			SHA256   string `json:"sha256"`
			NotAfter string `json:"notAfter"`
			Subject  string `json:"subject"`
			Error    string `json:"error"`
		} `json:"signing_certs"`
	} `json:"idp_entities"`
	RootValidUntil *string `json:"root_validUntil"`
}

func loadOracle(t *testing.T) map[string]oracleFile {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(corpusDir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]oracleFile
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// realErrors are the real files with no usable answer, per real/INDEX.md.
var realErrors = map[string]error{
	"jumpcloud-authcrunch-placeholder.xml": ErrBadCertificate,       // cert text "TODO"
	"samlify-rollingcert.xml":              ErrNoSigningCertificate, // KeyInfo not in ds namespace
	"samlify-share-cert.xml":               ErrNoSigningCertificate, // KeyInfo not in ds namespace
	"shibboleth-utexas-enterprise.xml":     ErrNoSSOEndpoint,        // no SingleSignOnService
	"edugain-rctsaai-signed-entities.xml":  ErrAmbiguousEntity,
	"toolkit-multiple-descriptors.xml":     ErrAmbiguousEntity,
}

const opensslTime = "Jan _2 15:04:05 2006 GMT" // c.NotAfter.UTC() only

func TestCorpusReal(t *testing.T) {
	oracle := loadOracle(t)
	files := corpusFiles(t, "real")
	if len(files) != len(oracle) {
		t.Fatalf("%d real files but %d oracle entries", len(files), len(oracle))
	}
	passed := 0
	for _, file := range files {
		want, ok := oracle[file]
		if !ok {
			t.Errorf("%s: not in expected.json", file)
			continue
		}
		if t.Run(filepath.Base(file), func(t *testing.T) { checkRealFile(t, file, want) }) {
			passed++
		}
	}
	t.Logf("real corpus: %d/%d files as expected", passed, len(files))
}

func checkRealFile(t *testing.T, file string, want oracleFile) {
	data := readCorpus(t, file)
	name := filepath.Base(file)
	opts := Options{AllowHTTP: chosenURL(want.Expected.SSORedirect, want.Expected.SSOPost) != "" &&
		strings.HasPrefix(chosenURL(want.Expected.SSORedirect, want.Expected.SSOPost), "http:")}
	md, err := Parse(data, opts)
	if wantErr := realErrors[name]; wantErr != nil {
		if !errors.Is(err, wantErr) {
			t.Fatalf("error = %v, want %v", err, wantErr)
		}
		t.Logf("refused as documented: %v", err)
		var amb *AmbiguousEntityError
		if errors.As(err, &amb) && !slices.Equal(amb.EntityIDs, want.Expected.Candidates) {
			t.Errorf("candidates = %q, want %q", amb.EntityIDs, want.Expected.Candidates)
		}
		return
	}
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	e := want.Expected
	if md.EntityID != e.IssuerURL {
		t.Errorf("EntityID = %q, want %q", md.EntityID, e.IssuerURL)
	}
	if got, w := md.SSOURL, chosenURL(e.SSORedirect, e.SSOPost); got != w {
		t.Errorf("SSOURL = %q, want %q", got, w)
	}
	if got := firstLocation(md.SSOEndpoints, BindingHTTPPOST); !sameOpt(got, e.SSOPost) {
		t.Errorf("first POST = %q, want %v", got, deref(e.SSOPost))
	}
	if got := firstLocation(md.SSOEndpoints, BindingHTTPRedirect); !sameOpt(got, e.SSORedirect) {
		t.Errorf("first Redirect = %q, want %v", got, deref(e.SSORedirect))
	}
	var wantSHA, wantNotAfter []string
	for i, s := range e.SHA256 {
		if !slices.Contains(wantSHA, s) {
			wantSHA = append(wantSHA, s)
			wantNotAfter = append(wantNotAfter, deref(e.NotAfter[i]))
		}
	}
	var gotSHA, gotNotAfter []string
	for _, c := range md.Certificates {
		gotSHA = append(gotSHA, c.SHA256)
		gotNotAfter = append(gotNotAfter, c.NotAfter.UTC().Format(opensslTime))
	}
	if !slices.Equal(gotSHA, wantSHA) {
		t.Errorf("cert SHA-256 = %q, want %q", gotSHA, wantSHA)
	}
	if !slices.Equal(gotNotAfter, wantNotAfter) {
		t.Errorf("cert notAfter = %q, want %q", gotNotAfter, wantNotAfter)
	}
	checkValidUntil(t, md.ValidUntil, e.ValidUntil)
}

func checkValidUntil(t *testing.T, got *time.Time, want *string) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("ValidUntil = %v, want none", got)
	case want != nil && got == nil:
		t.Errorf("ValidUntil missing, want %s", *want)
	case want != nil:
		w, err := time.Parse(time.RFC3339Nano, *want)
		if err != nil || !w.Equal(*got) {
			t.Errorf("ValidUntil = %v, want %s", got, *want)
		}
	}
}

func chosenURL(redirect, post *string) string {
	if redirect != nil {
		return *redirect
	}
	return deref(post)
}

func firstLocation(eps []Endpoint, binding string) string {
	for _, ep := range eps {
		if ep.Binding == binding {
			return ep.Location
		}
	}
	return ""
}

func sameOpt(got string, want *string) bool { return got == deref(want) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
