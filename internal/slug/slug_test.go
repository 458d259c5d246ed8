package slug

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	orgID     = "9f6e3c2a-1b7d-4e2f-8a5c-0d4b6e8f1a23"
	projectID = "0b7c1d9e-5a3f-4c6b-9e2d-7f8a1b3c5d40"
)

func TestParseProject(t *testing.T) {
	t.Parallel()
	type parts struct {
		String, Canonical, Provider, Org, Repo, Escaped string
		VCS                                             VCS
		Segments                                        [3]string
		OrgSlug                                         string
	}
	tests := []struct {
		in   string
		want parts
	}{
		{"gh/org/repo", parts{"gh/org/repo", "gh/org/repo", "gh", "org", "repo", "gh%2Forg%2Frepo", GitHub, [3]string{"gh", "org", "repo"}, "gh/org"}},
		{"github/CircleCI-Public/circleci-cli", parts{"github/CircleCI-Public/circleci-cli", "gh/CircleCI-Public/circleci-cli", "github", "CircleCI-Public", "circleci-cli", "github%2FCircleCI-Public%2Fcircleci-cli", GitHub, [3]string{"github", "CircleCI-Public", "circleci-cli"}, "github/CircleCI-Public"}},
		{"bb/team/my.repo", parts{"bb/team/my.repo", "bb/team/my.repo", "bb", "team", "my.repo", "bb%2Fteam%2Fmy.repo", Bitbucket, [3]string{"bb", "team", "my.repo"}, "bb/team"}},
		{"bitbucket/team/repo", parts{"bitbucket/team/repo", "bb/team/repo", "bitbucket", "team", "repo", "bitbucket%2Fteam%2Frepo", Bitbucket, [3]string{"bitbucket", "team", "repo"}, "bitbucket/team"}},
		{"circleci/" + orgID + "/" + projectID, parts{"circleci/" + orgID + "/" + projectID, "circleci/" + orgID + "/" + projectID, "circleci", orgID, projectID, "circleci%2F" + orgID + "%2F" + projectID, CircleCI, [3]string{"circleci", orgID, projectID}, "circleci/" + orgID}},
		{"gh/my org/100% ünïcode", parts{"gh/my org/100% ünïcode", "gh/my org/100% ünïcode", "gh", "my org", "100% ünïcode", "gh%2Fmy%20org%2F100%25%20%C3%BCn%C3%AFcode", GitHub, [3]string{"gh", "my org", "100% ünïcode"}, "gh/my org"}},
		{"gh/o/a?b#c", parts{"gh/o/a?b#c", "gh/o/a?b#c", "gh", "o", "a?b#c", "gh%2Fo%2Fa%3Fb%23c", GitHub, [3]string{"gh", "o", "a?b#c"}, "gh/o"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, err := ParseProject(tt.in)
			if err != nil {
				t.Fatalf("ParseProject(%q): %v", tt.in, err)
			}
			got := parts{p.String(), p.Canonical(), p.Provider(), p.Org(), p.Repo(), p.Escaped(), p.VCS(), p.Segments(), p.OrgSlug().String()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseProject(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
			if p.IsZero() {
				t.Errorf("ParseProject(%q).IsZero() = true", tt.in)
			}
		})
	}
}

func TestParseProject_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, wantIn string // wantIn: a fragment the message must contain besides the input and forms
	}{
		{"", "want"},
		{"gh/org", "want"},
		{"gh/org/repo/extra", "want"},
		{"gitlab/org/repo", `unknown provider "gitlab"`},
		{"GH/org/repo", `unknown provider "GH"`},
		{"gh//repo", "empty part"},
		{"gh/org/", "empty part"},
		{"gh/../repo", `part ".." is not a name`},
		{"gh/org/.", `part "." is not a name`},
		{"gh/org/re\npo", "control character"},
		{"gh/org/re\x7fpo", "control character"},
		{"gh/org/\xff", "not valid UTF-8"},
		{"circleci/org/repo", "UUID"},
		{"circleci/" + orgID + "/repo", "UUID"},
		{"circleci/" + orgID + "/" + projectID[:35] + "g", "UUID"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			p, err := ParseProject(tt.in)
			if err == nil {
				t.Fatalf("ParseProject(%q) = %v, want an error", tt.in, p)
			}
			msg := err.Error()
			for _, frag := range []string{strconv.Quote(tt.in), projectForms, tt.wantIn} {
				if !strings.Contains(msg, frag) {
					t.Errorf("ParseProject(%q) error %q does not contain %q", tt.in, msg, frag)
				}
			}
			if !p.IsZero() {
				t.Errorf("ParseProject(%q) returned a non-zero value with its error", tt.in)
			}
		})
	}
}

