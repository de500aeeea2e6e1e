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
// checks everything and reports every problem at once. The Set and Add
// methods copy what they are given and only collect it; they never fail.
// A Builder is not safe for concurrent use; the Record it builds is.
type Builder struct {
	asOf          time.Time
	extra         map[string]bool
	unsigned      *terminology.ValueSet
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
	b := &Builder{asOf: asOf, unsigned: unsignedMeasures()}
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

// Build checks the input and returns a new record, with fact IDs assigned
// (any ID in the input is ignored). On bad input it returns nil and every
// problem found, joined with [errors.Join]; each is a [*FieldError] wrapping
// one of [ErrMissing], [ErrUnknownCodeSystem], [ErrNegativeQuantity],
// [ErrAfterAsOf] or [ErrInvalid]. Build may be called again, after more
// facts are added or not; the builder keeps its input, and records already
// built do not change.
func (b *Builder) Build() (*Record, error) {
	c := checker{asOf: b.asOf, extra: b.extra, unsigned: b.unsigned}
	switch {
	case b.asOf.IsZero():
		c.add(root("as_of"), ErrMissing)
	case !representable(b.asOf):
		c.invalid(root("as_of"), errUnrepresentable)
		c.asOf = time.Time{} // no after-as-of checks against a bad date
	}
	var demo Demographics
	if b.demographics == nil {
		c.add(root("demographics"), ErrMissing)
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
		c.condition(elem("conditions", i), x)
	}
	for i, x := range r.medications {
		c.medication(elem("medications", i), x)
	}
	for i, x := range r.allergies {
		c.allergy(elem("allergies", i), x)
	}
	for i, x := range r.observations {
		c.observation(elem("observations", i), x)
	}
	for i, x := range r.encounters {
		c.encounter(elem("encounters", i), x)
	}
	for i, x := range r.procedures {
		p := elem("procedures", i)
		c.code(p.dot("code"), x.Code, true)
		c.date(p.dot("performed"), x.Performed, true)
	}
	for i, x := range r.immunizations {
		p := elem("immunizations", i)
		c.code(p.dot("vaccine"), x.Vaccine, true)
		c.date(p.dot("date"), x.Date, true)
	}
	for i, x := range r.careTeam {
		if strings.TrimSpace(x.Role) == "" {
			c.add(elem("care_team", i).dot("role"), ErrMissing)
		}
	}
	for i, x := range r.socialNeeds {
		p := elem("social_needs", i)
		c.code(p.dot("code"), x.Code, false)
		if strings.TrimSpace(x.Description) == "" && x.Code.Display == "" {
			c.add(p.dot("description"), ErrMissing)
		}
		c.date(p.dot("recorded"), x.Recorded, false)
	}
	for i, x := range r.notes {
		p := elem("notes", i)
		if strings.TrimSpace(x.Text) == "" {
			c.add(p.dot("text"), ErrMissing)
		}
		c.date(p.dot("time"), x.Time, true)
	}
	if len(c.errs) > 0 {
		return nil, errors.Join(c.errs...)
	}
	r.assignIDs()
	return r, nil
}

// assignIDs sorts each kind canonically and numbers it. The orders compare
// every field (ID aside), so facts that differ in anything sort apart and
// the IDs do not depend on the order facts were added in. Each comparison
// returns as soon as a field differs.
func (r *Record) assignIDs() {
	slices.SortStableFunc(r.conditions, func(a, b Condition) int {
		if c := compareTime(a.Onset, b.Onset); c != 0 {
			return c
		}
		if c := compareCode(a.Code, b.Code); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.ClinicalStatus, b.ClinicalStatus), cmp.Compare(a.Verification, b.Verification),
			compareTime(a.Abatement, b.Abatement), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.medications, func(a, b Medication) int {
		if c := compareTime(a.Start, b.Start); c != 0 {
			return c
		}
		if c := compareCode(a.Code, b.Code); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Status, b.Status), cmp.Compare(a.DoseText, b.DoseText),
			compareQuantity(a.DailyDose, b.DailyDose), compareTime(a.End, b.End), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.allergies, func(a, b Allergy) int {
		if c := compareTime(a.Recorded, b.Recorded); c != 0 {
			return c
		}
		if c := compareCode(a.Substance, b.Substance); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Criticality, b.Criticality),
			cmp.Compare(a.Reaction, b.Reaction), cmp.Compare(a.Status, b.Status), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.observations, func(a, b Observation) int {
		if c := compareTime(a.Effective, b.Effective); c != 0 {
			return c
		}
		if c := compareCode(a.Code, b.Code); c != 0 {
			return c
		}
		if c := cmp.Or(cmp.Compare(a.Category, b.Category), cmp.Compare(a.Status, b.Status), compareValue(a.Value, b.Value)); c != 0 {
			return c
		}
		if c := slices.CompareFunc(a.Components, b.Components, func(x, y Component) int {
			return cmp.Or(compareCode(x.Code, y.Code), compareValue(x.Value, y.Value))
		}); c != 0 {
			return c
		}
		return cmp.Compare(a.SourceID, b.SourceID)
	})
	slices.SortStableFunc(r.encounters, func(a, b Encounter) int {
		if c := compareTime(a.Start, b.Start); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Class, b.Class), compareCode(a.Type, b.Type),
			compareCode(a.Reason, b.Reason), compareTime(a.End, b.End), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.procedures, func(a, b Procedure) int {
		if c := compareTime(a.Performed, b.Performed); c != 0 {
			return c
		}
		return cmp.Or(compareCode(a.Code, b.Code), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.immunizations, func(a, b Immunization) int {
		if c := compareTime(a.Date, b.Date); c != 0 {
			return c
		}
		return cmp.Or(compareCode(a.Vaccine, b.Vaccine), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.careTeam, func(a, b CareTeamMember) int {
		return cmp.Or(cmp.Compare(a.Role, b.Role), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Organization, b.Organization), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.socialNeeds, func(a, b SocialNeed) int {
		if c := compareTime(a.Recorded, b.Recorded); c != 0 {
			return c
		}
		return cmp.Or(compareCode(a.Code, b.Code), cmp.Compare(a.Description, b.Description),
			compareBool(a.Active, b.Active), cmp.Compare(a.SourceID, b.SourceID))
	})
	slices.SortStableFunc(r.notes, func(a, b Note) int {
		if c := compareTime(a.Time, b.Time); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Author, b.Author),
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

// compareTime orders instants, and the same instant by zone offset, which
// the fingerprint records: two facts that differ only in the offset of a
// time must not tie, or their IDs would follow the input order.
func compareTime(a, b time.Time) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	_, ao := a.Zone()
	_, bo := b.Zone()
	return cmp.Compare(ao, bo)
}

func compareCode(a, b Code) int {
	return cmp.Or(cmp.Compare(a.System, b.System), cmp.Compare(a.Code, b.Code), cmp.Compare(a.Display, b.Display))
}

// compareFloat orders numbers, and -0 after 0, for the same reason as
// compareTime. NaN cannot occur: Build rejects it.
func compareFloat(a, b float64) int {
	return cmp.Or(cmp.Compare(a, b), compareBool(math.Signbit(a), math.Signbit(b)))
}

func compareQuantity(a, b Quantity) int {
	return cmp.Or(compareFloat(a.Value, b.Value), cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Comparator, b.Comparator))
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
	asOf     time.Time
	extra    map[string]bool
	unsigned CodeSet
	errs     []error
}

func (c *checker) add(field path, err error) {
	c.errs = append(c.errs, &FieldError{Field: field.String(), Err: err})
}

// path is a field path such as "observations[3].components[1].value",
// held in parts and joined only when a problem is reported, so that a Build
// with nothing wrong formats no paths.
type path struct {
	names [6]string
	index [6]int // the element index after names[k], or -1
	n     int
}

// root returns the path of a top-level field.
func root(name string) path { return path{}.at(name, -1) }

// elem returns the path of element i of a top-level list.
func elem(list string, i int) path { return path{}.at(list, i) }

// dot returns the path of a field of p.
func (p path) dot(name string) path { return p.at(name, -1) }

// at returns the path of element i of the list field name of p, or with
// i < 0 of the field itself. No field here is nested deeper than the
// parts a path holds.
func (p path) at(name string, i int) path {
	p.names[p.n], p.index[p.n] = name, i
	p.n++
	return p
}

func (p path) String() string {
	var b strings.Builder
	for k := range p.n {
		if k > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.names[k])
		if p.index[k] >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.index[k]))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func (c *checker) invalid(field path, format string, args ...any) {
	c.add(field, fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...))
}

// date checks a date that may not lie after the as-of date.
func (c *checker) date(field path, t time.Time, required bool) {
	switch {
	case t.IsZero():
		if required {
			c.add(field, ErrMissing)
		}
	case !representable(t):
		c.invalid(field, errUnrepresentable)
	case !c.asOf.IsZero() && t.After(c.asOf):
		c.add(field, ErrAfterAsOf)
	}
}

// anyDate checks an optional date that may lie after the as-of date (a
// planned end, an intended start).
func (c *checker) anyDate(field path, t time.Time) {
	if !t.IsZero() && !representable(t) {
		c.invalid(field, errUnrepresentable)
	}
}

const errUnrepresentable = "year outside 1-9999 or zone offset of a day or more"

// representable reports whether t's year, in its own zone and in UTC, is one
// that dates in records have, and t can be written as RFC 3339 (as the
// fingerprint writes it): year 1-9999, zone offset under a day.
func representable(t time.Time) bool {
	_, off := t.Zone()
	y, u := t.Year(), t.UTC().Year()
	return y >= 1 && y <= 9999 && u >= 1 && u <= 9999 && off > -24*3600 && off < 24*3600
}

func (c *checker) order(field path, start, end time.Time) {
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		c.invalid(field, "ends before it starts")
	}
}

func (c *checker) code(field path, x Code, required bool) {
	switch {
	case x.Code == "" && x.Display == "":
		if required {
			c.add(field, ErrMissing)
		}
		return
	case x.Code != "" && x.System == "":
		c.add(field.dot("system"), ErrMissing)
		return
	}
	if x.System != "" && !terminology.KnownSystem(x.System) && !c.extra[x.System] {
		c.add(field.dot("system"), fmt.Errorf("%w %q", ErrUnknownCodeSystem, x.System))
	}
}

// unsignedMeasures returns the measurements that cannot be negative and
// whose codes careguard knows: HbA1c, eGFR, UACR, systolic and diastolic
// blood pressure, LDL. A negative result for one of them is a data error.
// Other observations may be negative (base excess, bone-density T-scores),
// so their sign is not checked.
func unsignedMeasures() *terminology.ValueSet {
	return terminology.Union("careguard:unsigned-measures", "Measurements that cannot be negative",
		terminology.Source{Citation: "careguard: physical quantities measured by these LOINC codes are non-negative"},
		terminology.HbA1c(), terminology.EGFR(), terminology.UACR(), terminology.SystolicBP(), terminology.DiastolicBP(), terminology.LDL())
}

// quantity checks a quantity. Amounts such as doses cannot be negative;
// measurements can (base excess, a bone-density T-score).
func (c *checker) quantity(field path, q Quantity, nonNegative bool) {
	switch {
	case math.IsNaN(q.Value) || math.IsInf(q.Value, 0):
		c.invalid(field.dot("value"), "not a finite number")
	case nonNegative && q.Value < 0:
		c.add(field.dot("value"), ErrNegativeQuantity)
	}
	switch q.Comparator {
	case "", "<", "<=", ">=", ">":
	default:
		c.invalid(field.dot("comparator"), "must be one of <, <=, >=, >")
	}
}

func (c *checker) demographics(d Demographics) {
	p := root("demographics")
	c.date(p.dot("birth_date"), d.BirthDate, true)
	if !d.Deceased.IsZero() {
		c.date(p.dot("deceased"), d.Deceased, false)
		c.order(p.dot("deceased"), d.BirthDate, d.Deceased)
	}
	switch d.Sex {
	case SexFemale, SexMale, SexOther, SexUnknown:
	default:
		c.invalid(p.dot("sex"), "must be female, male, other or unknown")
	}
	if d.Language != "" && !validLanguageTag(d.Language) {
		c.invalid(p.dot("language"), "not a BCP 47 language tag")
	}
	switch d.PreferredChannel {
	case ChannelUnspecified, ChannelPortal, ChannelSMS, ChannelPhone, ChannelEmail, ChannelMail, ChannelInPerson:
	default:
		c.invalid(p.dot("preferred_channel"), "unknown channel")
	}
	switch d.HealthLiteracy {
	case LiteracyUnassessed, LiteracyLimited, LiteracyMarginal, LiteracyAdequate:
	default:
		c.invalid(p.dot("health_literacy"), "unknown level")
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
		p := root("identity").at("identifiers", i)
		if strings.TrimSpace(x.Value) == "" {
			c.add(p.dot("value"), ErrMissing)
		}
		switch x.Kind {
		case IdentifierMRN, IdentifierSSN, IdentifierHealthPlan, IdentifierAccount, IdentifierDriverLicense, IdentifierOther:
		case "":
			c.add(p.dot("kind"), ErrMissing)
		default:
			c.invalid(p.dot("kind"), "unknown identifier kind")
		}
	}
	for i, x := range id.Telecom {
		p := root("identity").at("telecom", i)
		if strings.TrimSpace(x.Value) == "" {
			c.add(p.dot("value"), ErrMissing)
		}
		switch x.Kind {
		case ContactPhone, ContactFax, ContactEmail, ContactURL, ContactSMS, ContactOther:
		case "":
			c.add(p.dot("kind"), ErrMissing)
		default:
			c.invalid(p.dot("kind"), "unknown contact kind")
		}
	}
}

func (c *checker) condition(p path, x Condition) {
	c.code(p.dot("code"), x.Code, true)
	switch x.ClinicalStatus {
	case ClinicalActive, ClinicalRecurrence, ClinicalRelapse, ClinicalInactive, ClinicalRemission, ClinicalResolved:
	case "":
		c.add(p.dot("clinical_status"), ErrMissing)
	default:
		c.invalid(p.dot("clinical_status"), "unknown clinical status")
	}
	switch x.Verification {
	case VerificationConfirmed, VerificationProvisional, VerificationDifferential, VerificationUnconfirmed:
	default:
		c.invalid(p.dot("verification"), "unknown or excluded verification status (refuted and entered-in-error conditions are not facts)")
	}
	c.date(p.dot("onset"), x.Onset, false)
	c.date(p.dot("abatement"), x.Abatement, false)
	c.order(p.dot("abatement"), x.Onset, x.Abatement)
}

func (c *checker) medication(p path, x Medication) {
	c.code(p.dot("code"), x.Code, true)
	switch x.Status {
	case MedicationActive, MedicationOnHold, MedicationStopped, MedicationCompleted, MedicationIntended, MedicationUnknown:
	case "":
		c.add(p.dot("status"), ErrMissing)
	default:
		c.invalid(p.dot("status"), "unknown medication status")
	}
	if !x.DailyDose.IsZero() {
		c.quantity(p.dot("daily_dose"), x.DailyDose, true)
	}
	if x.Status == MedicationIntended {
		// An intended medication may be planned to start later.
		c.anyDate(p.dot("start"), x.Start)
	} else {
		c.date(p.dot("start"), x.Start, false)
	}
	c.anyDate(p.dot("end"), x.End)
	c.order(p.dot("end"), x.Start, x.End)
}

func (c *checker) allergy(p path, x Allergy) {
	c.code(p.dot("substance"), x.Substance, true)
	switch x.Category {
	case "", AllergyMedication, AllergyFood, AllergyEnvironment, AllergyBiologic:
	default:
		c.invalid(p.dot("category"), "unknown allergy category")
	}
	switch x.Criticality {
	case CriticalityUnspecified, CriticalityLow, CriticalityHigh, CriticalityUnable:
	default:
		c.invalid(p.dot("criticality"), "unknown criticality")
	}
	switch x.Status {
	case AllergyActive, AllergyInactive, AllergyResolved:
	default:
		c.invalid(p.dot("status"), "unknown allergy status")
	}
	c.date(p.dot("recorded"), x.Recorded, false)
}

func (c *checker) observation(p path, x Observation) {
	c.code(p.dot("code"), x.Code, true)
	switch x.Category {
	case CategoryLaboratory, CategoryVitalSigns, CategorySocialHistory, CategorySurvey, CategoryExam,
		CategoryImaging, CategoryProcedure, CategoryOther:
	case "":
		c.add(p.dot("category"), ErrMissing)
	default:
		c.invalid(p.dot("category"), "unknown observation category")
	}
	switch x.Status {
	case ObservationFinal, ObservationPreliminary, ObservationAmended, ObservationCorrected:
	default:
		c.invalid(p.dot("status"), "unknown or excluded observation status (cancelled, entered-in-error and registered results are not facts)")
	}
	c.date(p.dot("effective"), x.Effective, true)
	// A value with fields set but no kind is reported by value, not here.
	if x.Value == (Value{}) && len(x.Components) == 0 {
		c.add(p.dot("value"), ErrMissing)
	}
	c.value(p.dot("value"), x.Value, c.unsigned.Contains(x.Code.System, x.Code.Code))
	for i, comp := range x.Components {
		cp := p.at("components", i)
		c.code(cp.dot("code"), comp.Code, true)
		if comp.Value == (Value{}) {
			c.add(cp.dot("value"), ErrMissing)
		}
		c.value(cp.dot("value"), comp.Value, c.unsigned.Contains(comp.Code.System, comp.Code.Code))
	}
}

// value checks a value: the field its kind selects, and that no other
// field is set, since a Value holds one result and a stray field would be
// silently ignored.
func (c *checker) value(p path, v Value, nonNegative bool) {
	stray := v
	switch v.Kind {
	case ValueNone:
	case ValueBool:
		stray.Bool = false
	case ValueQuantity:
		c.quantity(p.dot("quantity"), v.Quantity, nonNegative)
		stray.Quantity = Quantity{}
	case ValueText:
		if strings.TrimSpace(v.Text) == "" {
			c.add(p.dot("text"), ErrMissing)
		}
		stray.Text = ""
	case ValueCode:
		c.code(p.dot("code"), v.Code, true)
		stray.Code = Code{}
	default:
		c.invalid(p.dot("kind"), "unknown value kind")
		return
	}
	stray.Kind = ValueNone
	if stray != (Value{}) {
		c.invalid(p.dot("kind"), "fields set that the kind does not select")
	}
}

func (c *checker) encounter(p path, x Encounter) {
	switch x.Class {
	case EncounterAmbulatory, EncounterEmergency, EncounterInpatient, EncounterVirtual, EncounterHome, EncounterOther:
	case "":
		c.add(p.dot("class"), ErrMissing)
	default:
		c.invalid(p.dot("class"), "unknown encounter class")
	}
	c.code(p.dot("type"), x.Type, false)
	c.code(p.dot("reason"), x.Reason, false)
	c.date(p.dot("start"), x.Start, true)
	c.anyDate(p.dot("end"), x.End)
	c.order(p.dot("end"), x.Start, x.End)
}
