package sqlitestore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/careguard/careguard/review"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Errors.
var (
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("sqlitestore: store is closed")
	// ErrSchemaVersion: the database was written by a newer schema
	// version than this package knows.
	ErrSchemaVersion = errors.New("sqlitestore: unknown schema version")
)

// Options configures a Store. The zero value (or nil) gives the defaults
// noted on each field.
type Options struct {
	// BusyTimeout is how long a transaction waits for a lock held by
	// another process. Default 10 s.
	BusyTimeout time.Duration
	// ReadConns bounds the connections used for reads. Default 4.
	ReadConns int
}

// Store is a review.Store in an SQLite database file.
type Store struct {
	w, r   *sql.DB
	closed atomic.Bool

	insert, update, updateMeta, exists, head, appendEntry *sql.Stmt
}

var _ review.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and brings its
// schema up to date. Close it when done.
//
// Open returns an error wrapping [review.ErrInvalid] for an empty path or
// one containing '?', [ErrSchemaVersion] for a database from a newer
// version, and SQLite's error when the file cannot be opened, WAL mode
// cannot be enabled or a migration fails (then nothing was migrated).
func Open(ctx context.Context, path string, opts *Options) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") || path == ":memory:" {
		return nil, &review.InputError{Field: "path", Err: errors.New("want a file path without '?'")}
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 10 * time.Second
	}
	if o.ReadConns <= 0 {
		o.ReadConns = 4
	}
	params := "?_pragma=busy_timeout(" + strconv.FormatInt(o.BusyTimeout.Milliseconds(), 10) + ")" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	w, err := sql.Open("sqlite", path+params+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &Store{w: w}
	if err := s.init(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", path+params+"&_pragma=query_only(1)")
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlitestore: open: %w", err)
	}
	r.SetMaxOpenConns(o.ReadConns)
	r.SetMaxIdleConns(o.ReadConns)
	s.r = r
	return s, nil
}

func (s *Store) init(ctx context.Context) error {
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("sqlitestore: open: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("sqlitestore: open: journal mode is %q, want wal", mode)
	}
	if err := migrate(ctx, s.w, migrations()); err != nil {
		return err
	}
	var err error
	prep := func(dst **sql.Stmt, q string) {
		if err != nil {
			return
		}
		*dst, err = s.w.PrepareContext(ctx, q)
	}
	prep(&s.insert, `INSERT INTO items (id, version, state, tier, submitted, decided, claim_expires,
		delivery_state, delivery_not_before, meta, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`)
	prep(&s.update, `UPDATE items SET version = ?, state = ?, tier = ?, submitted = ?, decided = ?,
		claim_expires = ?, delivery_state = ?, delivery_not_before = ?, meta = ?, content = ?
		WHERE id = ? AND version = ?`)
	prep(&s.updateMeta, `UPDATE items SET version = ?, state = ?, tier = ?, submitted = ?, decided = ?,
		claim_expires = ?, delivery_state = ?, delivery_not_before = ?, meta = ?
		WHERE id = ? AND version = ?`)
	prep(&s.exists, `SELECT 1 FROM items WHERE id = ?`)
	prep(&s.head, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`)
	prep(&s.appendEntry, `INSERT INTO audit (seq, hash, entry) VALUES (?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("sqlitestore: prepare: %w", err)
	}
	return nil
}

// Close closes the database. Calls after Close return [ErrClosed]; Close
// itself may be called more than once.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

func (s *Store) check(ctx context.Context) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return ctx.Err()
}

// nanos stores a time as Unix nanoseconds; the zero time as NULL.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// columns returns the indexed columns of an item.
func columns(it *review.Item) (claimExpires, deliveryState, deliveryNotBefore any) {
	if it.Claim != nil {
		claimExpires = it.Claim.Expires.UnixNano()
	}
	if it.Delivery != nil {
		deliveryState = string(it.Delivery.State)
		deliveryNotBefore = it.Delivery.NotBefore.UnixNano()
	}
	return
}

