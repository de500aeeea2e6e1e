package patient

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/terminology"
)

// BuilderOptions configures a Builder. The zero value (or nil) accepts only
// the code systems terminology knows.
type BuilderOptions struct {
	// ExtraCodeSystems lists code system URIs to accept besides the known
	// ones, for a deployer's local codes.
	ExtraCodeSystems []string
}

// Builder assembles a Record. Add facts in any order, then call Build, which
// checks everything and reports every problem at once. The Add methods only
// collect; they never fail. A Builder is not safe for concurrent use; the
// Record it builds is.
type Builder struct {
	asOf          time.Time
	extra         map[string]bool
	demographics  *Demographics
	identity      Identity
	conditions    []Condition
	medications   []Medication
	allergies     []Allergy
	observations  []Observation
	encounters    []Encounter
	procedures    []Procedure
	immunizations []Immunization
	careTeam      []CareTeamMember
	socialNeeds   []SocialNeed
	notes         []Note
}

// NewBuilder returns a builder for a record as of the given date. Dates in
// the record may not lie after it.
func NewBuilder(asOf time.Time, opts *BuilderOptions) *Builder {
	b := &Builder{asOf: asOf}
	if opts != nil && len(opts.ExtraCodeSystems) > 0 {
		b.extra = make(map[string]bool, len(opts.ExtraCodeSystems))
		for _, s := range opts.ExtraCodeSystems {
			b.extra[s] = true
		}
	}
	return b
}

// SetDemographics sets the demographics. Required.
func (b *Builder) SetDemographics(d Demographics) *Builder { b.demographics = &d; return b }

// SetIdentity sets the patient's identifiers.
func (b *Builder) SetIdentity(id Identity) *Builder { b.identity = id.clone(); return b }

// AddConditions adds conditions.
func (b *Builder) AddConditions(cs ...Condition) *Builder {
	b.conditions = append(b.conditions, cs...)
	return b
}

// AddMedications adds medications.
func (b *Builder) AddMedications(ms ...Medication) *Builder {
	b.medications = append(b.medications, ms...)
	return b
}

// AddAllergies adds allergies.
func (b *Builder) AddAllergies(as ...Allergy) *Builder {
	b.allergies = append(b.allergies, as...)
	return b
}

// AddObservations adds observations.
func (b *Builder) AddObservations(os ...Observation) *Builder {
	for _, o := range os {
		b.observations = append(b.observations, o.clone())
	}
	return b
}

// AddEncounters adds encounters.
func (b *Builder) AddEncounters(es ...Encounter) *Builder {
	b.encounters = append(b.encounters, es...)
	return b
}

// AddProcedures adds procedures.
func (b *Builder) AddProcedures(ps ...Procedure) *Builder {
	b.procedures = append(b.procedures, ps...)
	return b
}

// AddImmunizations adds immunizations.
func (b *Builder) AddImmunizations(is ...Immunization) *Builder {
	b.immunizations = append(b.immunizations, is...)
	return b
}

// AddCareTeam adds care-team members.
func (b *Builder) AddCareTeam(ts ...CareTeamMember) *Builder {
	b.careTeam = append(b.careTeam, ts...)
	return b
}

// AddSocialNeeds adds social needs.
func (b *Builder) AddSocialNeeds(ss ...SocialNeed) *Builder {
	b.socialNeeds = append(b.socialNeeds, ss...)
	return b
}

// AddNotes adds free-text notes.
func (b *Builder) AddNotes(ns ...Note) *Builder {
	b.notes = append(b.notes, ns...)
	return b
}

