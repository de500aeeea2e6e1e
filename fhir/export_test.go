package fhir_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/fhir"
	cgfixture "github.com/careguard/careguard/internal/fixture"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

var created = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)

// routed drafts with the guideline drafter, validates with grounding and
// routes, as the pipeline does.
func routed(t *testing.T, res *fhir.Result) *fhir.ExportInput {
	t.Helper()
	d, err := careplan.NewGuidelineDrafter(&careplan.DrafterOptions{Now: func() time.Time { return created }}).Draft(t.Context(), res.Record)
	require.NoError(t, err)
	return route(t, res, d)
}

func route(t *testing.T, res *fhir.Result, d *careplan.Draft) *fhir.ExportInput {
	t.Helper()
	rep, err := validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil).Run(t.Context(), &validate.Input{Record: res.Record, Draft: d})
	require.NoError(t, err)
	r, err := riskroute.New(nil)
	require.NoError(t, err)
	return &fhir.ExportInput{Record: res.Record, Draft: d, Report: rep, Decision: r.RouteDraft(d, rep), Patient: res.Patient}
}

// modelDraft is a draft a model wrote: it proposes a new medication and a
// suspected problem, and cites a fact the record does not hold.
func modelDraft(rec *patient.Record) *careplan.Draft {
	cond := ""
	for _, c := range rec.Conditions() {
		if c.Code.Code == "44054006" {
			cond = c.ID
		}
	}
	lab, _ := rec.LatestObservation(nil)
	for _, o := range rec.Observations() {
		if o.Code.Code == "4548-4" {
			lab = o
		}
	}
	return &careplan.Draft{Kind: careplan.KindCarePlan, Origin: careplan.OriginModel, Generator: "careplan.Generator",
		Provider: "fake", Model: "fake-model-1", PromptVersion: "careplan/7", RecordFingerprint: rec.Fingerprint(),
		AsOf: rec.AsOf(), Created: created,
		Plan: &careplan.Plan{
			Summary: "Glycemia above goal <b>on</b> metformin.",
			Problems: []careplan.Problem{
				{Title: "Type 2 diabetes", Status: careplan.ProblemExisting, Citations: []string{cond}, Rationale: "documented"},
				{Title: "Possible diabetic neuropathy", Status: careplan.ProblemSuspected, Citations: []string{"D1"}, Rationale: "age and duration"},
			},
			Goals: []careplan.Goal{{Description: "HbA1c below 7%", DueWithinDays: 90, Citations: []string{lab.ID},
				Rationale: "ADA goal", Source: "ADA Standards of Care 2025, Section 6",
				Targets: []careplan.Target{{MeasureCode: "4548-4", MeasureName: "HbA1c", Comparator: "<", Value: 7, Unit: "%"}}}},
			MedicationChanges: []careplan.MedicationChange{{Action: careplan.ActionStart, Medication: "empagliflozin 10 MG Oral Tablet",
				Dose: "10 mg daily", Citations: []string{cond, "C99"}, Rationale: "cardiorenal benefit", Source: "ADA 2025 Section 9"}},
			Monitoring: []careplan.Monitoring{{MeasureCode: "4548-4", MeasureName: "HbA1c", IntervalDays: 90, Citations: []string{lab.ID}, Rationale: "not at goal"}},
			FollowUps:  []careplan.FollowUp{{Description: "Visit", WithinDays: 30, Citations: []string{cond}, Rationale: "titration"}},
		}}
}

// emptyValues returns the JSON paths of every null, "", [] and {} in v.
func emptyValues(v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		out = append(out, path+" null")
	case string:
		if x == "" {
			out = append(out, path+` ""`)
		}
	case []any:
		if len(x) == 0 {
			out = append(out, path+" []")
		}
		for i, e := range x {
			out = append(out, emptyValues(e, path+"/"+itoa(i))...)
		}
	case map[string]any:
		if len(x) == 0 {
			out = append(out, path+" {}")
		}
		for k, e := range x {
			out = append(out, emptyValues(e, path+"/"+k)...)
		}
	}
	return out
}

type exportedBundle struct {
	b         *fhir.Bundle
	raw       []byte
	resources map[string][]fhir.Resource
}

