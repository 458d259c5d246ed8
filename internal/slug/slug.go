// Package slug parses and escapes CircleCI project and organization slugs.
//
// A project slug names a project as vcs/org/repo: "gh/org/repo", "github/org/repo", "bb/org/repo",
// "bitbucket/org/repo", or "circleci/<org-id>/<project-id>" (two UUIDs) for projects that are not tied to
// GitHub OAuth or Bitbucket Cloud. An organization slug drops the last part: "gh/org", "circleci/<org-id>".
//
// The parsed values remember the form the caller wrote ([Project.String]) and also give the normalised
// provider ([Project.VCS]: gh, bb or circleci). On the wire a {project-slug} path parameter is one escaped
// path segment ([Project.Escaped]: "gh%2Forg%2Frepo"); routes of the form
// /project/{provider}/{organization}/{project}/... take the three parts as separate segments
// ([Project.Segments]). Nobody should escape a slug by hand.
//
// [SplitProject] and [SplitOrg] find where a slug written as raw, unescaped segments ends inside a request
// path, for servers that accept "/project/gh/org/repo/pipeline" as well as "/project/gh%2Forg%2Frepo/pipeline".
package slug

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// VCS is a normalised provider prefix: [GitHub], [Bitbucket] or [CircleCI].
type VCS string

// The normalised providers. "github" and "bitbucket" normalise to [GitHub] and [Bitbucket].
const (
	GitHub    VCS = "gh"
	Bitbucket VCS = "bb"
	CircleCI  VCS = "circleci"
)

// Accepted forms, quoted by every parse error.
const (
	projectForms = `gh/<org>/<repo>, github/<org>/<repo>, bb/<org>/<repo>, bitbucket/<org>/<repo> or circleci/<org-id>/<project-id>`
	orgForms     = `gh/<org>, github/<org>, bb/<org>, bitbucket/<org> or circleci/<org-id>`
)

// NormalizeVCS returns the normalised provider for a written prefix ("gh", "github", "bb", "bitbucket",
// "circleci"; lower case only) and whether the prefix is known.
func NormalizeVCS(prefix string) (VCS, bool) {
	switch prefix {
	case "gh", "github":
		return GitHub, true
	case "bb", "bitbucket":
		return Bitbucket, true
	case "circleci":
		return CircleCI, true
	}
	return "", false
}

// KnownVCS reports whether prefix is a provider prefix a slug may start with.
func KnownVCS(prefix string) bool {
	_, ok := NormalizeVCS(prefix)
	return ok
}

// Project is a parsed project slug. The zero value is not a valid slug; see [Project.IsZero].
// Project values are comparable; two slugs that differ only in the written provider ("gh" and "github")
// are not equal, but their [Project.Canonical] forms are.
type Project struct {
	provider string // as written: "gh", "github", ...
	org      string
	repo     string
}

// ParseProject parses a project slug such as "gh/org/repo" or "circleci/<org-id>/<project-id>".
// The error quotes the input and lists the accepted forms.
func ParseProject(s string) (Project, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 3 {
		return Project{}, fmt.Errorf("invalid project slug %q: want %s", s, projectForms)
	}
	vcs, err := checkParts(s, parts, "project", projectForms)
	if err != nil {
		return Project{}, err
	}
	if vcs == CircleCI {
		if !IsUUID(parts[1]) || !IsUUID(parts[2]) {
			return Project{}, fmt.Errorf("invalid project slug %q: a circleci slug takes an organization ID and a project ID, both UUIDs; want %s", s, projectForms)
		}
	}
	return Project{provider: parts[0], org: parts[1], repo: parts[2]}, nil
}

