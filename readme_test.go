package circleci_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMECodeComesFromExamples checks that every line of Go code in README.md stands in one of
// the compiled and run Example tests (example_test.go and *_example_test.go files anywhere in the
// module), so the README cannot drift from code that works.
func TestREADMECodeComesFromExamples(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var examples []string // every example_test.go and *_example_test.go of the module
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), "example_test.go") {
			examples = append(examples, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	known := make(map[string]bool)
	for _, name := range examples {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(src)) {
			known[strings.TrimSpace(line)] = true
		}
	}
	if len(known) == 0 {
		t.Fatal("no example_test.go files found")
	}
	blocks, inGo := 0, false
	for i, line := range strings.Split(string(readme), "\n") {
		switch {
		case strings.HasPrefix(line, "```go"):
			inGo = true
			blocks++
		case strings.HasPrefix(line, "```"):
			inGo = false
		case inGo:
			if l := strings.TrimSpace(line); l != "" && !known[l] {
				t.Errorf("README.md:%d is in no example_test.go: %q", i+1, l)
			}
		}
	}
	if blocks == 0 {
		t.Error("README.md has no Go code blocks")
	}
}
