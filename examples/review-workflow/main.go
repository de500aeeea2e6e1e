// Command review-workflow runs careguard's review workflow offline on a
// temporary SQLite database: it drafts care plans for a synthetic patient
// with the guideline rules, submits them for review, and then
//
//   - a nurse approves one as drafted;
//   - a nurse edits one (rewording an education item) and approves it;
//   - a nurse edits one to start a statin, which needs a physician: the
//     approval is refused, the edit requeued, and a physician approves it;
//   - a nurse rejects one with structured feedback.
//
// Approved plans go to a record sink (here it prints what it would write
// to the chart, by idempotency key). Finally it prints the review
// statistics and verifies the hash-chained audit log, before and after
// reopening the database.
//
//	go run ./examples/review-workflow
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/careguard/careguard"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/review"
	"github.com/careguard/careguard/review/sqlitestore"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/terminology"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// chart is the deployer's EHR adapter. A real one would create the
// CarePlan with a conditional create on the key, so a repeated key writes
// nothing new; this one remembers the keys it has written.
type chart struct {
	w       io.Writer
	written map[string]bool
}

func (c *chart) Write(_ context.Context, a *review.Approval) error {
	if c.written[a.Key] {
		return nil // already in the chart
	}
	c.written[a.Key] = true
	fmt.Fprintf(c.w, "   chart <- %s plan for %s, %d items, approved by %s (%s), key %s\n",
		a.State, a.Subject, a.Draft.Plan.Len(), a.Approver.ID, a.Approver.Role, short(a.Key))
	return nil
}

