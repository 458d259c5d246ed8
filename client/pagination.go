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
// A next token seen before ends the walk with [ErrRepeatedPageToken]; the check uses Brent's cycle
// detection, so memory stays constant however many pages there are (a cycle longer than one page
// is noticed within two rounds of it).
func paginate[Item any](op string, first *string, fetch pageFunc[Item]) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		token := first
		var saved string // Brent: the token at the last power-of-two checkpoint
		haveSaved := false
		power, lam := 1, 0
		if first != nil && *first != "" {
			saved, haveSaved = *first, true
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
			if haveSaved && *next == saved {
				var zero Item
				yield(zero, fmt.Errorf("circleci: %s: next_page_token %q: %w", op, *next, ErrRepeatedPageToken))
				return
			}
			lam++
			if !haveSaved || lam == power {
				saved, haveSaved = *next, true
				power *= 2
				lam = 0
			}
			token = next
		}
	}
}
