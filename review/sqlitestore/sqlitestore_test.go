package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/reviewtest"
	"github.com/careguard/careguard/review/sqlitestore"
	"github.com/careguard/careguard/riskroute"
)

func TestMain(m *testing.M) {
	if crashChild() {
		return
	}
	goleak.VerifyTestMain(m)
}

// open opens a store in a fresh file and closes it at the end of the test.
func open(t *testing.T) (*sqlitestore.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "review.db")
	s, err := sqlitestore.Open(t.Context(), path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestConformance(t *testing.T) {
	paths := map[review.Store]string{}
	reviewtest.Run(t, func(t *testing.T) review.Store {
		s, path := open(t)
		paths[s] = path
		return s
	}, &reviewtest.Options{Reopen: func(t *testing.T, s review.Store) review.Store {
		require.NoError(t, s.(*sqlitestore.Store).Close())
		s2, err := sqlitestore.Open(t.Context(), paths[s], nil)
		require.NoError(t, err)
		t.Cleanup(func() { s2.Close() })
		return s2
	}})
}

func TestOpenRejectsBadPaths(t *testing.T) {
	tests := []struct {
		name, path, reason string
	}{
		{"empty", "", "there is no file to open"},
		{"query", filepath.Join(t.TempDir(), "a?mode=ro"), "the driver would read the query as parameters and drop our pragmas"},
		{"memory", ":memory:", "an in-memory database is not durable and is not shared by the read pool"},
		{"uri", "file:review.db", "URIs would bypass the parameters Open sets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sqlitestore.Open(t.Context(), tt.path, nil)
			require.ErrorIs(t, err, review.ErrInvalid, tt.reason)
		})
	}
}

func TestClosed(t *testing.T) {
	s, _ := open(t)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "a second Close is harmless")
	ctx := context.Background()
	_, _, err := s.Get(ctx, "x")
	assert.ErrorIs(t, err, sqlitestore.ErrClosed)
	_, err = s.List(ctx, nil)
	assert.ErrorIs(t, err, sqlitestore.ErrClosed)
	_, err = s.Audit(ctx, 0, 1)
	assert.ErrorIs(t, err, sqlitestore.ErrClosed)
	_, err = s.Apply(ctx, &review.Change{})
	assert.ErrorIs(t, err, sqlitestore.ErrClosed)
}

// rawExec runs raw SQL against the database file, as an attacker or a bug
// with write access could.
func rawExec(t *testing.T, path, q string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(q, args...)
	require.NoError(t, err)
}

func TestTamperingIsDetected(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		useHead bool
		problem review.ChainProblem
		reason  string
	}{
		{"entry edited", `UPDATE audit SET entry = CAST(replace(CAST(entry AS TEXT), '"actor":"rn-1"', '"actor":"rn-2"') AS BLOB) WHERE seq = 2`, false,
			review.ChainAltered, "the edited entry no longer matches its hash"},
		{"entry deleted", `DELETE FROM audit WHERE seq = 2`, false, review.ChainSequence, "a gap"},
		{"entries swapped", `UPDATE audit SET seq = -2 WHERE seq = 2; UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = -2`, false,
			review.ChainSequence, "the rows' sequence numbers no longer match their entries"},
		{"tail deleted", `DELETE FROM audit WHERE seq > 2`, true, review.ChainTruncated, "only the kept head shows it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := open(t)
			w, err := review.New(s, nil)
			require.NoError(t, err)
			c := newCorpus(t)
			it, err := w.Submit(t.Context(), c.nurse)
			require.NoError(t, err)
			cl, err := w.Claim(t.Context(), it.ID, review.Reviewer{ID: "rn-1", Role: riskroute.RoleNurse})
			require.NoError(t, err)
			_, err = w.Approve(t.Context(), cl)
			require.NoError(t, err)
			head, err := review.Verify(t.Context(), s, nil)
			require.NoError(t, err)
			require.Equal(t, uint64(3), head.Seq)

			rawExec(t, path, tt.sql)
			var want *review.Head
			if tt.useHead {
				want = &head
				_, err := review.Verify(t.Context(), s, nil)
				require.NoError(t, err, "without a head, a truncated chain is consistent")
			}
			_, err = review.Verify(t.Context(), s, want)
			var ce *review.ChainError
			require.ErrorAs(t, err, &ce, tt.reason)
			assert.Equal(t, tt.problem, ce.Problem, tt.reason)
		})
	}
}

func TestCorruptRowsAreReported(t *testing.T) {
	s, path := open(t)
	w, err := review.New(s, nil)
	require.NoError(t, err)
	it, err := w.Submit(t.Context(), newCorpus(t).nurse)
	require.NoError(t, err)
	rawExec(t, path, `UPDATE items SET meta = CAST('{"id":' AS BLOB) WHERE id = ?`, it.ID)
	_, _, err = s.Get(t.Context(), it.ID)
	require.ErrorIs(t, err, review.ErrCorrupt)
	_, err = s.List(t.Context(), nil)
	require.ErrorIs(t, err, review.ErrCorrupt)
	rawExec(t, path, `UPDATE audit SET entry = CAST('not json' AS BLOB)`)
	_, err = review.Verify(t.Context(), s, nil)
	require.ErrorIs(t, err, review.ErrCorrupt)
}

// Two stores on one file stand for two processes sharing the queue: the
// claim must still be exclusive, across connections and locks.
func TestClaimIsExclusiveAcrossStores(t *testing.T) {
	s1, path := open(t)
	s2, err := sqlitestore.Open(t.Context(), path, nil)
	require.NoError(t, err)
	defer s2.Close()
	w1, err := review.New(s1, nil)
	require.NoError(t, err)
	w2, err := review.New(s2, nil)
	require.NoError(t, err)
	c := newCorpus(t)
	const items = 20
	for range items {
		_, err := w1.Submit(t.Context(), c.nurse)
		require.NoError(t, err)
	}
	var mu sync.Mutex
	holder := map[string]string{}
	var wg sync.WaitGroup
	for g := range 8 {
		w := w1
		if g%2 == 1 {
			w = w2
		}
		who := review.Reviewer{ID: fmt.Sprintf("rn-%d", g), Role: riskroute.RoleNurse}
		wg.Go(func() {
			for {
				cl, err := w.ClaimNext(t.Context(), who)
				if errors.Is(err, review.ErrQueueEmpty) {
					return
				}
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				if prev, ok := holder[cl.ItemID]; ok {
					t.Errorf("item %s claimed by %s and %s", cl.ItemID, prev, who.ID)
				}
				holder[cl.ItemID] = who.ID
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Len(t, holder, items)
	head, err := review.Verify(t.Context(), s2, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(2*items), head.Seq, "one submit and one claim per item; no fork in the chain")
}
