package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/fetch"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery"
)

// startRun runs the emulator with args until ctx ends; it returns the API URL it printed and the channel
// run's result arrives on.
func startRun(t *testing.T, ctx context.Context, args ...string) (apiURL string, done <-chan error) {
	t.Helper()
	pr, pw := io.Pipe()
	result := make(chan error, 1)
	go func() {
		result <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	apiURL, ok := strings.CutPrefix(strings.TrimSpace(line), "EMULATOR_URL=")
	if !ok || !strings.HasPrefix(apiURL, "http://127.0.0.1:") || !strings.HasSuffix(apiURL, "/client/v4") {
		t.Fatalf("stdout line %q", line)
	}
	return apiURL, result
}

func TestRunServesPrintsURLAndStops(t *testing.T) {
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	tokenFile := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokenFile, []byte("\n  from-file  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	apiURL, stop := startStoppable(t, "-token", "w1,w2", "-read-token", "r", "-zone", "9a7806061c88ada191ed06f989cc3dac",
		"-state", filepath.Join(dir, "state.json"), "-controls", "-url-file", urlFile, "-token-file", tokenFile)
	if b, err := os.ReadFile(urlFile); err != nil || strings.TrimSpace(string(b)) != apiURL {
		t.Fatalf("url file %q %v", b, err)
	}
	for _, token := range []string{"r", "w2", "from-file"} {
		req, _ := http.NewRequest("GET", apiURL+"/zones/9a7806061c88ada191ed06f989cc3dac/access/identity_providers", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("token %s: status %d", token, resp.StatusCode)
		}
	}
	resp, err := http.Get(strings.TrimSuffix(apiURL, "/client/v4") + "/__emulator/counters")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("controls %d", resp.StatusCode)
	}
	stop()
}

// startStoppable starts run as startRun does and returns a function that stops it and checks how it ended.
func startStoppable(t *testing.T, args ...string) (apiURL string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	apiURL, done := startRun(t, ctx, args...)
	return apiURL, func() {
		t.Helper()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("run did not stop")
		}
	}
}

// -user makes the tokens one user's, with one budget under -rate-limit.
func TestRunRateLimitsPerUser(t *testing.T) {
	apiURL, stop := startStoppable(t, "-token", "a,b", "-user", "ops@example.com", "-rate-limit", "2/1m")
	defer stop()
	statuses := ""
	for _, token := range []string{"a", "b", "a"} {
		req, _ := http.NewRequest("GET", apiURL+"/accounts/023e105f4ecef8ad9ca31a8372d0c353/access/identity_providers", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		statuses += fmt.Sprintf("%d %s; ", resp.StatusCode, resp.Header.Get("Ratelimit"))
	}
	if want := `200 "default";r=1;t=60; 200 "default";r=0;t=60; 429 "default";r=0;t=60; `; statuses != want {
		t.Errorf("answers %q, want %q", statuses, want)
	}
	for _, bad := range []string{"1200", "0/5m", "5/1.5s"} {
		if err := run(context.Background(), []string{"-rate-limit", bad}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "-rate-limit") {
			t.Errorf("-rate-limit %s: %v", bad, err)
		}
	}
}

func TestRunRefusesControlsWithAllowRemote(t *testing.T) {
	err := run(context.Background(), []string{"-controls", "-allow-remote", "-listen", "127.0.0.1:0"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-controls cannot be combined with -allow-remote") {
		t.Fatalf("run: %v", err)
	}
	err = run(context.Background(), []string{"-token-file", filepath.Join(t.TempDir(), "missing")}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "-token-file") {
		t.Fatalf("missing token file: %v", err)
	}
}

func TestRunRefusesRemoteAddresses(t *testing.T) {
	for _, addr := range []string{":8080", "0.0.0.0:0", "192.0.2.1:80"} {
		if err := run(context.Background(), []string{"-listen", addr}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "not loopback") {
			t.Errorf("%s: %v", addr, err)
		}
	}
	for _, addr := range []string{"localhost:0", "[::1]:0", "127.0.0.1:0"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
}

// -oidc serves the test issuers beside the API: the good one's document is what an OIDC login method reads.
func TestRunServesOIDCIssuers(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	apiURL, done := startRun(t, ctx, "-oidc", "-token", "w")
	issuer := strings.TrimSuffix(apiURL, "/client/v4") + "/oidc/good"
	d, err := oidcdiscovery.Discover(ctx, &fetch.Fetcher{}, issuer, oidcdiscovery.Options{AllowHTTP: true})
	if err != nil || d.JWKSURI != issuer+"/jwks" || !d.SupportsS256() {
		t.Fatalf("discovery of %s: %+v, %v", issuer, d, err)
	}
	_, err = oidcdiscovery.Discover(ctx, &fetch.Fetcher{}, strings.Replace(issuer, "good", "duplicate-member", 1), oidcdiscovery.Options{AllowHTTP: true})
	if !errors.Is(err, oidcdiscovery.ErrDuplicateMember) {
		t.Fatalf("duplicate-member: %v", err)
	}
	// The API is still there.
	req, _ := http.NewRequest("GET", apiURL+"/accounts/"+emulator.TestAccountID+"/access/identity_providers", nil)
	req.Header.Set("Authorization", "Bearer w")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("API: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}
