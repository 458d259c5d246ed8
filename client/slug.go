package client

import (
	"errors"

	"github.com/cikit/circleci-go/internal/slug"
)

// ProjectSlug names a project: "gh/org/repo", "github/org/repo", "bb/org/repo", "bitbucket/org/repo"
// or "circleci/<org-id>/<project-id>". Make one with [ParseProjectSlug]; methods put it on the wire
// in the form each route takes, so nobody escapes a slug by hand. The zero value is not a slug, and
// methods given one return an error without sending a request.
type ProjectSlug struct{ s slug.Project }

// ParseProjectSlug parses a project slug. The error quotes the input and lists the accepted forms.
func ParseProjectSlug(s string) (ProjectSlug, error) {
	p, err := slug.ParseProject(s)
	if err != nil {
		return ProjectSlug{}, err
	}
	return ProjectSlug{p}, nil
}

// MustParseProjectSlug is like [ParseProjectSlug] but panics on error; use it for constants only.
func MustParseProjectSlug(s string) ProjectSlug { return ProjectSlug{slug.MustParseProject(s)} }

// String returns the slug as written, e.g. "github/org/repo".
func (p ProjectSlug) String() string { return p.s.String() }

// Canonical returns the slug with the short provider, e.g. "gh/org/repo" for "github/org/repo".
func (p ProjectSlug) Canonical() string { return p.s.Canonical() }

// VCS returns the normalised provider: "gh", "bb" or "circleci".
func (p ProjectSlug) VCS() string { return string(p.s.VCS()) }

// Provider returns the provider as written, e.g. "github".
func (p ProjectSlug) Provider() string { return p.s.Provider() }

// Org returns the organization part (the organization ID for circleci slugs).
func (p ProjectSlug) Org() string { return p.s.Org() }

// Repo returns the repository part (the project ID for circleci slugs).
func (p ProjectSlug) Repo() string { return p.s.Repo() }

// OrgSlug returns the slug of the organization that owns the project.
func (p ProjectSlug) OrgSlug() OrgSlug { return OrgSlug{p.s.OrgSlug()} }

// Escaped returns the slug as one escaped path segment, e.g. "gh%2Forg%2Frepo".
func (p ProjectSlug) Escaped() string { return p.s.Escaped() }

// IsZero reports whether p is the zero value rather than a parsed slug.
func (p ProjectSlug) IsZero() bool { return p.s.IsZero() }

// MarshalText implements [encoding.TextMarshaler].
func (p ProjectSlug) MarshalText() ([]byte, error) { return p.s.MarshalText() }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseProjectSlug].
func (p *ProjectSlug) UnmarshalText(b []byte) error { return p.s.UnmarshalText(b) }

// OrgSlug names an organization: "gh/org", "github/org", "bb/org", "bitbucket/org" or
// "circleci/<org-id>". Make one with [ParseOrgSlug]. The zero value is not a slug.
type OrgSlug struct{ s slug.Org }

// ParseOrgSlug parses an organization slug. The error quotes the input and lists the accepted forms.
func ParseOrgSlug(s string) (OrgSlug, error) {
	o, err := slug.ParseOrg(s)
	if err != nil {
		return OrgSlug{}, err
	}
	return OrgSlug{o}, nil
}

// MustParseOrgSlug is like [ParseOrgSlug] but panics on error; use it for constants only.
func MustParseOrgSlug(s string) OrgSlug { return OrgSlug{slug.MustParseOrg(s)} }

// String returns the slug as written, e.g. "github/org".
func (o OrgSlug) String() string { return o.s.String() }

// Canonical returns the slug with the short provider, e.g. "gh/org".
func (o OrgSlug) Canonical() string { return o.s.Canonical() }

// VCS returns the normalised provider: "gh", "bb" or "circleci".
func (o OrgSlug) VCS() string { return string(o.s.VCS()) }

// Provider returns the provider as written.
func (o OrgSlug) Provider() string { return o.s.Provider() }

// Org returns the organization part (the organization ID for circleci slugs).
func (o OrgSlug) Org() string { return o.s.Org() }

// Escaped returns the slug as one escaped path segment, e.g. "gh%2Forg".
func (o OrgSlug) Escaped() string { return o.s.Escaped() }

// IsZero reports whether o is the zero value rather than a parsed slug.
func (o OrgSlug) IsZero() bool { return o.s.IsZero() }

// MarshalText implements [encoding.TextMarshaler].
func (o OrgSlug) MarshalText() ([]byte, error) { return o.s.MarshalText() }

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseOrgSlug].
func (o *OrgSlug) UnmarshalText(b []byte) error { return o.s.UnmarshalText(b) }

// checkProjectSlug rejects the zero ProjectSlug before a request is built from it.
func checkProjectSlug(p ProjectSlug) error {
	if p.IsZero() {
		return errors.New("empty ProjectSlug; make one with ParseProjectSlug")
	}
	return nil
}

// checkOrgSlug rejects the zero OrgSlug before a request is built from it.
func checkOrgSlug(o OrgSlug) error {
	if o.IsZero() {
		return errors.New("empty OrgSlug; make one with ParseOrgSlug")
	}
	return nil
}
