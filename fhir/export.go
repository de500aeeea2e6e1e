package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

// ErrExportInput: Export was given no record, no draft or plan, no patient
// reference, or a draft without a creation time.
var ErrExportInput = errors.New("fhir: export needs a record, a draft with a plan and a creation time, and a patient reference")

// Code systems and codes the export writes.
const (
	SystemCarePlanCategory  = "http://hl7.org/fhir/us/core/CodeSystem/careplan-category"
	SystemObservationValue  = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
	SystemTaskCode          = "http://hl7.org/fhir/CodeSystem/task-code"
	SystemProvenanceAgent   = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
	SystemDataOperation     = "http://terminology.hl7.org/CodeSystem/v3-DataOperation"
	CodeAIAsserted          = "AIAST"
	SNOMEDPhysician         = "309343006" // Physician (occupation)
	SNOMEDRegisteredNurse   = "224535009" // Registered nurse (occupation)
	CarePlanCategoryAssess  = "assess-plan"
	TaskCodeApprove         = "approve"
	ProvenanceAgentAuthor   = "author"
	ProvenanceAgentAssemble = "assembler"
)

// ExportInput is a routed draft and what it was made from.
type ExportInput struct {
	Record   *patient.Record
	Draft    *careplan.Draft
	Report   *validate.Report
	Decision riskroute.Decision
	// Patient is the reference of the Patient resource ("Patient/123").
	// Empty means the record's Demographics.SourceID, which Decode sets;
	// one of the two is required.
	Patient string
}

// ExportOptions configures Export. The zero value (or nil) gives a
// transaction Bundle.
type ExportOptions struct {
	// BundleType is the exported Bundle's type: transaction (default,
	// every entry a POST) or collection.
	BundleType string
}

// Export writes a routed draft as a FHIR R4 Bundle:
//
//   - a CarePlan (status draft, intent proposal, US Core category
//     assess-plan) whose addresses are the cited Conditions (a suspected
//     problem is a contained provisional Condition), whose goals are the
//     Goals below and whose activities are the plan's other items, each
//     with the item's ID, its rationale and source, and references to the
//     facts it cites;
//   - a Goal per plan goal (lifecycleStatus proposed), each target with
//     its LOINC measure, its quantity and a due date from the as-of date;
//   - a Task (status requested, code approve, focus the CarePlan, for the
//     Patient) requesting the review the decision requires, with
//     performerType physician or registered nurse; none when the decision
//     is auto-approve (which no care plan is: see below);
//   - a DetectedIssue per finding (severity high, moderate or low for
//     critical, warning or info), implicating the facts it cites and the
//     CarePlan, with the finding's source as its reference;
//   - a Provenance naming the generator, the model and the prompt version
//     (contained Devices).
//
// Facts are referenced by their SourceID, which Decode sets to the source
// resource's reference; a fact without one is referenced by display only.
// The CarePlan and Goals carry the AI-asserted security label (v3
// ObservationValue AIAST) when a model wrote the draft, and not when the
// deterministic guideline drafter did. Resource ids are derived from the
// draft, so exporting the same draft twice gives the same Bundle.
//
// Export does not take the caller's Decision on trust: it routes the draft
// and report itself with a riskroute.Router that applies the safety floor
// alone (no policy), and requests the higher of the two tiers. A caller's
// decision, made with a deployer's policy, can therefore raise the review
// but never lower or drop it: a draft that starts a medication gets a
// physician Task even if the Decision says auto-approve. When the floor is
// higher, the Task carries the floor's reasons and a note saying so; a
// zero Decision means "not routed" and gets the floor's. The roles to
// notify are those of both decisions. A nil or incomplete Report routes to
// physician review.
//
// Errors: [ErrExportInput].
func Export(in *ExportInput, opts *ExportOptions) (*Bundle, error) {
	if in == nil || in.Record == nil || in.Draft == nil || in.Draft.Plan == nil || in.Draft.Created.IsZero() {
		return nil, ErrExportInput
	}
	routed := *in // a copy: the caller's input is not modified
	if routed.Patient == "" {
		routed.Patient = in.Record.Demographics().SourceID
	}
	if routed.Patient == "" {
		return nil, ErrExportInput
	}
	var raised bool
	routed.Decision, raised = reviewDecision(in)
	in = &routed
	var o ExportOptions
	if opts != nil {
		o = *opts
	}
	switch o.BundleType {
	case "":
		o.BundleType = BundleTransaction
	case BundleTransaction, BundleCollection:
	default:
		return nil, ErrExportInput
	}
	x := newExporter(in)
	x.floorRaised = raised
	var entries []exported
	cp := x.carePlan()
	entries = append(entries, exported{x.carePlanURL, cp})
	for i, g := range x.goals() {
		entries = append(entries, exported{x.goalURLs[i], g})
	}
	if t := x.task(); t != nil {
		entries = append(entries, exported{x.url("task"), t})
	}
	for i, di := range x.issues() {
		entries = append(entries, exported{x.url("issue-" + strconv.Itoa(i)), di})
	}
	var targets []Reference
	for _, e := range entries {
		targets = append(targets, Reference{Reference: e.url})
	}
	entries = append(entries, exported{x.url("provenance"), x.provenance(targets)})

	b := &Bundle{Base: Base{ResourceType: "Bundle"}, Type: o.BundleType}
	for _, e := range entries {
		raw, err := json.Marshal(e.res)
		if err != nil {
			return nil, err // cannot happen: plain structs
		}
		be := BundleEntry{FullURL: e.url, Resource: raw}
		if o.BundleType == BundleTransaction {
			be.Request = &BundleRequest{Method: "POST", URL: e.res.Header().ResourceType}
		}
		b.Entry = append(b.Entry, be)
	}
	return b, nil
}