// Apply implements [review.Store].
func (s *Store) Apply(ctx context.Context, c *review.Change) (*review.AuditEntry, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	it := c.Item
	meta, err := json.Marshal(it)
	if err != nil {
		return nil, fmt.Errorf("sqlitestore: encode item: %w", err)
	}
	var content []byte
	if c.Content != nil {
		if content, err = json.Marshal(c.Content); err != nil {
			return nil, fmt.Errorf("sqlitestore: encode content: %w", err)
		}
	}
	var entry *review.AuditEntry
	if c.Audit != nil {
		e := *c.Audit
		entry = &e
	}
	claimExpires, deliveryState, deliveryNotBefore := columns(it)

	var tx *sql.Tx
	if c.Relaxed {
		// Commit without syncing the WAL, on a pinned connection so no
		// other change commits under the relaxed setting. The next
		// durable commit syncs these frames too.
		conn, err := s.w.Conn(ctx)
		if err != nil {
			return nil, s.wrap("begin", err)
		}
		defer s.restoreSync(conn)
		if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
			return nil, s.wrap("begin", err)
		}
		tx, err = conn.BeginTx(ctx, nil)
		if err != nil {
			return nil, s.wrap("begin", err)
		}
	} else {
		tx, err = s.w.BeginTx(ctx, nil) // BEGIN IMMEDIATE: takes the write lock now
		if err != nil {
			return nil, s.wrap("begin", err)
		}
	}
	defer tx.Rollback()
	var res sql.Result
	switch {
	case c.Expect == 0:
		res, err = tx.StmtContext(ctx, s.insert).ExecContext(ctx, it.ID, it.Version, string(it.State), int(it.Tier),
			it.Submitted.UnixNano(), nanos(it.Decided), claimExpires, deliveryState, deliveryNotBefore, meta, content)
	case content != nil:
		res, err = tx.StmtContext(ctx, s.update).ExecContext(ctx, it.Version, string(it.State), int(it.Tier),
			it.Submitted.UnixNano(), nanos(it.Decided), claimExpires, deliveryState, deliveryNotBefore, meta, content,
			it.ID, c.Expect)
	default:
		res, err = tx.StmtContext(ctx, s.updateMeta).ExecContext(ctx, it.Version, string(it.State), int(it.Tier),
			it.Submitted.UnixNano(), nanos(it.Decided), claimExpires, deliveryState, deliveryNotBefore, meta,
			it.ID, c.Expect)
	}
	if err != nil {
		return nil, s.wrap("write item", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, s.wrap("write item", err)
	}
	if n == 0 {
		if c.Expect == 0 {
			return nil, review.ConflictError(it.ID)
		}
		var one int
		switch err := tx.StmtContext(ctx, s.exists).QueryRowContext(ctx, it.ID).Scan(&one); {
		case errors.Is(err, sql.ErrNoRows):
			return nil, review.NotFoundError(it.ID)
		case err != nil:
			return nil, s.wrap("write item", err)
		}
		return nil, review.ConflictError(it.ID)
	}
	if entry != nil {
		var head review.Head
		var seq int64
		switch err := tx.StmtContext(ctx, s.head).QueryRowContext(ctx).Scan(&seq, &head.Hash); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return nil, s.wrap("read audit head", err)
		default:
			head.Seq = uint64(seq)
		}
		entry.Seal(head)
		enc, err := json.Marshal(entry)
		if err != nil {
			return nil, fmt.Errorf("sqlitestore: encode audit entry: %w", err)
		}
		if _, err := tx.StmtContext(ctx, s.appendEntry).ExecContext(ctx, int64(entry.Seq), entry.Hash, enc); err != nil {
			return nil, s.wrap("append audit entry", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, s.wrap("commit", err)
	}
	return entry, nil
}

// restoreSync puts a connection used for a relaxed change back to
// synchronous=FULL before returning it to the pool; a connection that
// cannot be restored is discarded rather than reused.
func (s *Store) restoreSync(conn *sql.Conn) {
	if _, err := conn.ExecContext(context.Background(), "PRAGMA synchronous = FULL"); err != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck // the error is the point
	}
	conn.Close()
}

func (s *Store) wrap(op string, err error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	return fmt.Errorf("sqlitestore: %s: %w", op, err)
}

// Get implements [review.Store].
func (s *Store) Get(ctx context.Context, id string) (*review.Item, *review.Content, error) {
	if err := s.check(ctx); err != nil {
		return nil, nil, err
	}
	var meta, content []byte
	err := s.r.QueryRowContext(ctx, `SELECT meta, content FROM items WHERE id = ?`, id).Scan(&meta, &content)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil, review.NotFoundError(id)
	case err != nil:
		return nil, nil, s.wrap("get", err)
	}
	it, err := review.DecodeItem(meta)
	if err != nil {
		return nil, nil, err
	}
	c, err := review.DecodeContent(content)
	if err != nil {
		return nil, nil, err
	}
	return it, c, nil
}

// List implements [review.Store].
func (s *Store) List(ctx context.Context, f *review.Filter) ([]*review.Item, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if f == nil {
		f = &review.Filter{}
	}
	q, args := listQuery(f)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, s.wrap("list", err)
	}
	defer rows.Close()
	var out []*review.Item
	for rows.Next() {
		var meta []byte
		if err := rows.Scan(&meta); err != nil {
			return nil, s.wrap("list", err)
		}
		it, err := review.DecodeItem(meta)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("list", err)
	}
	return out, nil
}

// listQuery translates a filter; it must select exactly what
// review.Filter.Match selects.
func listQuery(f *review.Filter) (string, []any) {
	var where []string
	var args []any
	if f.ID != "" {
		where = append(where, "id = ?")
		args = append(args, f.ID)
	}
	if len(f.States) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(f.States)-1)+")")
		for _, st := range f.States {
			args = append(args, string(st))
		}
	}
	if f.MaxTier != 0 {
		where = append(where, "tier <= ?")
		args = append(args, int(f.MaxTier))
	}
	if !f.ClaimableAt.IsZero() {
		// The first term is implied by the second; it is spelled out so
		// SQLite uses the partial queue index.
		where = append(where, "state IN ('pending', 'claimed')",
			"(state = 'pending' OR (state = 'claimed' AND claim_expires <= ?))")
		args = append(args, f.ClaimableAt.UnixNano())
	}
	if !f.DeliveryDueAt.IsZero() {
		where = append(where, "delivery_state = 'pending' AND delivery_not_before <= ?")
		args = append(args, f.DeliveryDueAt.UnixNano())
	}
	if !f.DecidedFrom.IsZero() {
		where = append(where, "decided >= ?")
		args = append(args, f.DecidedFrom.UnixNano())
	}
	if !f.DecidedTo.IsZero() {
		where = append(where, "decided < ?")
		args = append(args, f.DecidedTo.UnixNano())
	}
	q := "SELECT meta FROM items"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY submitted, id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return q, args
}

// Audit implements [review.Store].
func (s *Store) Audit(ctx context.Context, after uint64, limit int) ([]*review.AuditEntry, error) {
	if err := s.check(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = -1
	}
	if after > 1<<62 {
		return nil, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT entry FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`, int64(after), limit)
	if err != nil {
		return nil, s.wrap("audit", err)
	}
	defer rows.Close()
	var out []*review.AuditEntry
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, s.wrap("audit", err)
		}
		e, err := review.DecodeAuditEntry(b)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap("audit", err)
	}
	return out, nil
}
