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
// A next token that names a page already fetched ends the walk with [ErrRepeatedPageToken]; see
// [repeatDetector] for which repeats are caught before any item is yielded twice.
func paginate[Item any](op string, first *string, fetch pageFunc[Item]) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		token := first
		var seen repeatDetector
		if first != nil && *first != "" {
			seen.add(*first)
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
			if seen.repeated(*next) {
				var zero Item
				yield(zero, fmt.Errorf("circleci: %s: next_page_token %q: %w", op, *next, ErrRepeatedPageToken))
				return
			}
			seen.add(*next)
			token = next
		}
	}
}

// recentTokens is how many of the latest page tokens a walk compares each new token with.
const recentTokens = 64

// repeatDetector notices a page token that comes back, in memory that does not grow with the number of
// pages. It keeps the last [recentTokens] tokens exactly, so a cycle of up to that many pages (a
// server handing back the same token, or alternating between a few) is caught the first time its
// token returns, before that page is fetched again. For longer cycles it also runs Brent's cycle
// detection: one saved token, moved to the current one whenever the count of tokens since the last
// move reaches a doubling power; a cycle of any length returns to the saved token within two turns of
// it, so the walk still ends, after yielding some of the cycle's items a second time.
type repeatDetector struct {
	recent [recentTokens]string
	n      int // tokens added so far

	saved      string // Brent: the token at the last checkpoint
	haveSaved  bool
	power, lam int
}

// repeated reports whether tok is among the recent tokens or is the Brent checkpoint.
func (d *repeatDetector) repeated(tok string) bool {
	for i := range min(d.n, recentTokens) {
		if d.recent[i] == tok {
			return true
		}
	}
	return d.haveSaved && d.saved == tok
}

// add records tok as the token of the next page to be fetched.
func (d *repeatDetector) add(tok string) {
	d.recent[d.n%recentTokens] = tok
	d.n++
	d.lam++
	if !d.haveSaved || d.lam >= d.power {
		d.saved, d.haveSaved = tok, true
		d.power = max(1, 2*d.power)
		d.lam = 0
	}
}
