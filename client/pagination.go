package client

import (
	"fmt"
	"iter"
)

// pageFunc fetches the page that token names (nil for the first page) and returns its items and the
// next token.
type pageFunc[Item any] func(token *string) (items []Item, next *string, err error)

// paginate walks pages lazily: it fetches a page only when the previous one has been yielded, stops on
// an absent or empty next token, when the caller breaks, or on the first error, which it yields once.
//
// A next token that names a page already fetched (the caller's starting token included) ends the walk
// with [ErrRepeatedPageToken] before that page is fetched again, so no item is yielded twice because of
// a token cycle. To notice this the walk remembers every token it has used: memory grows by one short
// string per page, while items are never retained, so a walk holds one page of items at a time.
func paginate[Item any](op string, first *string, fetch pageFunc[Item]) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		token := first
		seen := make(map[string]struct{})
		if first != nil && *first != "" {
			seen[*first] = struct{}{}
		}
		for {
			items, next, err := fetch(token)
			if err != nil {
				var zero Item
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == nil || *next == "" {
				return
			}
			if _, repeated := seen[*next]; repeated {
				var zero Item
				yield(zero, fmt.Errorf("circleci: %s: next_page_token %q: %w", op, *next, ErrRepeatedPageToken))
				return
			}
			seen[*next] = struct{}{}
			token = next
		}
	}
}
