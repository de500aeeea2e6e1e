package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// SchemaVersion is the schema version this package writes.
const SchemaVersion = 1

// migrations returns the schema migrations: element i brings the schema
// from version i to version i+1. Never edit a migration that has shipped;
// append a new one.
func migrations() []string {
	return []string{
		// 1: items with their indexed columns, and the audit log. The
		// queue index holds only undecided items, so finding the next item to
		// claim does not scan the history.
		`CREATE TABLE items (
		id                  TEXT PRIMARY KEY,
		version             INTEGER NOT NULL,
		state               TEXT NOT NULL,
		tier                INTEGER NOT NULL,
		submitted           INTEGER NOT NULL,
		decided             INTEGER,
		claim_expires       INTEGER,
		delivery_state      TEXT,
		delivery_not_before INTEGER,
		meta                BLOB NOT NULL,
		content             BLOB NOT NULL
	) STRICT;
	CREATE INDEX items_by_submitted ON items (submitted, id);
	CREATE INDEX items_queue ON items (submitted, id) WHERE state IN ('pending', 'claimed');
	CREATE INDEX items_by_decided ON items (decided) WHERE decided IS NOT NULL;
	CREATE INDEX items_by_delivery ON items (delivery_not_before) WHERE delivery_state = 'pending';
	CREATE TABLE audit (
		seq   INTEGER PRIMARY KEY,
		hash  TEXT NOT NULL,
		entry BLOB NOT NULL
	) STRICT;`,
	}
}

// migrate applies the migrations the database lacks, and sets its
// user_version, in one write transaction: a failure leaves the schema as
// it was.
func migrate(ctx context.Context, db *sql.DB, ms []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", err)
	}
	if v > len(ms) || v < 0 {
		return fmt.Errorf("%w: database has version %d, this package knows up to %d", ErrSchemaVersion, v, len(ms))
	}
	if v == len(ms) {
		return nil
	}
	for i := v; i < len(ms); i++ {
		if _, err := tx.ExecContext(ctx, ms[i]); err != nil {
			return fmt.Errorf("sqlitestore: migrate to version %d: %w", i+1, err)
		}
	}
	// PRAGMA takes no bound parameters; the version is an integer.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(ms))); err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", err)
	}
	return nil
}
