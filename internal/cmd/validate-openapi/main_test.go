package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	doc := "openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\ncomponents:\n  schemas:\n    Count: {type: integer, format: integer}\n"
	if err := os.WriteFile(bad, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr []string
		wantOut string
	}{
		{name: "the project's document", args: []string{"../../../openapi/circleci-v2.yaml"}, wantOut: "valid, 119 operations"},
		{name: "invalid document", args: []string{bad}, wantErr: []string{bad, `schema "Count"`, "integer"}},
		{name: "missing file", args: []string{filepath.Join(dir, "none.yaml")}, wantErr: []string{"none.yaml"}},
		{name: "no argument", args: nil, wantErr: []string{"usage"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			err := run(t.Context(), tt.args, &out)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(out.String(), tt.wantOut) {
					t.Errorf("output %q lacks %q", out.String(), tt.wantOut)
				}
				return
			}
			if err == nil {
				t.Fatal("run accepted it")
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
