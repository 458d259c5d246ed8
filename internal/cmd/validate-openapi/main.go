// Command validate-openapi checks an OpenAPI document the way circleci-go requires (kin-openapi,
// with example and schema-format validation) and exits 1 with kin-openapi's message when it is
// invalid. go generate runs it before the code generator.
package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cikit/circleci-go/openapi"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "validate-openapi:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: validate-openapi FILE")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	doc, err := openapi.Parse(ctx, data)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	ops := 0
	for _, item := range doc.Paths.Map() {
		ops += len(item.Operations())
	}
	_, err = fmt.Fprintf(stdout, "%s: valid, %d operations\n", args[0], ops)
	return err
}
