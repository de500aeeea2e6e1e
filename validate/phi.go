package validate

import (
	"context"
	"fmt"
	"strings"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/deid"
	"github.com/careguard/careguard/terminology"
)

// PHI rule IDs.
const (
	// RulePHIPrompt: the outbound prompt (Input.Prompt) holds an
	// identifier of the record.
	RulePHIPrompt = "phi.prompt-identifier"
	// RulePHIDraft: the draft's text holds an identifier that never
	// belongs in a care plan (a number, a contact point, a street
	// address, a ZIP code, the birth date, a social security number).
	RulePHIDraft = "phi.draft-identifier"
	// RulePHIThirdParty: patient-facing text names a person other than
	// the patient and the care team (a relative named in a note).
	RulePHIThirdParty = "phi.third-party-name"
)

var phiSource = terminology.Source{
	Citation: "HIPAA Privacy Rule, 45 CFR 164.514(b)(2) (Safe Harbor identifiers of the individual and of relatives, employers and household members) and 164.502(b) (minimum necessary); OWASP LLM02:2025 Sensitive Information Disclosure",
	URL:      "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-E/section-164.514",
}

// PHIOptions configures the PHI-leak validator. The zero value (or nil)
// uses deid.New(nil).
type PHIOptions struct {
	// Deid finds the record's identifiers.
	Deid *deid.Pseudonymizer
}

// PHI checks a draft, and the prompt that made it when the input has one,
// for identifiers of the record that should not be there. Every finding is
// critical (CategoryPHI). What should not be there:
//
//   - in the outbound prompt (Input.Prompt): any identifier of the record:
//     a name of the patient (any of their names), of a care-team member or
//     note author, the full name of a relative or other person a note
//     names, any identifier, contact point, street address, city, county or
//     ZIP code, the birth date, or a social-security-shaped number
//     (RulePHIPrompt);
//   - anywhere in the draft's text: an identifier that never belongs in a
//     care plan: the record's identifiers (MRN, SSN, health-plan, account,
//     licence, device numbers), contact points (phone, fax, e-mail, URL),
//     street address and ZIP code, those a note gives, the birth date in
//     a common format, and any social-security-shaped number
//     (RulePHIDraft);
//   - in patient-facing text (education topics and goal, intervention and
//     follow-up descriptions, which reach portals, letters and messages
//     that others may read): the name of a relative or other person the
//     record's notes name (RulePHIThirdParty).
//
// Not a leak: clinical content (conditions, medications, results, dates of
// care), eponyms ("Graves disease"), public numbers the record does not
// hold (a helpline), and names of the patient and the care team in the
// draft, which is filed in the patient's own chart. Findings say which
// item and field and what kind of identifier, never the identifier.
//
// PHI is safe for concurrent use by multiple goroutines.
type PHI struct {
	deid *deid.Pseudonymizer
}

// NewPHI returns the PHI-leak validator.
func NewPHI(opts *PHIOptions) *PHI {
	v := &PHI{}
	if opts != nil {
		v.deid = opts.Deid
	}
	if v.deid == nil {
		v.deid = deid.New(nil)
	}
	return v
}

// Name returns "phi".
func (v *PHI) Name() string { return "phi" }

// phiField is one free-text field of a draft.
type phiField struct {
	item, field, text string
	patientFacing     bool
}

// Validate implements Validator. It returns ErrInvalidInput when in lacks
// a record, a draft or a plan, and ctx.Err() if ctx ends.
func (v *PHI) Validate(ctx context.Context, in *Input) ([]Finding, error) {
	if in == nil || in.Record == nil || in.Draft == nil || in.Draft.Plan == nil {
		return nil, ErrInvalidInput
	}
	ids, err := v.deid.Identifiers(ctx, in.Record)
	if err != nil {
		return nil, err
	}
	var out []Finding
	if in.Prompt != "" {
		kinds, count, first := phiScan(ids, in.Prompt, func(m deid.Match) bool { return outbound(m) })
		if count > 0 {
			out = append(out, Finding{RuleID: RulePHIPrompt, Severity: SeverityCritical, Category: CategoryPHI, Source: phiSource,
				Message: fmt.Sprintf("The prompt sent to the model holds %d identifier(s) of the record (%s), the first at byte %d: the record was not de-identified before it left careguard.",
					count, kindList(kinds), first),
				Suggestion: "Pseudonymize records before prompting a remote model (careplan.GeneratorOptions.Pseudonymizer, on by default in careguard.Pipeline) and report the disclosure under your privacy policy."})
		}
	}
	for _, f := range phiFields(in.Draft.Plan) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		kinds, count, _ := phiScan(ids, f.text, hardIdentifier)
		if count > 0 {
			out = append(out, v.finding(RulePHIDraft, f, kinds,
				"holds an identifier that does not belong in a care plan",
				"Remove it: the chart already holds it, and content that repeats it spreads it to exports, messages and model logs."))
		}
		if !f.patientFacing {
			continue
		}
		kinds, count, _ = phiScan(ids, f.text, func(m deid.Match) bool {
			return m.Source == deid.SourceNotes && (m.Kind == deid.KindRelative || m.Kind == deid.KindPerson)
		})
		if count > 0 {
			out = append(out, v.finding(RulePHIThirdParty, f, kinds,
				"is patient-facing and names someone other than the patient and the care team",
				"Refer to the person by role (\"your daughter\", \"your caregiver\"): patient-facing text may be read by others."))
		}
	}
	return out, nil
}

