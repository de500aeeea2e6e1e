// Command quickstart runs careguard's main job offline: it builds a sample
// patient with type 2 diabetes, hypertension and stage 3a chronic kidney
// disease, drafts a care plan with the deterministic guideline drafter,
// validates it and routes it to a review tier. It then shows the
// schema-repair loop on the fake model: the first reply breaks the schema,
// the repaired reply proposes a new medication, and the router sends it to
// a physician.
//
// With a model configured in the environment (OPENAI_API_KEY,
// OPENAI_BASE_URL with OPENAI_MODEL, ANTHROPIC_API_KEY or OLLAMA_HOST; see
// examples/providers), it first drafts the plan with that model, behind
// careguard's middleware, with the guideline rules as the fallback, and
// says which model it used. The library itself reads no environment
// variables.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/careguard/careguard"
	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/anthropicchat"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/providers/middleware"
	"github.com/careguard/careguard/providers/ollamachat"
	"github.com/careguard/careguard/providers/openaichat"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/terminology"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, w io.Writer) error {
	rec, err := samplePatient()
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "careguard quickstart")
	fmt.Fprintln(w, "====================")
	llm, llmName, err := modelFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	if llm == nil {
		fmt.Fprintln(w, "No language model is configured: the plan below is drafted by careguard's deterministic")
		fmt.Fprintf(w, "guideline rules (%s), not by a model.\n\n", careplan.DrafterVersion)
	} else {
		fmt.Fprintf(w, "Language model: %s, behind timeout, rate-limit, retry and circuit-breaker middleware.\n", llmName)
		fmt.Fprintln(w, "Plan 0 below is the model's (the guideline rules take over if it fails); plan 1 is the rules'.")
		fmt.Fprintln(w)
	}
	d := rec.Demographics()
	fmt.Fprintf(w, "Patient: %d-year-old %s, record as of %s, %d facts.\n", rec.Age(), d.Sex, rec.AsOf().Format(time.DateOnly), rec.Len())
	if llm != nil {
		if err := runModel(ctx, w, rec, llm); err != nil {
			return err
		}
	}

	// 1. The offline default: guideline drafter -> validators -> router.
	pipe, err := careguard.New(nil)
	if err != nil {
		return err
	}
	res, err := pipe.Run(ctx, rec)
	if err != nil {
		return err
	}
	printResult(w, "1. CARE PLAN FROM THE GUIDELINE DRAFTER", res)

	// 2. A model, here the fake: its first reply breaks the schema; the
	// generator re-asks with the exact violations; the repaired reply
	// proposes starting a medication.
	bad, good := scriptedReplies(rec)
	model := fake.New(fake.Reply(bad), fake.Reply(good))
	gen, err := careplan.NewGenerator(model, nil)
	if err != nil {
		return err
	}
	pipe, err = careguard.New(&careguard.Options{Drafter: gen, Fallback: careplan.NewGuidelineDrafter(nil)})
	if err != nil {
		return err
	}
	res, err = pipe.Run(ctx, rec)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "2. THE SAME PATIENT THROUGH A MODEL (providers/fake, scripted)")
	for _, a := range res.Draft.Attempts {
		fmt.Fprintf(w, "   attempt %d: %s, %d tokens (fake estimate)\n", a.N, a.Outcome, a.Usage.Total())
		for _, v := range a.Violations {
			fmt.Fprintf(w, "      - %s\n", v)
		}
	}
	fmt.Fprintf(w, "   The generator re-asked with those violations; the repaired reply was accepted.\n")
	printResult(w, "2b. THE REPAIRED PLAN", res)
	return nil
}

