// Package sqlitestore is a [review.Store] in an SQLite database file, using
// the pure-Go driver modernc.org/sqlite (no cgo): careguard's embedded
// default.
//
// # Durability
//
// The database runs in WAL mode with synchronous=FULL: every change is one
// BEGIN IMMEDIATE ... COMMIT transaction, and COMMIT returns only after the
// write-ahead log is synced to disk, so a change [Store.Apply] acknowledged
// survives a crash of the process and of the machine. [Open] refuses a
// file system where WAL mode cannot be enabled.
//
// The one exception is a change marked [review.Change].Relaxed: the
// workflow's delivery bookkeeping (an attempt's lease and outcome). It
// commits with synchronous=NORMAL on a pinned connection, which is then
// set back to FULL: it survives a process crash, and a power failure
// before the next durable commit can undo it, which only makes the
// approval be delivered again with the same key. This saves one disk sync
// per approval.
//
// # Exclusive claims
//
// Apply updates an item with UPDATE ... WHERE id = ? AND version = ?
// inside the transaction and reports [review.ErrConflict] when no row
// matched, so of two concurrent changes to the same version exactly one
// commits, whether they come from one process or several. The audit entry
// is sealed against the log's head read inside the same write
// transaction, so the chain never forks. Writers in one process queue on
// a single connection; across processes they wait for the lock for up to
// Options.BusyTimeout.
//
// # Schema
//
// The schema is versioned with PRAGMA user_version. [Open] applies the
// missing migrations in one transaction (all or none) and refuses a
// database written by a newer version of this package with
// [ErrSchemaVersion]. The current version is [SchemaVersion].
//
// A PostgreSQL store, for several service instances sharing one queue, is
// planned; the review/reviewtest suite is its contract.
//
// # Errors
//
// Apply, Get, List and Audit return the errors [review.Store] specifies
// (wrapping [review.ErrConflict], [review.ErrNotFound],
// [review.ErrInvalid], or [review.ErrCorrupt] for a row that does not
// decode), [ErrClosed] after [Store.Close], ctx.Err() when ctx ends, and
// SQLite's own errors (a full disk, a lock held past the busy timeout)
// wrapped with the operation.
//
// # Concurrency
//
// A [Store] is safe for concurrent use by multiple goroutines, and several
// processes may open the same file.
package sqlitestore
