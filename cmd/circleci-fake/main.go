// Command circleci-fake serves an in-memory CircleCI API v2 for testing integrations offline.
//
// Usage:
//
//	circleci-fake [-addr 127.0.0.1:8080] [-token TOKEN] [-seed FILE] [-speed 1] [-v] [-insecure-loopback-webhooks]
//
// Flags fall back to the environment: -addr to CIRCLECI_FAKE_ADDR, -token to CIRCLE_TOKEN. Without
// -seed it serves the demo data of fake.DemoSeed. -token, with or without -seed, is added to the
// tokens of the seed's first user (the demo user) and printed; the user's other tokens keep working,
// and a token that belongs to another user of the seed is an error. -speed sets how fast simulated
// time runs (0: only when told), and -v logs every request to stderr. -insecure-loopback-webhooks lets
// webhooks deliver over plain http to receivers on this machine (localhost, 127.0.0.1, ::1).
//
// The API is served under /api/v2 and the test controls under /_fake/: GET /_fake/ lists them (the
// clock, job outcomes, continuation keys, injected faults), and POST /_fake/reset puts the fake back
// to its seed, -token's token included, with the faults cleared and simulated time going on.
// A dashboard page is served at / (package server/fake/dashboard): sign in with the token to watch
// pipelines run and drive the API and the controls from a browser.
//
// It prints the base URL, the token and ready-to-paste curl lines, and shuts down gracefully on
// SIGINT or SIGTERM: requests that delay faults hold are let go at once, so it stops promptly and
// exits with status 0.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/cikit/circleci-go/server"
	"github.com/cikit/circleci-go/server/fake"
	"github.com/cikit/circleci-go/server/fake/dashboard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "circleci-fake:", err)
		os.Exit(1)
	}
}

// run serves the fake until ctx is done.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return serve(ctx, args, getenv, stdout, stderr, hooks{})
}

// hooks let a test watch serve; the zero value does nothing.
type hooks struct {
	ready chan<- string                   // receives the listening address once the server listens
	wrap  func(http.Handler) http.Handler // wraps the handler served
}

