package client

import (
	"net/http"
	"runtime/debug"
	"strings"
	"testing"
)

const (
	testOrgID     = "9f6e3c2a-1b7d-4e2f-8a5c-0d4b6e8f1a23"
	testProjectID = "0b7c1d9e-5a3f-4c6b-9e2d-7f8a1b3c5d40"
	pipelineJSON  = `{"id":"5034460f-c7c4-4c43-9457-de07e2029e7b","errors":[],"project_slug":"gh/org/repo","number":7,"state":"created","created_at":"2024-05-01T10:00:00Z","trigger":{"type":"api","received_at":"2024-05-01T09:59:59Z","actor":{"login":"octocat","avatar_url":null}}}`
	pageJSON      = `{"items":[],"next_page_token":null}`
)

func TestNew_optionErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opt  Option
		want string
	}{
		{"empty token", WithToken(""), "empty token"},
		{"token with newline", WithToken("abc\n"), "control character"},
		{"relative base URL", WithBaseURL("/api/v2"), "scheme must be http or https"},
		{"ftp base URL", WithBaseURL("ftp://example.com/api/v2"), "scheme must be http or https"},
		{"no host", WithBaseURL("https:///api/v2"), "no host"},
		{"user info", WithBaseURL("https://me:pw@example.com/api/v2"), "user information"},
		{"query", WithBaseURL("https://example.com/api/v2?circle-token=x"), "query and fragment"},
		{"bad URL", WithBaseURL("https://exa mple.com"), "WithBaseURL"},
		{"nil http client", WithHTTPClient(nil), "nil *http.Client"},
		{"empty user agent", WithUserAgent(" "), "empty User-Agent"},
		{"user agent newline", WithUserAgent("a\nb"), "control character"},
		{"auth scheme", WithAuthScheme(AuthScheme(9)), "unknown scheme"},
		{"retry max", WithRetryMax(-1), "want 0 to 100"},
		{"backoff bounds", WithRetryBackoff(2, 1), "min <= max"},
		{"nil backoff", WithBackoff(nil), "nil Backoff"},
		{"nil policy", WithRetryPolicy(nil), "nil RetryPolicy"},
		{"retry-after cap", WithRetryAfterMax(-1), "negative"},
		{"retry method", WithRetryMethods("get"), "upper-case"},
		{"nil option", nil, "nil Option"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(tt.opt)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%s) = %v, %v; want an error containing %q", tt.name, c, err, tt.want)
			}
		})
	}
}