func export(t *testing.T, in *fhir.ExportInput) exportedBundle {
	t.Helper()
	b, err := fhir.Export(in, nil)
	require.NoError(t, err)
	raw, err := json.Marshal(b)
	require.NoError(t, err)
	var generic any
	require.NoError(t, json.Unmarshal(raw, &generic))
	assert.Empty(t, emptyValues(generic, ""), "no null, empty string, empty array or empty object anywhere")
	out := exportedBundle{b: b, raw: raw, resources: map[string][]fhir.Resource{}}
	// Round trip: every entry parses into the typed resource and writes back
	// the same JSON.
	var back fhir.Bundle
	require.NoError(t, json.Unmarshal(raw, &back))
	require.Len(t, back.Entry, len(b.Entry))
	for i, e := range back.Entry {
		r, err := fhir.ParseResource(e.Resource)
		require.NoError(t, err)
		again, err := json.Marshal(r)
		require.NoError(t, err)
		assert.JSONEq(t, string(b.Entry[i].Resource), string(again), "entry %d round-trips", i)
		typ := r.Header().ResourceType
		out.resources[typ] = append(out.resources[typ], r)
		assert.True(t, strings.HasPrefix(e.FullURL, "urn:uuid:"))
		require.NotNil(t, e.Request)
		assert.Equal(t, fhir.BundleRequest{Method: "POST", URL: typ}, *e.Request)
	}
	return out
}

func TestExportGuidelineDraft(t *testing.T) {
	res := decodeFixture(t, "collection.json")
	in := routed(t, res)
	x := export(t, in)

	require.Len(t, x.resources["CarePlan"], 1)
	cp := x.resources["CarePlan"][0].(*fhir.CarePlan)
	assert.Equal(t, "draft", cp.Status)
	assert.Equal(t, "proposal", cp.Intent)
	assert.Equal(t, fhir.CarePlanCategoryAssess, cp.Category[0].Coding[0].Code)
	assert.Equal(t, fhir.SystemCarePlanCategory, cp.Category[0].Coding[0].System)
	assert.Equal(t, "Patient/p1", cp.Subject.Reference)
	assert.Nil(t, cp.Meta, "the guideline drafter is not AI: no AI-asserted label")
	assert.Contains(t, cp.Addresses, fhir.Reference{Reference: "Condition/c-t2dm"}, "addresses the cited diabetes Condition by its source reference")
	assert.Len(t, cp.Goal, len(in.Draft.Plan.Goals))
	assert.Len(t, cp.Activity, in.Draft.Plan.Len()-len(in.Draft.Plan.Problems)-len(in.Draft.Plan.Goals),
		"every item but problems and goals is an activity")
	for _, a := range cp.Activity {
		_, _, ok := careplan.ParseItemID(a.ID)
		assert.True(t, ok, "activity %q carries its plan item ID", a.ID)
		assert.Equal(t, "not-started", a.Detail.Status)
	}

	for _, g := range x.resources["Goal"] {
		goal := g.(*fhir.Goal)
		assert.Equal(t, "proposed", goal.LifecycleStatus)
		for _, tg := range goal.Target {
			require.NotNil(t, tg.Measure)
			assert.Equal(t, "http://loinc.org", tg.Measure.Coding[0].System, "targets name a LOINC measure")
			assert.NotNil(t, tg.DetailQuantity.Value)
		}
	}

	require.Len(t, x.resources["Task"], 1)
	task := x.resources["Task"][0].(*fhir.Task)
	assert.Equal(t, riskroute.TierNurseReview, in.Decision.Tier, "a clean guideline plan needs a nurse")
	assert.Equal(t, fhir.SNOMEDRegisteredNurse, task.PerformerType[0].Coding[0].Code)
	assert.Equal(t, fhir.TaskCodeApprove, task.Code.Coding[0].Code)
	assert.Equal(t, x.b.Entry[0].FullURL, task.Focus.Reference, "the Task focuses on the CarePlan")
	assert.Equal(t, "Patient/p1", task.For.Reference)

	assert.Len(t, x.resources["DetectedIssue"], len(in.Report.Findings))
	require.Len(t, x.resources["Provenance"], 1)
	prov := x.resources["Provenance"][0].(*fhir.Provenance)
	assert.Len(t, prov.Target, len(x.b.Entry)-1, "the Provenance covers every other resource")
	assert.Len(t, prov.Contained, 1, "the generator only: no model")

	// Decoding the export beside its source keeps every exported resource,
	// raw, and every reference in the export resolves.
	both, err := fhir.DecodeAll(t.Context(), [][]byte{fixture(t, "collection.json"), x.raw}, &fhir.DecodeOptions{AsOf: fixtureAsOf})
	require.NoError(t, err)
	n := 0
	for _, o := range both.Other {
		if o.Doc == 1 {
			n++
			assert.JSONEq(t, string(x.b.Entry[o.Entry].Resource), string(o.JSON))
		}
	}
	assert.Equal(t, len(x.b.Entry), n)
	assertReferencesResolve(t, x, fixture(t, "collection.json"))

	again, err := fhir.Export(in, nil)
	require.NoError(t, err)
	raw2, _ := json.Marshal(again)
	assert.Equal(t, string(x.raw), string(raw2), "exporting the same draft twice gives the same bundle")
}

