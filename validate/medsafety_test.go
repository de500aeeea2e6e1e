package validate_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

// tmed is a current medication in a test record: an RxNorm code (or "")
// and a display name.
type tmed struct {
	code, display string
	dose          string
	dailyMG       float64
	start         time.Time // zero: 2020-01-01
}

func med(display string) tmed                { return tmed{display: display} }
func rxmed(code, display string) tmed        { return tmed{code: code, display: display} }
func dosed(display, dose string) tmed        { return tmed{display: display, dose: dose} }
func since(display string, t time.Time) tmed { return tmed{display: display, start: t} }

func drugAllergy(display string) patient.Allergy {
	return patient.Allergy{Substance: terminology.Code{Display: display}, Category: patient.AllergyMedication, Reaction: "hives"}
}

// medRecord builds a record of a patient of the given age at the fixture
// as-of date with the given medications, eGFR ("" for none; a comparator
// may lead: ">60") and allergies.
func medRecord(t testing.TB, age int, egfr string, meds []tmed, allergies ...patient.Allergy) *patient.Record {
	t.Helper()
	asOf := fixture.AsOf()
	b := patient.NewBuilder(asOf, nil)
	b.SetDemographics(patient.Demographics{BirthDate: asOf.AddDate(-age, 0, -10), Sex: patient.SexFemale})
	for _, m := range meds {
		code := terminology.Code{Display: m.display}
		if m.code != "" {
			code.System, code.Code = terminology.SystemRxNorm, m.code
		}
		start := m.start
		if start.IsZero() {
			start = fixture.Day("2020-01-01")
		}
		pm := patient.Medication{Code: code, DoseText: m.dose, Status: patient.MedicationActive, Start: start}
		if m.dailyMG > 0 {
			pm.DailyDose = patient.Quantity{Value: m.dailyMG, Unit: "mg"}
		}
		b.AddMedications(pm)
	}
	if egfr != "" {
		cmp := strings.TrimRight(egfr, "0123456789.")
		v, err := strconv.ParseFloat(egfr[len(cmp):], 64)
		require.NoError(t, err)
		o := fixture.Lab(fixture.LOINC("33914-3", "eGFR (MDRD)"), v, "mL/min/{1.73_m2}", "2026-10-01")
		o.Value.Quantity.Comparator = cmp
		b.AddObservations(o)
	}
	b.AddAllergies(allergies...)
	rec, err := b.Build()
	require.NoError(t, err)
	return rec
}

// factOf returns the ID of the record's medication or allergy whose name
// contains s.
func factOf(t testing.TB, rec *patient.Record, s string) string {
	t.Helper()
	for _, m := range rec.Medications() {
		if strings.Contains(strings.ToLower(m.Name()), strings.ToLower(s)) {
			return m.ID
		}
	}
	for _, a := range rec.Allergies() {
		if strings.Contains(strings.ToLower(a.Substance.Display), strings.ToLower(s)) {
			return a.ID
		}
	}
	t.Fatalf("no fact named %q", s)
	return ""
}

func start(display, dose string) careplan.MedicationChange {
	return careplan.MedicationChange{Action: careplan.ActionStart, Medication: display, Dose: dose,
		Citations: []string{"D1"}, Rationale: "test", Source: "test"}
}

func act(action careplan.MedicationAction, factID, display, dose string) careplan.MedicationChange {
	return careplan.MedicationChange{Action: action, Medication: display, CurrentMedicationID: factID, Dose: dose,
		Citations: []string{factID}, Rationale: "test", Source: "test"}
}

func draftOf(rec *patient.Record, changes ...careplan.MedicationChange) *careplan.Draft {
	return fixture.Draft(rec, &careplan.Plan{Summary: "test", MedicationChanges: changes})
}

func runMS(t testing.TB, rec *patient.Record, changes ...careplan.MedicationChange) []validate.Finding {
	t.Helper()
	fs, err := validate.DefaultMedicationSafety().Validate(context.Background(), &validate.Input{Record: rec, Draft: draftOf(rec, changes...)})
	require.NoError(t, err)
	return fs
}

func findRule(fs []validate.Finding, rule string) (validate.Finding, bool) {
	for _, f := range fs {
		if f.RuleID == rule {
			return f, true
		}
	}
	return validate.Finding{}, false
}

func dumpFindings(fs []validate.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  " + f.String())
	}
	return b.String()
}

type msCase struct {
	name      string
	age       int
	egfr      string
	meds      []tmed
	allergies []patient.Allergy
	changes   func(rec *patient.Record) []careplan.MedicationChange
	want      map[string]validate.Severity // rule -> severity of a finding that must be present
	absent    []string                     // rules that must not fire
	contains  map[string]string            // rule -> text its message must contain
	reason    string
}

func runCases(t *testing.T, tests []msCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			age := tt.age
			if age == 0 {
				age = 50
			}
			rec := medRecord(t, age, tt.egfr, tt.meds, tt.allergies...)
			var changes []careplan.MedicationChange
			if tt.changes != nil {
				changes = tt.changes(rec)
			}
			fs := runMS(t, rec, changes...)
			for rule, sev := range tt.want {
				found := false
				for _, f := range fs {
					if f.RuleID == rule && f.Severity == sev {
						found = true
						assert.NotEmpty(t, f.Source.Citation, "%s cites its source", rule)
						assert.NotEmpty(t, f.Suggestion, "%s suggests a fix", rule)
						assert.NotEmpty(t, append(f.FactIDs, f.ItemIDs...), "%s names the medications", rule)
					}
				}
				assert.True(t, found, "want %s at %s: %s%s", rule, sev, tt.reason, dumpFindings(fs))
			}
			for _, rule := range tt.absent {
				_, found := findRule(fs, rule)
				assert.False(t, found, "want no %s: %s%s", rule, tt.reason, dumpFindings(fs))
			}
			for rule, text := range tt.contains {
				f, ok := findRule(fs, rule)
				if assert.True(t, ok, rule) {
					assert.Contains(t, f.Message, text, tt.reason)
				}
			}
		})
	}
}

