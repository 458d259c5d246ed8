package codegen

import (
	"fmt"
	"go/format"
	"os"
)

// WriteGoFile formats src with gofmt's rules and writes it to the file name, replacing what was
// there. Source that does not parse is not written: the error quotes it whole, so that the generator
// bug can be seen.
func WriteGoFile(name string, src []byte) error {
	formatted, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("format output: %w\n%s", err, src)
	}
	return os.WriteFile(name, formatted, 0o644)
}