func TestExportModelDraft(t *testing.T) {
	res := decodeFixture(t, "collection.json")
	in := route(t, res, modelDraft(res.Record))
	x := export(t, in)

	cp := x.resources["CarePlan"][0].(*fhir.CarePlan)
	require.NotNil(t, cp.Meta)
	assert.Equal(t, []fhir.Coding{{System: fhir.SystemObservationValue, Code: fhir.CodeAIAsserted, Display: "Artificial Intelligence asserted"}},
		cp.Meta.Security, "model-written content carries the AI-asserted label")
	for _, g := range x.resources["Goal"] {
		assert.Equal(t, cp.Meta, g.Header().Meta)
	}
	assert.Nil(t, x.resources["Task"][0].Header().Meta, "the review request is not AI content")
	require.Len(t, cp.Contained, 1, "the suspected problem is a contained provisional Condition")
	assert.Contains(t, cp.Addresses, fhir.Reference{Reference: "#problem-2", Display: "Possible diabetic neuropathy"})
	assert.Contains(t, cp.Text.Div, "&lt;b&gt;on&lt;/b&gt;", "the narrative escapes the summary")

	var med *fhir.CarePlanActivity
	for i := range cp.Activity {
		if cp.Activity[i].ID == "medication-1" {
			med = &cp.Activity[i]
		}
	}
	require.NotNil(t, med)
	assert.Equal(t, "MedicationRequest", med.Detail.Kind)
	assert.Equal(t, "empagliflozin 10 MG Oral Tablet", med.Detail.ProductCodeableConcept.Text)
	assert.Equal(t, []fhir.Annotation{{Text: "Source: ADA 2025 Section 9"}}, med.Progress)

	task := x.resources["Task"][0].(*fhir.Task)
	assert.Equal(t, riskroute.TierPhysicianReview, in.Decision.Tier)
	assert.Equal(t, fhir.SNOMEDPhysician, task.PerformerType[0].Coding[0].Code, "a medication start goes to a physician")
	assert.Equal(t, "urgent", task.Priority, "a critical finding makes the review urgent")

	var unknown *fhir.DetectedIssue
	for _, r := range x.resources["DetectedIssue"] {
		di := r.(*fhir.DetectedIssue)
		assert.Contains(t, di.Implicated, fhir.Reference{Reference: x.b.Entry[0].FullURL}, "every issue implicates the CarePlan")
		if di.Code.Text == validate.RuleUnknownFact {
			unknown = di
		}
	}
	require.NotNil(t, unknown, "citing C99 is a grounding finding")
	assert.Equal(t, "high", unknown.Severity, "critical is high")
	assert.Contains(t, unknown.Detail, "medication-1")

	prov := x.resources["Provenance"][0].(*fhir.Provenance)
	require.Len(t, prov.Contained, 2)
	dev, err := fhir.ParseResource(prov.Contained[1])
	require.NoError(t, err)
	model := dev.(*fhir.Device)
	assert.Equal(t, "fake-model-1", model.DeviceName[0].Name)
	assert.Equal(t, "careplan/7", model.Version[0].Value, "the prompt version is recorded")
	assert.Equal(t, "#model", prov.Agent[0].Who.Reference, "the model is the author")
	assertReferencesResolve(t, x, fixture(t, "collection.json"))
}

