package route

import (
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/cikit/circleci-go/internal/slug"
)

// Kind says whether a path parameter holds a slug, and which.
type Kind uint8

// The kinds of path parameter that the slug normaliser knows.
const (
	Plain       Kind = iota // any other parameter
	ProjectSlug             // vcs/org/repo, three parts
	OrgSlug                 // vcs/org, two parts
	OrgSlugOrID             // vcs/org, two parts, or an organization UUID
)

// parts is how many raw path segments a slug of this kind spans; 0 for Plain.
func (k Kind) parts() int {
	switch k {
	case ProjectSlug:
		return 3
	case OrgSlug, OrgSlugOrID:
		return 2
	}
	return 0
}

// kindOf maps the document's slug parameter names to their kind.
func kindOf(name string) Kind {
	switch name {
	case "project-slug":
		return ProjectSlug
	case "org-slug":
		return OrgSlug
	case "org-slug-or-id":
		return OrgSlugOrID
	}
	return Plain
}

// readings yields the rewritten forms of an escaped path that [Index.Resolve] tries after the path as
// it is, each with the condition the leaf it matches must meet. Where a segment is a VCS prefix or an
// escaped slug that starts with one, and for three, two and then one segments from there:
//
//   - the segments joined with %2F into one, which must land on a slug parameter (not for one
//     segment: that is the path as it is);
//   - if what is joined holds a whole slug with escaped slashes in it ("gh%2Forg%2Frepo", "gh%2Forg/repo"),
//     the slug unfolded into raw segments, which must all land on plain parameters.
func (ix *Index) readings(escaped string) iter.Seq2[string, func(*Leaf) bool] {
	return func(yield func(string, func(*Leaf) bool) bool) {
		segs := strings.Split(escaped[1:], "/")
		for i, seg := range segs {
			if !slug.KnownVCS(seg) && splitSlug(seg) == nil {
				continue
			}
			for _, k := range [...]int{3, 2, 1} {
				if i+k > len(segs) {
					continue
				}
				joined := strings.Join(segs[i:i+k], "%2F")
				if k > 1 {
					onSlug := func(leaf *Leaf) bool {
						j := slices.Index(leaf.segs, i)
						return j >= 0 && leaf.Kinds[j] != Plain
					}
					if !yield(rejoin(segs[:i], joined, segs[i+k:]), onSlug) {
						return
					}
				}
				parts := splitSlug(joined)
				if len(parts) <= k { // no escaped slash in it, or no whole slug
					continue
				}
				onPlain := func(leaf *Leaf) bool {
					for at := i; at < i+len(parts); at++ {
						if j := slices.Index(leaf.segs, at); j < 0 || leaf.Kinds[j] != Plain {
							return false
						}
					}
					return true
				}
				if !yield(rejoin(segs[:i], strings.Join(parts, "/"), segs[i+k:]), onPlain) {
					return
				}
			}
		}
	}
}

// rejoin builds an escaped path from the segments before, a middle part and the segments after.
func rejoin(before []string, mid string, after []string) string {
	var b strings.Builder
	for _, s := range before {
		b.WriteString("/")
		b.WriteString(s)
	}
	b.WriteString("/")
	b.WriteString(mid)
	for _, s := range after {
		b.WriteString("/")
		b.WriteString(s)
	}
	return b.String()
}

// splitSlug splits an escaped path segment that holds a whole slug ("gh%2Forg%2Frepo", "gh%2Forg":
// two or three non-empty parts separated by %2F, the first a VCS prefix) into its escaped parts, and
// returns nil for any other segment.
func splitSlug(seg string) []string {
	if len(seg) < 4 || strings.IndexByte(seg, '%') < 0 {
		return nil
	}
	parts := strings.Split(strings.ReplaceAll(seg, "%2f", "%2F"), "%2F")
	if len(parts) < 2 || len(parts) > 3 || slices.Contains(parts, "") || !knownVCSEscaped(parts[0]) {
		return nil
	}
	return parts
}

// knownVCSEscaped is [slug.KnownVCS] for an escaped path segment.
func knownVCSEscaped(prefix string) bool {
	if strings.IndexByte(prefix, '%') >= 0 {
		u, err := url.PathUnescape(prefix)
		if err != nil {
			return false
		}
		prefix = u
	}
	return slug.KnownVCS(prefix)
}

// slugsFit reports whether each slug parameter of leaf has a well-formed escaped value in vals.
func slugsFit(leaf *Leaf, vals []string) bool {
	for i, k := range leaf.Kinds {
		if k != Plain && !fits(k, vals[i]) {
			return false
		}
	}
	return true
}

// fits reports whether an escaped path parameter value has the shape of a slug of kind k: as many
// parts as the kind takes, separated by %2F, the first a VCS prefix; or a UUID, for [OrgSlugOrID].
// It looks only at the shape, so that a value that fits but is wrong ("gh%2F..%2Frepo") is kept, and
// refused later with the slug's own error.
func fits(k Kind, v string) bool {
	if k == OrgSlugOrID && slug.IsUUID(v) {
		return true
	}
	parts, first := 1, len(v)
	for i := 0; i+2 < len(v); i++ {
		if v[i] == '%' && v[i+1] == '2' && (v[i+2] == 'F' || v[i+2] == 'f') {
			if parts == 1 {
				first = i
			}
			parts++
			i += 2
		}
	}
	return parts == k.parts() && knownVCSEscaped(v[:first])
}