func run(ctx context.Context, out io.Writer) error {
	dir, err := os.MkdirTemp("", "careguard-review-workflow")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "review.db")
	store, err := sqlitestore.Open(ctx, path, nil)
	if err != nil {
		return err
	}
	defer store.Close()

	rec, err := samplePatient()
	if err != nil {
		return err
	}
	// The pipeline drafts (guideline rules: no model is configured),
	// validates and routes; the workflow routes again with the same
	// rules, so no caller can pick a tier.
	pipe, err := careguard.New(nil)
	if err != nil {
		return err
	}
	sink := &chart{w: out, written: map[string]bool{}}
	// With no Checker option, edits are re-validated with the full
	// validator set the pipeline runs (validate.DefaultValidators), so a
	// nurse's edit that needs a physician is refused and requeued.
	w, err := review.New(store, &review.Options{
		Sink: sink,
		OnReject: func(_ context.Context, r *review.Rejection) {
			fmt.Fprintf(out, "   improvement hook: rejection of %s (%v) queued for prompt and rule review\n",
				short(r.Item.ID), r.Item.Reasons)
		},
	})
	if err != nil {
		return err
	}

	fmt.Fprintln(out, "careguard review workflow (offline, SQLite at a temporary path)")
	fmt.Fprintln(out, "Plans are drafted by the deterministic guideline rules; no language model is configured.")
	fmt.Fprintln(out)
	subject := rec.Demographics().SourceID
	fmt.Fprintln(out, "1. SUBMIT four drafts for", subject)
	var ids []string
	for range 4 {
		res, err := pipe.Run(ctx, rec)
		if err != nil {
			return err
		}
		it, err := w.Submit(ctx, &review.Submission{Subject: subject, Draft: res.Draft, Report: res.Report})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "   %s  %s, %d items, %d findings -> %s queue\n", short(it.ID), it.Kind, res.Draft.Plan.Len(),
			len(res.Report.Findings), it.Tier)
		ids = append(ids, it.ID)
	}

	nurse := review.Reviewer{ID: "rn-ada", Role: riskroute.RoleNurse}
	doctor := review.Reviewer{ID: "dr-cho", Role: riskroute.RolePhysician}

	fmt.Fprintln(out, "\n2. APPROVE as drafted (nurse)")
	c, err := w.Claim(ctx, ids[0], nurse)
	if err != nil {
		return err
	}
	it, err := w.Approve(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   %s -> %s, delivery %s\n", short(it.ID), it.State, it.Delivery.State)

	fmt.Fprintln(out, "\n3. EDIT, THEN APPROVE (nurse rewords an education item)")
	c, err = w.Claim(ctx, ids[1], nurse)
	if err != nil {
		return err
	}
	_, content, err := w.Get(ctx, ids[1])
	if err != nil {
		return err
	}
	edited := content.Draft.Plan.Clone()
	edited.Education[0].Topic = "Low blood sugar: the signs, how to treat it with 15 g of fast sugar, and when to call us"
	it, err = w.ApproveEdited(ctx, c, edited, rec)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   %s -> %s; %s\n", short(it.ID), it.State, describe(it.Changes))

	fmt.Fprintln(out, "\n4. AN EDIT THAT RAISES THE TIER (nurse adds a statin start)")
	c, err = w.Claim(ctx, ids[2], nurse)
	if err != nil {
		return err
	}
	_, content, err = w.Get(ctx, ids[2])
	if err != nil {
		return err
	}
	edited = content.Draft.Plan.Clone()
	edited.MedicationChanges = append(edited.MedicationChanges, careplan.MedicationChange{
		Action: careplan.ActionStart, Medication: "atorvastatin 20 MG Oral Tablet", Dose: "20 mg once daily",
		Citations: edited.Problems[0].Citations, Rationale: "Type 2 diabetes, age 40-75, no statin on the list.",
		Source: "ADA Standards of Care 2025, Section 10"})
	it, err = w.ApproveEdited(ctx, c, edited, rec)
	var re *review.RoleError
	if !errors.As(err, &re) || !re.Requeued {
		return fmt.Errorf("expected the nurse's approval to be refused, got %v", err)
	}
	fmt.Fprintf(out, "   refused: %v\n", err)
	fmt.Fprintf(out, "   %s is %s in the %s queue, with the nurse's edit kept\n", short(it.ID), it.State, it.Tier)
	c, err = w.ClaimNext(ctx, doctor)
	if err != nil {
		return err
	}
	it, err = w.Approve(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   %s -> %s by %s; %s\n", short(it.ID), it.State, it.DecidedBy.ID, describe(it.Changes))
	_, content, err = w.Get(ctx, it.ID)
	if err != nil {
		return err
	}
	for _, ch := range content.Revisions[len(content.Revisions)-1].Diff.Items {
		fmt.Fprintf(out, "     diff: %s %s%s clinical=%t\n", ch.Op, ch.OldID, ch.NewID, ch.Clinical)
	}

	fmt.Fprintln(out, "\n5. REJECT with structured feedback (nurse)")
	c, err = w.Claim(ctx, ids[3], nurse)
	if err != nil {
		return err
	}
	fb, err := review.ParseFeedback([]byte(`{"reasons": ["missing_information", "tone_readability"],
		"text": "Needs a plan for her transport barrier; education is above her reading level.",
		"item_ids": ["education-1"]}`))
	if err != nil {
		return err
	}
	it, err = w.Reject(ctx, c, fb)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   %s -> %s %v\n", short(it.ID), it.State, it.Reasons)

	fmt.Fprintln(out, "\n6. STATISTICS")
	stats, err := w.Stats(ctx, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	t := stats.Total
	fmt.Fprintf(out, "   total: %d reviewed, %d approved, %d approved with edits, %d rejected\n",
		t.Reviewed(), t.Approved, t.ApprovedWithEdits, t.Rejected)
	fmt.Fprintf(out, "   approval rate %.0f%%, substantial-revision rate %.0f%% (of approvals)\n",
		100*t.ApprovalRate, 100*t.SubstantialRate)
	for _, g := range stats.ByKind {
		fmt.Fprintf(out, "   by kind  %-24s approval %.0f%%, substantial %.0f%%\n", g.Key, 100*g.ApprovalRate, 100*g.SubstantialRate)
	}
	for _, g := range stats.ByModel {
		fmt.Fprintf(out, "   by model %-24s approval %.0f%%, substantial %.0f%%\n", g.Key, 100*g.ApprovalRate, 100*g.SubstantialRate)
	}
	for _, g := range stats.ByRule {
		fmt.Fprintf(out, "   by rule  %-24s approval %.0f%%, substantial %.0f%%\n", g.Key, 100*g.ApprovalRate, 100*g.SubstantialRate)
	}
	fmt.Fprintf(out, "   by week  %d week(s), all decided this week\n", len(stats.ByWeek))

	fmt.Fprintln(out, "\n7. AUDIT LOG (hashes and IDs only)")
	entries, err := store.Audit(ctx, 0, 0)
	if err != nil {
		return err
	}
	for _, e := range entries {
		fmt.Fprintf(out, "   %2d %-19s %-8s %-9s item %s -> %-19s hash %s\n", e.Seq, e.Action, e.Actor, e.Role, short(e.ItemID), e.State, e.Hash[:12])
	}
	head, err := review.Verify(ctx, store, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "   chain verified: %d entries, head %s\n", head.Seq, head.Hash[:16])
	if err := store.Close(); err != nil {
		return err
	}
	store, err = sqlitestore.Open(ctx, path, nil)
	if err != nil {
		return err
	}
	if _, err := review.Verify(ctx, store, &head); err != nil {
		return err
	}
	fmt.Fprintln(out, "   reopened the database: the chain still verifies against the kept head")
	return nil
}

func describe(c *review.Changes) string {
	if c == nil {
		return "no changes"
	}
	kind := "not substantial"
	if c.Substantial {
		kind = "SUBSTANTIAL"
	}
	return fmt.Sprintf("%d added, %d removed, %d changed of %d items (%d clinical): %s", c.Added, c.Removed, c.Changed, c.Base, c.Clinical, kind)
}

// short abbreviates the random IDs in keys for the printout.
func short(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[:i+1] + short(id[i+1:])
	}
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err) // constant dates below
	}
	return t
}