func TestExportInputErrors(t *testing.T) {
	res := decodeFixture(t, "collection.json")
	good := routed(t, res)
	tests := []struct {
		name   string
		mutate func(*fhir.ExportInput)
		opts   *fhir.ExportOptions
		reason string
	}{
		{"no patient", func(in *fhir.ExportInput) { in.Patient, in.Record = "", cgfixture.MultiMorbid() }, nil,
			"the Patient reference is required, from the input or the record"},
		{"no record", func(in *fhir.ExportInput) { in.Record = nil }, nil, "the record is required"},
		{"no plan", func(in *fhir.ExportInput) { d := *in.Draft; d.Plan = nil; in.Draft = &d }, nil, "a draft needs a plan"},
		{"no creation time", func(in *fhir.ExportInput) { d := *in.Draft; d.Created = time.Time{}; in.Draft = &d }, nil, "Provenance.recorded is required"},
		{"bad bundle type", func(*fhir.ExportInput) {}, &fhir.ExportOptions{BundleType: "history"}, "only transaction and collection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := *good
			tt.mutate(&in)
			_, err := fhir.Export(&in, tt.opts)
			require.ErrorIs(t, err, fhir.ErrExportInput, tt.reason)
		})
	}
	_, err := fhir.Export(nil, nil)
	require.ErrorIs(t, err, fhir.ErrExportInput)

	b, err := fhir.Export(good, &fhir.ExportOptions{BundleType: fhir.BundleCollection})
	require.NoError(t, err)
	assert.Equal(t, "collection", b.Type)
	assert.Nil(t, b.Entry[0].Request, "collection entries carry no request")
}

// Export routes the draft itself with the bare safety floor and requests the
// higher of that tier and the caller's: a caller's decision may raise the
// review but never lower or drop it.
func TestExportDecisionFloor(t *testing.T) {
	res := decodeFixture(t, "collection.json")
	nurseIn := routed(t, res)
	require.Equal(t, riskroute.TierNurseReview, nurseIn.Decision.Tier, "precondition: a clean guideline plan needs a nurse")
	physIn := route(t, res, modelDraft(res.Record))
	require.Equal(t, riskroute.TierPhysicianReview, physIn.Decision.Tier, "precondition: a medication start needs a physician")

	with := func(in *fhir.ExportInput, f func(*fhir.ExportInput)) *fhir.ExportInput {
		c := *in
		f(&c)
		return &c
	}
	tests := []struct {
		name       string
		in         *fhir.ExportInput
		want       string // the Task's performer, "" for no Task
		wantRaised bool   // the Task says the floor overrode the caller
		wantNotify string
		reason     string
	}{
		{"caller agrees", nurseIn, fhir.SNOMEDRegisteredNurse, false, "Notify: nurse", "the usual case"},
		{"auto-approve for a medication start", with(physIn, func(in *fhir.ExportInput) {
			in.Decision = riskroute.Decision{Tier: riskroute.TierAutoApprove, Floor: riskroute.TierAutoApprove}
		}), fhir.SNOMEDPhysician, true, "Notify: physician", "a caller's decision cannot drop the review of a medication start"},
		{"auto-approve for a care plan", with(nurseIn, func(in *fhir.ExportInput) { in.Decision.Tier = riskroute.TierAutoApprove }),
			fhir.SNOMEDRegisteredNurse, true, "", "no care plan auto-approves"},
		{"nurse for a medication start", with(physIn, func(in *fhir.ExportInput) {
			in.Decision = riskroute.Decision{Tier: riskroute.TierNurseReview, Notify: []riskroute.Role{riskroute.RoleNurse, riskroute.RoleSocialWorker}}
		}), fhir.SNOMEDPhysician, true, "Notify: physician, social_worker", "the floor's tier, with the caller's other roles kept"},
		{"policy raises", with(nurseIn, func(in *fhir.ExportInput) {
			in.Decision.Tier = riskroute.TierPhysicianReview
			in.Decision.Notify = []riskroute.Role{riskroute.RolePhysician}
		}), fhir.SNOMEDPhysician, false, "Notify: physician", "a deployer's policy may raise the tier; Export keeps it"},
		{"not routed", with(nurseIn, func(in *fhir.ExportInput) { in.Decision = riskroute.Decision{} }), fhir.SNOMEDRegisteredNurse, false,
			"Notify: nurse", "a zero decision gets the floor's"},
		{"no report", with(nurseIn, func(in *fhir.ExportInput) { in.Report = nil }), fhir.SNOMEDPhysician, true, "",
			"an unvalidated draft needs a physician whatever the caller says"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := *tt.in
			x := export(t, tt.in)
			assert.Equal(t, before, *tt.in, "the caller's input is not modified")
			tasks := x.resources["Task"]
			if tt.want == "" {
				assert.Empty(t, tasks, tt.reason)
				return
			}
			require.Len(t, tasks, 1, tt.reason)
			task := tasks[0].(*fhir.Task)
			assert.Equal(t, tt.want, task.PerformerType[0].Coding[0].Code, tt.reason)
			var notes []string
			for _, n := range task.Note {
				notes = append(notes, n.Text)
			}
			joined := strings.Join(notes, "\n")
			if tt.wantRaised {
				assert.Contains(t, joined, "below careguard's safety floor", tt.reason)
			} else {
				assert.NotContains(t, joined, "below careguard's safety floor", tt.reason)
			}
			if tt.wantNotify != "" {
				assert.Contains(t, notes, tt.wantNotify, tt.reason)
			}
		})
	}
}

