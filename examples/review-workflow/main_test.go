package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(t.Context(), &out))
	for _, want := range []string{
		"approved, delivery delivered",
		"approved_with_edits; 0 added, 0 removed, 1 changed of 20 items (0 clinical): not substantial",
		"is pending in the physician_review queue, with the nurse's edit kept",
		"approved_with_edits by dr-cho; 1 added, 0 removed, 0 changed of 20 items (1 clinical): SUBSTANTIAL",
		"rejected [missing_information tone_readability]",
		"approval rate 75%, substantial-revision rate 33% (of approvals)",
		"chain verified: 17 entries",
		"the chain still verifies against the kept head",
	} {
		assert.Contains(t, out.String(), want)
	}
	assert.Equal(t, 3, strings.Count(out.String(), "chart <- "), "three approvals, each written once")
	assert.NotContains(t, out.String(), "transport barrier", "feedback text is not printed from the audit log")
}
