package circleci_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cikit/circleci-go/server/fake"
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

// TestREADMEDocumentsEveryControl checks that the README's controls table names every control the
// fake serves, as GET /_fake/ lists them.
func TestREADMEDocumentsEveryControl(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	f, err := fake.New()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := f.Handler()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, fake.ControlPath, nil))
	var list struct {
		Controls []struct{ Method, Path string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil || len(list.Controls) == 0 {
		t.Fatalf("GET %s: %d %s", fake.ControlPath, rec.Code, rec.Body)
	}
	for _, c := range list.Controls {
		if row := "| `" + c.Method + " " + c.Path + "` |"; !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no row %q for the control %s %s", row, c.Method, c.Path)
		}
	}
}