// serve is run with hooks.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, hk hooks) error {
	fs, fl := newFlags(getenv, stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	seed := fake.DemoSeed()
	if *fl.seed != "" {
		data, err := os.ReadFile(*fl.seed)
		if err != nil {
			return err
		}
		if seed, err = fake.ParseSeed(data); err != nil {
			return fmt.Errorf("%s: %w", *fl.seed, err)
		}
	}
	if err := addToken(seed, *fl.token); err != nil {
		return err
	}
	if len(seed.Users) == 0 || len(seed.Users[0].Tokens) == 0 {
		return errors.New("the seed has no user with a token")
	}
	f, err := fake.New(fake.WithSeed(seed), fake.WithSpeed(*fl.speed), loopbackWebhooks(*fl.hooks))
	if err != nil {
		return err
	}
	var opts []server.Option
	if *fl.verbose {
		opts = append(opts, server.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	api, err := f.Handler(opts...)
	if err != nil {
		return err
	}
	dash, err := dashboard.New(f, api) // the page at /, in front of the API and the controls
	if err != nil {
		return err
	}
	var h http.Handler = dash
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *fl.addr)
	if err != nil {
		return err
	}
	if hk.wrap != nil {
		h = hk.wrap(h)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	printIntro(stdout, base, seed, *fl.seed == "", *fl.speed)
	if hk.ready != nil {
		hk.ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Requests held by delay faults would make Shutdown wait out its timeout: end the delays first.
	_ = f.Close()
	_ = dash.Close() // and the dashboard's event streams
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "circleci-fake: stopped")
	return nil
}

// flags are the values of the command line flags, once parsed.
type flags struct {
	addr, token, seed *string
	speed             *float64
	verbose           *bool
	hooks             *bool // -insecure-loopback-webhooks
}

// loopbackWebhooks is fake.WithInsecureLoopbackWebhooks when on, and no option otherwise.
func loopbackWebhooks(on bool) fake.Option {
	if on {
		return fake.WithInsecureLoopbackWebhooks()
	}
	return func(*fake.Server) error { return nil }
}

// newFlags defines the command's flags, with their defaults from the environment, on a flag set that
// reports to stderr.
func newFlags(getenv func(string) string, stderr io.Writer) (*flag.FlagSet, flags) {
	fs := flag.NewFlagSet("circleci-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs, flags{
		addr:    fs.String("addr", envOr(getenv, "CIRCLECI_FAKE_ADDR", "127.0.0.1:8080"), "listen address (env CIRCLECI_FAKE_ADDR)"),
		token:   fs.String("token", getenv("CIRCLE_TOKEN"), "an API token of the seed's first user (the demo user without -seed), added to its tokens (env CIRCLE_TOKEN)"),
		seed:    fs.String("seed", "", "YAML or JSON seed file: users and tokens, organizations, projects with config, contexts"),
		speed:   fs.Float64("speed", 1, "how fast simulated jobs run: 1 = real time, 10 = ten times faster, 0 = only when told (POST /_fake/clock/advance)"),
		verbose: fs.Bool("v", false, "log every request to stderr"),
		hooks:   fs.Bool("insecure-loopback-webhooks", false, "let webhooks deliver over plain http to loopback receivers (localhost, 127.0.0.1, ::1); otherwise https only, as on CircleCI"),
	}
}

// addToken makes token the first token of the seed's first user, so that it is the token printed;
// the user's other tokens keep working. An empty token changes nothing; a token of another user is
// an error.
func addToken(seed *fake.Seed, token string) error {
	if token == "" {
		return nil
	}
	if len(seed.Users) == 0 {
		return errors.New("-token: the seed has no user to give the token to")
	}
	for _, u := range seed.Users[1:] {
		if slices.Contains(u.Tokens, token) {
			return fmt.Errorf("-token: the token belongs to seed user %s, not to the first user %s", u.Login, seed.Users[0].Login)
		}
	}
	first := &seed.Users[0]
	first.Tokens = append([]string{token}, slices.DeleteFunc(slices.Clone(first.Tokens), func(t string) bool { return t == token })...)
	return nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func printIntro(w io.Writer, base string, seed *fake.Seed, demo bool, speed float64) {
	api := base + server.DefaultBasePath
	tok := seed.Users[0].Tokens[0]
	fmt.Fprintf(w, "circleci-fake is serving the CircleCI API v2 at %s\n", api)
	fmt.Fprintf(w, "token (user %s): %s\n", seed.Users[0].Login, tok)
	fmt.Fprintf(w, "simulated time runs at speed %s (0 = only via POST %s/_fake/clock/advance)\n\n", strconv.FormatFloat(speed, 'g', -1, 64), base)
	fmt.Fprintln(w, "Try:")
	fmt.Fprintf(w, "  export CIRCLE_TOKEN=%s\n", tok)
	fmt.Fprintf(w, "  curl -s -H \"Circle-Token: $CIRCLE_TOKEN\" %s/me\n", api)
	fmt.Fprintf(w, "  curl -s %s%s   # the test controls: clock, faults, job outcomes, reset\n", base, fake.ControlPath)
	if !demo {
		return
	}
	slug := fake.DemoProjectSlug
	fmt.Fprintf(w, "  curl -s -H \"Circle-Token: $CIRCLE_TOKEN\" %s/project/%s\n", api, slug)
	fmt.Fprintf(w, "  curl -s -X POST -H \"Circle-Token: $CIRCLE_TOKEN\" -H 'Content-Type: application/json' \\\n"+
		"    -d '{\"parameters\": {\"myparam\": \"./myspecialdir\", \"myspecialversion\": \"4.8.2\"}}' \\\n"+
		"    %s/project/%s/pipeline\n", api, slug)
	fmt.Fprintf(w, "  curl -s -H \"Circle-Token: $CIRCLE_TOKEN\" %s/project/%s/pipeline\n", api, slug)
	fmt.Fprintf(w, "  curl -s -X POST -d '{\"duration\": \"2m\"}' %s/_fake/clock/advance\n", base)
}
