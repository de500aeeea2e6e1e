package review_test

import (
	"testing"

	"go.uber.org/goleak"
)

// The workflow starts no goroutines; nothing may outlive the tests.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
