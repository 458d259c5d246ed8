package client

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/cikit/circleci-go/gen"
)

// ErrRepeatedPage ends a [Client.GetDecisionLogsIter] walk when a page starts with the same decision
// as the page before it: the server did not move on with offset, and without the check the walk
// would loop forever.
var ErrRepeatedPage = errors.New("circleci: repeated page")

// GetDecisionLogsIter walks every decision log [Client.GetDecisionLogs] lists, newest first, one at
// a time. The decision logs are not paged by page-token but by offset: it asks for each next page
// with offset set to the number of logs seen so far, fetching it only when the loop gets to it, and
// stops at the first empty page, when the loop breaks, or at the first error, which it yields once
// with a zero log. It copies params; params.Offset, when set, is where the walk starts. A page that
// begins with the decision the page before began with ends the walk with [ErrRepeatedPage].
//
// CircleCI API: GET /owner/{ownerID}/context/{context}/decision (GetDecisionLogs).
func (c *Client) GetDecisionLogsIter(ctx context.Context, ownerID string, policyContext string, params *gen.GetDecisionLogsParams) iter.Seq2[gen.DecisionLog, error] {
	var p gen.GetDecisionLogsParams
	if params != nil {
		p = *params
	}
	return func(yield func(gen.DecisionLog, error) bool) {
		offset := 0
		if p.Offset != nil {
			offset = *p.Offset
		}
		var first string // the ID of the first log of the page before, "" for none
		for {
			q := p
			if offset > 0 || p.Offset != nil {
				q.Offset = &offset
			}
			page, err := c.GetDecisionLogs(ctx, ownerID, policyContext, &q)
			if err != nil {
				yield(gen.DecisionLog{}, err)
				return
			}
			if len(page) == 0 {
				return
			}
			if page[0].ID != nil {
				id := page[0].ID.String()
				if id == first {
					yield(gen.DecisionLog{}, fmt.Errorf("circleci: GetDecisionLogs: offset %d began with decision %s again: %w", offset, id, ErrRepeatedPage))
					return
				}
				first = id
			}
			for _, l := range page {
				if !yield(l, nil) {
					return
				}
			}
			offset += len(page)
		}
	}
}
