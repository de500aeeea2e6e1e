package memstore_test

import (
	"testing"

	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/memstore"
	"github.com/careguard/careguard/review/reviewtest"
)

func TestConformance(t *testing.T) {
	reviewtest.Run(t, func(*testing.T) review.Store { return memstore.New() }, nil)
}
