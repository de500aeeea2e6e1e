package patient

import (
	"slices"
	"strconv"
	"time"
)

// Rewrite says how [Record.Rewrite] changes a record's content. A nil
// function leaves what it would change as it is. Record.Rewrite calls the
// functions from its own goroutine, one call at a time.
type Rewrite struct {
	// Time maps every non-zero date and time of the record: the as-of
	// date, the demographics' birth and death dates, and every date of
	// every fact. A constant shift, the use it is made for, keeps the
	// record valid; a mapping that moves a fact after the as-of date or an
	// end before its start makes Rewrite fail.
	Time func(time.Time) time.Time
	// Text maps every non-empty free-text string of the facts: the strings
	// that are not enumerations, codes or code systems. TextField says
	// where each comes from.
	Text func(f TextField, s string) string
	// Identity maps the identity (names, identifiers, addresses, contact
	// points). It receives a copy it may modify.
	Identity func(Identity) Identity
}

// TextField says where a string passed to [Rewrite].Text comes from.
type TextField struct {
	// FactID is the ID of the fact that holds the string: "N2", or
	// [DemographicsID] for the demographics.
	FactID string
	// Kind is that fact's kind.
	Kind Kind
	// Name is the field's JSON name, with its path inside the fact when
	// it is nested: "source_id" (every kind), "text", "author" and "kind"
	// (notes), "name", "role" and "organization" (care team), "dose_text"
	// (medications), "reaction" (allergies), "description" (social needs),
	// "value.text" and "components[1].value.text" (observations), and the
	// display of every code: "code.display", "substance.display",
	// "vaccine.display", "type.display", "reason.display",
	// "value.code.display", "components[0].code.display",
	// "components[0].value.code.display".
	Name string
}

// Rewrite returns a new record whose content is r's passed through rw,
// with r's fact IDs.
//
// Every fact keeps its ID and its place in ID order, even where the
// rewritten content would sort differently (two notes written at the same
// time sort by their text, which a rewrite may change): content that cites
// r's fact IDs refers to the same facts in the rewritten record. Building
// the rewritten facts afresh could number them differently; that is why
// this method exists. The as-of date is mapped with the other dates, so
// ages and look-back windows computed against it are kept by a constant
// shift. r itself does not change.
//
// The result is checked like a built record. When it is invalid, Rewrite
// returns nil and every problem, joined, each a [*FieldError] wrapping one
// of the sentinels Build uses; a field's path indexes the facts of its kind
// in ID order ("notes[0].text" is the text of the first note).
func (r *Record) Rewrite(rw Rewrite) (*Record, error) {
	mapTime := func(t time.Time) time.Time {
		if t.IsZero() || rw.Time == nil {
			return t
		}
		return rw.Time(t)
	}
	text := func(id string, k Kind, name, s string) string {
		if s == "" || rw.Text == nil {
			return s
		}
		return rw.Text(TextField{FactID: id, Kind: k, Name: name}, s)
	}
	display := func(id string, k Kind, name string, c Code) Code {
		c.Display = text(id, k, name+".display", c.Display)
		return c
	}

	out := &Record{
		asOf:          mapTime(r.asOf),
		demographics:  r.demographics,
		identity:      r.identity.clone(),
		conditions:    slices.Clone(r.conditions),
		medications:   slices.Clone(r.medications),
		allergies:     slices.Clone(r.allergies),
		observations:  make([]Observation, len(r.observations)),
		encounters:    slices.Clone(r.encounters),
		procedures:    slices.Clone(r.procedures),
		immunizations: slices.Clone(r.immunizations),
		careTeam:      slices.Clone(r.careTeam),
		socialNeeds:   slices.Clone(r.socialNeeds),
		notes:         slices.Clone(r.notes),
		// The index maps IDs to positions, which do not change; it is
		// never written after Build, so the records may share it.
		index: r.index,
	}
	if rw.Identity != nil {
		out.identity = rw.Identity(out.identity).clone()
	}

	d := &out.demographics
	d.BirthDate = mapTime(d.BirthDate)
	d.Deceased = mapTime(d.Deceased)
	d.SourceID = text(DemographicsID, KindDemographics, "source_id", d.SourceID)

	for i := range out.conditions {
		x := &out.conditions[i]
		x.Onset, x.Abatement = mapTime(x.Onset), mapTime(x.Abatement)
		x.Code = display(x.ID, KindCondition, "code", x.Code)
		x.SourceID = text(x.ID, KindCondition, "source_id", x.SourceID)
	}
	for i := range out.medications {
		x := &out.medications[i]
		x.Start, x.End = mapTime(x.Start), mapTime(x.End)
		x.Code = display(x.ID, KindMedication, "code", x.Code)
		x.DoseText = text(x.ID, KindMedication, "dose_text", x.DoseText)
		x.SourceID = text(x.ID, KindMedication, "source_id", x.SourceID)
	}
	for i := range out.allergies {
		x := &out.allergies[i]
		x.Recorded = mapTime(x.Recorded)
		x.Substance = display(x.ID, KindAllergy, "substance", x.Substance)
		x.Reaction = text(x.ID, KindAllergy, "reaction", x.Reaction)
		x.SourceID = text(x.ID, KindAllergy, "source_id", x.SourceID)
	}
	for i, o := range r.observations {
		x := o.clone()
		k := x.FactKind()
		x.Effective = mapTime(x.Effective)
		x.Code = display(x.ID, k, "code", x.Code)
		x.Value = rewriteValue(x.ID, k, "value", x.Value, text, display)
		for j := range x.Components {
			c := &x.Components[j]
			p := "components[" + strconv.Itoa(j) + "]"
			c.Code = display(x.ID, k, p+".code", c.Code)
			c.Value = rewriteValue(x.ID, k, p+".value", c.Value, text, display)
		}
		x.SourceID = text(x.ID, k, "source_id", x.SourceID)
		out.observations[i] = x
	}
	for i := range out.encounters {
		x := &out.encounters[i]
		x.Start, x.End = mapTime(x.Start), mapTime(x.End)
		x.Type = display(x.ID, KindEncounter, "type", x.Type)
		x.Reason = display(x.ID, KindEncounter, "reason", x.Reason)
		x.SourceID = text(x.ID, KindEncounter, "source_id", x.SourceID)
	}
	for i := range out.procedures {
		x := &out.procedures[i]
		x.Performed = mapTime(x.Performed)
		x.Code = display(x.ID, KindProcedure, "code", x.Code)
		x.SourceID = text(x.ID, KindProcedure, "source_id", x.SourceID)
	}
	for i := range out.immunizations {
		x := &out.immunizations[i]
		x.Date = mapTime(x.Date)
		x.Vaccine = display(x.ID, KindImmunization, "vaccine", x.Vaccine)
		x.SourceID = text(x.ID, KindImmunization, "source_id", x.SourceID)
	}
	for i := range out.careTeam {
		x := &out.careTeam[i]
		x.Role = text(x.ID, KindCareTeam, "role", x.Role)
		x.Name = text(x.ID, KindCareTeam, "name", x.Name)
		x.Organization = text(x.ID, KindCareTeam, "organization", x.Organization)
		x.SourceID = text(x.ID, KindCareTeam, "source_id", x.SourceID)
	}
	for i := range out.socialNeeds {
		x := &out.socialNeeds[i]
		x.Recorded = mapTime(x.Recorded)
		x.Code = display(x.ID, KindSocialNeed, "code", x.Code)
		x.Description = text(x.ID, KindSocialNeed, "description", x.Description)
		x.SourceID = text(x.ID, KindSocialNeed, "source_id", x.SourceID)
	}
	for i := range out.notes {
		x := &out.notes[i]
		x.Time = mapTime(x.Time)
		x.Kind = text(x.ID, KindNote, "kind", x.Kind)
		x.Author = text(x.ID, KindNote, "author", x.Author)
		x.Text = text(x.ID, KindNote, "text", x.Text)
		x.SourceID = text(x.ID, KindNote, "source_id", x.SourceID)
	}

	if err := out.check(); err != nil {
		return nil, err
	}
	return out, nil
}