// assertReferencesResolve checks every reference in the export: urn:uuid
// references name an entry of the export, "#" references a contained
// resource, and every other reference a resource of the source bundle.
func assertReferencesResolve(t *testing.T, x exportedBundle, source []byte) {
	t.Helper()
	urls := map[string]bool{}
	for _, e := range x.b.Entry {
		urls[e.FullURL] = true
	}
	ids := map[string]bool{}
	var src struct {
		Entry []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				ID           string `json:"id"`
			} `json:"resource"`
		} `json:"entry"`
	}
	require.NoError(t, json.Unmarshal(source, &src))
	for _, e := range src.Entry {
		ids[e.Resource.ResourceType+"/"+e.Resource.ID] = true
	}
	for i, e := range x.b.Entry {
		var generic any
		require.NoError(t, json.Unmarshal(e.Resource, &generic))
		contained := map[string]bool{}
		if m, ok := generic.(map[string]any); ok {
			if cs, ok := m["contained"].([]any); ok {
				for _, c := range cs {
					contained["#"+c.(map[string]any)["id"].(string)] = true
				}
			}
		}
		for _, ref := range references(generic) {
			switch {
			case strings.HasPrefix(ref, "urn:uuid:"):
				assert.True(t, urls[ref], "entry %d: %s is an entry of the export", i, ref)
			case strings.HasPrefix(ref, "#"):
				assert.True(t, contained[ref], "entry %d: %s is contained", i, ref)
			default:
				assert.True(t, ids[ref], "entry %d: %s is a resource of the source", i, ref)
			}
		}
	}
}

func references(v any) []string {
	var out []string
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = append(out, references(e)...)
		}
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "reference" {
				out = append(out, s)
				continue
			}
			out = append(out, references(e)...)
		}
	}
	return out
}

func TestExportSynthea(t *testing.T) {
	dir := syntheaDir(t)
	data, err := os.ReadFile(filepath.Join(dir, "Isaiah_Schaden_b6b36717-6ad2-433d-bf5c-6c77bc2fcd96.json"))
	require.NoError(t, err)
	asOf, err := fhir.LatestClinicalDate(t.Context(), data, nil)
	require.NoError(t, err)
	res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: asOf})
	require.NoError(t, err)
	x := export(t, routed(t, res))
	assertReferencesResolve(t, x, data)
	cp := x.resources["CarePlan"][0].(*fhir.CarePlan)
	assert.NotEmpty(t, cp.Addresses, "Isaiah's plan addresses his documented conditions")
}

// The patient reference defaults to the one Decode put on the record.
func TestExportPatientFromRecord(t *testing.T) {
	res := decodeFixture(t, "collection.json")
	in := routed(t, res)
	require.Equal(t, res.Patient, res.Record.Demographics().SourceID, "Decode records the Patient reference")
	want, err := fhir.Export(in, nil)
	require.NoError(t, err)
	in.Patient = ""
	got, err := fhir.Export(in, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