func TestMedicationSafetyInteractions(t *testing.T) {
	const (
		hp25 = "interaction.onc-hp-25"
		hp21 = "interaction.onc-hp-21"
	)
	runCases(t, []msCase{
		{name: "proposed inhibitor with current statin", meds: []tmed{rxmed("312961", "Simvastatin 20 MG Oral Tablet")},
			changes: func(*patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{start("clarithromycin 500 MG Oral Tablet", "500 mg twice daily")}
			},
			want:   map[string]validate.Severity{hp25: validate.SeverityCritical},
			reason: "the case that matters most: the draft proposes a drug that interacts with one the patient takes"},
		{name: "current pair", meds: []tmed{med("Simvastatin 20 MG Oral Tablet"), med("Verapamil Hydrochloride 40 MG")},
			want:   map[string]validate.Severity{hp25: validate.SeverityCritical},
			reason: "pairs within the current list are checked too"},
		{name: "stopped medication left out", meds: []tmed{med("Simvastatin 20 MG Oral Tablet")},
			changes: func(rec *patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{
					act(careplan.ActionStop, factOf(t, rec, "simvastatin"), "Simvastatin 20 MG Oral Tablet", ""),
					start("clarithromycin 500 MG Oral Tablet", ""),
				}
			},
			absent: []string{hp25, validate.RuleDuplicateTherapy},
			reason: "a medication the draft stops no longer interacts"},
		{name: "two proposals", changes: func(*patient.Record) []careplan.MedicationChange {
			return []careplan.MedicationChange{start("lovastatin 20 MG Oral Tablet", ""), start("itraconazole 100 MG Oral Capsule", "")}
		},
			want:   map[string]validate.Severity{hp25: validate.SeverityCritical},
			reason: "two proposals are checked against each other"},
		{name: "QT pair", meds: []tmed{med("methadone 10 MG Oral Tablet"), med("sotalol 80 MG Oral Tablet")},
			want:   map[string]validate.Severity{hp21: validate.SeverityCritical},
			reason: "two drugs of the label-derived QT set"},
		{name: "same QT drug twice", meds: []tmed{med("sotalol 80 MG Oral Tablet"), med("sotalol 120 MG Oral Tablet")},
			absent: []string{hp21},
			reason: "one ingredient taken twice is not a QT interaction"},
		{name: "topical product left out", meds: []tmed{med("ketoconazole 20 MG/ML Topical Cream")},
			changes: func(*patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{start("Simvastatin 20 MG Oral Tablet", "")}
			},
			absent: []string{hp25},
			reason: "a topical antifungal does not inhibit hepatic CYP3A4"},
		{name: "non-interruptive stays info", meds: []tmed{med("Hydrochlorothiazide 25 MG"), med("Naproxen sodium 220 MG Oral Tablet")},
			want:   map[string]validate.Severity{"interaction.onc-ni-8": validate.SeverityInfo},
			absent: []string{validate.RuleTripleWhammy},
			reason: "ONC non-interruptive #8 is info; without an ACE inhibitor or ARB there is no triple whammy"},
	})
}

