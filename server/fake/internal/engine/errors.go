package engine

import (
	"errors"
	"fmt"
)

// Errors returned by Workflow methods; test them with errors.Is.
var (
	// ErrNotFound means no job (or approval request) of the workflow has the given name or ID.
	ErrNotFound = errors.New("engine: not found")
	// ErrNotOnHold means the approval job is not waiting for approval (not reached yet, or already decided).
	ErrNotOnHold = errors.New("engine: job is not on hold")
	// ErrStopped means the job or workflow has already reached a final status.
	ErrStopped = errors.New("engine: already stopped")
	// ErrNotStopped means the workflow is still active and cannot be rerun yet.
	ErrNotStopped = errors.New("engine: workflow is still active")
	// ErrNothingToRerun means a rerun from failed was asked for a workflow whose jobs all succeeded.
	ErrNothingToRerun = errors.New("engine: no failed jobs to rerun")
)

// ConfigError is a problem in a config, with the 1-based line (and column,
// when known) it was found on; Line is 0 when the problem has no single place.
type ConfigError struct {
	Line   int
	Column int
	Msg    string
}

// Error implements error, as "config line 12: message".
func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("config line %d: %s", e.Line, e.Msg)
	}
	return "config: " + e.Msg
}

func errAt(n *node, format string, args ...any) *ConfigError {
	ln := 0
	if n != nil {
		ln = n.line
	}
	return &ConfigError{Line: ln, Msg: fmt.Sprintf(format, args...)}
}

// ParamErrorKind says what is wrong with a pipeline parameter.
type ParamErrorKind uint8

const (
	// ParamUndeclared is a value given for a parameter the config does not declare.
	ParamUndeclared ParamErrorKind = iota + 1
	// ParamWrongType is a value of the wrong type, or not one of an enum's values.
	ParamWrongType
	// ParamMissing is a declared parameter without default that was not given.
	ParamMissing
)

// ParamError is a pipeline parameter that does not fit the config's
// declaration. Its message names the parameter and what was expected.
type ParamError struct {
	Kind     ParamErrorKind
	Name     string
	Expected string // "string", "boolean", "integer" or "one of [a, b]"; empty for ParamUndeclared
	Got      string // a short rendering of the given value; empty for ParamMissing
}

// Error implements error.
func (e *ParamError) Error() string {
	switch e.Kind {
	case ParamUndeclared:
		return fmt.Sprintf("parameter %q is not declared in the config", e.Name)
	case ParamMissing:
		return fmt.Sprintf("parameter %q (%s) is required: it has no default", e.Name, e.Expected)
	default:
		return fmt.Sprintf("parameter %q must be %s, got %s", e.Name, e.Expected, e.Got)
	}
}