func printResult(w io.Writer, title string, res *careguard.Result) {
	d := res.Draft
	fmt.Fprintf(w, "\n%s\n", title)
	fmt.Fprintf(w, "Origin: %s (%s)\n", d.Origin, d.Generator)
	fmt.Fprintf(w, "Summary: %s\n", d.Plan.Summary)
	var kind careplan.ItemKind
	for _, it := range d.Plan.Items() {
		if it.Kind != kind {
			kind = it.Kind
			fmt.Fprintf(w, "\n  %s\n", strings.ToUpper(string(kind)))
		}
		fmt.Fprintf(w, "  %-15s %s\n", it.ID, it.Text)
		fmt.Fprintf(w, "  %-15s cites %s\n", "", strings.Join(it.Citations, ", "))
		fmt.Fprintf(w, "  %-15s why: %s\n", "", it.Rationale)
		if it.Source != "" {
			fmt.Fprintf(w, "  %-15s source: %s\n", "", it.Source)
		}
	}
	fmt.Fprintln(w, "\nFINDINGS")
	if len(res.Report.Findings) == 0 {
		fmt.Fprintf(w, "  none (validators run: %s)\n", strings.Join(res.Report.Ran, ", "))
	}
	for _, f := range res.Report.Findings {
		fmt.Fprintf(w, "  %s\n", f)
	}
	dec := res.Decision
	fmt.Fprintf(w, "\nREVIEW TIER: %s (safety floor %s); notify %v\n", dec.Tier, dec.Floor, dec.Notify)
	printReasons(w, dec)
}

// printReasons lists the reasons behind a decision, strongest first,
// collapsing items of the same kind onto one line.
func printReasons(w io.Writer, dec riskroute.Decision) {
	type group struct {
		tier riskroute.Tier
		text string
		ids  []string
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, r := range dec.Reasons {
		text := r.Message
		if r.Code == riskroute.ReasonItem {
			text = strings.TrimPrefix(r.Message, r.ItemID+" is a ")
		}
		key := r.Tier.String() + "|" + text
		g, ok := byKey[key]
		if !ok {
			g = &group{tier: r.Tier, text: text}
			byKey[key] = g
			groups = append(groups, g)
		}
		if r.ItemID != "" {
			g.ids = append(g.ids, r.ItemID)
		}
	}
	for _, t := range []riskroute.Tier{riskroute.TierPhysicianReview, riskroute.TierNurseReview, riskroute.TierAutoApprove} {
		for _, g := range groups {
			if g.tier != t {
				continue
			}
			line := g.text
			if len(g.ids) > 0 {
				line += " (" + strings.Join(g.ids, ", ") + ")"
			}
			fmt.Fprintf(w, "  %-17s <- %s\n", g.tier, line)
		}
	}
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err) // constant dates below
	}
	return t
}

