package sqlitestore

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

func rawDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db")+"?_txlock=immediate")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func userVersion(t *testing.T, db *sql.DB) int {
	t.Helper()
	var v int
	require.NoError(t, db.QueryRow("PRAGMA user_version").Scan(&v))
	return v
}

func tables(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		out = append(out, n)
	}
	return out
}

func TestMigrate(t *testing.T) {
	v1 := []string{"CREATE TABLE a (x INTEGER)"}
	v2 := append(v1, "CREATE TABLE b (y INTEGER)")
	broken := append(v2, "CREATE TABLE c (", "CREATE TABLE d (z INTEGER)")

	db := rawDB(t)
	require.NoError(t, migrate(t.Context(), db, v1))
	assert.Equal(t, 1, userVersion(t, db))
	require.NoError(t, migrate(t.Context(), db, v1), "migrating an up-to-date database does nothing")
	require.NoError(t, migrate(t.Context(), db, v2), "only the missing migration runs")
	assert.Equal(t, 2, userVersion(t, db))
	assert.Equal(t, []string{"a", "b"}, tables(t, db))

	err := migrate(t.Context(), db, broken)
	require.Error(t, err, "a failing migration is reported")
	assert.Equal(t, 2, userVersion(t, db), "and rolls back: version unchanged")
	assert.Equal(t, []string{"a", "b"}, tables(t, db), "no partial schema")

	require.ErrorIs(t, migrate(t.Context(), db, v1), ErrSchemaVersion, "a database from a newer version is refused")
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "review.db")
	s, err := Open(t.Context(), path, nil)
	require.NoError(t, err)
	_, err = s.w.Exec("PRAGMA user_version = 99")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = Open(t.Context(), path, nil)
	require.ErrorIs(t, err, ErrSchemaVersion)
}

func TestOpenSetsDurablePragmas(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "review.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	for _, db := range []*sql.DB{s.w, s.r} {
		var mode string
		var sync, busy int
		require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
		require.NoError(t, db.QueryRow("PRAGMA synchronous").Scan(&sync))
		require.NoError(t, db.QueryRow("PRAGMA busy_timeout").Scan(&busy))
		assert.Equal(t, "wal", mode)
		assert.Equal(t, 2, sync, "synchronous=FULL: a commit is on disk when it returns")
		assert.Equal(t, 10000, busy)
	}
	assert.Equal(t, SchemaVersion, userVersion(t, s.w))
	_, err = s.r.Exec("CREATE TABLE x (y INTEGER)")
	require.Error(t, err, "the read pool cannot write")
}

// The queries the workflow runs most must use an index, not scan every
// item ever reviewed.
func TestQueryPlans(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "review.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	now := time.Now()
	tests := []struct {
		name  string
		f     review.Filter
		index string
	}{
		{"queue", review.Filter{ClaimableAt: now, MaxTier: riskroute.TierNurseReview, Limit: 16}, "items_queue"},
		{"one item", review.Filter{ID: "x"}, "sqlite_autoindex_items_1"},
		{"deliveries due", review.Filter{DeliveryDueAt: now, Limit: 64}, "items_by_delivery"},
		{"decided in a period", review.Filter{States: []review.State{review.StateApproved}, DecidedFrom: now, DecidedTo: now}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, args := listQuery(&tt.f)
			rows, err := s.r.Query("EXPLAIN QUERY PLAN "+q, args...)
			require.NoError(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
				plan = append(plan, detail)
			}
			for _, p := range plan {
				assert.NotRegexp(t, `^SCAN items$`, p, "a full scan: %v", plan)
			}
			if tt.index != "" {
				assert.Contains(t, strings.Join(plan, "\n"), tt.index)
			}
		})
	}
}

type nopSink struct{}

func (nopSink) Write(context.Context, *review.Approval) error { return nil }

// Delivery bookkeeping commits with synchronous=NORMAL on a pinned
// connection; the connection must go back to FULL, or later approvals
// would not be durable.
func TestRelaxedChangesRestoreFullSync(t *testing.T) {
	s, err := Open(t.Context(), filepath.Join(t.TempDir(), "review.db"), nil)
	require.NoError(t, err)
	defer s.Close()
	w, err := review.New(s, &review.Options{Sink: nopSink{}})
	require.NoError(t, err)
	d := &careplan.Draft{Kind: careplan.KindCarePlan, Plan: &careplan.Plan{Summary: "x",
		Problems: []careplan.Problem{{Title: "Hypertension", Status: careplan.ProblemExisting, Citations: []string{"C1"}, Rationale: "BP."}}}}
	it, err := w.Submit(t.Context(), &review.Submission{Subject: "Patient/1", Draft: d, Report: &validate.Report{Ran: []string{"x"}}})
	require.NoError(t, err)
	c, err := w.Claim(t.Context(), it.ID, review.Reviewer{ID: "rn", Role: riskroute.RoleNurse})
	require.NoError(t, err)
	got, err := w.Approve(t.Context(), c)
	require.NoError(t, err)
	require.Equal(t, review.DeliveryDone, got.Delivery.State, "the relaxed outcome was recorded")
	var sync int
	require.NoError(t, s.w.QueryRow("PRAGMA synchronous").Scan(&sync))
	assert.Equal(t, 2, sync, "the writer is back at FULL")
}