// Build checks the input and returns the record. On bad input it returns
// nil and every problem found, joined with errors.Join; each is a
// *FieldError wrapping one of ErrMissing, ErrUnknownCodeSystem,
// ErrNegativeQuantity, ErrAfterAsOf or ErrInvalid. Build may be called
// again after more facts are added; the builder keeps its input.
func (b *Builder) Build() (*Record, error) {
	c := checker{asOf: b.asOf, extra: b.extra}
	if b.asOf.IsZero() {
		c.add("as_of", ErrMissing)
	}
	var demo Demographics
	if b.demographics == nil {
		c.add("demographics", ErrMissing)
	} else {
		demo = *b.demographics
		if demo.Sex == "" {
			demo.Sex = SexUnknown
		}
		c.demographics(demo)
	}
	c.identity(b.identity)

	r := &Record{
		asOf:          b.asOf,
		demographics:  demo,
		identity:      b.identity.clone(),
		conditions:    slices.Clone(b.conditions),
		medications:   slices.Clone(b.medications),
		allergies:     slices.Clone(b.allergies),
		observations:  make([]Observation, len(b.observations)),
		encounters:    slices.Clone(b.encounters),
		procedures:    slices.Clone(b.procedures),
		immunizations: slices.Clone(b.immunizations),
		careTeam:      slices.Clone(b.careTeam),
		socialNeeds:   slices.Clone(b.socialNeeds),
		notes:         slices.Clone(b.notes),
	}
	for i, o := range b.observations {
		r.observations[i] = o.clone()
	}
	for i := range r.allergies {
		if r.allergies[i].Status == "" {
			r.allergies[i].Status = AllergyActive
		}
	}

	for i, x := range r.conditions {
		c.condition(fmt.Sprintf("conditions[%d]", i), x)
	}
	for i, x := range r.medications {
		c.medication(fmt.Sprintf("medications[%d]", i), x)
	}
	for i, x := range r.allergies {
		c.allergy(fmt.Sprintf("allergies[%d]", i), x)
	}
	for i, x := range r.observations {
		c.observation(fmt.Sprintf("observations[%d]", i), x)
	}
	for i, x := range r.encounters {
		c.encounter(fmt.Sprintf("encounters[%d]", i), x)
	}
	for i, x := range r.procedures {
		p := fmt.Sprintf("procedures[%d]", i)
		c.code(p+".code", x.Code, true)
		c.date(p+".performed", x.Performed, true)
	}
	for i, x := range r.immunizations {
		p := fmt.Sprintf("immunizations[%d]", i)
		c.code(p+".vaccine", x.Vaccine, true)
		c.date(p+".date", x.Date, true)
	}
	for i, x := range r.careTeam {
		if strings.TrimSpace(x.Role) == "" {
			c.add(fmt.Sprintf("care_team[%d].role", i), ErrMissing)
		}
	}
	for i, x := range r.socialNeeds {
		p := fmt.Sprintf("social_needs[%d]", i)
		c.code(p+".code", x.Code, false)
		if strings.TrimSpace(x.Description) == "" && x.Code.Display == "" {
			c.add(p+".description", ErrMissing)
		}
		c.date(p+".recorded", x.Recorded, false)
	}
	for i, x := range r.notes {
		p := fmt.Sprintf("notes[%d]", i)
		if strings.TrimSpace(x.Text) == "" {
			c.add(p+".text", ErrMissing)
		}
		c.date(p+".time", x.Time, true)
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	r.assignIDs()
	return r, nil
}

// assignIDs sorts each kind canonically and numbers it.
func (r *Record) assignIDs() {
	slices.SortStableFunc(r.conditions, func(a, b Condition) int {
		return cmp.Or(a.Onset.Compare(b.Onset), compareCode(a.Code, b.Code),
			cmp.Compare(a.ClinicalStatus, b.ClinicalStatus), cmp.Compare(a.Verification, b.Verification),
			a.Abatement.Compare(b.Abatement), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.medications, func(a, b Medication) int {
		return cmp.Or(a.Start.Compare(b.Start), compareCode(a.Code, b.Code), cmp.Compare(a.Status, b.Status),
			cmp.Compare(a.DoseText, b.DoseText), compareQuantity(a.DailyDose, b.DailyDose),
			a.End.Compare(b.End), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.allergies, func(a, b Allergy) int {
		return cmp.Or(a.Recorded.Compare(b.Recorded), compareCode(a.Substance, b.Substance),
			cmp.Compare(a.Category, b.Category), cmp.Compare(a.Criticality, b.Criticality),
			cmp.Compare(a.Reaction, b.Reaction), cmp.Compare(a.Status, b.Status), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.observations, func(a, b Observation) int {
		return cmp.Or(a.Effective.Compare(b.Effective), compareCode(a.Code, b.Code),
			cmp.Compare(a.Category, b.Category), compareValue(a.Value, b.Value),
			slices.CompareFunc(a.Components, b.Components, func(x, y Component) int {
				return cmp.Or(compareCode(x.Code, y.Code), compareValue(x.Value, y.Value))
			}), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.encounters, func(a, b Encounter) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.Class, b.Class), compareCode(a.Type, b.Type),
			compareCode(a.Reason, b.Reason), a.End.Compare(b.End), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.procedures, func(a, b Procedure) int {
		return cmp.Or(a.Performed.Compare(b.Performed), compareCode(a.Code, b.Code), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.immunizations, func(a, b Immunization) int {
		return cmp.Or(a.Date.Compare(b.Date), compareCode(a.Vaccine, b.Vaccine), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.careTeam, func(a, b CareTeamMember) int {
		return cmp.Or(cmp.Compare(a.Role, b.Role), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Organization, b.Organization), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.socialNeeds, func(a, b SocialNeed) int {
		return cmp.Or(a.Recorded.Compare(b.Recorded), compareCode(a.Code, b.Code),
			cmp.Compare(a.Description, b.Description), compareBool(a.Active, b.Active), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.notes, func(a, b Note) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Author, b.Author),
			cmp.Compare(a.Text, b.Text), cmp.Compare(a.SourceID, b.SourceID))
	})

	r.index = make(map[string]factRef, len(r.conditions)+len(r.medications)+len(r.allergies)+
		len(r.observations)+len(r.encounters)+len(r.procedures)+len(r.immunizations)+
		len(r.careTeam)+len(r.socialNeeds)+len(r.notes))
	counts := map[Kind]int{}
	next := func(k Kind, i int) string {
		counts[k]++
		id := k.Prefix() + strconv.Itoa(counts[k])
		r.index[id] = factRef{kind: k, i: i}
		return id
	}
	for i := range r.conditions {
		r.conditions[i].ID = next(KindCondition, i)
	}
	for i := range r.medications {
		r.medications[i].ID = next(KindMedication, i)
	}
	for i := range r.allergies {
		r.allergies[i].ID = next(KindAllergy, i)
	}
	for i := range r.observations {
		r.observations[i].ID = next(r.observations[i].FactKind(), i)
	}
	for i := range r.encounters {
		r.encounters[i].ID = next(KindEncounter, i)
	}
	for i := range r.procedures {
		r.procedures[i].ID = next(KindProcedure, i)
	}
	for i := range r.immunizations {
		r.immunizations[i].ID = next(KindImmunization, i)
	}
	for i := range r.careTeam {
		r.careTeam[i].ID = next(KindCareTeam, i)
	}
	for i := range r.socialNeeds {
		r.socialNeeds[i].ID = next(KindSocialNeed, i)
	}
	for i := range r.notes {
		r.notes[i].ID = next(KindNote, i)
	}
}

func compareCode(a, b Code) int {
	return cmp.Or(cmp.Compare(a.System, b.System), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Display, b.Display))
}

func compareQuantity(a, b Quantity) int {
	return cmp.Or(cmp.Compare(a.Value, b.Value), cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Comparator, b.Comparator))
}

func compareValue(a, b Value) int {
	return cmp.Or(cmp.Compare(a.Kind, b.Kind), compareQuantity(a.Quantity, b.Quantity),
		cmp.Compare(a.Text, b.Text), compareCode(a.Code, b.Code), compareBool(a.Bool, b.Bool))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// checker collects field errors.
type checker struct {
	asOf  time.Time
	extra map[string]bool
	errs  []error
}

func (c *checker) add(field string, err error) {
	c.errs = append(c.errs, &FieldError{Field: field, Err: err})
}

func (c *checker) invalid(field, format string, args ...any) {
	c.add(field, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
}

func (c *checker) date(field string, t time.Time, required bool) {
	switch {
	case t.IsZero():
		if required {
			c.add(field, ErrMissing)
		}
	case !c.asOf.IsZero() && t.After(c.asOf):
		c.add(field, ErrAfterAsOf)
	}
}

func (c *checker) order(field string, start, end time.Time) {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		c.invalid(field, "ends before it starts")
	}
}

func (c *checker) code(field string, x Code, required bool) {
	switch {
	case x.Code == "" && x.Display == "":
		if required {
			c.add(field, ErrMissing)
		}
		return
	case x.Code != "" && x.System == "":
		c.add(field+".system", ErrMissing)
		return
	}
	if x.System != "" && !terminology.KnownSystem(x.System) && !c.extra[x.System] {
		c.add(field+".system", fmt.Errorf("%w %q", ErrUnknownCodeSystem, x.System))
	}
}

func (c *checker) quantity(field string, q Quantity) {
	switch {
	case math.IsNaN(q.Value) || math.IsInf(q.Value, 0):
		c.invalid(field+".value", "not a finite number")
	case q.Value < 0:
		c.add(field+".value", ErrNegativeQuantity)
	}
	switch q.Comparator {
	case "", "<", "<=", ">=", ">":
	default:
		c.invalid(field+".comparator", "must be one of <, <=, >=, >")
	}
}

func (c *checker) demographics(d Demographics) {
	const p = "demographics"
	c.date(p+".birth_date", d.BirthDate, true)
	if !d.Deceased.IsZero() {
		c.date(p+".deceased", d.Deceased, false)
		c.order(p+".deceased", d.BirthDate, d.Deceased)
	}
	switch d.Sex {
	case SexFemale, SexMale, SexOther, SexUnknown:
	default:
		c.invalid(p+".sex", "must be female, male, other or unknown")
	}
	if d.Language != "" && !validLanguageTag(d.Language) {
		c.invalid(p+".language", "not a BCP 47 language tag")
	}
	switch d.PreferredChannel {
	case ChannelUnspecified, ChannelPortal, ChannelSMS, ChannelPhone, ChannelEmail, ChannelMail, ChannelInPerson:
	default:
		c.invalid(p+".preferred_channel", "unknown channel")
	}
	switch d.HealthLiteracy {
	case LiteracyUnassessed, LiteracyLimited, LiteracyMarginal, LiteracyAdequate:
	default:
		c.invalid(p+".health_literacy", "unknown level")
	}
}

// validLanguageTag accepts the shape of a BCP 47 tag: alphanumeric subtags
// of 1-8 characters joined by hyphens, the first of 2-3 letters.
func validLanguageTag(s string) bool {
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 || (i == 0 && (len(sub) < 2 || len(sub) > 3)) {
			return false
		}
		for _, r := range sub {
			isLetter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
			if !isLetter && (i == 0 || r < '0' || r > '9') {
				return false
			}
		}
	}
	return true
}

func (c *checker) identity(id Identity) {
	for i, x := range id.Identifiers {
		p := fmt.Sprintf("identity.identifiers[%d]", i)
		if strings.TrimSpace(x.Value) == "" {
			c.add(p+".value", ErrMissing)
		}
		switch x.Kind {
		case IdentifierMRN, IdentifierSSN, IdentifierHealthPlan, IdentifierAccount, IdentifierDriverLicense, IdentifierOther:
		default:
			c.invalid(p+".kind", "unknown identifier kind")
		}
	}
	for i, x := range id.Telecom {
		p := fmt.Sprintf("identity.telecom[%d]", i)
		if strings.TrimSpace(x.Value) == "" {
			c.add(p+".value", ErrMissing)
		}
		switch x.Kind {
		case ContactPhone, ContactFax, ContactEmail, ContactURL, ContactSMS, ContactOther:
		default:
			c.invalid(p+".kind", "unknown contact kind")
		}
	}
}

func (c *checker) condition(p string, x Condition) {
	c.code(p+".code", x.Code, true)
	switch x.ClinicalStatus {
	case ClinicalActive, ClinicalRecurrence, ClinicalRelapse, ClinicalInactive, ClinicalRemission, ClinicalResolved:
	case "":
		c.add(p+".clinical_status", ErrMissing)
	default:
		c.invalid(p+".clinical_status", "unknown clinical status")
	}
	switch x.Verification {
	case VerificationConfirmed, VerificationProvisional, VerificationDifferential, VerificationUnconfirmed:
	default:
		c.invalid(p+".verification", "unknown or excluded verification status (refuted and entered-in-error conditions are not facts)")
	}
	c.date(p+".onset", x.Onset, false)
	c.date(p+".abatement", x.Abatement, false)
	c.order(p+".abatement", x.Onset, x.Abatement)
}

func (c *checker) medication(p string, x Medication) {
	c.code(p+".code", x.Code, true)
	switch x.Status {
	case MedicationActive, MedicationOnHold, MedicationStopped, MedicationCompleted, MedicationIntended, MedicationUnknown:
	case "":
		c.add(p+".status", ErrMissing)
	default:
		c.invalid(p+".status", "unknown medication status")
	}
	if !x.DailyDose.IsZero() {
		c.quantity(p+".daily_dose", x.DailyDose)
	}
	if x.Status != MedicationIntended {
		// An intended medication may be planned to start later.
		c.date(p+".start", x.Start, false)
	}
	c.order(p+".end", x.Start, x.End)
}

func (c *checker) allergy(p string, x Allergy) {
	c.code(p+".substance", x.Substance, true)
	switch x.Category {
	case "", AllergyMedication, AllergyFood, AllergyEnvironment, AllergyBiologic:
	default:
		c.invalid(p+".category", "unknown allergy category")
	}
	switch x.Criticality {
	case CriticalityUnspecified, CriticalityLow, CriticalityHigh, CriticalityUnable:
	default:
		c.invalid(p+".criticality", "unknown criticality")
	}
	switch x.Status {
	case AllergyActive, AllergyInactive, AllergyResolved:
	default:
		c.invalid(p+".status", "unknown allergy status")
	}
	c.date(p+".recorded", x.Recorded, false)
}

func (c *checker) observation(p string, x Observation) {
	c.code(p+".code", x.Code, true)
	switch x.Category {
	case CategoryLaboratory, CategoryVitalSigns, CategorySocialHistory, CategorySurvey, CategoryExam,
		CategoryImaging, CategoryProcedure, CategoryOther:
	case "":
		c.add(p+".category", ErrMissing)
	default:
		c.invalid(p+".category", "unknown observation category")
	}
	c.date(p+".effective", x.Effective, true)
	if x.Value.Kind == ValueNone && len(x.Components) == 0 {
		c.add(p+".value", ErrMissing)
	}
	c.value(p+".value", x.Value)
	for i, comp := range x.Components {
		cp := fmt.Sprintf("%s.components[%d]", p, i)
		c.code(cp+".code", comp.Code, true)
		if comp.Value.Kind == ValueNone {
			c.add(cp+".value", ErrMissing)
		}
		c.value(cp+".value", comp.Value)
	}
}

func (c *checker) value(p string, v Value) {
	switch v.Kind {
	case ValueNone, ValueBool:
	case ValueQuantity:
		c.quantity(p+".quantity", v.Quantity)
	case ValueText:
		if strings.TrimSpace(v.Text) == "" {
			c.add(p+".text", ErrMissing)
		}
	case ValueCode:
		c.code(p+".code", v.Code, true)
	default:
		c.invalid(p+".kind", "unknown value kind")
	}
}

func (c *checker) encounter(p string, x Encounter) {
	switch x.Class {
	case EncounterAmbulatory, EncounterEmergency, EncounterInpatient, EncounterVirtual, EncounterHome, EncounterOther:
	case "":
		c.add(p+".class", ErrMissing)
	default:
		c.invalid(p+".class", "unknown encounter class")
	}
	c.code(p+".type", x.Type, false)
	c.code(p+".reason", x.Reason, false)
	c.date(p+".start", x.Start, true)
	c.order(p+".end", x.Start, x.End)
}
