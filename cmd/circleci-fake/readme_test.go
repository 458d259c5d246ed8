package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// TestREADMEDocumentsEveryFlag checks that the README's circleci-fake table has a row for every
// flag, -h included.
func TestREADMEDocumentsEveryFlag(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := newFlags(func(string) string { return "" }, io.Discard)
	names := []string{"h"}
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	for _, name := range names {
		if !strings.Contains(string(readme), "| `-"+name+"` |") && !strings.Contains(string(readme), "| `-"+name+" ") {
			t.Errorf("README.md has no row for -%s", name)
		}
	}
}
