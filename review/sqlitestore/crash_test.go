package sqlitestore_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/sqlitestore"
	"github.com/careguard/careguard/riskroute"
)

// childEnv tells a re-executed test binary to act as the crash test's
// child instead of running tests: "submit:<db path>" or "approve:<db
// path>". Only tests read it; the library reads no environment.
const childEnv = "CAREGUARD_REVIEW_CRASH_CHILD"

// crashChild runs the child's loop, which only ever ends by SIGKILL, and
// reports whether this process is a child.
func crashChild() bool {
	mode, path, ok := strings.Cut(os.Getenv(childEnv), ":")
	if !ok {
		return false
	}
	if err := runChild(mode, path); err != nil {
		fmt.Fprintln(os.Stdout, "ERR", err)
		os.Exit(2)
	}
	return true
}

func runChild(mode, path string) error {
	ctx := context.Background()
	st, err := sqlitestore.Open(ctx, path, nil)
	if err != nil {
		return err
	}
	c, err := buildCorpus()
	if err != nil {
		return err
	}
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(os.Stdout, format+"\n", args...) // one write per line, unbuffered
	}
	switch mode {
	case "submit":
		// Four writers submit as fast as they can; each ID is printed only
		// after Submit returned, that is, after the commit.
		w, err := review.New(st, nil)
		if err != nil {
			return err
		}
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				for {
					it, err := w.Submit(ctx, c.nurse)
					if err != nil {
						errs <- err
						return
					}
					say("ACK %s", it.ID)
				}
			}()
		}
		return <-errs
	case "approve":
		// Approve, then hang inside the sink call: the approval is
		// committed, its delivery outcome never recorded.
		w, err := review.New(st, &review.Options{Sink: hangingSink{say: say}})
		if err != nil {
			return err
		}
		it, err := w.Submit(ctx, c.nurse)
		if err != nil {
			return err
		}
		cl, err := w.Claim(ctx, it.ID, review.Reviewer{ID: "rn-1", Role: riskroute.RoleNurse})
		if err != nil {
			return err
		}
		_, err = w.Approve(ctx, cl)
		return fmt.Errorf("approve returned: %v", err)
	}
	return fmt.Errorf("unknown mode %q", mode)
}

type hangingSink struct{ say func(string, ...any) }

func (s hangingSink) Write(_ context.Context, a *review.Approval) error {
	s.say("SINK %s %s", a.ItemID, a.Key)
	select {} // killed here
}

// startChild re-executes the test binary as a child and returns its
// output lines as they arrive.
func startChild(t *testing.T, mode, path string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode+":"+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() { // a line cut by the kill has no newline and is dropped
			lines <- sc.Text()
		}
	}()
	return cmd, lines
}

// TestCrashDuringSubmissions kills a child process with SIGKILL while
// four goroutines are writing submissions, three times over the same
// database, and checks that every submission the child acknowledged is
// there and the audit chain verifies after each crash.
func TestCrashDuringSubmissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "review.db")
	acked := map[string]bool{}
	for round := range 3 {
		cmd, lines := startChild(t, "submit", path)
		n := 0
		deadline := time.After(60 * time.Second)
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				id, found := strings.CutPrefix(line, "ACK ")
				require.True(t, found, "child said %q", line)
				acked[id] = true
				n++
				if n == 25+10*round {
					require.NoError(t, cmd.Process.Kill()) // SIGKILL, mid-write
				}
			case <-deadline:
				cmd.Process.Kill()
				t.Fatal("child did not acknowledge submissions in time")
			}
		}
		err := cmd.Wait()
		require.Error(t, err, "the child was killed")

		st, err := sqlitestore.Open(t.Context(), path, nil)
		require.NoError(t, err, "round %d: reopen after the crash", round)
		for id := range acked {
			_, _, err := st.Get(t.Context(), id)
			require.NoError(t, err, "round %d: acknowledged submission %s lost", round, id)
		}
		items, err := st.List(t.Context(), nil)
		require.NoError(t, err)
		head, err := review.Verify(t.Context(), st, nil)
		require.NoError(t, err, "round %d: the audit chain verifies after the crash", round)
		assert.GreaterOrEqual(t, len(items), len(acked), "a submission may commit just before the kill without its ACK")
		assert.Equal(t, uint64(len(items)), head.Seq, "one entry per stored submission, none torn")
		t.Logf("round %d: %d acknowledged so far, %d stored, chain head %d", round, len(acked), len(items), head.Seq)
		require.NoError(t, st.Close())
	}
}

// TestCrashBeforeDeliveryIsRecorded kills a child inside the sink call
// after an approval committed; after a restart the approval is delivered
// once more, with the same key, so an idempotent sink writes it once.
func TestCrashBeforeDeliveryIsRecorded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "review.db")
	cmd, lines := startChild(t, "approve", path)
	var id, key string
	select {
	case line := <-lines:
		f := strings.Fields(line)
		require.Len(t, f, 3, "child said %q", line)
		require.Equal(t, "SINK", f[0])
		id, key = f[1], f[2]
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("child did not reach the sink")
	}
	require.NoError(t, cmd.Process.Kill())
	require.Error(t, cmd.Wait())

	st, err := sqlitestore.Open(t.Context(), path, nil)
	require.NoError(t, err)
	defer st.Close()
	it, _, err := st.Get(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, review.StateApproved, it.State, "the approval survived the crash")
	require.Equal(t, review.DeliveryPending, it.Delivery.State)

	sink := &keySink{}
	later := func() time.Time { return time.Now().Add(review.DefaultDeliveryLease) }
	w, err := review.New(st, &review.Options{Sink: sink, Now: later})
	require.NoError(t, err)
	n, err := w.Deliver(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, map[string]int{key: 1}, sink.keys, "delivered with the key the crashed attempt used")
	n, err = w.Deliver(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n)
	_, err = review.Verify(t.Context(), st, nil)
	require.NoError(t, err)
}
