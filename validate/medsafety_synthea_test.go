package validate_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/validate"
)

// syntheaDir returns the folder of the 16 Synthea R4 bundles: the
// CAREGUARD_SYNTHEA_DIR environment variable, or ../shared/testdata/synthea
// beside the module root. Tests that need it skip when it is absent.
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

// syntheaRecord decodes the bundle whose file name starts with prefix, as
// of its latest clinical date.
func syntheaRecord(t *testing.T, prefix string) *patient.Record {
	t.Helper()
	dir := syntheaDir(t)
	files, err := filepath.Glob(filepath.Join(dir, prefix+"_*.json"))
	require.NoError(t, err)
	require.Len(t, files, 1, prefix)
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	asOf, err := fhir.LatestClinicalDate(t.Context(), data, nil)
	require.NoError(t, err)
	res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: asOf})
	require.NoError(t, err)
	return res.Record
}

// syntheaDraft wraps the given medication changes in a draft for rec.
func syntheaDraft(rec *patient.Record, changes ...careplan.MedicationChange) *careplan.Draft {
	p := &careplan.Plan{Summary: "Review.", MedicationChanges: changes}
	return &careplan.Draft{Kind: careplan.KindCarePlan, Plan: p, Origin: careplan.OriginGuideline,
		RecordFingerprint: rec.Fingerprint(), AsOf: rec.AsOf()}
}

// TestMedicationSafetySynthea checks the findings on the Synthea patients
// that CLINICAL.md §1.6 lists against what that section says, decoding each
// bundle as of its latest clinical date. Trey_Berge also has verapamil with
// simvastatin (ONC high-priority #25), which §1.6 does not list (its
// source table truncates his medication list); careguard reports it.
func TestMedicationSafetySynthea(t *testing.T) {
	type want struct {
		rule string
		sev  validate.Severity
		meds []string // names of the record's medications the finding names
	}
	tests := []struct {
		name    string
		changes func(rec *patient.Record) []careplan.MedicationChange
		want    []want
		max     validate.Severity // highest severity allowed; 0 means no finding at all
		reason  string
	}{
		{name: "Latanya_Kohler", want: []want{
			{"interaction.onc-ni-8", validate.SeverityInfo, []string{"Hydrochlorothiazide", "Naproxen"}},
			{validate.RuleBeersNSAID, validate.SeverityWarning, []string{"Naproxen"}},
		}, max: validate.SeverityWarning, reason: "§1.6: thiazide + NSAID (ONC non-interruptive #8), Beers NSAID"},
		{name: "Gayla_Ferry", want: []want{
			{validate.RuleClopidogrelNSAID, validate.SeverityWarning, []string{"Clopidogrel", "Naproxen"}},
			{"interaction.onc-ni-8", validate.SeverityInfo, []string{"Hydrochlorothiazide", "Naproxen"}},
			{validate.RuleBeersNSAID, validate.SeverityWarning, []string{"Naproxen"}},
			{validate.RuleSimvastatinAmlodipine, validate.SeverityInfo, []string{"Simvastatin", "Amlodipine"}},
		}, max: validate.SeverityWarning, reason: "§1.6: clopidogrel + naproxen (bleeding), HCTZ + naproxen (#8); amlodipine with simvastatin 20 mg at the label cap"},
		{name: "Kirsten_Witting", want: []want{
			{validate.RuleSimvastatinAmlodipine, validate.SeverityInfo, []string{"Simvastatin", "Amlodipine"}},
		}, max: validate.SeverityInfo, reason: "§1.6: simvastatin 20 mg with amlodipine is at the label cap of 20 mg a day"},
		{name: "Trey_Berge", want: []want{
			{validate.RuleBeersDigoxin, validate.SeverityInfo, []string{"Digoxin"}},
			{"interaction.onc-hp-25", validate.SeverityCritical, []string{"Verapamil", "Simvastatin"}},
			{validate.RuleSimvastatinAmlodipine, validate.SeverityInfo, []string{"Simvastatin", "Amlodipine"}},
		}, max: validate.SeverityCritical, reason: "§1.6: digoxin 0.125 mg (Beers: not first-line; the dose is within 0.125 mg); and verapamil + simvastatin"},
		{name: "Adalberto_Hartmann", want: []want{
			{validate.RuleBeersSedative, validate.SeverityWarning, []string{"Diazepam"}},
		}, max: validate.SeverityWarning, reason: "§1.6: diazepam (Beers benzodiazepine)"},
		{name: "Isaiah_Schaden", want: []want{
			{validate.RuleMetforminReassess, validate.SeverityInfo, []string{"Metformin"}},
		}, max: validate.SeverityInfo, reason: "§1.6: metformin with eGFR 41.6 (FDA: do not start at 30-45; reassess)"},
		{name: "Dirk_Kuhlman", max: 0, reason: "§1.6 lists care gaps only (no ACE inhibitor/ARB, no statin); carbamazepine meets no protease inhibitor"},
		{name: "Martina_Murazik", changes: func(*patient.Record) []careplan.MedicationChange {
			return []careplan.MedicationChange{{Action: careplan.ActionStart, Medication: "metformin 500 MG Oral Tablet", RxNorm: "",
				Dose: "500 mg twice daily", Citations: []string{"D1"}, Rationale: "fixture", Source: "fixture"}}
		}, want: []want{
			{validate.RuleMetforminContraindicated, validate.SeverityCritical, nil},
		}, max: validate.SeverityCritical, reason: "§1.6: eGFR 26.7 with a metformin fixture: contraindicated"},
	}
	ms := validate.DefaultMedicationSafety()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := syntheaRecord(t, tt.name)
			var changes []careplan.MedicationChange
			if tt.changes != nil {
				changes = tt.changes(rec)
			}
			fs, err := ms.Validate(t.Context(), &validate.Input{Record: rec, Draft: syntheaDraft(rec, changes...)})
			require.NoError(t, err)
			if tt.max == 0 {
				assert.Empty(t, fs, tt.reason)
				return
			}
			assert.Equal(t, tt.max, maxSeverity(fs), "%s%s", tt.reason, dumpFindings(fs))
			for _, w := range tt.want {
				var ids []string
				for _, name := range w.meds {
					ids = append(ids, syntheaMed(t, rec, name))
				}
				found := false
				for _, f := range fs {
					if f.RuleID == w.rule && f.Severity == w.sev && containsAll(f.FactIDs, ids) {
						found = true
					}
				}
				assert.True(t, found, "want %s at %s naming %v: %s%s", w.rule, w.sev, w.meds, tt.reason, dumpFindings(fs))
			}
		})
	}
}

// syntheaMed returns the ID of the active medication whose name contains
// name.
func syntheaMed(t *testing.T, rec *patient.Record, name string) string {
	t.Helper()
	for _, m := range rec.ActiveMedications() {
		if strings.Contains(strings.ToLower(m.Name()), strings.ToLower(name)) {
			return m.ID
		}
	}
	t.Fatalf("no active %s", name)
	return ""
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
