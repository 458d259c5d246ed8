package route

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k    Kind
		v    string
		want bool
	}{
		{ProjectSlug, "gh%2Fo%2Fr", true},
		{ProjectSlug, "github%2fo%2fr", true},
		{ProjectSlug, "%67h%2Fo%2Fr", true},
		{ProjectSlug, "gh%2F..%2Fr", true}, // the shape fits; the slug's own check refuses it
		{ProjectSlug, "gh%2Fo", false},
		{ProjectSlug, "gh", false},
		{ProjectSlug, "gl%2Fo%2Fr", false},
		{ProjectSlug, "gh%2Fo%2Fr%2Fx", false},
		{ProjectSlug, "%zz%2Fo%2Fr", false},
		{OrgSlug, "gh%2Fo", true},
		{OrgSlug, "gh%2Fo%2Fr", false},
		{OrgSlug, id, false},
		{OrgSlugOrID, id, true},
		{OrgSlugOrID, "circleci%2F" + id, true},
		{OrgSlugOrID, "pages", false},
	}
	for _, tt := range tests {
		if got := fits(tt.k, tt.v); got != tt.want {
			t.Errorf("fits(%d, %q) = %v, want %v", tt.k, tt.v, got, tt.want)
		}
	}
}

func TestSplitSlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seg  string
		want []string // nil: no whole slug
	}{
		{"gh%2Fo%2Fr", []string{"gh", "o", "r"}},
		{"github%2fo%2fr", []string{"github", "o", "r"}},
		{"gh%2Fo", []string{"gh", "o"}},
		{"%67h%2Fo", []string{"%67h", "o"}},
		{"circleci%2F" + id, []string{"circleci", id}},
		{"gh", nil},
		{"gh%2F", nil},
		{"gh%2F%2Fr", nil},
		{"gh%2Fo%2Fr%2Fx", nil},
		{"gl%2Fo%2Fr", nil},
		{"o%2Fr", nil},
		{"%zz%2Fo", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitSlug(tt.seg)); diff != "" {
			t.Errorf("splitSlug(%q) (-want +got):\n%s", tt.seg, diff)
		}
	}
}

// TestIndex_readings pins the rewritten readings Resolve tries after the path as it is, in order: from
// the leftmost VCS prefix or escaped slug, three, two and then one segments joined, each followed by
// its unfolding when what is joined is a whole slug with escaped slashes.
func TestIndex_readings(t *testing.T) {
	t.Parallel()
	ix := newIndex(t)
	tests := []struct {
		in   string
		want []string
	}{
		{"/me", nil},
		{"/project/gh/o/r/pipeline", []string{"/project/gh%2Fo%2Fr/pipeline", "/project/gh%2Fo/r/pipeline"}},
		{"/insights/gh/o/summary", []string{"/insights/gh%2Fo%2Fsummary", "/insights/gh%2Fo/summary"}},
		{"/project/gh%2Fo%2Fr/settings", []string{"/project/gh%2Fo%2Fr%2Fsettings", "/project/gh/o/r/settings"}},
		{"/project/gh%2Fo/r/settings", []string{
			"/project/gh%2Fo%2Fr%2Fsettings", "/project/gh%2Fo%2Fr/settings", "/project/gh/o/r/settings", "/project/gh/o/r/settings",
		}},
		{"/project/gh/bb", []string{"/project/gh%2Fbb"}},
	}
	for _, tt := range tests {
		var got []string
		for p := range ix.readings(tt.in) {
			got = append(got, p)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("readings(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