func TestNew_defaults(t *testing.T) {
	t.Parallel()
	base := &http.Client{}
	c, err := New(WithHTTPClient(base), WithBaseURL("https://circleci.example.com/api/v2/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.BaseURL().String(); got != "https://circleci.example.com/api/v2" {
		t.Errorf("BaseURL = %q", got)
	}
	if base.Transport != nil {
		t.Errorf("WithHTTPClient changed the caller's client: Transport = %T", base.Transport)
	}
	if c.Generated() == nil {
		t.Error("Generated() = nil")
	}
	d, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if got := d.BaseURL().String(); got != DefaultBaseURL {
		t.Errorf("default BaseURL = %q", got)
	}
}

func TestDefaultUserAgent(t *testing.T) {
	t.Parallel()
	ua := defaultUserAgent()
	if !strings.HasPrefix(ua, "circleci-go/") || !strings.Contains(ua, "github.com/cikit/circleci-go") || strings.Contains(ua, "(devel)") {
		t.Errorf("defaultUserAgent() = %q", ua)
	}
}

func TestUserAgentFor(t *testing.T) {
	t.Parallel()
	const self = "github.com/cikit/circleci-go"
	mainMod := func(path, version string) debug.Module { return debug.Module{Path: path, Version: version} }
	dep := func(version string, replace *debug.Module) *debug.Module {
		return &debug.Module{Path: self, Version: version, Replace: replace}
	}
	other := &debug.Module{Path: "example.com/other", Version: "v9.9.9"}
	tests := []struct {
		name string
		info *debug.BuildInfo
		want string // the version
	}{
		{"no build information", nil, "devel"},
		{"main module, tagged", &debug.BuildInfo{Main: mainMod(self, "v1.2.0")}, "v1.2.0"},
		{"main module, VCS pseudo-version", &debug.BuildInfo{Main: mainMod(self, "v1.2.1-0.20260101120000-abcdef123456+dirty")}, "v1.2.1-0.20260101120000-abcdef123456+dirty"},
		{"main module, no VCS", &debug.BuildInfo{Main: mainMod(self, "(devel)")}, "devel"},
		{"dependency", &debug.BuildInfo{Main: mainMod("example.com/app", "(devel)"), Deps: []*debug.Module{other, dep("v1.3.0", nil)}}, "v1.3.0"},
		{"dependency in a workspace", &debug.BuildInfo{Main: mainMod("example.com/app", "(devel)"), Deps: []*debug.Module{dep("(devel)", nil)}}, "devel"},
		{"dependency replaced by a folder", &debug.BuildInfo{Main: mainMod("example.com/app", "v0.1.0"), Deps: []*debug.Module{dep("v0.0.0-00010101000000-000000000000", &debug.Module{Path: "../circleci-go"})}}, "devel"},
		{"dependency replaced by a fork", &debug.BuildInfo{Main: mainMod("example.com/app", "(devel)"), Deps: []*debug.Module{dep("v1.3.0", &debug.Module{Path: "example.com/fork", Version: "v1.3.1-fork"})}}, "v1.3.1-fork"},
		{"not among the modules", &debug.BuildInfo{Main: mainMod("example.com/app", "v0.1.0"), Deps: []*debug.Module{other}}, "devel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := "circleci-go/" + tt.want + " (+https://github.com/cikit/circleci-go)"
			if got := userAgentFor(tt.info); got != want {
				t.Errorf("userAgentFor = %q, want %q", got, want)
			}
		})
	}
}

// TestWithBaseURL_errorsHideCredentials checks that WithBaseURL errors never show the user
// information or query values of the URL they quote, whether or not it parses.
func TestWithBaseURL_errorsHideCredentials(t *testing.T) {
	t.Parallel()
	const prefix = "circleci client: "
	tests := []struct {
		name, in, want string
	}{
		{"user and password", "https://me:s3cret@example.com/api/v2", `WithBaseURL("https://xxxxx@example.com/api/v2"): user information is not allowed; use WithToken`},
		{"token as user name", "https://s3cret@example.com/api/v2", `WithBaseURL("https://xxxxx@example.com/api/v2"): user information is not allowed; use WithToken`},
		{"user information and a bad host", "https://me:s3cret@exa mple.com/api/v2", `WithBaseURL("https://xxxxx@exa mple.com/api/v2"): not a valid URL`},
		{"bad escape in the password", "https://me:s3%zzcret@example.com", `WithBaseURL("https://xxxxx@example.com"): not a valid URL`},
		{"slash in the password", "https://me:s3/cret@example.com", `WithBaseURL("https://xxxxx@example.com"): not a valid URL`},
		{"question mark in the password", "https://me:s3?cret@example.com", `WithBaseURL("https://xxxxx@example.com"): not a valid URL`},
		{"no scheme", "me:s3cret@example.com/api/v2", `WithBaseURL("xxxxx@example.com/api/v2"): scheme must be http or https, like https://circleci.com/api/v2`},
		{"token in the query", "https://example.com/api/v2?circle-token=s3cret&x=1", `WithBaseURL("https://example.com/api/v2?circle-token=xxxxx&x=xxxxx"): query and fragment are not allowed`},
		{"bare query value", "https://example.com/api/v2?s3cret#top", `WithBaseURL("https://example.com/api/v2?xxxxx#top"): query and fragment are not allowed`},
		{"bad host, nothing to hide", "https://exa mple.com", `WithBaseURL("https://exa mple.com"): invalid character " " in host name`},
		{"ftp, nothing to hide", "ftp://example.com/api/v2", `WithBaseURL("ftp://example.com/api/v2"): scheme must be http or https, like https://circleci.com/api/v2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(WithBaseURL(tt.in))
			if err == nil {
				t.Fatalf("New(WithBaseURL(%q)) succeeded", tt.in)
			}
			if got := err.Error(); got != prefix+tt.want {
				t.Errorf("error = %s\nwant    %s", got, prefix+tt.want)
			}
			if strings.Contains(err.Error(), "s3") || strings.Contains(err.Error(), "cret") {
				t.Errorf("error %q shows part of the secret", err)
			}
		})
	}
}
