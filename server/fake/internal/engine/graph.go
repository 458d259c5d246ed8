package engine

import "fmt"

// graph is the precomputed dependency structure of a workflow's jobs, shared
// by every run of the spec.
type graph struct {
	spec      WorkflowSpec // the spec itself (its graph field points back here)
	order     []int32      // job indexes in a topological order (config order among peers)
	deps      [][]dep      // per job, its requirements
	approval  []int32      // per job, its slot in Workflow.approvals, or -1
	approvals int          // number of approval jobs
}

// dep is one requirement: the index of the required job and the final
// statuses of it that let the dependant run.
type dep struct {
	idx  int32
	mask uint8
}

// buildGraph resolves requirements to indexes and orders the jobs
// topologically. fail reports an error about job i; with fail == nil
// (hand-built specs) unknown requirements are ignored and a cycle leaves its
// jobs blocked for ever instead.
//
// The caller stores the finished spec with setSpec.
func buildGraph(jobs []JobRef, fail func(i int, format string, args ...any) error) (*graph, error) {
	g := &graph{deps: make([][]dep, len(jobs)), approval: make([]int32, len(jobs))}
	index := make(map[string]int32, len(jobs))
	for i, j := range jobs {
		if _, dup := index[j.Name]; dup && fail != nil {
			return nil, fail(i, "job name %q is used twice; give one a distinct name with name:", j.Name)
		}
		index[j.Name] = int32(i)
		g.approval[i] = -1
		if j.Type == TypeApproval {
			g.approval[i] = int32(g.approvals)
			g.approvals++
		}
	}
	for i, j := range jobs {
		for k, r := range j.Requires {
			d, ok := index[r]
			if !ok {
				if fail != nil {
					return nil, fail(i, "job %q requires %q, which is not a job of this workflow", j.Name, r)
				}
				continue
			}
			if int(d) == i && fail != nil {
				return nil, fail(i, "job %q requires itself", j.Name)
			}
			var mask uint8
			for _, s := range j.Statuses(k) {
				mask |= maskOf(s)
			}
			g.deps[i] = append(g.deps[i], dep{idx: d, mask: mask})
		}
	}
	// Kahn's algorithm, taking the lowest ready index first so the order is stable.
	indeg := make([]int, len(jobs))
	users := make([][]int32, len(jobs))
	for i, ds := range g.deps {
		indeg[i] = len(ds)
		for _, d := range ds {
			users[d.idx] = append(users[d.idx], int32(i))
		}
	}
	done := make([]bool, len(jobs))
	for len(g.order) < len(jobs) {
		next := -1
		for i := range jobs {
			if !done[i] && indeg[i] == 0 {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		done[next] = true
		g.order = append(g.order, int32(next))
		for _, u := range users[next] {
			indeg[u]--
		}
	}
	if len(g.order) < len(jobs) {
		for i := range jobs {
			if !done[i] {
				if fail != nil {
					return nil, fail(i, "job %q is part of a requires cycle", jobs[i].Name)
				}
				// Jobs in a cycle never become ready; append them so Advance still visits them.
				g.order = append(g.order, int32(i))
			}
		}
	}
	return g, nil
}

// status is a job status, stored in one byte.
type status uint8

const (
	stBlocked status = iota
	stQueued
	stRunning
	stOnHold
	stSuccess
	stFailed
	stInfraFail
	stTimedout
	stCanceled
	stNotRun
)

var statusNames = [...]string{
	stBlocked:   StatusBlocked,
	stQueued:    StatusQueued,
	stRunning:   StatusRunning,
	stOnHold:    StatusOnHold,
	stSuccess:   StatusSuccess,
	stFailed:    StatusFailed,
	stInfraFail: string(OutcomeInfrastructureFail),
	stTimedout:  string(OutcomeTimedout),
	stCanceled:  StatusCanceled,
	stNotRun:    StatusNotRun,
}

func (s status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

func (s status) final() bool { return s >= stSuccess }

func (s status) failed() bool { return s == stFailed || s == stInfraFail || s == stTimedout }

// mask bits of final statuses, for requirements.
const (
	maskSuccess uint8 = 1 << iota
	maskFailed
	maskCanceled
	maskNotRun
)

func maskOf(s string) uint8 {
	switch s {
	case StatusSuccess:
		return maskSuccess
	case StatusFailed:
		return maskFailed
	case StatusCanceled:
		return maskCanceled
	case StatusNotRun:
		return maskNotRun
	}
	return 0
}

func (s status) mask() uint8 {
	switch {
	case s == stSuccess:
		return maskSuccess
	case s.failed():
		return maskFailed
	case s == stCanceled:
		return maskCanceled
	case s == stNotRun:
		return maskNotRun
	}
	return 0
}

func outcomeStatus(o Outcome) status {
	switch o {
	case OutcomeFailed:
		return stFailed
	case OutcomeInfrastructureFail:
		return stInfraFail
	case OutcomeTimedout:
		return stTimedout
	}
	return stSuccess
}

// setSpec records ws (whose graph is g) as the spec shared by runs.
func (g *graph) setSpec(ws WorkflowSpec) {
	ws.graph = g
	g.spec = ws
}