// samplePatient builds a synthetic patient in code: type 2 diabetes,
// hypertension and stage 3a chronic kidney disease.
func samplePatient() (*patient.Record, error) {
	code := func(system, c, display string) terminology.Code {
		return terminology.Code{System: system, Code: c, Display: display}
	}
	lab := func(c terminology.Code, v float64, unit, when string) patient.Observation {
		return patient.Observation{Code: c, Category: patient.CategoryLaboratory, Value: patient.QuantityValue(v, unit), Effective: day(when)}
	}
	b := patient.NewBuilder(day("2026-11-01"), nil)
	b.SetDemographics(patient.Demographics{BirthDate: day("1957-03-14"), Sex: patient.SexFemale, Language: "en",
		SourceID: "Patient/example-001"})
	b.AddConditions(
		patient.Condition{Code: code(terminology.SystemSNOMED, "44054006", "Diabetes mellitus type 2"), ClinicalStatus: patient.ClinicalActive, Onset: day("2011-06-01")},
		patient.Condition{Code: code(terminology.SystemSNOMED, "38341003", "Hypertensive disorder"), ClinicalStatus: patient.ClinicalActive, Onset: day("2008-02-11")},
		patient.Condition{Code: code(terminology.SystemICD10CM, "N18.31", "Chronic kidney disease, stage 3a"), ClinicalStatus: patient.ClinicalActive, Onset: day("2023-05-20")},
	)
	b.AddMedications(
		patient.Medication{Code: code(terminology.SystemRxNorm, "860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"),
			DoseText: "1000 mg once daily", Status: patient.MedicationActive, Start: day("2012-01-15")},
		patient.Medication{Code: code(terminology.SystemRxNorm, "314076", "lisinopril 10 MG Oral Tablet"),
			DoseText: "10 mg once daily", Status: patient.MedicationActive, Start: day("2009-04-02")},
	)
	b.AddObservations(
		lab(code(terminology.SystemLOINC, "4548-4", "Hemoglobin A1c"), 8.1, "%", "2026-10-01"),
		lab(code(terminology.SystemLOINC, "98979-8", "eGFR (CKD-EPI 2021)"), 52, "mL/min/{1.73_m2}", "2026-10-01"),
		lab(code(terminology.SystemLOINC, "9318-7", "Albumin/Creatinine in Urine"), 45, "mg/g", "2026-10-01"),
		patient.Observation{Code: code(terminology.SystemLOINC, "85354-9", "Blood pressure panel"), Category: patient.CategoryVitalSigns, Effective: day("2026-10-15"),
			Components: []patient.Component{
				{Code: code(terminology.SystemLOINC, "8480-6", "Systolic blood pressure"), Value: patient.QuantityValue(142, "mm[Hg]")},
				{Code: code(terminology.SystemLOINC, "8462-4", "Diastolic blood pressure"), Value: patient.QuantityValue(88, "mm[Hg]")},
			}},
	)
	return b.Build()
}