func rewriteValue(id string, k Kind, name string, v Value, text func(id string, k Kind, name, s string) string,
	display func(id string, k Kind, name string, c Code) Code) Value {
	switch v.Kind {
	case ValueText:
		v.Text = text(id, k, name+".text", v.Text)
	case ValueCode:
		v.Code = display(id, k, name+".code", v.Code)
	}
	return v
}

// check runs Build's checks over the record's content, facts in ID order.
// Every code system in the record is accepted: the record was built, so its
// systems were, and a rewrite does not change codes.
func (r *Record) check() error {
	systems := map[string]bool{}
	sys := func(c Code) {
		if c.System != "" {
			systems[c.System] = true
		}
	}
	b := NewBuilder(r.asOf, nil)
	b.SetDemographics(r.demographics)
	b.SetIdentity(r.identity)
	for _, x := range r.conditions {
		sys(x.Code)
	}
	for _, x := range r.medications {
		sys(x.Code)
	}
	for _, x := range r.allergies {
		sys(x.Substance)
	}
	for _, x := range r.observations {
		sys(x.Code)
		sys(x.Value.Code)
		for _, c := range x.Components {
			sys(c.Code)
			sys(c.Value.Code)
		}
	}
	for _, x := range r.encounters {
		sys(x.Type)
		sys(x.Reason)
	}
	for _, x := range r.procedures {
		sys(x.Code)
	}
	for _, x := range r.immunizations {
		sys(x.Vaccine)
	}
	for _, x := range r.socialNeeds {
		sys(x.Code)
	}
	if len(systems) > 0 {
		b.extra = systems
	}
	b.AddConditions(r.conditions...)
	b.AddMedications(r.medications...)
	b.AddAllergies(r.allergies...)
	b.AddObservations(r.observations...)
	b.AddEncounters(r.encounters...)
	b.AddProcedures(r.procedures...)
	b.AddImmunizations(r.immunizations...)
	b.AddCareTeam(r.careTeam...)
	b.AddSocialNeeds(r.socialNeeds...)
	b.AddNotes(r.notes...)
	_, err := b.Build()
	return err
}
