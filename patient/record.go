package patient

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sync"
	"time"
)

// CodeSet is a set of codes, such as a [terminology.ValueSet]. The methods
// that take one treat a nil CodeSet as the empty set.
type CodeSet interface {
	// Contains reports whether the code is in the set. It must be safe to
	// call from several goroutines at once when the Record is shared.
	Contains(system, code string) bool
}

// inSet reports whether c is in set; nothing is in a nil set.
func inSet(set CodeSet, c Code) bool {
	return set != nil && set.Contains(c.System, c.Code)
}

// Record is one patient's clinical context at an as-of date. Build it with a
// [Builder]. A Record is immutable: every accessor returns a copy, so callers
// may modify what they get without affecting the record. It is safe for
// concurrent use by multiple goroutines.
//
// Every fact has a short ID ("C1", "M3", "L7") assigned by Build. Within each
// kind, facts are ordered by date and then by content, so building the same
// facts again, in any order, gives the same IDs. Accessors return facts in
// that order, which is ID order.
type Record struct {
	asOf          time.Time
	demographics  Demographics
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

	index map[string]factRef

	fpOnce      sync.Once
	fingerprint string
}

type factRef struct {
	kind Kind
	i    int
}

// AsOf returns the date the record describes: ages, look-back windows and
// "overdue" are computed against it, never against the wall clock.
func (r *Record) AsOf() time.Time { return r.asOf }

// Demographics returns the patient's demographics.
func (r *Record) Demographics() Demographics { return r.demographics }

// Identity returns the patient's identifiers.
func (r *Record) Identity() Identity { return r.identity.clone() }

// Age returns the patient's age in whole years at the as-of date.
func (r *Record) Age() int { return r.AgeAt(r.asOf) }

// AgeAt returns the patient's age in whole years at t, comparing calendar
// dates, each in its own time's location; 0 before birth. Someone born on
// 29 February gains a year on 1 March in common years.
func (r *Record) AgeAt(t time.Time) int {
	return yearsBetween(r.demographics.BirthDate, t)
}

func yearsBetween(from, to time.Time) int {
	if to.Before(from) {
		return 0
	}
	fy, fm, fd := from.Date()
	ty, tm, td := to.Date()
	years := ty - fy
	if tm < fm || (tm == fm && td < fd) {
		years--
	}
	return years
}

// Conditions returns every condition, oldest onset first.
func (r *Record) Conditions() []Condition { return slices.Clone(r.conditions) }

// Medications returns every medication, earliest start first.
func (r *Record) Medications() []Medication { return slices.Clone(r.medications) }

// Allergies returns every allergy, earliest recorded first.
func (r *Record) Allergies() []Allergy { return slices.Clone(r.allergies) }

// Observations returns every observation, oldest first.
func (r *Record) Observations() []Observation {
	out := make([]Observation, len(r.observations))
	for i, o := range r.observations {
		out[i] = o.clone()
	}
	return out
}

// Encounters returns every encounter, oldest first.
func (r *Record) Encounters() []Encounter { return slices.Clone(r.encounters) }

// Procedures returns every procedure, oldest first.
func (r *Record) Procedures() []Procedure { return slices.Clone(r.procedures) }

// Immunizations returns every immunization, oldest first.
func (r *Record) Immunizations() []Immunization { return slices.Clone(r.immunizations) }

// CareTeam returns the care team, ordered by role.
func (r *Record) CareTeam() []CareTeamMember { return slices.Clone(r.careTeam) }

// SocialNeeds returns the recorded social needs, earliest recorded first.
func (r *Record) SocialNeeds() []SocialNeed { return slices.Clone(r.socialNeeds) }

// Notes returns the free-text notes, oldest first. Their text is untrusted.
func (r *Record) Notes() []Note { return slices.Clone(r.notes) }

// Fact returns a copy of the fact with the given ID: a [Demographics],
// [Condition], [Medication], [Allergy], [Observation], [Encounter],
// [Procedure], [Immunization], [CareTeamMember], [SocialNeed] or [Note].
func (r *Record) Fact(id string) (Fact, bool) {
	if id == DemographicsID {
		return r.demographics, true
	}
	ref, ok := r.index[id]
	if !ok {
		return nil, false
	}
	switch ref.kind {
	case KindCondition:
		return r.conditions[ref.i], true
	case KindMedication:
		return r.medications[ref.i], true
	case KindAllergy:
		return r.allergies[ref.i], true
	case KindLab, KindVital, KindObservation:
		return r.observations[ref.i].clone(), true
	case KindEncounter:
		return r.encounters[ref.i], true
	case KindProcedure:
		return r.procedures[ref.i], true
	case KindImmunization:
		return r.immunizations[ref.i], true
	case KindCareTeam:
		return r.careTeam[ref.i], true
	case KindSocialNeed:
		return r.socialNeeds[ref.i], true
	case KindNote:
		return r.notes[ref.i], true
	}
	return nil, false
}

// Has reports whether the record has a fact with the given ID.
func (r *Record) Has(id string) bool {
	if id == DemographicsID {
		return true
	}
	_, ok := r.index[id]
	return ok
}

// KindOf returns the kind of the fact with the given ID.
func (r *Record) KindOf(id string) (Kind, bool) {
	if id == DemographicsID {
		return KindDemographics, true
	}
	ref, ok := r.index[id]
	return ref.kind, ok
}

// ActiveConditions returns the active conditions, oldest onset first.
func (r *Record) ActiveConditions() []Condition {
	var out []Condition
	for _, c := range r.conditions {
		if c.Active() {
			out = append(out, c)
		}
	}
	return out
}

