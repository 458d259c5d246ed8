package fake

import (
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
	"sort"

	"github.com/cikit/circleci-go/server"
)

// pageSize is how many items one page of any list holds, as on circleci.com.
const pageSize = 20

// A page token is 16 bytes, base64url-encoded: an 8-byte tag naming the list it belongs to (a hash
// of the state's generation, the list kind and its scope, e.g. the project and branch filter) and an
// 8-byte position in that list. A token made for another list, before a reset, or not made by the
// fake at all, is refused.

// listTag names a list for its page tokens, in the state since the last [Server.Reset]; the caller
// holds s.mu.
func (s *Server) listTag(parts ...string) uint64 {
	h := fnv.New64a()
	var gen [8]byte
	binary.BigEndian.PutUint64(gen[:], s.resets)
	h.Write(gen[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func encodeToken(tag, pos uint64) *string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], tag)
	binary.BigEndian.PutUint64(b[8:], pos)
	t := base64.RawURLEncoding.EncodeToString(b[:])
	return &t
}

// msgBadToken is the message of the 400 answered for a malformed or foreign page token.
const msgBadToken = "page-token is not valid for this list: pass the next_page_token of the previous page of the same list, or no token for the first page"

// badToken returns the 400 [*server.Error] of a malformed or foreign page token.
func badToken() error { return server.BadRequest(msgBadToken) }

// decodeToken returns the position a token names; first is true for an absent or empty token.
func decodeToken(tok *string, tag uint64) (pos uint64, first, ok bool) {
	if tok == nil || *tok == "" {
		return 0, true, true
	}
	b, err := base64.RawURLEncoding.DecodeString(*tok)
	if err != nil || len(b) != 16 || binary.BigEndian.Uint64(b[:8]) != tag {
		return 0, false, false
	}
	return binary.BigEndian.Uint64(b[8:]), false, true
}

// pageNewest returns one page of idx read newest first (idx is append-only, oldest first), and the
// token of the next page, or the 400 of [badToken]. The position in a token is the index one past
// the next item to return, so items appended later never shift a page. It costs O(pageSize)
// whatever len(idx) is.
func pageNewest[T any](idx []T, tok *string, tag uint64) (page []T, next *string, err error) {
	pos, first, ok := decodeToken(tok, tag)
	if !ok {
		return nil, nil, badToken()
	}
	end := uint64(len(idx))
	if !first {
		if pos == 0 || pos > end {
			return nil, nil, badToken()
		}
		end = pos
	}
	start := uint64(0)
	if end > pageSize {
		start = end - pageSize
	}
	page = make([]T, 0, end-start)
	for i := end; i > start; i-- {
		page = append(page, idx[i-1])
	}
	if start > 0 {
		next = encodeToken(tag, start)
	}
	return page, next, nil
}

// pageAfter returns one page of items (sorted by their list order) after the position in tok, each
// rendered by render, and the token of the next page, or the 400 of [badToken]. The position is the
// list order of the last item returned, so deleting items between pages never skips or repeats one.
func pageAfter[T interface{ order() uint64 }, R any](items []T, tok *string, tag uint64, render func(T) R) (page []R, next *string, err error) {
	after, first, ok := decodeToken(tok, tag)
	if !ok {
		return nil, nil, badToken()
	}
	i := 0
	if !first {
		i = sort.Search(len(items), func(i int) bool { return items[i].order() > after })
	}
	end := min(i+pageSize, len(items))
	page = make([]R, 0, end-i)
	for _, it := range items[i:end] {
		page = append(page, render(it))
	}
	if end < len(items) {
		next = encodeToken(tag, items[end-1].order())
	}
	return page, next, nil
}

// pageRange returns the bounds [start, end) of one page of a list of n items whose order never
// changes (a workflow's jobs, a finished job's artifacts or test results), from the offset in tok,
// and the token of the next page, or the 400 of [badToken].
func pageRange(n int, tok *string, tag uint64) (start, end int, next *string, err error) {
	pos, first, ok := decodeToken(tok, tag)
	if !ok {
		return 0, 0, nil, badToken()
	}
	if !first {
		if pos == 0 || pos >= uint64(n) {
			return 0, 0, nil, badToken()
		}
		start = int(pos)
	}
	end = min(start+pageSize, n)
	if end < n {
		next = encodeToken(tag, uint64(end))
	}
	return start, end, next, nil
}
