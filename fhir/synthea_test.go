package fhir_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// syntheaDir returns the folder of the 16 Synthea R4 bundles: the
// CAREGUARD_SYNTHEA_DIR environment variable, or ../shared/testdata/synthea
// beside the module root. Tests that need it skip when it is absent: the
// bundles are shared test data, never copied into this repository.
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

// syntheaExpectation is one row of testdata/synthea-expectations.json,
// which testdata/synthea-expectations.py derives from the bundles with
// Python's json module and its own rules (see that script), cross-checked
// against the bundles' README; none of it comes from this package.
type syntheaExpectation struct {
	Counts            map[string]int `json:"counts"`
	BirthDate         string         `json:"birth_date"`
	AsOf              time.Time      `json:"as_of"`
	ActiveMedications []string       `json:"active_medications"`
	ActiveConditions  []string       `json:"active_conditions"`
	HbA1c             *float64       `json:"hba1c"`
	EGFR              *float64       `json:"egfr"`
	BP                []float64      `json:"bp"`
}

func loadExpectations(t *testing.T) map[string]syntheaExpectation {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "synthea-expectations.json"))
	require.NoError(t, err)
	var exp map[string]syntheaExpectation
	require.NoError(t, json.Unmarshal(raw, &exp))
	require.Len(t, exp, 16, "one expectation per bundle")
	return exp
}

func TestSyntheaBundles(t *testing.T) {
	dir := syntheaDir(t)
	exp := loadExpectations(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	require.Len(t, files, 16, "the shared folder holds the 16 bundles")
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(strings.SplitN(name, "_", 3)[0]+"_"+strings.SplitN(name, "_", 3)[1], func(t *testing.T) {
			t.Parallel()
			want, ok := exp[name]
			require.True(t, ok, "no expectation for %s", name)
			data, err := os.ReadFile(path)
			require.NoError(t, err)

			asOf, err := fhir.LatestClinicalDate(t.Context(), data, nil)
			require.NoError(t, err)
			assert.True(t, want.AsOf.Equal(asOf), "as-of: want %s, got %s", want.AsOf, asOf)

			res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: asOf})
			require.NoError(t, err)
			rec := res.Record
			assert.Empty(t, res.Notices, "nothing is left out or changed in a clean Synthea bundle")

			// Counts: every resource is a fact or kept raw.
			facts := map[string]int{
				"Condition": len(rec.Conditions()), "MedicationRequest": len(rec.Medications()),
				"AllergyIntolerance": len(rec.Allergies()), "Observation": len(rec.Observations()),
				"Encounter": len(rec.Encounters()), "Procedure": len(rec.Procedures()),
				"Immunization": len(rec.Immunizations()),
			}
			other := map[string]int{}
			for _, o := range res.Other {
				other[o.ResourceType]++
				assert.True(t, json.Valid(o.JSON), "raw JSON of %s is valid", o.ResourceType)
			}
			for typ, n := range want.Counts {
				switch typ {
				case "Patient":
					assert.Equal(t, 1, n)
				case "Condition", "MedicationRequest", "AllergyIntolerance", "Observation", "Encounter", "Procedure", "Immunization":
					assert.Equal(t, n, facts[typ], "%s resources become facts", typ)
				default:
					assert.Equal(t, n, other[typ], "%s resources are kept raw", typ)
				}
			}
			for typ := range facts {
				if want.Counts[typ] == 0 {
					assert.Zero(t, facts[typ], typ)
				}
			}

			assert.Equal(t, want.BirthDate, rec.Demographics().BirthDate.Format(time.DateOnly))
			assert.True(t, strings.HasPrefix(res.Patient, "Patient/"), res.Patient)

			var meds []string
			for _, m := range rec.ActiveMedications() {
				meds = append(meds, m.Code.Code)
			}
			assert.ElementsMatch(t, want.ActiveMedications, meds, "active medications")
			var conds []string
			for _, c := range rec.ActiveConditions() {
				conds = append(conds, c.Code.Code)
			}
			slices.Sort(conds)
			assert.ElementsMatch(t, want.ActiveConditions, slices.Compact(conds), "active conditions")

			checkLatest := func(name string, set *terminology.ValueSet, want *float64) {
				v, _, ok := rec.LatestValue(set)
				if want == nil {
					assert.False(t, ok, "no %s", name)
					return
				}
				if assert.True(t, ok, name) {
					assert.InDelta(t, *want, v.Quantity.Value, 1e-9, name)
				}
			}
			checkLatest("HbA1c", terminology.HbA1c(), want.HbA1c)
			checkLatest("eGFR", terminology.EGFR(), want.EGFR)
			if want.BP != nil {
				sys, _, ok1 := rec.LatestValue(terminology.SystolicBP())
				dia, _, ok2 := rec.LatestValue(terminology.DiastolicBP())
				require.True(t, ok1 && ok2, "BP")
				assert.InDelta(t, want.BP[0], sys.Quantity.Value, 1e-9, "systolic")
				assert.InDelta(t, want.BP[1], dia.Quantity.Value, 1e-9, "diastolic")
			}

			// Every fact maps back to the resource it came from.
			ids := map[string]bool{}
			var bundle struct {
				Entry []struct {
					Resource struct {
						ResourceType string `json:"resourceType"`
						ID           string `json:"id"`
					} `json:"resource"`
				} `json:"entry"`
			}
			require.NoError(t, json.Unmarshal(data, &bundle))
			for _, e := range bundle.Entry {
				ids[e.Resource.ResourceType+"/"+e.Resource.ID] = true
			}

			// Identity: Synthea gives every patient an official name, an
			// MRN (type MR), an SSN (SS), a driver's licence (DL), a
			// passport (PPN) and an untyped Synthea id, and a language.
			id := rec.Identity()
			assert.NotEmpty(t, id.Name.Family)
			kinds := map[patient.IdentifierKind]int{}
			for _, x := range id.Identifiers {
				kinds[x.Kind]++
			}
			assert.Equal(t, map[patient.IdentifierKind]int{patient.IdentifierMRN: 1, patient.IdentifierSSN: 1,
				patient.IdentifierDriverLicense: 1, patient.IdentifierOther: 2}, kinds, "identifiers by type code")
			assert.NotEmpty(t, rec.Demographics().Language)
			for _, id := range rec.FactIDs() {
				if id == patient.DemographicsID {
					continue
				}
				f, _ := rec.Fact(id)
				src := fhir.SourceOf(f)
				assert.True(t, ids[src], "fact %s comes from %q, a resource of the bundle", id, src)
			}
			assert.True(t, ids[res.Patient])
		})
	}
}
