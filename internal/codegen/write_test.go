package codegen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteGoFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		src      string
		want     string // the file written; "" when the call fails
		wantErr  string // a part of the error
		previous string // what the file held before
	}{
		{
			name: "formatted",
			src:  "package p\nfunc F( ) int {\nreturn 1}\n",
			want: "package p\n\nfunc F() int {\n\treturn 1\n}\n",
		},
		{
			name:     "replaces the file",
			src:      "package p\n",
			want:     "package p\n",
			previous: "package old\n\nvar X = 1\n",
		},
		{
			name:     "source that does not parse is not written and is quoted",
			src:      "package p\nfunc {\n",
			wantErr:  "format output: ",
			previous: "package old\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name := filepath.Join(t.TempDir(), "out.gen.go")
			if tt.previous != "" {
				if err := os.WriteFile(name, []byte(tt.previous), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := WriteGoFile(name, []byte(tt.src))
			got, readErr := os.ReadFile(name)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.src) {
					t.Errorf("WriteGoFile: error %v, want one with %q and the source", err, tt.wantErr)
				}
				if readErr != nil || string(got) != tt.previous {
					t.Errorf("after a failed call the file holds %q (%v), want %q", got, readErr, tt.previous)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if readErr != nil || string(got) != tt.want {
				t.Errorf("file holds %q (%v), want %q", got, readErr, tt.want)
			}
		})
	}
}