// ConditionsIn returns the conditions, of any status, whose code is in set.
func (r *Record) ConditionsIn(set CodeSet) []Condition {
	var out []Condition
	for _, c := range r.conditions {
		if inSet(set, c.Code) {
			out = append(out, c)
		}
	}
	return out
}

// ActiveConditionsIn returns the active conditions whose code is in set.
func (r *Record) ActiveConditionsIn(set CodeSet) []Condition {
	var out []Condition
	for _, c := range r.conditions {
		if c.Active() && inSet(set, c.Code) {
			out = append(out, c)
		}
	}
	return out
}

// ActiveMedications returns the active medications, earliest start first.
func (r *Record) ActiveMedications() []Medication {
	var out []Medication
	for _, m := range r.medications {
		if m.Active() {
			out = append(out, m)
		}
	}
	return out
}

// ObservationsIn returns the observations whose code is in set, newest
// first.
func (r *Record) ObservationsIn(set CodeSet) []Observation {
	var out []Observation
	for i := len(r.observations) - 1; i >= 0; i-- {
		o := r.observations[i]
		if inSet(set, o.Code) {
			out = append(out, o.clone())
		}
	}
	return out
}

// LatestObservation returns the most recent observation whose code is in
// set. Components are not searched; see [Record.LatestValue].
func (r *Record) LatestObservation(set CodeSet) (Observation, bool) {
	for i := len(r.observations) - 1; i >= 0; i-- {
		o := r.observations[i]
		if inSet(set, o.Code) {
			return o.clone(), true
		}
	}
	return Observation{}, false
}

// LatestValue returns the most recent value measured for a code in set,
// whether recorded as an observation of its own or as a component of a
// panel (a systolic reading inside a blood-pressure panel), together with
// the observation that holds it. An observation whose own code is in set
// but which has no value of its own is searched for components like any
// other.
func (r *Record) LatestValue(set CodeSet) (Value, Observation, bool) {
	for i := len(r.observations) - 1; i >= 0; i-- {
		o := r.observations[i]
		if inSet(set, o.Code) && o.Value.Kind != ValueNone {
			return o.Value, o.clone(), true
		}
		if v, ok := o.Component(set); ok {
			return v, o.clone(), true
		}
	}
	return Value{}, Observation{}, false
}

// FactIDs returns every fact ID in the record: D1, then conditions,
// medications, allergies, observations (L, V, O), encounters, procedures,
// immunizations, care team, social needs and notes, each in ID order.
func (r *Record) FactIDs() []string {
	out := make([]string, 0, len(r.index)+1)
	out = append(out, DemographicsID)
	add := func(id string) { out = append(out, id) }
	for _, c := range r.conditions {
		add(c.ID)
	}
	for _, m := range r.medications {
		add(m.ID)
	}
	for _, a := range r.allergies {
		add(a.ID)
	}
	for _, k := range [...]Kind{KindLab, KindVital, KindObservation} {
		for _, o := range r.observations {
			if o.FactKind() == k {
				add(o.ID)
			}
		}
	}
	for _, e := range r.encounters {
		add(e.ID)
	}
	for _, p := range r.procedures {
		add(p.ID)
	}
	for _, i := range r.immunizations {
		add(i.ID)
	}
	for _, t := range r.careTeam {
		add(t.ID)
	}
	for _, s := range r.socialNeeds {
		add(s.ID)
	}
	for _, n := range r.notes {
		add(n.ID)
	}
	return out
}

// Len returns the number of facts in the record, demographics included.
func (r *Record) Len() int { return len(r.index) + 1 }

// Fingerprint returns a SHA-256 digest (hex) of the record's whole content,
// identity included. Two records with the same facts and as-of date have the
// same fingerprint; a draft stores it to say which record its fact IDs refer
// to. The digest is not a pseudonym: it must not be sent where identifiers
// may not go, since anyone holding the record can recompute it.
func (r *Record) Fingerprint() string {
	r.fpOnce.Do(func() {
		doc := struct {
			AsOf          time.Time        `json:"as_of"`
			Demographics  Demographics     `json:"demographics"`
			Identity      Identity         `json:"identity"`
			Conditions    []Condition      `json:"conditions"`
			Medications   []Medication     `json:"medications"`
			Allergies     []Allergy        `json:"allergies"`
			Observations  []Observation    `json:"observations"`
			Encounters    []Encounter      `json:"encounters"`
			Procedures    []Procedure      `json:"procedures"`
			Immunizations []Immunization   `json:"immunizations"`
			CareTeam      []CareTeamMember `json:"care_team"`
			SocialNeeds   []SocialNeed     `json:"social_needs"`
			Notes         []Note           `json:"notes"`
		}{r.asOf.UTC(), r.demographics, r.identity, r.conditions, r.medications, r.allergies,
			r.observations, r.encounters, r.procedures, r.immunizations, r.careTeam, r.socialNeeds, r.notes}
		h := sha256.New()
		// Encoding plain structs of strings, numbers and times cannot fail.
		_ = json.NewEncoder(h).Encode(doc)
		r.fingerprint = hex.EncodeToString(h.Sum(nil))
	})
	return r.fingerprint
}

func (id Identity) clone() Identity {
	out := Identity{
		Name:        id.Name.clone(),
		Identifiers: slices.Clone(id.Identifiers),
		Telecom:     slices.Clone(id.Telecom),
	}
	for _, n := range id.OtherNames {
		out.OtherNames = append(out.OtherNames, n.clone())
	}
	for _, a := range id.Addresses {
		a.Lines = slices.Clone(a.Lines)
		out.Addresses = append(out.Addresses, a)
	}
	return out
}

func (n HumanName) clone() HumanName {
	n.Prefix = slices.Clone(n.Prefix)
	n.Given = slices.Clone(n.Given)
	n.Suffix = slices.Clone(n.Suffix)
	return n
}