func TestMedicationSafetyContextual(t *testing.T) {
	warfarin := rxmed("855332", "Warfarin Sodium 5 MG Oral Tablet")
	naproxen := rxmed("849574", "Naproxen sodium 220 MG Oral Tablet")
	startNSAID := func(*patient.Record) []careplan.MedicationChange {
		return []careplan.MedicationChange{start("ibuprofen 400 MG Oral Tablet", "400 mg three times daily")}
	}
	runCases(t, []msCase{
		{name: "warfarin NSAID without PPI", meds: []tmed{warfarin}, changes: startNSAID,
			want:   map[string]validate.Severity{validate.RuleWarfarinNSAID: validate.SeverityCritical},
			reason: "PDDI-CDS card 2: no PPI or misoprostol is critical"},
		{name: "warfarin NSAID with PPI", meds: []tmed{warfarin, med("omeprazole 20 MG Delayed Release Oral Capsule")}, changes: startNSAID,
			want:     map[string]validate.Severity{validate.RuleWarfarinNSAID: validate.SeverityWarning},
			absent:   []string{},
			contains: map[string]string{validate.RuleWarfarinNSAID: "gastroprotection"},
			reason:   "with a PPI the base card's warning remains"},
		{name: "warfarin NSAID with misoprostol", meds: []tmed{warfarin, naproxen, med("misoprostol 0.2 MG Oral Tablet")},
			want:   map[string]validate.Severity{validate.RuleWarfarinNSAID: validate.SeverityWarning},
			reason: "misoprostol counts as gastroprotection"},
		{name: "topical diclofenac", meds: []tmed{warfarin, med("Diclofenac Sodium 10 MG/ML Topical Gel")},
			want:   map[string]validate.Severity{validate.RuleWarfarinNSAID: validate.SeverityInfo},
			absent: []string{validate.RuleDuplicateTherapy},
			reason: "PDDI-CDS base card: topical diclofenac is info"},
		{name: "modifiers", age: 70, meds: []tmed{warfarin, naproxen, med("pantoprazole 40 MG Oral Tablet"),
			med("prednisone 10 MG Oral Tablet"), med("spironolactone 25 MG Oral Tablet"), med("meloxicam 7.5 MG Oral Tablet")},
			want:     map[string]validate.Severity{validate.RuleWarfarinNSAID: validate.SeverityWarning},
			contains: map[string]string{validate.RuleWarfarinNSAID: "age over 65 (70); a systemic corticosteroid: M"},
			reason:   "age, corticosteroid, aldosterone antagonist and a second NSAID are named; with a PPI the finding is a warning"},
		{name: "triple whammy", egfr: "75", meds: []tmed{rxmed("314076", "lisinopril 10 MG Oral Tablet"), med("Hydrochlorothiazide 25 MG")},
			changes: startNSAID,
			want:    map[string]validate.Severity{validate.RuleTripleWhammy: validate.SeverityWarning, "interaction.onc-ni-33": validate.SeverityInfo},
			reason:  "ACE inhibitor + diuretic + NSAID is a warning with normal eGFR"},
		{name: "triple whammy low eGFR", egfr: "52", meds: []tmed{med("losartan 50 MG Oral Tablet"), med("furosemide 40 MG Oral Tablet")},
			changes: startNSAID,
			want:    map[string]validate.Severity{validate.RuleTripleWhammy: validate.SeverityCritical},
			reason:  "critical when eGFR is below 60"},
		{name: "triple whammy no eGFR", meds: []tmed{med("losartan 50 MG Oral Tablet"), med("furosemide 40 MG Oral Tablet")},
			changes:  startNSAID,
			want:     map[string]validate.Severity{validate.RuleTripleWhammy: validate.SeverityWarning, validate.RuleEGFRMissing: validate.SeverityInfo},
			contains: map[string]string{validate.RuleTripleWhammy: "not on record"},
			reason:   "without an eGFR the finding stays a warning and says so"},
		{name: "simvastatin 40 with amlodipine", meds: []tmed{med("Simvastatin 40 MG Oral Tablet"), med("Amlodipine 5 MG Oral Tablet")},
			want:   map[string]validate.Severity{validate.RuleSimvastatinAmlodipine: validate.SeverityWarning},
			reason: "above the label's 20 mg cap"},
		{name: "simvastatin 20 with amlodipine", meds: []tmed{med("Simvastatin 20 MG Oral Tablet"), med("Amlodipine 5 MG Oral Tablet")},
			want:   map[string]validate.Severity{validate.RuleSimvastatinAmlodipine: validate.SeverityInfo},
			reason: "at the cap: info, do not increase"},
		{name: "simvastatin 10 with amlodipine", meds: []tmed{med("Simvastatin 10 MG"), med("Amlodipine 5 MG Oral Tablet")},
			absent: []string{validate.RuleSimvastatinAmlodipine},
			reason: "below the cap"},
		{name: "simvastatin dose instruction", meds: []tmed{dosed("Simvastatin 20 MG Oral Tablet", "1 tablet twice daily"), med("Amlodipine 5 MG Oral Tablet")},
			want:     map[string]validate.Severity{validate.RuleSimvastatinAmlodipine: validate.SeverityWarning},
			contains: map[string]string{validate.RuleSimvastatinAmlodipine: "40 mg a day"},
			reason:   "strength times frequency from the dose instruction"},
		{name: "simvastatin recorded daily dose", meds: []tmed{{display: "simvastatin", dailyMG: 80}, med("Amlodipine 5 MG Oral Tablet")},
			want:   map[string]validate.Severity{validate.RuleSimvastatinAmlodipine: validate.SeverityWarning},
			reason: "the recorded daily dose wins"},
		{name: "simvastatin increase", meds: []tmed{med("Simvastatin 20 MG Oral Tablet"), med("Amlodipine 5 MG Oral Tablet")},
			changes: func(rec *patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{act(careplan.ActionIncrease, factOf(t, rec, "simvastatin"), "Simvastatin", "")}
			},
			want:   map[string]validate.Severity{validate.RuleSimvastatinAmlodipine: validate.SeverityWarning},
			reason: "raising 20 mg to an unstated dose passes the cap"},
		{name: "simvastatin start with amlodipine", meds: []tmed{med("Amlodipine 5 MG Oral Tablet")},
			changes: func(*patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{start("simvastatin 40 MG Oral Tablet", "40 mg at bedtime")}
			},
			want:   map[string]validate.Severity{validate.RuleSimvastatinAmlodipine: validate.SeverityWarning},
			reason: "a proposed start above the cap"},
		{name: "ACE inhibitor and ARB current", egfr: "90", meds: []tmed{med("lisinopril 10 MG Oral Tablet"), med("losartan 50 MG Oral Tablet")},
			want:   map[string]validate.Severity{"interaction.onc-ni-23": validate.SeverityInfo},
			absent: []string{validate.RuleDualRAS},
			reason: "established dual blockade with normal kidney function: ONC non-interruptive info only"},
		{name: "ACE inhibitor and ARB proposed", egfr: "90", meds: []tmed{med("lisinopril 10 MG Oral Tablet")},
			changes: func(*patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{start("valsartan 80 MG Oral Tablet", "")}
			},
			want:   map[string]validate.Severity{validate.RuleDualRAS: validate.SeverityWarning},
			reason: "a draft that creates dual blockade gets a warning"},
		{name: "ACE inhibitor and ARB low eGFR", egfr: "48", meds: []tmed{med("lisinopril 10 MG Oral Tablet"), med("losartan 50 MG Oral Tablet")},
			want:   map[string]validate.Severity{validate.RuleDualRAS: validate.SeverityWarning},
			reason: "dual blockade with eGFR below 60"},
		{name: "clopidogrel NSAID", meds: []tmed{rxmed("309362", "Clopidogrel 75 MG Oral Tablet"), naproxen},
			want:   map[string]validate.Severity{validate.RuleClopidogrelNSAID: validate.SeverityWarning},
			reason: "Plavix label: NSAIDs raise GI bleeding risk"},
		{name: "clopidogrel aspirin", meds: []tmed{rxmed("309362", "Clopidogrel 75 MG Oral Tablet"), med("aspirin 81 MG Oral Tablet")},
			want:   map[string]validate.Severity{"interaction.onc-ni-29": validate.SeverityInfo},
			absent: []string{validate.RuleClopidogrelNSAID, validate.RuleDuplicateTherapy},
			reason: "dual antiplatelet therapy is intended: ONC non-interruptive info only"},
	})
}