// samplePatient builds a synthetic patient in code.
func samplePatient() (*patient.Record, error) {
	snomed := func(code, display string) terminology.Code {
		return terminology.Code{System: terminology.SystemSNOMED, Code: code, Display: display}
	}
	rx := func(code, display string) terminology.Code {
		return terminology.Code{System: terminology.SystemRxNorm, Code: code, Display: display}
	}
	loinc := func(code, display string) terminology.Code {
		return terminology.Code{System: terminology.SystemLOINC, Code: code, Display: display}
	}
	lab := func(c terminology.Code, v float64, unit, when string) patient.Observation {
		return patient.Observation{Code: c, Category: patient.CategoryLaboratory, Value: patient.QuantityValue(v, unit), Effective: day(when)}
	}
	b := patient.NewBuilder(day("2026-11-01"), nil)
	b.SetDemographics(patient.Demographics{
		BirthDate: day("1957-03-14"), Sex: patient.SexFemale, Language: "en",
		PreferredChannel: patient.ChannelPhone, HealthLiteracy: patient.LiteracyLimited,
	})
	b.SetIdentity(patient.Identity{
		Name:        patient.HumanName{Given: []string{"Rosa"}, Family: "Example"},
		Identifiers: []patient.Identifier{{Kind: patient.IdentifierMRN, System: "urn:example:mrn", Value: "SYN-000123"}},
	})
	b.AddConditions(
		patient.Condition{Code: snomed("44054006", "Diabetes mellitus type 2"), ClinicalStatus: patient.ClinicalActive, Onset: day("2011-06-01")},
		patient.Condition{Code: snomed("38341003", "Hypertensive disorder"), ClinicalStatus: patient.ClinicalActive, Onset: day("2008-02-11")},
		patient.Condition{Code: terminology.Code{System: terminology.SystemICD10CM, Code: "N18.31", Display: "Chronic kidney disease, stage 3a"},
			ClinicalStatus: patient.ClinicalActive, Onset: day("2023-05-20")},
		patient.Condition{Code: snomed("49436004", "Atrial fibrillation"), ClinicalStatus: patient.ClinicalActive, Onset: day("2019-09-03")},
	)
	b.AddMedications(
		patient.Medication{Code: rx("860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"),
			DoseText: "1000 mg once daily with the evening meal", Status: patient.MedicationActive, Start: day("2012-01-15")},
		patient.Medication{Code: rx("314076", "lisinopril 10 MG Oral Tablet"),
			DoseText: "10 mg once daily", Status: patient.MedicationActive, Start: day("2009-04-02")},
		patient.Medication{Code: rx("855332", "warfarin sodium 5 MG Oral Tablet"),
			DoseText: "5 mg daily, adjusted to INR", Status: patient.MedicationActive, Start: day("2019-09-10")},
	)
	b.AddAllergies(patient.Allergy{Substance: snomed("91934008", "Allergy to nut"), Category: patient.AllergyFood,
		Criticality: patient.CriticalityLow, Reaction: "hives", Recorded: day("2015-03-03")})
	b.AddObservations(
		lab(loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), 7.6, "%", "2026-04-02"),
		lab(loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), 8.1, "%", "2026-10-01"),
		lab(loinc("98979-8", "Glomerular filtration rate/1.73 sq M.predicted (CKD-EPI 2021)"), 52, "mL/min/{1.73_m2}", "2026-10-01"),
		lab(loinc("9318-7", "Albumin/Creatinine in Urine"), 45, "mg/g", "2026-10-01"),
		lab(loinc("2089-1", "Cholesterol in LDL"), 112, "mg/dL", "2026-10-01"),
		lab(loinc("6301-6", "INR in Platelet poor plasma by Coagulation assay"), 2.4, "{INR}", "2026-10-15"),
		patient.Observation{Code: loinc("85354-9", "Blood pressure panel"), Category: patient.CategoryVitalSigns, Effective: day("2026-10-15"),
			Components: []patient.Component{
				{Code: loinc("8480-6", "Systolic blood pressure"), Value: patient.QuantityValue(142, "mm[Hg]")},
				{Code: loinc("8462-4", "Diastolic blood pressure"), Value: patient.QuantityValue(88, "mm[Hg]")},
			}},
	)
	b.AddEncounters(patient.Encounter{Class: patient.EncounterAmbulatory, Type: snomed("185349003", "Encounter for check up"), Start: day("2026-10-15")})
	b.AddCareTeam(
		patient.CareTeamMember{Role: "primary care physician", Name: "Dr. Example"},
		patient.CareTeamMember{Role: "registered nurse care manager"},
	)
	b.AddSocialNeeds(patient.SocialNeed{Description: "No reliable transportation to appointments", Active: true, Recorded: day("2026-10-15")})
	b.AddNotes(patient.Note{Kind: "progress note", Time: day("2026-10-15"),
		Text: "Reports light-headedness on standing, twice this month. Home BP log not brought today. Takes warfarin in the evening."})
	return b.Build()
}

// factID finds the ID of the condition or medication with the given code,
// or of the latest observation with that LOINC code.
func factID(rec *patient.Record, code string) string {
	for _, c := range rec.Conditions() {
		if c.Code.Code == code {
			return c.ID
		}
	}
	for _, m := range rec.Medications() {
		if m.Code.Code == code {
			return m.ID
		}
	}
	set := terminology.NewValueSet("", "", terminology.Source{}, terminology.Exact(terminology.SystemLOINC, code))
	o, _ := rec.LatestObservation(set)
	return o.ID
}

