package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// send makes a request without a body for base URL + path, as the generated client does (the same
// request editing: token and User-Agent) but without its request builder. The generated methods of
// operations whose path holds only UUIDs and integers call it; path is already escaped.
func (c *Client) send(ctx context.Context, method, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	if err := c.edit(ctx, req); err != nil {
		return nil, err
	}
	return c.http.Do(req)
}

// maxPresize bounds the buffer allocated up front from a Content-Length.
const maxPresize = 8 << 20

// decodeJSON finishes a call whose 2xx answer is JSON of type T: a 2xx body decodes into a new T; a
// non-2xx answer becomes an *APIError; a body that does not decode becomes a *DecodeError. It closes
// the body. op is the operationId, for messages.
func decodeJSON[T any](op string, resp *http.Response, err error) (*T, error) {
	body, err := successBody(op, resp, err)
	if err != nil {
		return nil, err
	}
	return unmarshal[T](op, resp, body)
}

// decodeValue is decodeJSON for slice and map results, which are returned by value.
func decodeValue[T any](op string, resp *http.Response, err error) (T, error) {
	v, err := decodeJSON[T](op, resp, err)
	if err != nil {
		var zero T
		return zero, err
	}
	return *v, nil
}

// noContent finishes a call whose 2xx answer has no body of interest.
func noContent(op string, resp *http.Response, err error) error {
	if err != nil {
		return fmt.Errorf("circleci: %s: %w", op, err)
	}
	defer drain(resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newAPIError(resp)
	}
	return nil
}

// successBody returns the body of a 2xx answer, or the error the call ends with. It closes the body.
func successBody(op string, resp *http.Response, err error) ([]byte, error) {
	if err != nil {
		return nil, fmt.Errorf("circleci: %s: %w", op, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newAPIError(resp)
	}
	var body []byte
	if n := resp.ContentLength; n > 0 && n <= maxPresize {
		body = make([]byte, n)
		_, err = io.ReadFull(resp.Body, body)
	} else {
		body, err = io.ReadAll(resp.Body)
	}
	if err != nil {
		return nil, fmt.Errorf("circleci: %s: read %d response: %w", op, resp.StatusCode, err)
	}
	return body, nil
}

// unmarshal decodes a 2xx body into a new T. JSON null counts as a decode error: the caller gets a
// value or an error, never a zero value in place of a missing one.
func unmarshal[T any](op string, resp *http.Response, body []byte) (*T, error) {
	v := new(T)
	err := json.Unmarshal(body, v)
	if err == nil && bytes.Equal(bytes.TrimSpace(body), []byte("null")) {
		err = fmt.Errorf("null body")
	}
	if err != nil {
		return nil, &DecodeError{
			Operation:   op,
			StatusCode:  resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"),
			Body:        bytes.Clone(body[:min(len(body), maxErrorBody)]),
			Err:         err,
		}
	}
	return v, nil
}

// unexpectedStatus is the error for a 2xx status an operation with several typed 2xx answers does not
// document.
func unexpectedStatus(op string, resp *http.Response, body []byte) error {
	return &DecodeError{
		Operation:   op,
		StatusCode:  resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Body:        bytes.Clone(body[:min(len(body), maxErrorBody)]),
		Err:         fmt.Errorf("undocumented status %d", resp.StatusCode),
	}
}