func TestMedicationSafetyAllergy(t *testing.T) {
	startDrug := func(display string) func(*patient.Record) []careplan.MedicationChange {
		return func(*patient.Record) []careplan.MedicationChange {
			return []careplan.MedicationChange{start(display, "")}
		}
	}
	inactive := drugAllergy("Amoxicillin")
	inactive.Status = patient.AllergyResolved
	food := patient.Allergy{Substance: terminology.Code{Display: "Penicillin mould"}, Category: patient.AllergyFood}
	statin := patient.Allergy{Substance: terminology.Code{System: terminology.SystemSNOMED, Code: "372912004", Display: "HMG-CoA reductase inhibitor substance"}}
	runCases(t, []msCase{
		{name: "ingredient", allergies: []patient.Allergy{drugAllergy("Amoxicillin")}, changes: startDrug("amoxicillin 500 MG Oral Capsule"),
			want:   map[string]validate.Severity{validate.RuleAllergyIngredient: validate.SeverityCritical},
			reason: "the proposed drug is the allergen"},
		{name: "class named", allergies: []patient.Allergy{drugAllergy("Penicillins")}, changes: startDrug("ampicillin 500 MG Oral Capsule"),
			want:   map[string]validate.Severity{validate.RuleAllergyClass: validate.SeverityCritical},
			reason: "the allergy names the class"},
		{name: "class wide", allergies: []patient.Allergy{drugAllergy("Penicillin V Potassium")}, changes: startDrug("dicloxacillin 250 MG Oral Capsule"),
			want:   map[string]validate.Severity{validate.RuleAllergyClass: validate.SeverityCritical},
			reason: "an allergy to one penicillin is managed as allergy to the class"},
		{name: "cross sensitivity", allergies: []patient.Allergy{drugAllergy("Amoxicillin")}, changes: startDrug("cephalexin 500 MG Oral Capsule"),
			want:   map[string]validate.Severity{validate.RuleAllergyCrossSensitivity: validate.SeverityWarning},
			absent: []string{validate.RuleAllergyIngredient, validate.RuleAllergyClass},
			reason: "penicillin to cephalosporin cross-sensitivity is documented, and a warning"},
		{name: "coded class", allergies: []patient.Allergy{statin}, meds: []tmed{med("atorvastatin 40 MG Oral Tablet")},
			want:   map[string]validate.Severity{validate.RuleAllergyClass: validate.SeverityCritical},
			reason: "the eCQM Statin Allergen SNOMED code names the statin class"},
		{name: "inactive", allergies: []patient.Allergy{inactive}, changes: startDrug("amoxicillin 500 MG Oral Capsule"),
			absent: []string{validate.RuleAllergyIngredient, validate.RuleAllergyClass},
			reason: "a resolved allergy does not count"},
		{name: "food allergy", allergies: []patient.Allergy{food}, changes: startDrug("amoxicillin 500 MG Oral Capsule"),
			absent: []string{validate.RuleAllergyIngredient, validate.RuleAllergyClass},
			reason: "food and environmental allergies are not matched against drugs"},
		{name: "unrelated", allergies: []patient.Allergy{drugAllergy("Sulfamethoxazole")}, changes: startDrug("amoxicillin 500 MG Oral Capsule"),
			absent: []string{validate.RuleAllergyIngredient, validate.RuleAllergyClass, validate.RuleAllergyCrossSensitivity},
			reason: "no match, no finding"},
	})
}

