// Command emulator runs the local Cloudflare Access identity-provider API
// emulator (package internal/emulator) as a program, for the demo and for
// out-of-process benchmarks. It listens on loopback only unless told
// otherwise, prints
//
//	EMULATOR_URL=http://127.0.0.1:PORT/client/v4
//
// as its single line on stdout once it is ready, and shuts down cleanly on
// SIGINT or SIGTERM. With -oidc it also serves test OpenID providers beside the
// API (package oidctest), for the demo and examples of OIDC login methods. It
// imports nothing but the emulator and oidctest.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/emulator"
	"github.com/zerotrust-tf/terraform-provider-zerotrust/internal/oidcdiscovery/oidctest"
)

// oidcPrefix is where -oidc serves its issuers: http://ADDR/oidc/good and one per refusal case.
const oidcPrefix = "/oidc"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "emulator:", err)
		os.Exit(1)
	}
}

// listFlag is a repeatable flag that also splits comma-separated values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

type config struct {
	listen, state, urlFile, team, publicSCIM, tokenFile, user string
	tokens, readTokens, accounts, zones                       listFlag
	controls, allowRemote, oidc                               bool
	latency                                                   time.Duration
	rateLimit                                                 *emulator.RateLimitConfig
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "listen address; port 0 picks a free port")
	fs.Var(&c.tokens, "token", "API token with write permission (repeatable or comma-separated; other users see it in ps, so prefer -token-file); one is generated and logged if no token is given")
	fs.StringVar(&c.tokenFile, "token-file", "", "file of API tokens with write permission, one per line, so that they stay off the command line")
	fs.Var(&c.readTokens, "read-token", "API token with read permission (repeatable or comma-separated)")
	fs.Var(&c.accounts, "account", "account ID (repeatable; default "+emulator.TestAccountID+")")
	fs.Var(&c.zones, "zone", "zone ID, optionally zone=account (repeatable; the owner defaults to the first account)")
	fs.StringVar(&c.state, "state", "", "state file, loaded at start and rewritten atomically after every change")
	fs.BoolVar(&c.controls, "controls", false, "enable the /__emulator/ test controls, on loopback only (not with -allow-remote)")
	fs.DurationVar(&c.latency, "latency", 0, "latency added to every API request")
	fs.BoolVar(&c.allowRemote, "allow-remote", false, "allow a non-loopback listen address")
	fs.StringVar(&c.urlFile, "url-file", "", "also write the API URL to this file")
	fs.StringVar(&c.team, "team", emulator.DefaultTeamDomain, "Zero Trust team name used in redirect_url")
	fs.StringVar(&c.publicSCIM, "public-scim-base", "", "replace the emulator's address in scim_base_url (the SCIM service stays on the emulator)")
	fs.BoolVar(&c.oidc, "oidc", false, "also serve test OpenID providers under "+oidcPrefix+"/: the issuer http://ADDR"+oidcPrefix+
		"/good (discovery document and JWKS; nobody can log in) and one issuer per way a discovery document is refused")
	fs.StringVar(&c.user, "user", "", "e-mail of the user who owns every -token, -token-file and -read-token token: they share one rate-limit "+
		"budget, as Cloudflare counts per user; without it each token is account-owned, with a budget of its own")
	rateLimit := fs.String("rate-limit", "off", "Cloudflare's rate limit per user as REQUESTS/WINDOW: 1200/5m is Cloudflare's, 60/15s a scaled one for "+
		"drills; going over locks the user out for one window; off: no limit and no rate-limit headers")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	var err error
	if c.rateLimit, err = emulator.ParseRateLimitFlag(*rateLimit); err != nil {
		return config{}, fmt.Errorf("-rate-limit: %w", err)
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if c.controls && c.allowRemote {
		return config{}, errors.New("-controls cannot be combined with -allow-remote: the controls read and replace " +
			"all state, API tokens and SCIM secrets included, without any credential, so they are served on loopback only")
	}
	if c.tokenFile != "" {
		b, err := os.ReadFile(c.tokenFile)
		if err != nil {
			return config{}, fmt.Errorf("reading -token-file: %w", err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				c.tokens = append(c.tokens, line)
			}
		}
	}
	return c, nil
}