type exported struct {
	url string
	res Resource
}

// reviewDecision returns the decision the export requests review for:
// the caller's, unless the safety floor for the draft and report asks for
// a higher tier or the caller's is zero, in which case the floor's
// (raised is then true when the caller gave a tier). The chosen decision's
// roles are kept and the other's pharmacist and social worker added; the
// nurse or physician follows the chosen tier. A tier careguard does not
// know is kept: the Task asks a physician for it.
func reviewDecision(in *ExportInput) (dec riskroute.Decision, raised bool) {
	var floorOnly riskroute.Router // the zero Router: the safety floor, no policy
	floor := floorOnly.RouteDraft(in.Draft, in.Report)
	dec = in.Decision
	other := floor.Notify
	switch {
	case dec.Tier == 0:
		dec, other = floor, nil
	case dec.Tier.Valid() && floor.Tier > dec.Tier:
		other = dec.Notify
		dec, raised = floor, true
	}
	notify := slices.Clone(dec.Notify)
	for _, r := range other {
		if r != riskroute.RoleNurse && r != riskroute.RolePhysician {
			notify = append(notify, r)
		}
	}
	slices.Sort(notify)
	dec.Notify = slices.Compact(notify)
	return dec, raised
}

type exporter struct {
	in          *ExportInput
	floorRaised bool
	plan        *careplan.Plan
	seed        []byte
	patient     Reference
	created     string
	aiLabel     *Meta
	carePlanURL string
	goalURLs    []string
}

