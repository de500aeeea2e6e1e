package careplan_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/caregap"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/fhir"
)

// On the 16 Synthea patients, every open care gap has a plan item that
// carries the gap's source and cites every fact the gap rests on.
func TestGuidelineDrafterSyntheaGapItems(t *testing.T) {
	dir := os.Getenv("CAREGUARD_SYNTHEA_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "testdata", "synthea")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Skipf("Synthea bundles not found at %s (set CAREGUARD_SYNTHEA_DIR to the folder of the 16 Synthea R4 bundles)", dir)
	}
	engine, err := caregap.New(nil)
	require.NoError(t, err)
	d := careplan.NewGuidelineDrafter(nil)
	s := newSchema(t)
	for _, f := range files {
		t.Run(strings.Join(strings.SplitN(filepath.Base(f), "_", 3)[:2], "_"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			asOf, err := fhir.LatestClinicalDate(t.Context(), data, nil)
			require.NoError(t, err)
			res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: asOf})
			require.NoError(t, err)
			draft, err := d.Draft(t.Context(), res.Record)
			if errors.Is(err, careplan.ErrNothingToPlan) {
				return // no type 2 diabetes, hypertension or CKD (Martina Murazik)
			}
			require.NoError(t, err)
			raw, err := draft.Plan.MarshalJSON()
			require.NoError(t, err)
			_, err = s.Decode(raw, res.Record)
			require.NoError(t, err, "schema-valid")
			gaps, err := engine.Evaluate(res.Record)
			require.NoError(t, err)
			items := draft.Plan.Items()
			for _, g := range caregap.Filter(gaps, caregap.StatusOpen) {
				assert.True(t, slices.ContainsFunc(items, func(it careplan.Item) bool {
					return it.Source == g.Source.Citation && !slices.ContainsFunc(g.Facts, func(id string) bool { return !slices.Contains(it.Citations, id) })
				}), "%s: an item carries its source and cites %v", g.RuleID, g.Facts)
			}
		})
	}
}