func TestParseOrg(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                                  string
		wantCanonical, wantEscaped, wantErr string
	}{
		{in: "gh/org", wantCanonical: "gh/org", wantEscaped: "gh%2Forg"},
		{in: "github/org", wantCanonical: "gh/org", wantEscaped: "github%2Forg"},
		{in: "bitbucket/my team", wantCanonical: "bb/my team", wantEscaped: "bitbucket%2Fmy%20team"},
		{in: "circleci/" + orgID, wantCanonical: "circleci/" + orgID, wantEscaped: "circleci%2F" + orgID},
		{in: "gh", wantErr: "want " + orgForms},
		{in: "gh/org/repo", wantErr: "want " + orgForms},
		{in: "svn/org", wantErr: `unknown provider "svn"`},
		{in: "gh/..", wantErr: `part ".." is not a name`},
		{in: "gh/", wantErr: "empty part"},
		{in: "circleci/not-a-uuid", wantErr: "UUID"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			o, err := ParseOrg(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseOrg(%q) = %v, want an error", tt.in, o)
				}
				if msg := err.Error(); !strings.Contains(msg, tt.wantErr) || !strings.Contains(msg, strconv.Quote(tt.in)) {
					t.Errorf("ParseOrg(%q) error %q, want it to quote the input and contain %q", tt.in, msg, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseOrg(%q): %v", tt.in, err)
			}
			got := []string{o.String(), o.Canonical(), o.Escaped(), o.Provider() + "|" + o.Org(), segs(o.Segments())}
			want := []string{tt.in, tt.wantCanonical, tt.wantEscaped, strings.Replace(tt.in, "/", "|", 1), strings.Replace(tt.in, "/", "|", 1)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseOrg(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestKnownVCS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
		want   VCS
		known  bool
	}{
		{"gh", GitHub, true},
		{"github", GitHub, true},
		{"bb", Bitbucket, true},
		{"bitbucket", Bitbucket, true},
		{"circleci", CircleCI, true},
		{"gl", "", false},
		{"Github", "", false},
		{"", "", false},
		{"gh%2Forg%2Frepo", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			t.Parallel()
			v, ok := NormalizeVCS(tt.prefix)
			if v != tt.want || ok != tt.known || KnownVCS(tt.prefix) != tt.known {
				t.Errorf("NormalizeVCS(%q) = %q, %v; KnownVCS = %v; want %q, %v", tt.prefix, v, ok, KnownVCS(tt.prefix), tt.want, tt.known)
			}
		})
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	type result struct {
		Slug, Rest string
		OK         bool
	}
	tests := []struct {
		name string
		fn   func(string) (string, string, bool)
		in   string
		want result
	}{
		{"project with rest", SplitProject, "gh/org/repo/pipeline", result{"gh/org/repo", "/pipeline", true}},
		{"project alone", SplitProject, "gh/org/repo", result{"gh/org/repo", "", true}},
		{"project trailing slash", SplitProject, "gh/org/repo/", result{"gh/org/repo", "/", true}},
		{"project job number", SplitProject, "github/org/repo/123/artifacts", result{"github/org/repo", "/123/artifacts", true}},
		{"project circleci", SplitProject, "circleci/" + orgID + "/" + projectID + "/schedule", result{"circleci/" + orgID + "/" + projectID, "/schedule", true}},
		{"project escaped segments", SplitProject, "gh/my%20org/r%C3%A9po/envvar", result{"gh/my%20org/r%C3%A9po", "/envvar", true}},
		{"project already one segment", SplitProject, "gh%2Forg%2Frepo/pipeline", result{}},
		{"project too short", SplitProject, "gh/org", result{}},
		{"project empty part", SplitProject, "gh//repo/x", result{}},
		{"project unknown vcs", SplitProject, "pages/gh/org/summary", result{}},
		{"project empty", SplitProject, "", result{}},
		{"org with rest", SplitOrg, "gh/org/summary", result{"gh/org", "/summary", true}},
		{"org alone", SplitOrg, "bitbucket/team", result{"bitbucket/team", "", true}},
		{"org circleci", SplitOrg, "circleci/" + orgID + "/project", result{"circleci/" + orgID, "/project", true}},
		{"org uuid only", SplitOrg, orgID + "/project", result{}},
		{"org too short", SplitOrg, "gh", result{}},
		{"org empty part", SplitOrg, "gh//x", result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got result
			got.Slug, got.Rest, got.OK = tt.fn(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("split(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	var p Project
	if err := p.UnmarshalText([]byte("github/org/repo")); err != nil {
		t.Fatal(err)
	}
	b, _ := p.MarshalText()
	if string(b) != "github/org/repo" {
		t.Errorf("Project text round trip = %q", b)
	}
	if err := p.UnmarshalText([]byte("nope")); err == nil {
		t.Error("Project.UnmarshalText(nope) succeeded")
	}
	var o Org
	if err := o.UnmarshalText([]byte("bb/team")); err != nil {
		t.Fatal(err)
	}
	b, _ = o.MarshalText()
	if string(b) != "bb/team" {
		t.Errorf("Org text round trip = %q", b)
	}
	if err := o.UnmarshalText([]byte("bb/team/x")); err == nil {
		t.Error("Org.UnmarshalText(bb/team/x) succeeded")
	}
	var zero Project
	if zero.String() != "" || zero.Canonical() != "" || !zero.IsZero() {
		t.Errorf("zero Project: String %q, Canonical %q, IsZero %v", zero.String(), zero.Canonical(), zero.IsZero())
	}
}

// FuzzParseProject checks the round trips a valid slug promises. Normal test runs use only the seed corpus.
func FuzzParseProject(f *testing.F) {
	for _, s := range []string{"gh/org/repo", "bitbucket/t/r", "gh/my org/100%", "gh/ö/ü", "circleci/" + orgID + "/" + projectID, "gh/../x", "gh/a/b/c", "", "gh/a/\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProject(s)
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Errorf("error %q does not quote the input", err)
			}
			return
		}
		if p.String() != s {
			t.Errorf("String() = %q, want %q", p.String(), s)
		}
		un, err := url.PathUnescape(p.Escaped())
		if err != nil || un != s {
			t.Errorf("PathUnescape(Escaped()) = %q, %v; want %q", un, err, s)
		}
		if strings.Contains(p.Escaped(), "/") {
			t.Errorf("Escaped() = %q holds a slash", p.Escaped())
		}
		again, err := ParseProject(p.Canonical())
		if err != nil || again.Canonical() != p.Canonical() {
			t.Errorf("ParseProject(Canonical()) = %v, %v", again, err)
		}
		slug, rest, ok := SplitProject(s + "/rest")
		if !ok || slug != s || rest != "/rest" {
			t.Errorf("SplitProject(%q) = %q, %q, %v", s+"/rest", slug, rest, ok)
		}
		o, err := ParseOrg(p.OrgSlug().String())
		if err != nil || o != p.OrgSlug() {
			t.Errorf("ParseOrg(OrgSlug()) = %v, %v", o, err)
		}
	})
}

func segs(s [2]string) string { return s[0] + "|" + s[1] }

func TestIsUUID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{orgID, true},
		{"5034460F-C7C4-4C43-9457-DE07E2029E7B", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"5034460f-c7c4-4c43-9457-de07e2029e7", false},   // short
		{"5034460f-c7c4-4c43-9457-de07e2029e7bb", false}, // long
		{"5034460fc-7c4-4c43-9457-de07e2029e7b", false},  // dash moved
		{"5034460g-c7c4-4c43-9457-de07e2029e7b", false},
		{"5034460f-c7c4-4c43-9457-de07e2029e7G", false},
		{"5034460f-c7c4-4c43-9457+de07e2029e7b", false},
		{"{034460f-c7c4-4c43-9457-de07e2029e7}", false},
		{"5034460f c7c4 4c43 9457 de07e2029e7b", false},
		{"5034460fc7c44c439457de07e2029e7b", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsUUID(tt.in); got != tt.want {
			t.Errorf("IsUUID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