func (v *PHI) finding(rule string, f phiField, kinds []deid.Kind, what, fix string) Finding {
	where := "The plan summary"
	var items []string
	if f.item != "" {
		where = fmt.Sprintf("The %s of %s", f.field, f.item)
		items = []string{f.item}
	}
	return Finding{RuleID: rule, Severity: SeverityCritical, Category: CategoryPHI, Source: phiSource, ItemIDs: items,
		Message:    fmt.Sprintf("%s %s (%s).", where, what, kindList(kinds)),
		Suggestion: fix}
}

// phiScan finds the matches of text that keep accepts; it returns their
// kinds, count and the first's offset.
func phiScan(ids *deid.Identifiers, text string, keep func(deid.Match) bool) (kinds []deid.Kind, count, first int) {
	for _, m := range ids.Find(text) {
		if !keep(m) {
			continue
		}
		if count == 0 {
			first = m.Start
		}
		count++
		if !containsKind(kinds, m.Kind) {
			kinds = append(kinds, m.Kind)
		}
	}
	return kinds, count, first
}

// outbound: what must never reach a model once pseudonymized (see
// deid.Mapping.CheckPrompt): everything the record's fields hold, full
// names and every number or place its notes give, and SSN-shaped numbers.
func outbound(m deid.Match) bool {
	switch m.Source {
	case deid.SourceIdentity, deid.SourceCareTeam:
		return true
	case deid.SourceNotes:
		return m.Full || !m.Kind.IsName()
	}
	return m.Kind == deid.KindSSN
}

// hardIdentifier: a number, contact point, street address, ZIP code or
// birth date of the record, or an SSN-shaped number.
func hardIdentifier(m deid.Match) bool {
	if m.Kind.IsName() || m.Kind == deid.KindLocation {
		return false
	}
	return m.Source != deid.SourcePattern || m.Kind == deid.KindSSN
}

func containsKind(ks []deid.Kind, k deid.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// kindList describes kinds of identifiers for a message.
func kindList(ks []deid.Kind) string {
	words := make([]string, len(ks))
	for i, k := range ks {
		switch k {
		case deid.KindPatient:
			words[i] = "the patient's name"
		case deid.KindClinician:
			words[i] = "a clinician's name"
		case deid.KindRelative:
			words[i] = "a relative's name"
		case deid.KindPerson:
			words[i] = "a person's name"
		case deid.KindDate:
			words[i] = "the birth date"
		case deid.KindHealthPlan:
			words[i] = "a health-plan number"
		case deid.KindLocation:
			words[i] = "a city or county"
		case deid.KindZip:
			words[i] = "a ZIP code"
		case deid.KindAddress:
			words[i] = "a street address"
		case deid.KindEmail:
			words[i] = "an e-mail address"
		case deid.KindID:
			words[i] = "an identifying number"
		default:
			words[i] = "a " + strings.ToLower(string(k)) + " number"
			switch k {
			case deid.KindURL:
				words[i] = "a URL"
			case deid.KindIP:
				words[i] = "an IP address"
			case deid.KindSSN:
				words[i] = "a social security number"
			case deid.KindMRN:
				words[i] = "a medical record number"
			case deid.KindAccount:
				words[i] = "an account number"
			}
		}
	}
	return strings.Join(words, ", ")
}

// phiFields lists the plan's free text with the item each belongs to.
// Patient-facing fields: education topics and the descriptions of goals,
// interventions and follow-ups.
func phiFields(p *careplan.Plan) []phiField {
	out := []phiField{{field: "summary", text: p.Summary}}
	for _, it := range p.Items() {
		facing := false
		switch it.Kind {
		case careplan.ItemEducation, careplan.ItemGoal, careplan.ItemIntervention, careplan.ItemFollowUp:
			facing = true
		}
		out = append(out,
			phiField{item: it.ID, field: "text", text: it.Text, patientFacing: facing},
			phiField{item: it.ID, field: "rationale", text: it.Rationale},
			phiField{item: it.ID, field: "source", text: it.Source})
	}
	return out
}
