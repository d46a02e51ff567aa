package client

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// Pages walks a paginated list one page at a time. It holds the package's one rule for where a list
// ends: at an empty page, or at the page result_info.total_pages names as the last one. It refuses a
// server that answers another page than the one asked for, and stops with an error after MaxPages.
//
//	pages := c.IdentityProviderPages(ctx, scope, opts)
//	for pages.Next() {
//		use(pages.Items())
//	}
//	if err := pages.Err(); err != nil { … }
//	complete := pages.Complete()
type Pages[T any] struct {
	fetch    func(page int) ([]T, ResultInfo, error)
	first    int
	page     int // the page Items holds; 0 before the first call to Next
	items    []T
	err      error
	done     bool
	complete bool
}

func newPages[T any](first int, fetch func(page int) ([]T, ResultInfo, error)) *Pages[T] {
	if first <= 0 {
		first = 1
	}
	return &Pages[T]{fetch: fetch, first: first}
}

// Next fetches the next page and reports whether it holds items. It returns false at the end of the
// list and after an error; Err tells the two apart.
func (p *Pages[T]) Next() bool {
	if p.done {
		return false
	}
	next := p.first
	if p.page > 0 {
		next = p.page + 1
	}
	if next-p.first >= MaxPages {
		return p.fail(fmt.Errorf("listing stopped after %d pages: the API kept returning results; this looks like a server that ignores the page parameter", MaxPages))
	}
	items, info, err := p.fetch(next)
	switch {
	case err != nil && next > p.first:
		return p.fail(fmt.Errorf("page %d: %w", next, err))
	case err != nil:
		return p.fail(err)
	case info.Page != 0 && info.Page != next:
		return p.fail(fmt.Errorf("asked for page %d but the API answered page %d", next, info.Page))
	}
	first := p.page == 0
	p.page, p.items = next, items
	last := len(items) == 0 || (info.TotalPages > 0 && next >= info.TotalPages)
	if last {
		p.done = true
		// One answer that ends the list shows all of it at one moment.
		p.complete = first && p.first == 1
	}
	return len(items) > 0
}

func (p *Pages[T]) fail(err error) bool {
	p.err, p.items, p.done, p.complete = err, nil, true, false
	return false
}

// Items returns the items of the page Next fetched last.
func (p *Pages[T]) Items() []T { return p.items }

// Err returns the error that ended the walk, or nil.
func (p *Pages[T]) Err() error { return p.err }

// Complete reports, once Next has returned false without an error, whether the list came in a single
// answer: then it shows the whole list at one moment, and an item missing from it did not exist at
// that moment. A list of several pages is put together from answers given at different moments: an
// item can move from a page not yet fetched to one already fetched (when another one is deleted) and
// be missing from it although it exists.
func (p *Pages[T]) Complete() bool { return p.done && p.err == nil && p.complete }

// all collects every item of the list.
func (p *Pages[T]) all() ([]T, error) {
	var out []T
	for p.Next() {
		out = append(out, p.Items()...)
	}
	return out, p.Err()
}

// IdentityProviderPages walks the scope's identity providers page by page, starting at opts.Page
// (default 1) with opts.PerPage (0: the server's default page size).
func (c *Client) IdentityProviderPages(ctx context.Context, scope Scope, opts ListOptions) *Pages[IdentityProvider] {
	return newPages(opts.Page, func(page int) ([]IdentityProvider, ResultInfo, error) {
		o := opts
		o.Page = page
		return c.ListIdentityProviders(ctx, scope, o)
	})
}

// pagesOf walks a list at path whose query is filter plus page and per_page.
func pagesOf[T any](ctx context.Context, c *Client, path string, filter url.Values, perPage int) *Pages[T] {
	return newPages(1, func(page int) ([]T, ResultInfo, error) {
		q := make(url.Values, len(filter)+2)
		for k, v := range filter {
			q[k] = v
		}
		q.Set("page", strconv.Itoa(page))
		q.Set("per_page", strconv.Itoa(perPage))
		return callPage[T](ctx, c, path, q)
	})
}
