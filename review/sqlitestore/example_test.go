package sqlitestore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/sqlitestore"
	"github.com/careguard/careguard/riskroute"
)

func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "careguard-review")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "review.db")

	store, err := sqlitestore.Open(ctx, path, nil)
	if err != nil {
		log.Fatal(err)
	}
	w, err := review.New(store, nil)
	if err != nil {
		log.Fatal(err)
	}
	c, err := buildCorpus() // a guideline draft for a synthetic patient
	if err != nil {
		log.Fatal(err)
	}
	it, err := w.Submit(ctx, c.nurse)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := w.Claim(ctx, it.ID, review.Reviewer{ID: "rn-ada", Role: riskroute.RoleNurse}); err != nil {
		log.Fatal(err)
	}
	head, err := review.Verify(ctx, store, nil)
	if err != nil {
		log.Fatal(err)
	}
	store.Close()

	// Reopen: the claim and the audit chain are on disk.
	store, err = sqlitestore.Open(ctx, path, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	got, _, err := store.Get(ctx, it.ID)
	if err != nil {
		log.Fatal(err)
	}
	_, err = review.Verify(ctx, store, &head)
	fmt.Println(got.State, got.Claim.Reviewer.ID, head.Seq, err)
	// Output:
	// claimed rn-ada 2 <nil>
}
