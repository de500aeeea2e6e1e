// Package reviewtest checks that a [review.Store] keeps the contract
// written on that interface, as testing/fstest does for file systems.
// careguard's stores run it, and so should a deployer's own:
//
//	func TestConformance(t *testing.T) {
//		reviewtest.Run(t, func(t *testing.T) review.Store {
//			s, err := mystore.Open(t.Context(), dsnForTest(t))
//			if err != nil {
//				t.Fatal(err)
//			}
//			t.Cleanup(func() { s.Close() })
//			return s
//		}, nil)
//	}
//
// Each check runs as a subtest with a fresh, empty store:
//
//   - Insert, Update, KeepContent, Relaxed: changes round-trip exactly; a
//     nil Content keeps the stored content; the sealed audit entry is
//     returned and stored; a Relaxed change is applied and checked like
//     any other.
//   - Conflict, NotFound, Invalid: an existing ID on insert and a stale
//     version give [review.ErrConflict]; a missing item
//     [review.ErrNotFound]; a malformed change [review.ErrInvalid]; and
//     none of them changes the item or appends an entry.
//   - List: every [review.Filter] field selects what [review.Filter.Match]
//     selects, in [review.CompareItems] order, honouring Limit.
//   - Audit: paging by after and limit; the chain [review.Verify]s.
//   - Isolation: values returned and values given are copies.
//   - Canceled: a cancelled context applies nothing.
//   - ConcurrentConflict: 16 concurrent changes to one version; exactly
//     one commits.
//   - ConcurrentAppend: 8 goroutines inserting 25 items each; every entry
//     is appended once and the chain verifies.
//   - Workflow: a [review.Workflow] over the store: 8 reviewers racing
//     for one item, exactly one claim wins; approval delivers once.
//   - Reopen (when [Options].Reopen is set): everything written survives
//     closing and reopening the store, and the chain verifies against the
//     head recorded before.
//
// # Errors
//
// Failures are reported through the *testing.T given to [Run].
//
// # Concurrency
//
// [Run] calls the store from many goroutines at once, as the contract
// allows, and runs its subtests sequentially.
package reviewtest
