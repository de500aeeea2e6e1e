package validate

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// Grounding rule IDs for what free text states (see Grounding).
const (
	// RuleConditionNotInRecord: text names a condition the record does not
	// hold. Critical when an existing problem's title names it or the text
	// asserts it ("has", "known", "history of", "with"); a warning when the
	// mention is bare.
	RuleConditionNotInRecord = "grounding.condition-not-in-record"
	// RuleProblemConditionInactive: an existing problem names a condition
	// the record holds only as resolved or inactive.
	RuleProblemConditionInactive = "grounding.problem-condition-inactive"
	// RuleTextMedicationNotCurrent: text says the patient takes ("on",
	// "taking", "continue", "current") a drug the record does not hold as
	// active.
	RuleTextMedicationNotCurrent = "grounding.text-medication-not-current"
	// RuleLabValueMismatch: a stated lab result differs from the record's
	// (the latest, or the result on the date the text states).
	RuleLabValueMismatch = "grounding.lab-value-mismatch"
	// RuleLabNotInRecord: a stated lab result has no result in the record
	// at all, or none on the date the text states.
	RuleLabNotInRecord = "grounding.lab-not-in-record"
	// RuleLabValueNotLatest: a stated lab result, given without a date,
	// matches an older result but not the latest.
	RuleLabValueNotLatest = "grounding.lab-value-not-latest"
	// RuleAgeMismatch: a stated age differs from the patient's age at the
	// record's as-of date.
	RuleAgeMismatch = "grounding.age-mismatch"
)

// gtField is one free-text field of a plan.
type gtField struct {
	item, name, text string
	labs             bool // read lab results from it (not goal descriptions, which state targets)
	existingProblem  bool // the title of a problem called existing
	suspectedProblem bool // the title of a diagnostic impression: may name what the record lacks
}

