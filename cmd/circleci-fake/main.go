// Command circleci-fake serves an in-memory CircleCI API v2 for testing integrations offline.
//
// Usage:
//
//	circleci-fake [-addr 127.0.0.1:8080] [-token TOKEN] [-control-token TOKEN] [-seed FILE] [-speed 1] [-v] [-insecure-loopback-webhooks] [-version]
//
// Flags fall back to the environment: -addr to CIRCLECI_FAKE_ADDR, -token to CIRCLECI_FAKE_TOKEN,
// -control-token to CIRCLECI_FAKE_CONTROL_TOKEN. It never reads CIRCLE_TOKEN, where CircleCI users
// keep their real token. Without -seed it serves the demo data of fake.DemoSeed. -token, with or
// without -seed, is added to the tokens of the seed's first user (the demo user); the user's other
// tokens keep working, and a token that belongs to another user of the seed is an error. -speed sets
// how fast simulated time runs (0: only when told), -v logs every request to stderr (method, route
// template, status; never a token), -insecure-loopback-webhooks lets webhooks deliver over plain
// http to receivers on this machine (localhost, 127.0.0.1, ::1), and -version prints the version and
// exits. -h lists the flags and exits with status 0.
//
// The API is served under /api/v2 and the test controls under /_fake/: GET /_fake/ lists them (the
// clock, job outcomes, continuation keys, injected faults), and POST /_fake/reset puts the fake back
// to its seed, -token's token included, with the faults cleared and simulated time going on.
// A dashboard page is served at / (package server/fake/dashboard): sign in with the token to watch
// pipelines run and drive the API and the controls from a browser.
//
// The controls change everything the fake holds, so beyond the local machine they need a key: when
// the listen address is not a loopback one (127.0.0.1, ::1, localhost), -control-token is required
// and every request under /_fake/ must send it as "Authorization: Bearer <token>" (401 otherwise).
// On a loopback address the controls are open unless -control-token is given.
//
// It prints the base URL, the token and ready-to-paste curl lines. A token that came from -token or
// the environment is never printed, only its masked form (its last four characters, when it is long
// enough to keep that safe); the seed's own tokens, which are test data, are printed in full.
//
// Connections are bounded as fits a test server: a request's headers must arrive within 10 s and its
// whole body within 1 min, an answer must be written within 5 min (a delay fault longer than that
// loses its answer), and an idle keep-alive connection is closed after 2 min. A client that announces
// a body and never sends it is dropped.
//
// It shuts down gracefully on SIGINT or SIGTERM: requests that delay faults hold are let go at once,
// so it stops promptly and exits with status 0. A listen address already in use is an error that
// says so.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

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

// run serves the fake until ctx is done. -h and -version return nil once they printed.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return serve(ctx, args, getenv, stdout, stderr, hooks{})
}

// hooks let a test watch serve; the zero value does nothing.
type hooks struct {
	ready    chan<- string                   // receives the listening address once the server listens
	wrap     func(http.Handler) http.Handler // wraps the handler served
	timeouts *timeouts                       // replaces defaultTimeouts
}

// Environment variables the flags fall back to.
const (
	envAddr         = "CIRCLECI_FAKE_ADDR"
	envToken        = "CIRCLECI_FAKE_TOKEN"
	envControlToken = "CIRCLECI_FAKE_CONTROL_TOKEN"
)

