package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunServesPrintsURLAndStops(t *testing.T) {
	dir := t.TempDir()
	urlFile := filepath.Join(dir, "url")
	tokenFile := filepath.Join(dir, "tokens")
	if err := os.WriteFile(tokenFile, []byte("\n  from-file  \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-token", "w1,w2", "-read-token", "r", "-zone", "9a7806061c88ada191ed06f989cc3dac",
			"-state", filepath.Join(dir, "state.json"), "-controls", "-url-file", urlFile, "-token-file", tokenFile}, pw, io.Discard)
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