// scriptedReplies returns the fake model's two replies: one that breaks the
// schema and cites a fact that does not exist, and a valid one proposing a
// new medication.
func scriptedReplies(rec *patient.Record) (bad, good string) {
	dm, ckd, htn := factID(rec, "44054006"), factID(rec, "N18.31"), factID(rec, "38341003")
	metformin := factID(rec, "860975")
	a1c, egfr, uacr, bp := factID(rec, "4548-4"), factID(rec, "98979-8"), factID(rec, "9318-7"), factID(rec, "85354-9")
	bad = fmt.Sprintf(`{
  "summary": "Type 2 diabetes above goal with stage 3a CKD.",
  "problems": [{"title": "Type 2 diabetes", "status": "existing", "citations": ["%s", "L99"], "rationale": "HbA1c above goal."}],
  "goals": [{"description": "HbA1c below 8%%", "targets": [{"measure_code": "4548-4", "measure_name": "HbA1c", "comparator": "<", "value": "8", "unit": "%%"}],
             "due_within_days": 180, "citations": ["%s"], "rationale": "ADA older adults.", "source": "ADA 2025 Section 13"}],
  "interventions": [], "medication_changes": [{"action": "begin", "medication": "empagliflozin 10 MG Oral Tablet", "rxnorm": "",
     "current_medication_id": "", "dose": "10 mg daily", "citations": ["%s"], "rationale": "Kidney protection.", "source": ""}],
  "monitoring": [], "education": [], "referrals": [], "follow_ups": []
}`, dm, a1c, ckd)
	good = fmt.Sprintf(`{
  "summary": "Type 2 diabetes above goal (HbA1c 8.1%%) with stage 3a CKD and albuminuria. Proposes adding an SGLT2 inhibitor; continues metformin at eGFR 52.",
  "problems": [
    {"title": "Type 2 diabetes above goal", "status": "existing", "citations": ["%[1]s", "%[5]s"], "rationale": "Latest HbA1c 8.1%% on 2026-10-01."},
    {"title": "Chronic kidney disease stage 3a with albuminuria", "status": "existing", "citations": ["%[2]s", "%[6]s", "%[7]s"], "rationale": "eGFR 52 and UACR 45 mg/g on 2026-10-01."},
    {"title": "Hypertension above target", "status": "existing", "citations": ["%[3]s", "%[8]s"], "rationale": "BP 142/88 on 2026-10-15."}
  ],
  "goals": [{"description": "HbA1c below 8%%", "targets": [{"measure_code": "4548-4", "measure_name": "Hemoglobin A1c", "comparator": "<", "value": 8, "unit": "%%"}],
             "due_within_days": 180, "citations": ["%[1]s", "%[5]s"], "rationale": "Less stringent goal for an older adult with several chronic conditions.", "source": "ADA Standards of Care 2025, Section 13"}],
  "interventions": [],
  "medication_changes": [
    {"action": "start", "medication": "empagliflozin 10 MG Oral Tablet", "rxnorm": "", "current_medication_id": "", "dose": "10 mg once daily",
     "citations": ["%[1]s", "%[2]s", "%[6]s", "%[7]s"], "rationale": "Type 2 diabetes with CKD and eGFR at least 20: an SGLT2 inhibitor slows CKD progression.", "source": "ADA Standards of Care 2025, Section 11"},
    {"action": "continue", "medication": "metformin hydrochloride 500 MG extended release", "rxnorm": "860975", "current_medication_id": "%[4]s", "dose": "",
     "citations": ["%[4]s", "%[6]s"], "rationale": "eGFR 52 is at or above 45.", "source": "FDA Drug Safety Communication, April 2016"}
  ],
  "monitoring": [{"measure_code": "98979-8", "measure_name": "eGFR", "interval_days": 90, "citations": ["%[6]s"], "rationale": "Recheck kidney function after starting an SGLT2 inhibitor.", "source": "ADA Standards of Care 2025, Section 11"}],
  "education": [], "referrals": [],
  "follow_ups": [{"description": "Visit to review glucose, kidney function and blood pressure", "within_days": 90, "citations": ["%[1]s", "%[2]s", "%[3]s"], "rationale": "Goals not met.", "source": ""}],
  "care_team_tasks": []
}`, dm, ckd, htn, metformin, a1c, egfr, uacr, bp)
	return bad, good
}