// serve is run with hooks.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, hk hooks) error {
	fs, fl := newFlags(getenv, stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h asked for the usage, which is printed: not a failure
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	// The tokens' flags have no default from the environment: -h would print it.
	tokenFromEnv := false
	if *fl.token == "" {
		*fl.token = getenv(envToken)
		tokenFromEnv = *fl.token != ""
	}
	if *fl.controlToken == "" {
		*fl.controlToken = getenv(envControlToken)
	}
	if *fl.version {
		fmt.Fprintln(stdout, versionLine(debugBuildInfo()))
		return nil
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
	for name, tok := range map[string]string{"-token": *fl.token, "-control-token": *fl.controlToken} {
		if strings.ContainsFunc(tok, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return fmt.Errorf("%s: the token has a space or control character; it could not be sent in a header", name)
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
	ln, err := listen(ctx, *fl.addr)
	if err != nil {
		return err
	}
	if !isLoopback(ln.Addr()) && *fl.controlToken == "" {
		_ = ln.Close()
		return fmt.Errorf("-addr %s listens beyond this machine (%s is not a loopback address), where anyone could reset the fake or inject faults through %s: "+
			"set -control-token (or %s) to a secret that every request under %s must send as \"Authorization: Bearer <token>\", or listen on 127.0.0.1",
			*fl.addr, ln.Addr(), fake.ControlPath, envControlToken, fake.ControlPath)
	}
	if *fl.controlToken != "" {
		h = requireControlToken(*fl.controlToken, h)
	}
	if hk.wrap != nil {
		h = hk.wrap(h)
	}
	to := defaultTimeouts
	if hk.timeouts != nil {
		to = *hk.timeouts
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: to.readHeader,
		ReadTimeout:       to.read,
		WriteTimeout:      to.write,
		IdleTimeout:       to.idle,
	}
	base := "http://" + ln.Addr().String()
	printIntro(stdout, intro{
		base:         base,
		seed:         seed,
		demo:         *fl.seed == "",
		speed:        *fl.speed,
		tokenGiven:   *fl.token != "",
		tokenFromEnv: tokenFromEnv,
		controlToken: *fl.controlToken != "",
	})
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
	addr, token, controlToken, seed *string
	speed                           *float64
	verbose, version                *bool
	hooks                           *bool // -insecure-loopback-webhooks
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
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: circleci-fake [flags]")
		fmt.Fprintln(fs.Output(), "\nServes an in-memory CircleCI API v2 under /api/v2 and its test controls under "+fake.ControlPath+".\n\nFlags:")
		fs.PrintDefaults()
	}
	return fs, flags{
		addr:         fs.String("addr", envOr(getenv, envAddr, "127.0.0.1:8080"), "listen address; port 0 picks a free one (env "+envAddr+")"),
		token:        fs.String("token", "", "an API token of the seed's first user (the demo user without -seed), added to its tokens; printed masked (env "+envToken+")"),
		controlToken: fs.String("control-token", "", "a secret the test controls under "+fake.ControlPath+" require as \"Authorization: Bearer <token>\"; required when -addr is not a loopback address (env "+envControlToken+")"),
		seed:         fs.String("seed", "", "YAML or JSON seed file: users and tokens, organizations, projects with config, contexts"),
		speed:        fs.Float64("speed", 1, "how fast simulated jobs run: 1 = real time, 10 = ten times faster, 0 = only when told (POST /_fake/clock/advance)"),
		verbose:      fs.Bool("v", false, "log every request to stderr: method, route template, status, duration (never a token)"),
		version:      fs.Bool("version", false, "print the version and exit"),
		hooks:        fs.Bool("insecure-loopback-webhooks", false, "let webhooks deliver over plain http to loopback receivers (localhost, 127.0.0.1, ::1); otherwise https only, as on CircleCI"),
	}
}

// debugBuildInfo is debug.ReadBuildInfo's info, nil when the binary records none.
func debugBuildInfo() *debug.BuildInfo {
	info, _ := debug.ReadBuildInfo()
	return info
}

// versionLine names the module version the binary was built from (devel when the build records
// none), the VCS revision when recorded, and the Go version.
func versionLine(info *debug.BuildInfo) string {
	version, revision, modified := "devel", "", false
	if info != nil {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			version = v
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	line := "circleci-fake " + version
	if revision != "" {
		line += " (revision " + revision[:min(len(revision), 12)]
		if modified {
			line += ", modified"
		}
		line += ")"
	}
	return line + " " + runtime.Version()
}

// addToken makes token the first token of the seed's first user, so that it is the token the banner
// names; the user's other tokens keep working. An empty token changes nothing; a token of another
// user is an error, which never quotes the token.
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

// intro is what the banner tells.
type intro struct {
	base         string // http://host:port
	seed         *fake.Seed
	demo         bool // the demo seed, not a seed file
	speed        float64
	tokenGiven   bool // the first token came from -token or CIRCLECI_FAKE_TOKEN: never printed
	tokenFromEnv bool // … from CIRCLECI_FAKE_TOKEN, so the shell already has it
	controlToken bool // the controls need the control token
}

func printIntro(w io.Writer, in intro) {
	api := in.base + server.DefaultBasePath
	tok := in.seed.Users[0].Tokens[0]
	fmt.Fprintf(w, "circleci-fake is serving the CircleCI API v2 at %s\n", api)
	fmt.Fprintf(w, "dashboard: %s/ (sign in with the token)\n", in.base)
	switch {
	case in.tokenFromEnv:
		fmt.Fprintf(w, "token (user %s): the one in %s, %s\n", in.seed.Users[0].Login, envToken, mask(tok))
	case in.tokenGiven:
		fmt.Fprintf(w, "token (user %s): the one given with -token, %s\n", in.seed.Users[0].Login, mask(tok))
	default:
		fmt.Fprintf(w, "token (user %s): %s\n", in.seed.Users[0].Login, tok)
	}
	fmt.Fprintf(w, "simulated time runs at speed %s (0 = only via POST %s/_fake/clock/advance)\n", strconv.FormatFloat(in.speed, 'g', -1, 64), in.base)
	auth := ""
	if in.controlToken {
		fmt.Fprintf(w, "the test controls under %s%s require the -control-token secret as \"Authorization: Bearer <token>\"\n", in.base, fake.ControlPath)
		auth = "-H \"Authorization: Bearer $" + envControlToken + "\" "
	}
	fmt.Fprintln(w, "\nTry:")
	switch {
	case in.tokenFromEnv:
	case in.tokenGiven:
		fmt.Fprintf(w, "  export %s=...   # the token you gave -token\n", envToken)
	default:
		fmt.Fprintf(w, "  export %s=%s\n", envToken, tok)
	}
	if in.controlToken {
		fmt.Fprintf(w, "  export %s=...   # the secret you gave -control-token\n", envControlToken)
	}
	fmt.Fprintf(w, "  curl -s -H \"Circle-Token: $%s\" %s/me\n", envToken, api)
	fmt.Fprintf(w, "  curl -s %s%s%s   # the test controls: clock, faults, job outcomes, reset\n", auth, in.base, fake.ControlPath)
	if !in.demo {
		return
	}
	slug := fake.DemoProjectSlug
	fmt.Fprintf(w, "  curl -s -H \"Circle-Token: $%s\" %s/project/%s\n", envToken, api, slug)
	fmt.Fprintf(w, "  curl -s -X POST -H \"Circle-Token: $%s\" -H 'Content-Type: application/json' \\\n"+
		"    -d '{\"parameters\": {\"myparam\": \"./myspecialdir\", \"myspecialversion\": \"4.8.2\"}}' \\\n"+
		"    %s/project/%s/pipeline\n", envToken, api, slug)
	fmt.Fprintf(w, "  curl -s -H \"Circle-Token: $%s\" %s/project/%s/pipeline\n", envToken, api, slug)
	fmt.Fprintf(w, "  curl -s -X POST %s-d '{\"duration\": \"2m\"}' %s/_fake/clock/advance\n", auth, in.base)
}