// checkLoopback refuses addresses other programs on the network could reach.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("listen address %q is not loopback; pass -allow-remote to expose the emulator", addr)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if !c.allowRemote {
		if err := checkLoopback(c.listen); err != nil {
			return err
		}
	}
	opts := emulator.Options{
		Tokens: map[string]emulator.Permission{}, TeamDomain: c.team, StateFile: c.state,
		Controls: c.controls, PublicSCIMBase: c.publicSCIM, Zones: map[string]string{},
		TokenUsers: map[string]string{}, RateLimit: c.rateLimit,
	}
	opts.Accounts = c.accounts
	if len(opts.Accounts) == 0 {
		opts.Accounts = []string{emulator.TestAccountID}
	}
	for _, z := range c.zones {
		zone, owner, ok := strings.Cut(z, "=")
		if !ok {
			owner = opts.Accounts[0]
		}
		opts.Zones[zone] = owner
	}
	for _, t := range c.readTokens {
		opts.Tokens[t] = emulator.PermRead
	}
	for _, t := range c.tokens {
		opts.Tokens[t] = emulator.PermWrite
	}
	if len(opts.Tokens) == 0 {
		b := make([]byte, 20)
		if _, err := rand.Read(b); err != nil {
			return fmt.Errorf("generating a token: %w", err)
		}
		tok := hex.EncodeToString(b)
		opts.Tokens[tok] = emulator.PermWrite
		fmt.Fprintf(stderr, "emulator: no -token given; generated write token %s\n", tok)
	}
	if c.user != "" {
		for tok := range opts.Tokens {
			opts.TokenUsers[tok] = c.user
		}
	}
	srv, err := emulator.Open(opts)
	if err != nil {
		return err
	}
	if c.latency > 0 {
		srv.SetFaults(emulator.FaultConfig{Latency: c.latency})
	}
	var issuers *oidctest.Provider
	if c.oidc {
		if issuers, err = oidctest.New(oidcPrefix); err != nil {
			return err
		}
		defer issuers.Close()
	}
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listening: %w", err)
	}
	root := "http://" + ln.Addr().String()
	srv.SetBaseURL(root)
	apiURL := root + "/client/v4"
	if c.urlFile != "" {
		if err := writeURLFile(c.urlFile, apiURL); err != nil {
			ln.Close()
			return err
		}
	}
	var handler http.Handler = srv
	if issuers != nil {
		mux := http.NewServeMux()
		mux.Handle(oidcPrefix+"/", issuers)
		mux.Handle("/", srv)
		handler = mux
		fmt.Fprintf(stderr, "emulator: OIDC test issuer %s (and %s/<case> for each refusal)\n",
			issuers.Issuer(root, oidctest.Good), root+oidcPrefix)
		// Shutdown waits for every handler: release the issuer that never answers first.
		context.AfterFunc(ctx, issuers.Close)
	}
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	if _, err := fmt.Fprintf(stdout, "EMULATOR_URL=%s\n", apiURL); err != nil {
		return fmt.Errorf("printing the URL: %w", err)
	}
	if f, ok := stdout.(interface{ Sync() error }); ok {
		_ = f.Sync() // stdout may be a pipe or terminal that cannot sync; the write itself is unbuffered
	}
	limit := "off"
	if c.rateLimit != nil {
		limit = c.rateLimit.String()
	}
	fmt.Fprintf(stderr, "emulator: serving %s (accounts %s, controls %v, rate limit %s)\n", apiURL, strings.Join(opts.Accounts, ","), c.controls, limit)

	select {
	case err := <-serveErr:
		return fmt.Errorf("serving: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving: %w", err)
	}
	fmt.Fprintln(stderr, "emulator: stopped")
	return nil
}

// writeURLFile writes the URL atomically so a script polling for the file
// never reads half of it.
func writeURLFile(path, url string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing the URL file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(url + "\n"); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the URL file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the URL file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the URL file: %w", err)
	}
	return nil
}
