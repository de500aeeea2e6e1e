package caregap_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/patient"
)

// syntheaDir returns the folder of the 16 Synthea R4 bundles:
// CAREGUARD_SYNTHEA_DIR, or ../shared/testdata/synthea beside the module
// root. Tests that need it skip when it is absent.
func syntheaDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("CAREGUARD_SYNTHEA_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "testdata", "synthea")
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		tb.Skipf("Synthea bundles not found at %s (set CAREGUARD_SYNTHEA_DIR to the folder of the 16 Synthea R4 bundles)", dir)
	}
	return dir
}

// syntheaRecord decodes one bundle as of its latest clinical date.
func syntheaRecord(tb testing.TB, path string) *patient.Record {
	tb.Helper()
	data, err := os.ReadFile(path)
	require.NoError(tb, err)
	asOf, err := fhir.LatestClinicalDate(tb.Context(), data, nil)
	require.NoError(tb, err)
	res, err := fhir.Decode(tb.Context(), data, &fhir.DecodeOptions{AsOf: asOf})
	require.NoError(tb, err)
	return res.Record
}

// syntheaExpectation is one bundle's row of
// testdata/synthea-expectations.json, written by
// testdata/synthea-expectations.py from the bundles and read by hand (the
// reasons are in testdata/synthea-expectations.md).
type syntheaExpectation struct {
	AsOf string            `json:"as_of"`
	Age  int               `json:"age"`
	Sex  string            `json:"sex"`
	Gaps map[string]string `json:"gaps"`
}

func TestSyntheaCareGaps(t *testing.T) {
	dir := syntheaDir(t)
	raw, err := os.ReadFile(filepath.Join("testdata", "synthea-expectations.json"))
	require.NoError(t, err)
	var want map[string]syntheaExpectation
	require.NoError(t, json.Unmarshal(raw, &want))
	require.Len(t, want, 16, "one expectation per bundle")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	require.Len(t, files, 16)
	e, err := caregap.New(nil)
	require.NoError(t, err)
	for _, path := range files {
		name := filepath.Base(path)
		parts := strings.SplitN(name, "_", 3)
		t.Run(parts[0]+"_"+parts[1], func(t *testing.T) {
			exp, ok := want[name]
			require.True(t, ok, "no expectation for %s", name)
			rec := syntheaRecord(t, path)
			assert.Equal(t, exp.AsOf, rec.AsOf().Format(time.DateOnly))
			assert.Equal(t, exp.Age, rec.Age())
			gaps, err := e.Evaluate(rec)
			require.NoError(t, err)
			got := map[string]string{}
			for _, g := range gaps {
				got[g.RuleID] = string(g.Status)
				checkGap(t, rec, g)
			}
			assert.Equal(t, exp.Gaps, got, "statuses by rule (-want +got); reasons in testdata/synthea-expectations.md")
		})
	}
}

// checkGap checks what every gap must satisfy, whatever its status.
func checkGap(t *testing.T, rec *patient.Record, g caregap.Gap) {
	t.Helper()
	assert.NotEmpty(t, g.Facts, "%s rests on facts", g.RuleID)
	for _, id := range g.Facts {
		assert.True(t, rec.Has(id), "%s cites %s, a fact of the record", g.RuleID, id)
	}
	assert.NotEmpty(t, g.Reason, g.RuleID)
	assert.NotEmpty(t, g.Source.Citation, g.RuleID)
	assert.LessOrEqual(t, len(g.Source.Citation), 300, "%s: a plan item's source holds at most 300 characters", g.RuleID)
	switch g.Status {
	case caregap.StatusOpen, caregap.StatusMet:
		if g.Status == caregap.StatusOpen {
			assert.False(t, g.Due.IsZero(), "%s: an open gap has a due date", g.RuleID)
			assert.False(t, g.Due.After(rec.AsOf()), "%s: an open gap fell due on or before the as-of date", g.RuleID)
		} else if !g.Due.IsZero() {
			assert.False(t, g.Due.Before(rec.AsOf().Truncate(24*time.Hour)), "%s: a met gap is due on or after the as-of date", g.RuleID)
		}
	default:
		assert.True(t, g.Due.IsZero(), "%s: %s gaps have no due date", g.RuleID, g.Status)
	}
}