// MustParseProject is like [ParseProject] but panics on error. It is meant for constants in tests and
// examples, never for user input.
func MustParseProject(s string) Project {
	p, err := ParseProject(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the slug as it was written, e.g. "github/org/repo".
func (p Project) String() string {
	if p.IsZero() {
		return ""
	}
	return p.provider + "/" + p.org + "/" + p.repo
}

// Canonical returns the slug with the normalised provider, e.g. "gh/org/repo" for "github/org/repo".
func (p Project) Canonical() string {
	if p.IsZero() {
		return ""
	}
	return string(p.VCS()) + "/" + p.org + "/" + p.repo
}

// VCS returns the normalised provider: [GitHub], [Bitbucket] or [CircleCI].
func (p Project) VCS() VCS {
	v, _ := NormalizeVCS(p.provider)
	return v
}

// Provider returns the provider as written, e.g. "github" or "gh".
func (p Project) Provider() string { return p.provider }

// Org returns the organization part (the organization ID for circleci slugs).
func (p Project) Org() string { return p.org }

// Repo returns the repository part (the project ID for circleci slugs).
func (p Project) Repo() string { return p.repo }

// OrgSlug returns the slug of the organization that owns the project, in the same written form.
func (p Project) OrgSlug() Org { return Org{provider: p.provider, org: p.org} }

// Escaped returns the slug as one escaped path segment, e.g. "gh%2Forg%2Frepo", as {project-slug}
// routes take it. Spaces, "%" and non-ASCII characters in the parts are percent-encoded too.
func (p Project) Escaped() string { return url.PathEscape(p.String()) }

// Segments returns the written provider, the organization and the repository as three unescaped path
// segments, as /project/{provider}/{organization}/{project}/... routes take them.
func (p Project) Segments() [3]string { return [3]string{p.provider, p.org, p.repo} }

// IsZero reports whether p is the zero value rather than a parsed slug.
func (p Project) IsZero() bool { return p.provider == "" }

// MarshalText implements [encoding.TextMarshaler] with the written form.
func (p Project) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseProject].
func (p *Project) UnmarshalText(b []byte) error {
	v, err := ParseProject(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Org is a parsed organization slug. The zero value is not a valid slug; see [Org.IsZero].
type Org struct {
	provider string
	org      string
}

// ParseOrg parses an organization slug such as "gh/org" or "circleci/<org-id>".
// The error quotes the input and lists the accepted forms.
func ParseOrg(s string) (Org, error) {
	parts := strings.Split(s, "/")
	if len(parts) != 2 {
		return Org{}, fmt.Errorf("invalid organization slug %q: want %s", s, orgForms)
	}
	vcs, err := checkParts(s, parts, "organization", orgForms)
	if err != nil {
		return Org{}, err
	}
	if vcs == CircleCI && !IsUUID(parts[1]) {
		return Org{}, fmt.Errorf("invalid organization slug %q: a circleci slug takes an organization ID, a UUID; want %s", s, orgForms)
	}
	return Org{provider: parts[0], org: parts[1]}, nil
}

// MustParseOrg is like [ParseOrg] but panics on error. It is meant for constants in tests and examples,
// never for user input.
func MustParseOrg(s string) Org {
	o, err := ParseOrg(s)
	if err != nil {
		panic(err)
	}
	return o
}

// String returns the slug as it was written, e.g. "github/org".
func (o Org) String() string {
	if o.IsZero() {
		return ""
	}
	return o.provider + "/" + o.org
}

// Canonical returns the slug with the normalised provider, e.g. "gh/org" for "github/org".
func (o Org) Canonical() string {
	if o.IsZero() {
		return ""
	}
	return string(o.VCS()) + "/" + o.org
}

// VCS returns the normalised provider: [GitHub], [Bitbucket] or [CircleCI].
func (o Org) VCS() VCS {
	v, _ := NormalizeVCS(o.provider)
	return v
}

// Provider returns the provider as written, e.g. "github" or "gh".
func (o Org) Provider() string { return o.provider }

// Org returns the organization part (the organization ID for circleci slugs).
func (o Org) Org() string { return o.org }

// Escaped returns the slug as one escaped path segment, e.g. "gh%2Forg".
func (o Org) Escaped() string { return url.PathEscape(o.String()) }

// Segments returns the written provider and the organization as two unescaped path segments.
func (o Org) Segments() [2]string { return [2]string{o.provider, o.org} }

// IsZero reports whether o is the zero value rather than a parsed slug.
func (o Org) IsZero() bool { return o.provider == "" }

// MarshalText implements [encoding.TextMarshaler] with the written form.
func (o Org) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseOrg].
func (o *Org) UnmarshalText(b []byte) error {
	v, err := ParseOrg(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}

// SplitProject reports where a project slug written as raw segments ends in path, which must start with
// the slug: SplitProject("gh/org/repo/pipeline") returns "gh/org/repo", "/pipeline", true. It looks only
// at the structure (a known provider segment followed by two non-empty segments) and does not unescape,
// so it works on an escaped request path as well; validate the result with [ParseProject] after
// unescaping each segment. ok is false when path does not start with such a slug, for instance when it
// starts with the single escaped segment "gh%2Forg%2Frepo".
func SplitProject(path string) (slug, rest string, ok bool) { return split(path, 3) }

// SplitOrg is [SplitProject] for organization slugs: a known provider segment followed by one non-empty
// segment. SplitOrg("gh/org/summary") returns "gh/org", "/summary", true.
func SplitOrg(path string) (slug, rest string, ok bool) { return split(path, 2) }

func split(path string, n int) (slug, rest string, ok bool) {
	end := 0
	for i := range n {
		j := strings.IndexByte(path[end:], '/')
		var seg string
		if j < 0 {
			if i != n-1 {
				return "", "", false
			}
			seg, j = path[end:], len(path)-end
		} else {
			seg = path[end : end+j]
		}
		if seg == "" || (i == 0 && !KnownVCS(seg)) {
			return "", "", false
		}
		end += j
		if i != n-1 {
			end++ // the slash
		}
	}
	return path[:end], path[end:], true
}

// checkParts validates the provider and the name parts and returns the normalised provider.
func checkParts(s string, parts []string, kind, forms string) (VCS, error) {
	vcs, ok := NormalizeVCS(parts[0])
	if !ok {
		return "", fmt.Errorf("invalid %s slug %q: unknown provider %q; want %s", kind, s, parts[0], forms)
	}
	for _, part := range parts[1:] {
		if msg := badPart(part); msg != "" {
			return "", fmt.Errorf("invalid %s slug %q: %s; want %s", kind, s, msg, forms)
		}
	}
	return vcs, nil
}

// badPart says what is wrong with one name part, or "" when nothing is.
func badPart(part string) string {
	switch part {
	case "":
		return "empty part"
	case ".", "..":
		return fmt.Sprintf("part %q is not a name", part)
	}
	if !utf8.ValidString(part) {
		return "part is not valid UTF-8"
	}
	for _, r := range part {
		if unicode.IsControl(r) {
			return fmt.Sprintf("control character %q in part %q", r, part)
		}
	}
	return ""
}

// IsUUID reports whether s is a UUID in its 36-character text form: 8-4-4-4-12 hexadecimal digits of
// either case. It is the one UUID check of circleci-go: slugs, the server's path parameters and its
// "uuid" format validator all use it.
func IsUUID(s string) bool {
	return len(s) == 36 && s[8] == '-' && s[13] == '-' && s[18] == '-' && s[23] == '-' &&
		isHex(s[0:8]) && isHex(s[9:13]) && isHex(s[14:18]) && isHex(s[19:23]) && isHex(s[24:36])
}

// isHex reports whether s holds only hexadecimal digits, of either case.
func isHex(s string) bool {
	for i := range len(s) {
		c := s[i]
		if lc := c | 0x20; !('0' <= c && c <= '9' || 'a' <= lc && lc <= 'f') {
			return false
		}
	}
	return true
}
