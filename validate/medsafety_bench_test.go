package validate_test

import (
	"testing"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/validate"
)

// BenchmarkMedicationSafety runs every medication rule for a 72-year-old
// with 30 active medications (coded and named, several interacting), a
// drug allergy and an eGFR, and a draft proposing 5 changes: a worst case
// with 43 findings.
func BenchmarkMedicationSafety(b *testing.B) {
	meds := []tmed{
		rxmed("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"),
		rxmed("314076", "lisinopril 10 MG Oral Tablet"),
		rxmed("855332", "Warfarin Sodium 5 MG Oral Tablet"),
		rxmed("316049", "Hydrochlorothiazide 25 MG"),
		rxmed("849574", "Naproxen sodium 220 MG Oral Tablet"),
		rxmed("309362", "Clopidogrel 75 MG Oral Tablet"),
		rxmed("197604", "Digoxin 0.125 MG Oral Tablet"),
		rxmed("197361", "Amlodipine 5 MG Oral Tablet"),
		rxmed("312961", "Simvastatin 20 MG Oral Tablet"),
		rxmed("966222", "Levothyroxine Sodium 0.075 MG Oral Tablet"),
		rxmed("563026", "Diazepam [Valium]"),
		rxmed("866414", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]"),
		rxmed("310325", "ferrous sulfate 325 MG Oral Tablet"),
		rxmed("904419", "Alendronic acid 10 MG Oral Tablet"),
		rxmed("1599803", "24 HR Donepezil hydrochloride 10 MG / Memantine hydrochloride 28 MG Extended Release Oral Capsule"),
		rxmed("896209", "60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler"),
		rxmed("705129", "Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray"),
		rxmed("313782", "Acetaminophen 325 MG Oral Tablet"),
		rxmed("4603", "furosemide"),
		rxmed("9997", "spironolactone"),
		rxmed("7646", "omeprazole"),
		rxmed("36437", "sertraline"),
		rxmed("4821", "glipizide"),
		rxmed("274783", "insulin glargine"),
		med("calcium carbonate 500 MG Oral Tablet"),
		med("cyanocobalamin 1 MG Oral Tablet"),
		med("vitamin E 400 UNT Oral Capsule"),
		med("prednisone 5 MG Oral Tablet"),
		med("tamsulosin 0.4 MG Oral Capsule"),
		med("Fixture drug 10 MG Oral Tablet"),
	}
	rec := medRecord(b, 72, "48", meds, drugAllergy("Penicillins"))
	if n := len(rec.ActiveMedications()); n != 30 {
		b.Fatalf("%d active medications, want 30", n)
	}
	simva := factOf(b, rec, "simvastatin")
	changes := []careplan.MedicationChange{
		start("clarithromycin 500 MG Oral Tablet", "500 mg twice daily"),
		start("ibuprofen 400 MG Oral Tablet", "400 mg three times daily"),
		start("losartan 50 MG Oral Tablet", "50 mg daily"),
		start("cephalexin 500 MG Oral Capsule", "500 mg four times daily"),
		act(careplan.ActionIncrease, simva, "Simvastatin", "40 mg daily"),
	}
	in := &validate.Input{Record: rec, Draft: draftOf(rec, changes...)}
	ms := validate.DefaultMedicationSafety()
	fs, err := ms.Validate(b.Context(), in)
	if err != nil || len(fs) == 0 {
		b.Fatalf("findings %d, err %v", len(fs), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ms.Validate(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMedicationSafetyTypical runs every medication rule for a
// 68-year-old with 30 active medications that mostly do not interact and a
// draft proposing 5 changes, as a typical polypharmacy review.
func BenchmarkMedicationSafetyTypical(b *testing.B) {
	meds := []tmed{
		rxmed("860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet"),
		rxmed("314076", "lisinopril 10 MG Oral Tablet"),
		rxmed("197361", "Amlodipine 5 MG Oral Tablet"),
		rxmed("83367", "atorvastatin"),
		rxmed("866414", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]"),
		rxmed("1364430", "apixaban"),
		rxmed("4603", "furosemide"),
		rxmed("9997", "spironolactone"),
		rxmed("274783", "insulin glargine"),
		rxmed("1545653", "empagliflozin"),
		rxmed("36437", "sertraline"),
		rxmed("313782", "Acetaminophen 325 MG Oral Tablet"),
		rxmed("135447", "donepezil"),
		rxmed("896209", "60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler"),
		rxmed("705129", "Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray"),
		rxmed("2002", "carbamazepine"),
		rxmed("4637", "galantamine"),
		rxmed("32968", "clopidogrel"),
		rxmed("42463", "pravastatin"),
		rxmed("20352", "carvedilol"),
		med("tamsulosin 0.4 MG Oral Capsule"),
		med("cholecalciferol 1000 UNT Oral Tablet"),
		med("gabapentin 300 MG Oral Capsule"),
		med("latanoprost 0.05 MG/ML Ophthalmic Solution"),
		med("finasteride 5 MG Oral Tablet"),
		med("allopurinol 100 MG Oral Tablet"),
		med("ezetimibe 10 MG Oral Tablet"),
		med("montelukast 10 MG Oral Tablet"),
		med("loratadine 10 MG Oral Tablet"),
		med("polyethylene glycol 3350 17000 MG Powder for Oral Solution"),
	}
	rec := medRecord(b, 68, "58", meds, drugAllergy("Sulfamethoxazole"))
	if n := len(rec.ActiveMedications()); n != 30 {
		b.Fatalf("%d active medications, want 30", n)
	}
	changes := []careplan.MedicationChange{
		start("losartan 50 MG Oral Tablet", "50 mg daily"),
		start("rosuvastatin 10 MG Oral Tablet", "10 mg daily"),
		start("omeprazole 20 MG Delayed Release Oral Capsule", "20 mg daily"),
		act(careplan.ActionIncrease, factOf(b, rec, "metformin"), "metformin", "1000 mg twice daily"),
		act(careplan.ActionStop, factOf(b, rec, "pravastatin"), "pravastatin", ""),
	}
	in := &validate.Input{Record: rec, Draft: draftOf(rec, changes...)}
	ms := validate.DefaultMedicationSafety()
	if fs, err := ms.Validate(b.Context(), in); err != nil || len(fs) == 0 {
		b.Fatalf("findings %d, err %v", len(fs), err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ms.Validate(b.Context(), in); err != nil {
			b.Fatal(err)
		}
	}
}