func newExporter(in *ExportInput) *exporter {
	d := in.Draft
	h := sha256.New()
	planJSON, _ := json.Marshal(d.Plan)
	for _, s := range []string{d.RecordFingerprint, d.Created.UTC().Format(time.RFC3339Nano), d.Generator, d.Model, d.PromptVersion, string(planJSON)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	x := &exporter{in: in, plan: d.Plan, seed: h.Sum(nil), patient: Reference{Reference: in.Patient},
		created: formatDateTime(d.Created)}
	if d.Origin == careplan.OriginModel {
		x.aiLabel = &Meta{Security: []Coding{{System: SystemObservationValue, Code: CodeAIAsserted, Display: "Artificial Intelligence asserted"}}}
	}
	x.carePlanURL = x.url("careplan")
	for i := range d.Plan.Goals {
		x.goalURLs = append(x.goalURLs, x.url("goal-"+strconv.Itoa(i)))
	}
	return x
}

// url returns a urn:uuid derived from the draft and a role: an RFC 9562
// version 8 (custom) UUID from SHA-256, so ids are stable and never random.
func (x *exporter) url(role string) string {
	h := sha256.Sum256(append(append([]byte{}, x.seed...), role...))
	h[6] = h[6]&0x0f | 0x80
	h[8] = h[8]&0x3f | 0x80
	s := hex.EncodeToString(h[:16])
	return "urn:uuid:" + s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// ref returns the reference of a cited fact, and its kind.
func (x *exporter) ref(id string) (Reference, patient.Kind, bool) {
	if id == patient.DemographicsID {
		return x.patient, patient.KindDemographics, true
	}
	f, ok := x.in.Record.Fact(id)
	if !ok {
		return Reference{}, "", false
	}
	if src := SourceOf(f); src != "" {
		return Reference{Reference: src}, f.FactKind(), true
	}
	return Reference{Display: "record fact " + id}, f.FactKind(), true
}

// refs returns references to the cited facts of the given kinds (any kind
// when none are given), without duplicates.
func (x *exporter) refs(ids []string, kinds ...patient.Kind) []Reference {
	var out []Reference
	seen := map[Reference]bool{}
	for _, id := range ids {
		r, k, ok := x.ref(id)
		if !ok || seen[r] || (len(kinds) > 0 && !containsKind(kinds, k)) {
			continue
		}
		seen[r] = true
		out = append(out, r)
	}
	return out
}

func containsKind(ks []patient.Kind, k patient.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// reasonKinds are the facts an activity's reasonReference may name
// (Condition, Observation, DocumentReference).
func reasonKinds() []patient.Kind {
	return []patient.Kind{patient.KindCondition, patient.KindLab, patient.KindVital, patient.KindObservation, patient.KindNote}
}

func notes(rationale, source string) []Annotation {
	var out []Annotation
	if s := strings.TrimSpace(rationale); s != "" {
		out = append(out, Annotation{Text: "Rationale: " + s})
	}
	if s := strings.TrimSpace(source); s != "" {
		out = append(out, Annotation{Text: "Source: " + s})
	}
	return out
}

func text(s string) []CodeableConcept {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return []CodeableConcept{{Text: s}}
}

func (x *exporter) carePlan() *CarePlan {
	p := x.plan
	cp := &CarePlan{
		Base:     Base{ResourceType: "CarePlan", Meta: x.aiLabel},
		Status:   "draft",
		Intent:   "proposal",
		Category: []CodeableConcept{{Coding: []Coding{{System: SystemCarePlanCategory, Code: CarePlanCategoryAssess, Display: "Assessment and Plan of Treatment"}}}},
		Title:    "Draft care plan (careguard)",
		Subject:  x.patient,
		Created:  x.created,
		Period:   &Period{Start: formatDate(x.in.Record.AsOf())},
	}
	cp.Description = strings.TrimSpace(p.Summary)
	div := `<div xmlns="http://www.w3.org/1999/xhtml"><p>Draft care plan awaiting clinician review.</p>`
	if cp.Description != "" {
		div += "<p>" + html.EscapeString(cp.Description) + "</p>"
	}
	cp.Text = &Narrative{Status: "generated", Div: div + "</div>"}

	for i, pr := range p.Problems {
		if pr.Status == careplan.ProblemExisting {
			for _, r := range x.refs(pr.Citations, patient.KindCondition) {
				if !containsRef(cp.Addresses, r) {
					cp.Addresses = append(cp.Addresses, r)
				}
			}
			continue
		}
		// A suspected problem is not in the record: a contained,
		// provisional Condition stands for it.
		id := "problem-" + strconv.Itoa(i+1)
		c := Condition{Base: Base{ResourceType: "Condition", ID: id},
			VerificationStatus: &CodeableConcept{Coding: []Coding{{System: "http://terminology.hl7.org/CodeSystem/condition-ver-status", Code: "provisional"}}},
			Code:               &CodeableConcept{Text: pr.Title}, Subject: &x.patient,
			Note: notes(pr.Rationale, "")}
		raw, _ := json.Marshal(c)
		cp.Contained = append(cp.Contained, raw)
		cp.Addresses = append(cp.Addresses, Reference{Reference: "#" + id, Display: pr.Title})
	}
	for _, u := range x.goalURLs {
		cp.Goal = append(cp.Goal, Reference{Reference: u})
	}
	for i := range x.in.reportFindings() {
		cp.SupportingInfo = append(cp.SupportingInfo, Reference{Reference: x.url("issue-" + strconv.Itoa(i))})
	}

	add := func(item careplan.Item, kind string, detail CarePlanDetail) {
		detail.Status = "not-started"
		if detail.Description == "" {
			detail.Description = item.Text
		}
		detail.Kind = kind
		detail.ReasonCode = text(item.Rationale)
		detail.ReasonReference = x.refs(item.Citations, reasonKinds()...)
		act := CarePlanActivity{ID: item.ID, Detail: &detail}
		if s := strings.TrimSpace(item.Source); s != "" {
			act.Progress = []Annotation{{Text: "Source: " + s}}
		}
		cp.Activity = append(cp.Activity, act)
	}
	items := p.Items()
	for _, it := range items {
		switch it.Kind {
		case careplan.ItemIntervention:
			add(it, "", CarePlanDetail{})
		case careplan.ItemMedication:
			mc := p.MedicationChanges[it.Index]
			d := CarePlanDetail{ProductCodeableConcept: medicationConcept(mc)}
			if mc.Action == careplan.ActionStop {
				t := true
				d.DoNotPerform = &t
			}
			add(it, "MedicationRequest", d)
		case careplan.ItemMonitoring:
			m := p.Monitoring[it.Index]
			d := CarePlanDetail{ScheduledTiming: &Timing{Repeat: &TimingRepeat{Frequency: 1, Period: float64(m.IntervalDays), PeriodUnit: "d"}}}
			if m.MeasureCode != "" {
				d.Code = &CodeableConcept{Coding: []Coding{{System: terminology.SystemLOINC, Code: m.MeasureCode, Display: m.MeasureName}}, Text: m.MeasureName}
			}
			add(it, "ServiceRequest", d)
		case careplan.ItemEducation:
			add(it, "CommunicationRequest", CarePlanDetail{})
		case careplan.ItemReferral:
			add(it, "ServiceRequest", CarePlanDetail{ScheduledString: string(p.Referrals[it.Index].Urgency)})
		case careplan.ItemFollowUp:
			add(it, "Appointment", CarePlanDetail{ScheduledString: "within " + strconv.Itoa(p.FollowUps[it.Index].WithinDays) + " days"})
		case careplan.ItemTask:
			t := p.Tasks[it.Index]
			add(it, "Task", CarePlanDetail{ScheduledString: "within " + strconv.Itoa(t.DueWithinDays) + " days, by " + strings.ReplaceAll(string(t.AssigneeRole), "_", " ")})
		}
	}
	return cp
}

func containsRef(rs []Reference, r Reference) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func medicationConcept(mc careplan.MedicationChange) *CodeableConcept {
	cc := &CodeableConcept{Text: strings.TrimSpace(mc.Medication)}
	if mc.RxNorm != "" {
		cc.Coding = []Coding{{System: terminology.SystemRxNorm, Code: mc.RxNorm}}
	}
	if cc.IsZero() {
		return nil
	}
	return cc
}

func (x *exporter) goals() []*Goal {
	var out []*Goal
	for _, g := range x.plan.Goals {
		goal := &Goal{Base: Base{ResourceType: "Goal", Meta: x.aiLabel}, LifecycleStatus: "proposed",
			Description: CodeableConcept{Text: g.Description}, Subject: x.patient,
			StartDate: formatDate(x.in.Record.AsOf()),
			Addresses: x.refs(g.Citations, patient.KindCondition), Note: notes(g.Rationale, g.Source)}
		if goal.Description.Text == "" {
			goal.Description.Text = "Goal"
		}
		due := ""
		if g.DueWithinDays > 0 {
			due = formatDate(x.in.Record.AsOf().AddDate(0, 0, g.DueWithinDays))
		}
		for _, t := range g.Targets {
			v := t.Value
			q := &Quantity{Value: &v, Unit: t.Unit}
			switch t.Comparator {
			case "<", "<=", ">=", ">":
				q.Comparator = t.Comparator
			}
			target := GoalTarget{DetailQuantity: q, DueDate: due}
			if t.MeasureCode != "" || t.MeasureName != "" {
				m := &CodeableConcept{Text: t.MeasureName}
				if t.MeasureCode != "" {
					m.Coding = []Coding{{System: terminology.SystemLOINC, Code: t.MeasureCode, Display: t.MeasureName}}
				}
				target.Measure = m
			}
			goal.Target = append(goal.Target, target)
		}
		out = append(out, goal)
	}
	return out
}

func (x *exporter) task() *Task {
	dec := x.in.Decision
	var performer CodeableConcept
	switch dec.Tier {
	case riskroute.TierAutoApprove:
		return nil
	case riskroute.TierNurseReview:
		performer = CodeableConcept{Coding: []Coding{{System: terminology.SystemSNOMED, Code: SNOMEDRegisteredNurse, Display: "Registered nurse (occupation)"}}, Text: "nurse"}
	default: // physician review, and any tier careguard does not know
		performer = CodeableConcept{Coding: []Coding{{System: terminology.SystemSNOMED, Code: SNOMEDPhysician, Display: "Physician (occupation)"}}, Text: "physician"}
	}
	tier := dec.Tier.String()
	if !dec.Tier.Valid() {
		tier = riskroute.TierPhysicianReview.String()
	}
	t := &Task{
		Base:          Base{ResourceType: "Task"},
		Status:        "requested",
		Intent:        "order",
		Priority:      "routine",
		Code:          &CodeableConcept{Coding: []Coding{{System: SystemTaskCode, Code: TaskCodeApprove, Display: "Activate/approve the focal resource"}}},
		Description:   "Review the drafted care plan before it affects care (" + tier + ").",
		Focus:         &Reference{Reference: x.carePlanURL},
		For:           &x.patient,
		AuthoredOn:    x.created,
		PerformerType: []CodeableConcept{performer},
		ReasonCode:    &CodeableConcept{Text: tier},
	}
	for _, f := range x.in.reportFindings() {
		if f.Severity >= validate.SeverityCritical {
			t.Priority = "urgent"
		}
	}
	if x.floorRaised {
		t.Note = append(t.Note, Annotation{Text: "The routing decision given for export was below careguard's safety floor; the floor applies."})
	}
	for _, r := range dec.Reasons {
		t.Note = append(t.Note, Annotation{Text: r.Tier.String() + ": " + r.Message})
	}
	if len(dec.Notify) > 0 {
		roles := make([]string, len(dec.Notify))
		for i, r := range dec.Notify {
			roles[i] = string(r)
		}
		t.Note = append(t.Note, Annotation{Text: "Notify: " + strings.Join(roles, ", ")})
	}
	if x.in.Report == nil || !x.in.Report.Complete() {
		t.Note = append(t.Note, Annotation{Text: "Validation did not complete: the draft was not fully checked."})
	}
	return t
}

func (in *ExportInput) reportFindings() []validate.Finding {
	if in.Report == nil {
		return nil
	}
	return in.Report.Findings
}

// severity maps a finding's severity; unknown severities are high.
func severity(s validate.Severity) string {
	switch s {
	case validate.SeverityInfo:
		return "low"
	case validate.SeverityWarning:
		return "moderate"
	}
	return "high"
}

func (x *exporter) issues() []*DetectedIssue {
	var out []*DetectedIssue
	for _, f := range x.in.reportFindings() {
		detail := strings.TrimSpace(f.Message)
		if s := strings.TrimSpace(f.Suggestion); s != "" {
			detail += " Suggestion: " + s
		}
		if len(f.ItemIDs) > 0 {
			detail += " Plan items: " + strings.Join(f.ItemIDs, ", ") + "."
		}
		if c := strings.TrimSpace(f.Source.Citation); c != "" {
			detail += " Source: " + c
		}
		di := &DetectedIssue{Base: Base{ResourceType: "DetectedIssue"}, Status: "final",
			Code: &CodeableConcept{Text: f.RuleID}, Severity: severity(f.Severity), Patient: &x.patient,
			IdentifiedDateTime: x.created, Detail: strings.TrimSpace(detail), Reference: f.Source.URL}
		if di.Code.Text == "" {
			di.Code = nil
		}
		di.Implicated = append(x.refs(f.FactIDs), Reference{Reference: x.carePlanURL})
		out = append(out, di)
	}
	return out
}

func (x *exporter) provenance(targets []Reference) *Provenance {
	d := x.in.Draft
	gen := Device{Base: Base{ResourceType: "Device", ID: "generator"}, DeviceName: []DeviceName{{Name: nonEmpty(d.Generator, "careguard"), Type: "user-friendly-name"}}}
	p := &Provenance{Base: Base{ResourceType: "Provenance"}, Target: targets, Recorded: x.created,
		Activity: &CodeableConcept{Coding: []Coding{{System: SystemDataOperation, Code: "CREATE", Display: "create"}}},
		Entity:   []ProvenanceEntity{{Role: "source", What: x.patient}}}
	assembler := ProvenanceAgent{Type: &CodeableConcept{Coding: []Coding{{System: SystemProvenanceAgent, Code: ProvenanceAgentAssemble}}}, Who: Reference{Reference: "#generator"}}
	author := ProvenanceAgent{Type: &CodeableConcept{Coding: []Coding{{System: SystemProvenanceAgent, Code: ProvenanceAgentAuthor}}}, Who: Reference{Reference: "#generator"}}
	devices := []Device{gen}
	if d.Origin == careplan.OriginModel {
		model := Device{Base: Base{ResourceType: "Device", ID: "model"}, Manufacturer: d.Provider,
			DeviceName: []DeviceName{{Name: nonEmpty(d.Model, "unnamed model"), Type: "model-name"}}}
		if d.PromptVersion != "" {
			model.Version = []DeviceVersion{{Type: &CodeableConcept{Text: "prompt version"}, Value: d.PromptVersion}}
		}
		devices = append(devices, model)
		author.Who = Reference{Reference: "#model"}
	}
	p.Agent = []ProvenanceAgent{author, assembler}
	for _, dev := range devices {
		raw, _ := json.Marshal(dev)
		p.Contained = append(p.Contained, raw)
	}
	return p
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
