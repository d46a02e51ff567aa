package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"reflect"
)

// envelope is Cloudflare's response wrapper. Unknown keys are ignored.
type envelope[T any] struct {
	Success    *bool         `json:"success"`
	Errors     []ErrorDetail `json:"errors"`
	Result     T             `json:"result"`
	ResultInfo *ResultInfo   `json:"result_info"`
}

// call sends req and decodes the result of the envelope into T.
func call[T any](ctx context.Context, c *Client, req *request) (T, *ResultInfo, error) {
	var zero T
	resp, err := c.do(ctx, req)
	if err != nil {
		return zero, nil, err
	}
	env, err := decodeEnvelope[T](c, req, resp)
	if err != nil {
		return zero, nil, err
	}
	if isNil(env.Result) {
		return zero, nil, c.badSuccess(req, resp, errEmptyResult)
	}
	return env.Result, env.ResultInfo, nil
}

// decodeEnvelope decodes a 2xx body. A body that is not the envelope, or
// success=false, is an *APIError; for a POST it is also an unknown outcome,
// since the server did something we cannot see.
func decodeEnvelope[T any](c *Client, req *request, resp response) (*envelope[T], error) {
	var env envelope[T]
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return &env, nil
	}
	if err := json.Unmarshal(resp.body, &env); err != nil {
		return nil, c.badSuccess(req, resp, err)
	}
	if env.Success != nil && !*env.Success {
		e := &APIError{Method: req.method, Path: req.path, StatusCode: resp.status}
		c.fillErrorBody(e, resp.body)
		if req.method == http.MethodPost {
			return nil, c.outcomeUnknown(req, e)
		}
		return nil, e
	}
	return &env, nil
}

// badSuccess reports a 2xx whose body is unusable.
func (c *Client) badSuccess(req *request, resp response, cause error) error {
	e := &APIError{Method: req.method, Path: req.path, StatusCode: resp.status}
	c.fillErrorBody(e, resp.body)
	if e.Body == "" || e.Body == "(empty)" {
		e.Body = cause.Error()
	} else {
		e.Body = cause.Error() + ": " + e.Body
	}
	if req.method == http.MethodPost {
		return c.outcomeUnknown(req, e)
	}
	return e
}

func isNil[T any](v T) bool {
	rv := reflect.ValueOf(&v).Elem()
	// Only a missing single object is an error: a null list is an empty page.
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