// gtFields lists every free-text field of the plan, in document order.
func gtFields(p *careplan.Plan) []gtField {
	out := []gtField{{item: "", name: "summary", text: p.Summary, labs: true}}
	add := func(kind careplan.ItemKind, i int, name, text string, labs bool) {
		if strings.TrimSpace(text) != "" {
			out = append(out, gtField{item: careplanItemID(kind, i), name: name, text: text, labs: labs})
		}
	}
	for i, x := range p.Problems {
		out = append(out, gtField{item: careplanItemID(careplan.ItemProblem, i), name: "title", text: x.Title, labs: true,
			existingProblem: x.Status == careplan.ProblemExisting, suspectedProblem: x.Status != careplan.ProblemExisting})
		add(careplan.ItemProblem, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.Goals {
		add(careplan.ItemGoal, i, "description", x.Description, false)
		add(careplan.ItemGoal, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.Interventions {
		add(careplan.ItemIntervention, i, "description", x.Description, true)
		add(careplan.ItemIntervention, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.MedicationChanges {
		add(careplan.ItemMedication, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.Monitoring {
		add(careplan.ItemMonitoring, i, "measure name", x.MeasureName, false)
		add(careplan.ItemMonitoring, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.Education {
		add(careplan.ItemEducation, i, "topic", x.Topic, true)
		add(careplan.ItemEducation, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.Referrals {
		add(careplan.ItemReferral, i, "reason", x.Reason, true)
		add(careplan.ItemReferral, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.FollowUps {
		add(careplan.ItemFollowUp, i, "description", x.Description, true)
		add(careplan.ItemFollowUp, i, "rationale", x.Rationale, true)
	}
	for i, x := range p.Tasks {
		add(careplan.ItemTask, i, "description", x.Description, true)
		add(careplan.ItemTask, i, "rationale", x.Rationale, true)
	}
	return out
}

func (f gtField) where() string {
	if f.item == "" {
		return "The summary"
	}
	return "The " + f.name + " of " + f.item
}

func (f gtField) items() []string {
	if f.item == "" {
		return nil
	}
	return []string{f.item}
}

// gtResult is one record result a lab claim may be compared with.
type gtResult struct {
	id     string
	date   string
	v, v2  float64
	hasTwo bool
}

// gtRecordLabs indexes the record's results for the labs careguard reads
// from text, newest first.
type gtRecordLabs map[labKind][]gtResult

func (g *Grounding) recordLabs(rec *patient.Record) gtRecordLabs {
	idx := gtRecordLabs{}
	add := func(k labKind, set *terminology.ValueSet, unitOK func(string) bool) {
		for _, o := range rec.ObservationsIn(set) {
			if o.Value.Kind != patient.ValueQuantity || !unitOK(strings.ToLower(o.Value.Quantity.Unit)) {
				continue
			}
			idx[k] = append(idx[k], gtResult{id: o.ID, date: o.Effective.Format("2006-01-02"), v: o.Value.Quantity.Value})
		}
	}
	add(labHbA1c, g.sets.hba1c, func(u string) bool { return u == "%" || u == "" })
	add(labEGFR, g.sets.egfr, func(string) bool { return true })
	add(labUACR, g.sets.uacr, func(u string) bool { return strings.HasPrefix(u, "mg/g") || u == "" })
	add(labLDL, g.sets.ldl, func(u string) bool { return u == "mg/dl" || u == "" })
	// Blood pressure: panels with both components, and separate systolic
	// and diastolic observations taken at the same time.
	for _, o := range rec.ObservationsIn(g.sets.bpAny) {
		s, okS := o.Component(g.sets.sbp)
		d, okD := o.Component(g.sets.dbp)
		if !okS && g.sets.sbp.ContainsCode(o.Code) && o.Value.Kind == patient.ValueQuantity {
			s, okS = o.Value, true
			for _, x := range rec.ObservationsIn(g.sets.dbp) {
				if x.Effective.Equal(o.Effective) && x.Value.Kind == patient.ValueQuantity {
					d, okD = x.Value, true
					break
				}
			}
		}
		if okS && okD && s.Kind == patient.ValueQuantity && d.Kind == patient.ValueQuantity {
			idx[labBP] = append(idx[labBP], gtResult{id: o.ID, date: o.Effective.Format("2006-01-02"),
				v: s.Quantity.Value, v2: d.Quantity.Value, hasTwo: true})
		}
	}
	return idx
}

// tolerance is the rounding a stated number allows: half a unit of its last
// digit ("42" matches 41.6; "41.6" matches 41.55 to 41.65).
func tolerance(decimals int) float64 { return 0.5*math.Pow(10, -float64(decimals)) + 1e-9 }

func (c labClaim) matches(r gtResult) bool {
	if math.Abs(c.value-r.v) > tolerance(c.decimals)+1e-9*math.Abs(r.v) {
		return false
	}
	if c.kind == labBP {
		return r.hasTwo && math.Abs(c.value2-r.v2) <= tolerance(c.decimals2)+1e-9*math.Abs(r.v2)
	}
	return true
}

func (c labClaim) String() string {
	s := gtNum(c.value)
	if c.kind == labBP {
		s += "/" + gtNum(c.value2)
	}
	return c.kind.String() + " " + s
}

func (r gtResult) String() string {
	if r.hasTwo {
		return gtNum(r.v) + "/" + gtNum(r.v2)
	}
	return gtNum(r.v)
}

// textFindings checks what the plan's free text states against the record:
// lab results, ages, conditions and current medications.
func (g *Grounding) textFindings(rec *patient.Record, p *careplan.Plan, add func(Finding)) {
	fields := gtFields(p)
	var labs gtRecordLabs
	active, everyMed := g.medicationKeys(rec)
	var orders textOrderState
	for _, f := range fields {
		if f.labs {
			claims, ages := extractClaims(f.text)
			if len(claims) > 0 && labs == nil {
				labs = g.recordLabs(rec)
			}
			for _, c := range claims {
				g.checkLabClaim(f, c, labs, add)
			}
			for _, a := range ages {
				if a.age != rec.Age() {
					add(Finding{RuleID: RuleAgeMismatch, Severity: SeverityWarning, Category: CategoryGrounding,
						Message:    fmt.Sprintf("%s gives the patient's age as %d; the record gives %d at its as-of date.", f.where(), a.age, rec.Age()),
						FactIDs:    []string{patient.DemographicsID},
						ItemIDs:    f.items(),
						Source:     groundingSource,
						Suggestion: "State the age the record gives, or leave it out."})
				}
			}
		}
		g.checkConditions(rec, f, add)
		mentions := g.drugs.FindInText(f.text)
		if len(mentions) == 0 {
			continue
		}
		g.checkMedicationMentions(f, mentions, active, everyMed, add)
		g.checkTextOrders(rec, p, f, mentions, active, &orders, add)
	}
}

func (g *Grounding) checkLabClaim(f gtField, c labClaim, labs gtRecordLabs, add func(Finding)) {
	results := labs[c.kind]
	stated := fmt.Sprintf("%q", clean(f.text[c.start:c.end]))
	if c.date != "" {
		var onDay []gtResult
		for _, r := range results {
			if r.date == c.date {
				onDay = append(onDay, r)
			}
		}
		if len(onDay) == 0 {
			add(Finding{RuleID: RuleLabNotInRecord, Severity: SeverityCritical, Category: CategoryGrounding,
				Message: fmt.Sprintf("%s states %s (%s on %s), but the record has no %s result on that date.", f.where(), stated, c, c.date, c.kind),
				ItemIDs: f.items(), Source: groundingSource,
				Suggestion: "Quote the result and date exactly as the record gives them."})
			return
		}
		if slices.ContainsFunc(onDay, c.matches) {
			return
		}
		add(Finding{RuleID: RuleLabValueMismatch, Severity: SeverityCritical, Category: CategoryGrounding,
			Message: fmt.Sprintf("%s states %s, but the record's %s on %s is %s.", f.where(), stated, c.kind, c.date, gtJoinResults(onDay)),
			FactIDs: gtResultIDs(onDay), ItemIDs: f.items(), Source: groundingSource,
			Suggestion: "Quote the result exactly as the record gives it."})
		return
	}
	if len(results) == 0 {
		add(Finding{RuleID: RuleLabNotInRecord, Severity: SeverityCritical, Category: CategoryGrounding,
			Message: fmt.Sprintf("%s states %s (%s), but the record has no %s result.", f.where(), stated, c, c.kind),
			ItemIDs: f.items(), Source: groundingSource,
			Suggestion: "Remove the value, or cite a result the record holds."})
		return
	}
	latestDay := results[0].date
	var latest, older []gtResult
	for _, r := range results {
		if r.date == latestDay {
			latest = append(latest, r)
		} else {
			older = append(older, r)
		}
	}
	if slices.ContainsFunc(latest, c.matches) {
		return
	}
	if i := slices.IndexFunc(older, c.matches); i >= 0 {
		add(Finding{RuleID: RuleLabValueNotLatest, Severity: SeverityWarning, Category: CategoryGrounding,
			Message: fmt.Sprintf("%s states %s without a date; that is the result of %s, not the latest (%s on %s).",
				f.where(), stated, older[i].date, gtJoinResults(latest), latestDay),
			FactIDs: gtIDs(gtResultIDs(latest), []string{older[i].id}), ItemIDs: f.items(), Source: groundingSource,
			Suggestion: "Give the date of an older result, or quote the latest."})
		return
	}
	add(Finding{RuleID: RuleLabValueMismatch, Severity: SeverityCritical, Category: CategoryGrounding,
		Message: fmt.Sprintf("%s states %s, but the latest %s in the record is %s on %s.", f.where(), stated, c.kind, gtJoinResults(latest), latestDay),
		FactIDs: gtResultIDs(latest), ItemIDs: f.items(), Source: groundingSource,
		Suggestion: "Quote the result exactly as the record gives it."})
}

func gtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func gtJoinResults(rs []gtResult) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = r.String()
	}
	return strings.Join(s, " and ")
}

func gtResultIDs(rs []gtResult) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.id
	}
	return out
}

// gtIDs merges ID lists without duplicates, in first-seen order.
func gtIDs(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, id := range l {
			if id != "" && !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	return out
}

// gtContext returns up to n lower-cased tokens before byte offset pos within
// the same sentence (stopping at ".", ";", "!", "?"), nearest last, and the
// first token after end.
func gtContext(text string, pos, end, n int) (before []string, after string) {
	toks := tokenize(text[:pos])
	for k := len(toks) - 1; k >= 0 && len(before) < n; k-- {
		t := toks[k].text
		if toks[k].kind == tokSym && (t == "." || t == ";" || t == "!" || t == "?") {
			break
		}
		before = append(before, t)
	}
	slices.Reverse(before)
	if rest := tokenize(text[end:]); len(rest) > 0 {
		after = rest[0].text
	}
	return before, after
}

// gtHedge reports whether a word before a condition's name says the text is
// not asserting that the patient has it: a negation, a screening or risk
// statement, a population statement ("adults with ...") or a hypothetical.
func gtHedge(w string) bool {
	switch w {
	case "no", "not", "without", "denies", "deny", "denied", "rule", "ruled", "exclude", "excluded", "screen",
		"screening", "screened", "risk", "risks", "prevent", "prevents", "preventing", "prevention", "avoid",
		"avoiding", "reduce", "reduces", "reducing", "lower", "lowers", "lowering", "if", "unless", "whether",
		"suspected", "suspect", "possible", "possibly", "probable", "likely", "signs", "sign", "symptoms", "symptom",
		"family", "adults", "adult", "patients", "people", "persons", "those", "anyone", "everyone", "someone",
		"evaluate", "evaluation", "assess", "assessment", "check", "test", "testing", "monitor", "monitoring",
		"education", "about", "teach", "learn", "recognize", "recognizing", "new", "develop", "develops", "developing",
		"onset", "protect", "protects", "protecting", "against", "slow", "slows", "delay", "delays", "progression",
		"or", "nor", "either", "neither", "recommend", "recommends", "recommended", "guideline", "guidelines":
		return true
	}
	return false
}

// gtHedgeAfter reports whether the word after a condition's name makes it a
// service or a risk rather than a diagnosis ("osteoporosis screening").
func gtHedgeAfter(w string) bool {
	switch w {
	case "screening", "screen", "risk", "risks", "prevention", "education", "test", "testing", "symptoms":
		return true
	}
	return false
}

// gtAsserts reports whether a word before a condition's name asserts that
// the patient has it.
func gtAsserts(w string) bool {
	switch w {
	case "has", "have", "had", "known", "diagnosed", "diagnosis", "documented", "existing", "established",
		"history", "with", "living":
		return true
	}
	return false
}

func (g *Grounding) checkConditions(rec *patient.Record, f gtField, add func(Finding)) {
	if f.suspectedProblem {
		return
	}
	for _, m := range g.conditions.FindInText(f.text) {
		concept, ok := g.conditions.Concept(m.ConceptID)
		if !ok {
			continue
		}
		held := rec.ConditionsIn(concept.Codes)
		name := clean(f.text[m.Start:m.End])
		if f.existingProblem {
			activeHeld := rec.ActiveConditionsIn(concept.Codes)
			switch {
			case len(held) == 0:
				add(Finding{RuleID: RuleConditionNotInRecord, Severity: SeverityCritical, Category: CategoryGrounding,
					Message:    fmt.Sprintf("%s is called an existing problem and names %q, which the record does not hold.", f.item, name),
					ItemIDs:    f.items(),
					Source:     terminology.Source{Citation: groundingSource.Citation + "; condition names: " + concept.Source.Citation},
					Suggestion: "Name only documented conditions as existing problems, or mark it suspected so a physician reviews it."})
			case len(activeHeld) == 0:
				add(Finding{RuleID: RuleProblemConditionInactive, Severity: SeverityWarning, Category: CategoryGrounding,
					Message:    fmt.Sprintf("%s is called an existing problem and names %q, which the record holds only as resolved or inactive.", f.item, name),
					FactIDs:    condIDsOf(held),
					ItemIDs:    f.items(),
					Source:     groundingSource,
					Suggestion: "Describe it as a past condition, or check the record's status."})
			}
			continue
		}
		if len(held) > 0 {
			continue
		}
		before, after := gtContext(f.text, m.Start, m.End, 4)
		if slices.ContainsFunc(before, gtHedge) || gtHedgeAfter(after) {
			continue
		}
		sev, how := SeverityWarning, "names"
		if len(before) > 0 && slices.ContainsFunc(before[max(0, len(before)-3):], gtAsserts) {
			sev, how = SeverityCritical, "states the patient has"
		}
		add(Finding{RuleID: RuleConditionNotInRecord, Severity: sev, Category: CategoryGrounding,
			Message:    fmt.Sprintf("%s %s %q, which the record does not hold as a condition.", f.where(), how, name),
			ItemIDs:    f.items(),
			Source:     terminology.Source{Citation: groundingSource.Citation + "; condition names: " + concept.Source.Citation},
			Suggestion: "Mention only conditions the record documents, or say plainly that it is not a diagnosis."})
	}
}

func condIDsOf(cs []patient.Condition) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// medicationKeys returns the ingredient keys of the record's active
// medications and of all its medications, each with the medication IDs.
func (g *Grounding) medicationKeys(rec *patient.Record) (active, all map[string][]string) {
	active, all = map[string][]string{}, map[string][]string{}
	for _, m := range rec.Medications() {
		for _, in := range g.ingredients(m.Code.System, m.Code.Code, m.Code.Display) {
			all[in] = append(all[in], m.ID)
			if m.Active() {
				active[in] = append(active[in], m.ID)
			}
		}
	}
	return active, all
}

// gtCurrentCue reports whether a word before a drug's name says the patient
// takes it now.
func gtCurrentCue(w string) bool {
	switch w {
	case "on", "taking", "takes", "take", "continue", "continues", "continuing", "continued", "current",
		"currently", "remains", "already", "uses", "using", "receives", "receiving", "maintained":
		return true
	}
	return false
}

// gtNotCurrent reports whether a word before a drug's name denies current
// use ("not taking", "no longer on", "stopped").
func gtNotCurrent(w string) bool {
	switch w {
	case "not", "no", "never", "stopped", "stop", "off", "without", "discontinued", "discontinue", "longer", "instead", "avoid":
		return true
	}
	return false
}

func (g *Grounding) checkMedicationMentions(f gtField, mentions []terminology.Mention, active, all map[string][]string, add func(Finding)) {
	for _, m := range mentions {
		if len(active[m.Key]) > 0 {
			continue
		}
		before, _ := gtContext(f.text, m.Start, m.End, 3)
		if !slices.ContainsFunc(before, gtCurrentCue) || slices.ContainsFunc(before, gtNotCurrent) {
			continue
		}
		name := clean(f.text[m.Start:m.End])
		msg := fmt.Sprintf("%s speaks of %q as a current medication, but it is not on the record's medication list.", f.where(), name)
		facts := all[m.Key]
		if len(facts) > 0 {
			msg = fmt.Sprintf("%s speaks of %q as a current medication, but the record holds it only as stopped or otherwise inactive.", f.where(), name)
		}
		add(Finding{RuleID: RuleTextMedicationNotCurrent, Severity: SeverityCritical, Category: CategoryGrounding,
			Message: msg, FactIDs: slices.Clone(facts), ItemIDs: f.items(), Source: groundingSource,
			Suggestion: "Use the current medication list; propose a restart as a new medication if that is intended."})
	}
}