func TestMedicationSafetyRenal(t *testing.T) {
	metformin := rxmed("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet")
	startMetformin := func(*patient.Record) []careplan.MedicationChange {
		return []careplan.MedicationChange{start("metformin 500 MG Oral Tablet", "500 mg twice daily")}
	}
	runCases(t, []msCase{
		{name: "metformin start eGFR 25", egfr: "25", changes: startMetformin,
			want:   map[string]validate.Severity{validate.RuleMetforminContraindicated: validate.SeverityCritical},
			reason: "FDA: contraindicated below 30"},
		{name: "metformin current eGFR 25", egfr: "25", meds: []tmed{metformin},
			want:   map[string]validate.Severity{validate.RuleMetforminContraindicated: validate.SeverityCritical},
			reason: "continuing is contraindicated too"},
		{name: "metformin start eGFR 40", egfr: "40", changes: startMetformin,
			want:   map[string]validate.Severity{validate.RuleMetforminStart: validate.SeverityWarning},
			reason: "FDA: starting at 30-45 is not recommended"},
		{name: "metformin current eGFR 40", egfr: "40", meds: []tmed{metformin},
			want:   map[string]validate.Severity{validate.RuleMetforminReassess: validate.SeverityInfo},
			absent: []string{validate.RuleMetforminStart},
			reason: "FDA: below 45, assess benefit and risk of continuing"},
		{name: "metformin eGFR censored high", egfr: ">60", meds: []tmed{metformin},
			absent: []string{validate.RuleMetforminContraindicated, validate.RuleMetforminReassess, validate.RuleEGFRMissing},
			reason: "'>60' settles every threshold"},
		{name: "metformin eGFR censored low", egfr: "<15", meds: []tmed{metformin},
			want:   map[string]validate.Severity{validate.RuleMetforminContraindicated: validate.SeverityCritical},
			reason: "'<15' is below 30"},
		{name: "metformin eGFR censored ambiguous", egfr: ">40", meds: []tmed{metformin},
			want:   map[string]validate.Severity{validate.RuleEGFRMissing: validate.SeverityInfo},
			absent: []string{validate.RuleMetforminContraindicated},
			reason: "'>40' does not say whether eGFR is below 45: say so"},
		{name: "metformin no eGFR", meds: []tmed{metformin},
			want:   map[string]validate.Severity{validate.RuleEGFRMissing: validate.SeverityInfo},
			reason: "a missing eGFR is reported, not ignored"},
		{name: "NSAID eGFR 25", egfr: "25", meds: []tmed{med("ibuprofen 400 MG Oral Tablet")},
			want:     map[string]validate.Severity{validate.RuleNSAIDKidney: validate.SeverityWarning},
			contains: map[string]string{validate.RuleNSAIDKidney: "written for adults 65 and older"},
			reason:   "Beers kidney table: avoid NSAIDs below 30; the message says the criterion is for older adults"},
		{name: "nitrofurantoin eGFR 25", egfr: "25", age: 70, changes: func(*patient.Record) []careplan.MedicationChange {
			return []careplan.MedicationChange{start("Nitrofurantoin 100 MG Oral Capsule", "")}
		},
			want:   map[string]validate.Severity{validate.RuleNitrofurantoinKidney: validate.SeverityWarning},
			reason: "Beers kidney table: avoid nitrofurantoin below 30"},
		{name: "nothing kidney-dependent", meds: []tmed{med("lisinopril 10 MG Oral Tablet")},
			absent: []string{validate.RuleEGFRMissing},
			reason: "no eGFR, but nothing depends on it"},
	})
}

