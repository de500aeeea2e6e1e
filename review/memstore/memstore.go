// Package memstore is an in-memory [review.Store], for tests, examples and
// single-process deployments that accept losing everything on exit.
//
// It keeps items, content and audit entries as their JSON encodings, so
// what it returns never aliases what it was given, and decodes them with
// [review.DecodeItem], [review.DecodeContent] and
// [review.DecodeAuditEntry] on the way out. It passes the
// review/reviewtest conformance suite.
//
// # Errors
//
// Apply returns errors wrapping [review.ErrInvalid] (a malformed change),
// [review.ErrConflict] and [review.ErrNotFound], as [review.Store]
// specifies; every method returns ctx.Err() when ctx has ended.
//
// # Concurrency
//
// A [Store] is safe for concurrent use by multiple goroutines; one mutex
// serialises changes, so audit entries are appended in commit order.
package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/careguard/careguard/review"
)

// Store is an in-memory review.Store. The zero value is not usable; call
// [New].
type Store struct {
	mu    sync.RWMutex
	items map[string]*row
	audit [][]byte
	head  review.Head
}

type row struct {
	item    *review.Item // decoded, for filtering; never handed out
	meta    []byte
	content []byte
}

var _ review.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store { return &Store{items: map[string]*row{}} }

// Apply implements [review.Store].
func (s *Store) Apply(ctx context.Context, c *review.Change) (*review.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	meta, err := json.Marshal(c.Item)
	if err != nil {
		return nil, fmt.Errorf("memstore: encode item: %w", err)
	}
	var content []byte
	if c.Content != nil {
		if content, err = json.Marshal(c.Content); err != nil {
			return nil, fmt.Errorf("memstore: encode content: %w", err)
		}
	}
	item, err := review.DecodeItem(meta)
	if err != nil {
		return nil, err
	}
	var entry review.AuditEntry
	if c.Audit != nil {
		entry = *c.Audit
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.items[c.Item.ID]
	switch {
	case c.Expect == 0 && exists:
		return nil, review.ConflictError(c.Item.ID)
	case c.Expect > 0 && !exists:
		return nil, review.NotFoundError(c.Item.ID)
	case c.Expect > 0 && old.item.Version != c.Expect:
		return nil, review.ConflictError(c.Item.ID)
	}
	var encEntry []byte
	if c.Audit != nil {
		entry.Seal(s.head)
		if encEntry, err = json.Marshal(&entry); err != nil {
			return nil, fmt.Errorf("memstore: encode audit entry: %w", err)
		}
	}
	r := &row{item: item, meta: meta, content: content}
	if content == nil {
		r.content = old.content
	}
	s.items[c.Item.ID] = r
	if c.Audit == nil {
		return nil, nil
	}
	s.audit = append(s.audit, encEntry)
	s.head = entry.Head()
	out := entry
	return &out, nil
}

// Get implements [review.Store].
func (s *Store) Get(ctx context.Context, id string) (*review.Item, *review.Content, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.RLock()
	r, ok := s.items[id]
	s.mu.RUnlock()
	if !ok {
		return nil, nil, review.NotFoundError(id)
	}
	it, err := review.DecodeItem(r.meta)
	if err != nil {
		return nil, nil, err
	}
	c, err := review.DecodeContent(r.content)
	if err != nil {
		return nil, nil, err
	}
	return it, c, nil
}

// List implements [review.Store].
func (s *Store) List(ctx context.Context, f *review.Filter) ([]*review.Item, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if f == nil {
		f = &review.Filter{}
	}
	s.mu.RLock()
	var rows []*row
	for _, r := range s.items {
		if f.Match(r.item) {
			rows = append(rows, r)
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(rows, func(a, b *row) int { return review.CompareItems(a.item, b.item) })
	if f.Limit > 0 && len(rows) > f.Limit {
		rows = rows[:f.Limit]
	}
	out := make([]*review.Item, len(rows))
	for i, r := range rows {
		it, err := review.DecodeItem(r.meta)
		if err != nil {
			return nil, err
		}
		out[i] = it
	}
	return out, nil
}

// Audit implements [review.Store].
func (s *Store) Audit(ctx context.Context, after uint64, limit int) ([]*review.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var raw [][]byte
	if after < uint64(len(s.audit)) {
		raw = s.audit[after:]
		if limit > 0 && len(raw) > limit {
			raw = raw[:limit]
		}
		raw = slices.Clone(raw)
	}
	s.mu.RUnlock()
	out := make([]*review.AuditEntry, len(raw))
	for i, b := range raw {
		e, err := review.DecodeAuditEntry(b)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}