// modelFromEnv picks a model from the environment (the library reads none):
// OPENAI_BASE_URL (an OpenAI-compatible server; OPENAI_MODEL required,
// OPENAI_API_KEY optional), OPENAI_API_KEY (+OPENAI_MODEL),
// ANTHROPIC_API_KEY (+ANTHROPIC_MODEL) or OLLAMA_HOST (+OLLAMA_MODEL),
// first set first. It returns nil when none is set.
func modelFromEnv(getenv func(string) string) (providers.Provider, string, error) {
	var (
		p    providers.Provider
		name string
		err  error
	)
	switch {
	case getenv("OPENAI_BASE_URL") != "":
		name = "OpenAI-compatible server, model " + getenv("OPENAI_MODEL")
		p, err = openaichat.NewCompatible(getenv("OPENAI_BASE_URL"), &openaichat.Options{APIKey: getenv("OPENAI_API_KEY"), Model: getenv("OPENAI_MODEL")})
	case getenv("OPENAI_API_KEY") != "":
		var c *openaichat.Client
		if c, err = openaichat.New(getenv("OPENAI_API_KEY"), &openaichat.Options{Model: getenv("OPENAI_MODEL")}); err == nil {
			p, name = c, "OpenAI "+c.Model()
		}
	case getenv("ANTHROPIC_API_KEY") != "":
		var c *anthropicchat.Client
		if c, err = anthropicchat.New(getenv("ANTHROPIC_API_KEY"), &anthropicchat.Options{Model: getenv("ANTHROPIC_MODEL")}); err == nil {
			p, name = c, "Anthropic "+c.Model()
		}
	case getenv("OLLAMA_HOST") != "":
		host, m := getenv("OLLAMA_HOST"), getenv("OLLAMA_MODEL")
		if !strings.Contains(host, "://") {
			host = "http://" + host
		}
		if m == "" {
			m = "llama3.1"
		}
		name = "Ollama " + m + " at " + host
		p, err = ollamachat.New(m, &ollamachat.Options{BaseURL: host})
	default:
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	p = middleware.NewBreaker(
		middleware.NewRetry(
			middleware.NewRateLimit(middleware.NewTimeout(p, 3*time.Minute), &middleware.RateLimitOptions{RequestsPerMinute: 60, RequestBurst: 5}),
			nil),
		nil)
	return p, name, nil
}

// runModel drafts, validates and routes a plan with the model, with the
// guideline drafter as the fallback, and says which made it.
func runModel(ctx context.Context, w io.Writer, rec *patient.Record, model providers.Provider) error {
	gen, err := careplan.NewGenerator(model, nil)
	if err != nil {
		return err
	}
	pipe, err := careguard.New(&careguard.Options{Drafter: gen, Fallback: careplan.NewGuidelineDrafter(nil)})
	if err != nil {
		return err
	}
	res, err := pipe.Run(ctx, rec)
	if err != nil {
		return err
	}
	title := "0. CARE PLAN FROM THE LANGUAGE MODEL"
	if res.FallbackReason != nil {
		fmt.Fprintf(w, "\nThe model failed (%s); the guideline rules drafted plan 0 instead.\n", failure(res.FallbackReason))
		title = "0. CARE PLAN FROM THE GUIDELINE DRAFTER (THE MODEL FAILED)"
	} else {
		fmt.Fprintf(w, "\nThe model %s (%s) answered in %d attempt(s), %d tokens.\n", res.Draft.Model, res.Draft.Provider, len(res.Draft.Attempts), res.Draft.Usage.Total())
	}
	printResult(w, title, res)
	fmt.Fprintln(w)
	return nil
}

// failure names why the model failed without repeating anything the vendor
// or the model wrote.
func failure(err error) string {
	for _, e := range []error{careplan.ErrAttemptsExhausted, careplan.ErrTokenBudget, careplan.ErrRefused, careplan.ErrContentFiltered} {
		if errors.Is(err, e) {
			return strings.TrimPrefix(e.Error(), "careplan: ")
		}
	}
	return "provider error: " + providers.CodeOf(err).String()
}