func TestMedicationSafetyOlderAdult(t *testing.T) {
	startDrug := func(display, dose string) func(*patient.Record) []careplan.MedicationChange {
		return func(*patient.Record) []careplan.MedicationChange {
			return []careplan.MedicationChange{start(display, dose)}
		}
	}
	longAgo, recent := fixture.Day("2024-01-01"), fixture.AsOf().AddDate(0, 0, -30)
	runCases(t, []msCase{
		{name: "benzodiazepine", age: 70, meds: []tmed{rxmed("563026", "Diazepam [Valium]")},
			want: map[string]validate.Severity{validate.RuleBeersSedative: validate.SeverityWarning}, reason: "Beers: avoid"},
		{name: "benzodiazepine under 65", age: 64, meds: []tmed{rxmed("563026", "Diazepam [Valium]")},
			absent: []string{validate.RuleBeersSedative}, reason: "Beers applies from 65"},
		{name: "Z-drug", age: 80, changes: startDrug("zolpidem 5 MG Oral Tablet", ""),
			want: map[string]validate.Severity{validate.RuleBeersSedative: validate.SeverityWarning}, reason: "Beers: avoid Z-drugs"},
		{name: "warfarin start", age: 70, changes: startDrug("warfarin sodium 5 MG Oral Tablet", ""),
			want: map[string]validate.Severity{validate.RuleBeersWarfarin: validate.SeverityWarning}, reason: "Beers: avoid starting as first-line"},
		{name: "warfarin continued", age: 70, meds: []tmed{rxmed("855332", "Warfarin Sodium 5 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersWarfarin: validate.SeverityInfo}, reason: "Beers: may continue long-term warfarin"},
		{name: "rivaroxaban", age: 70, meds: []tmed{med("rivaroxaban 20 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersRivaroxaban: validate.SeverityWarning}, reason: "Beers: avoid for long-term AF/VTE"},
		{name: "glyburide", age: 70, meds: []tmed{med("glyburide 5 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersSulfonylurea: validate.SeverityWarning}, reason: "a long-acting sulfonylurea"},
		{name: "glipizide continued", age: 70, meds: []tmed{med("glipizide 5 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersSulfonylurea: validate.SeverityInfo}, reason: "glipizide is the preferred sulfonylurea"},
		{name: "glipizide start", age: 70, changes: startDrug("glipizide 5 MG Oral Tablet", ""),
			want: map[string]validate.Severity{validate.RuleBeersSulfonylurea: validate.SeverityWarning}, reason: "Beers: avoid as add-on"},
		{name: "SGLT2", age: 70, changes: startDrug("empagliflozin 10 MG Oral Tablet", ""),
			want: map[string]validate.Severity{validate.RuleBeersSGLT2: validate.SeverityInfo}, reason: "Beers: use with caution"},
		{name: "antihistamine", age: 70, meds: []tmed{rxmed("1049630", "diphenhydrAMINE Hydrochloride 25 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersAntihistamine: validate.SeverityWarning}, reason: "Beers: avoid"},
		{name: "NSAID without gastroprotection", age: 70, meds: []tmed{med("Naproxen sodium 220 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersNSAID: validate.SeverityWarning}, reason: "Beers: avoid chronic use"},
		{name: "NSAID with PPI", age: 70, meds: []tmed{med("Naproxen sodium 220 MG Oral Tablet"), since("omeprazole 20 MG Oral Capsule", longAgo)},
			want:   map[string]validate.Severity{validate.RuleBeersNSAID: validate.SeverityInfo},
			absent: []string{validate.RuleBeersPPI},
			reason: "with gastroprotection the NSAID row is info, and the NSAID is a high-risk indication for the PPI"},
		{name: "celecoxib", age: 70, meds: []tmed{med("celecoxib 200 MG Oral Capsule")},
			absent: []string{validate.RuleBeersNSAID}, reason: "the row covers non-COX-2-selective NSAIDs"},
		{name: "PPI long term", age: 70, meds: []tmed{since("omeprazole 20 MG Oral Capsule", longAgo)},
			want: map[string]validate.Severity{validate.RuleBeersPPI: validate.SeverityWarning}, reason: "beyond 8 weeks without a high-risk indication"},
		{name: "PPI recent", age: 70, meds: []tmed{since("omeprazole 20 MG Oral Capsule", recent)},
			absent: []string{validate.RuleBeersPPI}, reason: "within 8 weeks"},
		{name: "digoxin", age: 80, meds: []tmed{rxmed("197604", "Digoxin 0.125 MG Oral Tablet")},
			want:   map[string]validate.Severity{validate.RuleBeersDigoxin: validate.SeverityInfo},
			absent: []string{validate.RuleBeersDigoxinDose},
			reason: "digoxin 0.125 mg continued: first-line question only"},
		{name: "digoxin high dose", age: 80, meds: []tmed{med("digoxin 0.25 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersDigoxinDose: validate.SeverityWarning}, reason: "above 0.125 mg a day"},
		{name: "digoxin start", age: 80, changes: startDrug("digoxin 0.125 MG Oral Tablet", "0.125 mg daily"),
			want: map[string]validate.Severity{validate.RuleBeersDigoxin: validate.SeverityWarning}, reason: "avoid as first-line: a start is a choice"},
		{name: "doxepin low dose", age: 70, meds: []tmed{dosed("doxepin 3 MG Oral Tablet", "3 mg at bedtime")},
			absent: []string{validate.RuleBeersTricyclic}, reason: "doxepin up to 6 mg a day is allowed"},
		{name: "doxepin high dose", age: 70, meds: []tmed{dosed("doxepin 25 MG Oral Capsule", "25 mg at bedtime")},
			want: map[string]validate.Severity{validate.RuleBeersTricyclic: validate.SeverityWarning}, reason: "doxepin above 6 mg a day"},
		{name: "amitriptyline", age: 70, meds: []tmed{med("amitriptyline 10 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersTricyclic: validate.SeverityWarning}, reason: "tertiary tricyclic"},
		{name: "nortriptyline", age: 70, meds: []tmed{med("nortriptyline 10 MG Oral Capsule")},
			absent: []string{validate.RuleBeersTricyclic}, reason: "a secondary tricyclic is not in the row"},
		{name: "nifedipine IR", age: 70, meds: []tmed{med("nifedipine 10 MG Oral Capsule")},
			want: map[string]validate.Severity{validate.RuleBeersNifedipine: validate.SeverityWarning}, reason: "immediate release"},
		{name: "nifedipine ER", age: 70, meds: []tmed{med("24 HR nifedipine 30 MG Extended Release Oral Tablet")},
			absent: []string{validate.RuleBeersNifedipine}, reason: "extended release is not in the row"},
		{name: "aspirin start", age: 70, changes: startDrug("aspirin 81 MG Oral Tablet", ""),
			want: map[string]validate.Severity{validate.RuleBeersAspirin: validate.SeverityWarning}, reason: "avoid starting for primary prevention"},
		{name: "aspirin continued", age: 70, meds: []tmed{med("aspirin 81 MG Oral Tablet")},
			absent: []string{validate.RuleBeersAspirin}, reason: "the indication of long-standing aspirin is unknown"},
		{name: "alpha blocker", age: 70, changes: startDrug("doxazosin 2 MG Oral Tablet", ""),
			want: map[string]validate.Severity{validate.RuleBeersAlpha1Blocker: validate.SeverityWarning}, reason: "avoid for hypertension"},
		{name: "meperidine", age: 70, meds: []tmed{rxmed("861467", "Meperidine Hydrochloride 50 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersMeperidine: validate.SeverityWarning}, reason: "avoid"},
		{name: "muscle relaxant", age: 70, meds: []tmed{med("cyclobenzaprine 10 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleBeersMuscleRelaxant: validate.SeverityWarning}, reason: "avoid"},
	})
}

func TestMedicationSafetyDuplicate(t *testing.T) {
	runCases(t, []msCase{
		{name: "two ACE inhibitors", meds: []tmed{med("lisinopril 10 MG Oral Tablet"), med("enalapril 5 MG Oral Tablet")},
			want: map[string]validate.Severity{validate.RuleDuplicateTherapy: validate.SeverityWarning}, reason: "two ACE inhibitors"},
		{name: "two anticoagulants", meds: []tmed{rxmed("855332", "Warfarin Sodium 5 MG Oral Tablet")},
			changes: func(*patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{start("apixaban 5 MG Oral Tablet", "")}
			},
			want: map[string]validate.Severity{validate.RuleDuplicateTherapy: validate.SeverityWarning}, reason: "a DOAC started on top of warfarin"},
		{name: "switch", meds: []tmed{med("Simvastatin 20 MG Oral Tablet")},
			changes: func(rec *patient.Record) []careplan.MedicationChange {
				return []careplan.MedicationChange{act(careplan.ActionStop, factOf(t, rec, "simvastatin"), "simvastatin", ""),
					start("atorvastatin 40 MG Oral Tablet", "")}
			},
			absent: []string{validate.RuleDuplicateTherapy}, reason: "the draft stops the old statin"},
		{name: "same ingredient", meds: []tmed{med("lisinopril 10 MG Oral Tablet"), med("lisinopril 20 MG / hydrochlorothiazide 12.5 MG Oral Tablet")},
			absent: []string{validate.RuleDuplicateTherapy}, reason: "the same ingredient twice is not a class duplicate"},
		{name: "insulins", meds: []tmed{med("insulin glargine 100 UNT/ML Injectable Solution"), rxmed("106892", "")},
			absent: []string{validate.RuleDuplicateTherapy}, reason: "basal with other insulin is intended"},
		{name: "diuretics", meds: []tmed{med("furosemide 40 MG Oral Tablet"), med("metolazone 2.5 MG Oral Tablet")},
			absent: []string{validate.RuleDuplicateTherapy}, reason: "loop with thiazide-type is intended"},
		{name: "topical and oral", meds: []tmed{med("Diclofenac Sodium 10 MG/ML Topical Gel"), med("ibuprofen 400 MG Oral Tablet")},
			absent: []string{validate.RuleDuplicateTherapy}, reason: "a topical NSAID does not duplicate an oral one"},
		{name: "two NSAIDs", meds: []tmed{med("ibuprofen 400 MG Oral Tablet"), med("celecoxib 200 MG Oral Capsule")},
			want: map[string]validate.Severity{validate.RuleDuplicateTherapy: validate.SeverityWarning}, reason: "a coxib is an NSAID too"},
	})
}

// TestMedicationSafetyIDs checks that findings name the medications: fact
// IDs for the record's, item IDs for the draft's, and the allergy and eGFR
// facts they rest on.
func TestMedicationSafetyIDs(t *testing.T) {
	rec := medRecord(t, 50, "25", []tmed{med("Simvastatin 20 MG Oral Tablet"), med("Amlodipine 5 MG Oral Tablet")},
		drugAllergy("Amoxicillin"))
	simva, amlo, allergy := factOf(t, rec, "simvastatin"), factOf(t, rec, "amlodipine"), factOf(t, rec, "amoxicillin")
	egfr := fixture.ID(rec, "33914-3")
	fs := runMS(t, rec,
		act(careplan.ActionContinue, amlo, "amlodipine", ""),
		start("clarithromycin 500 MG Oral Tablet", ""),
		start("amoxicillin 500 MG Oral Capsule", ""),
		start("metformin 500 MG Oral Tablet", ""),
	)
	tests := []struct {
		rule         string
		facts, items []string
		reason       string
	}{
		{"interaction.onc-hp-25", []string{simva}, []string{"medication-2"}, "the proposal's item and the current medication's fact"},
		{validate.RuleSimvastatinAmlodipine, []string{amlo, simva}, []string{"medication-1"}, "the item that continues amlodipine is named too"},
		{validate.RuleAllergyIngredient, []string{allergy}, []string{"medication-3"}, "the allergy fact and the proposal"},
		{validate.RuleMetforminContraindicated, []string{egfr}, []string{"medication-4"}, "the eGFR fact and the proposal"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			f, ok := findRule(fs, tt.rule)
			require.True(t, ok, dumpFindings(fs))
			assert.Equal(t, tt.facts, f.FactIDs, tt.reason)
			assert.Equal(t, tt.items, f.ItemIDs, tt.reason)
		})
	}
}

// fakeSource is an InteractionSource that reports one scripted
// interaction, or fails.
type fakeSource struct {
	hits []validate.DrugInteraction
	err  error

	mu    sync.Mutex
	calls [][][]string
}

func (f *fakeSource) Interactions(_ context.Context, drugs [][]string) ([]validate.DrugInteraction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, drugs)
	return f.hits, f.err
}

func TestMedicationSafetyPluggableSource(t *testing.T) {
	rec := medRecord(t, 50, "90", []tmed{med("Simvastatin 20 MG Oral Tablet"), med("Amlodipine 5 MG Oral Tablet")})
	licensed := &fakeSource{hits: []validate.DrugInteraction{{A: 0, B: 1, Interaction: validate.Interaction{
		RuleID: "licensed.1234", Severity: validate.SeverityWarning, Summary: "simvastatin with amlodipine",
		Mechanism: "CYP3A4", Management: "limit the dose", Source: terminology.Source{Citation: "Licensed DB 2026"}}}}}
	ms, err := validate.NewMedicationSafety(&validate.MedicationSafetyOptions{Interactions: licensed})
	require.NoError(t, err)
	fs, err := ms.Validate(t.Context(), &validate.Input{Record: rec, Draft: draftOf(rec)})
	require.NoError(t, err)
	f, ok := findRule(fs, "licensed.1234")
	require.True(t, ok, dumpFindings(fs))
	assert.Equal(t, validate.SeverityWarning, f.Severity, "the source's severity is kept")
	assert.Equal(t, "Licensed DB 2026", f.Source.Citation, "the source's citation is kept")
	assert.Equal(t, "limit the dose", f.Suggestion)
	_, ok = findRule(fs, validate.RuleSimvastatinAmlodipine)
	assert.True(t, ok, "the contextual rules run whatever the source")
	require.Len(t, licensed.calls, 1)
	assert.ElementsMatch(t, [][]string{{"36567"}, {"17767"}}, licensed.calls[0], "the source gets ingredient keys")

	failing := &fakeSource{err: errors.New("database unavailable")}
	ms, err = validate.NewMedicationSafety(&validate.MedicationSafetyOptions{Interactions: failing})
	require.NoError(t, err)
	_, err = ms.Validate(t.Context(), &validate.Input{Record: rec, Draft: draftOf(rec)})
	require.Error(t, err, "a failing source makes the check incomplete")

	bad := &fakeSource{hits: []validate.DrugInteraction{{A: 0, B: 7}}}
	ms, err = validate.NewMedicationSafety(&validate.MedicationSafetyOptions{Interactions: bad})
	require.NoError(t, err)
	_, err = ms.Validate(t.Context(), &validate.Input{Record: rec, Draft: draftOf(rec)})
	require.Error(t, err, "a source that names a drug it was not given is an error, not a silent pass")

	// Through the runner, a failing source sends the draft to an
	// incomplete report.
	ms, err = validate.NewMedicationSafety(&validate.MedicationSafetyOptions{Interactions: failing})
	require.NoError(t, err)
	rep, err := validate.NewRunner([]validate.Validator{ms}, nil).Run(t.Context(), &validate.Input{Record: rec, Draft: draftOf(rec)})
	require.Error(t, err)
	assert.False(t, rep.Complete())
}

func TestMedicationSafetyErrors(t *testing.T) {
	ms := validate.DefaultMedicationSafety()
	assert.Equal(t, "medication-safety", ms.Name())
	_, err := ms.Validate(t.Context(), nil)
	require.ErrorIs(t, err, validate.ErrInvalidInput)
	rec := medRecord(t, 50, "", nil)
	_, err = ms.Validate(t.Context(), &validate.Input{Record: rec})
	require.ErrorIs(t, err, validate.ErrInvalidInput)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rec = medRecord(t, 50, "", []tmed{med("lisinopril 10 MG Oral Tablet"), med("losartan 50 MG Oral Tablet")})
	_, err = ms.Validate(ctx, &validate.Input{Record: rec, Draft: draftOf(rec)})
	require.ErrorIs(t, err, context.Canceled)

	// A drug table without the classes the rules need is refused, naming
	// what is missing.
	bare := terminology.NewDrugs([]terminology.Ingredient{{RxCUI: "1", Name: "alpha"}}, nil, nil, nil)
	_, err = validate.NewMedicationSafety(&validate.MedicationSafetyOptions{Drugs: bare})
	require.ErrorIs(t, err, validate.ErrUnknownClass)
	require.ErrorIs(t, err, validate.ErrUnknownDrug)
	var ke *validate.KnowledgeError
	require.ErrorAs(t, err, &ke)
	assert.NotEmpty(t, ke.Rule)

	// A deployer's RxNorm release added to the shipped table keeps every
	// rule working.
	ext := terminology.DefaultDrugs().Extend([]terminology.Ingredient{{RxCUI: "11170", Name: "verapamil"}}, nil, nil, nil)
	ms2, err := validate.NewMedicationSafety(&validate.MedicationSafetyOptions{Drugs: ext})
	require.NoError(t, err)
	rec = medRecord(t, 50, "", []tmed{med("Simvastatin 20 MG Oral Tablet"), rxmed("11170", "")})
	fs, err := ms2.Validate(t.Context(), &validate.Input{Record: rec, Draft: draftOf(rec)})
	require.NoError(t, err)
	_, ok := findRule(fs, "interaction.onc-hp-25")
	assert.True(t, ok, "verapamil, now coded 11170, still meets simvastatin in ONC #25%s", dumpFindings(fs))
}

func TestMedicationSafetyConcurrent(t *testing.T) {
	ms := validate.DefaultMedicationSafety()
	rec := medRecord(t, 70, "40", []tmed{rxmed("855332", "Warfarin Sodium 5 MG Oral Tablet"), med("Simvastatin 20 MG Oral Tablet")})
	in := &validate.Input{Record: rec, Draft: draftOf(rec, start("ibuprofen 400 MG Oral Tablet", ""))}
	want, err := ms.Validate(t.Context(), in)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				got, err := ms.Validate(context.Background(), in)
				assert.NoError(t, err)
				assert.Equal(t, want, got, "the same input gives the same findings")
			}
		})
	}
	wg.Wait()
}

// TestStartRouteFromModelText: the route of a proposed start is read from
// an unambiguous product name only; text that merely mentions a local form
// ("(not a topical gel)") never softens an interaction.
func TestStartRouteFromModelText(t *testing.T) {
	rec := medRecord(t, 60, "", []tmed{med("Warfarin Sodium 5 MG Oral Tablet")})
	plain := runMS(t, rec, start("naproxen 500 MG Oral Tablet", "500 mg twice daily"))
	base := validate.SeverityInfo
	for _, f := range plain {
		if f.RuleID == validate.RuleWarfarinNSAID {
			base = f.Severity
		}
	}
	require.Equal(t, validate.SeverityCritical, base, "the oral start is critical%s", dumpFindings(plain))
	tests := []struct {
		name, medication string
		want             validate.Severity
		reason           string
	}{
		{"negated local form", "naproxen 500 mg (not a topical gel)", validate.SeverityCritical, "the text names a gel only to deny it"},
		{"local word in a note", "naproxen 500 mg, gel-coated tablet", validate.SeverityCritical, "a tablet is systemic"},
		{"no form", "naproxen", validate.SeverityCritical, "without a form the start is taken as systemic"},
		{"a topical product", "diclofenac sodium 10 MG/ML Topical Gel", validate.SeverityInfo, "an RxNorm-style topical product name is local"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := runMS(t, rec, start(tt.medication, "500 mg twice daily"))
			got := validate.Severity(0)
			for _, f := range fs {
				if f.RuleID == validate.RuleWarfarinNSAID {
					got = f.Severity
				}
			}
			assert.Equal(t, tt.want, got, "%s%s", tt.reason, dumpFindings(fs))
		})
	}
}
