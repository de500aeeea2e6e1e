package patient_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

func TestBuildErrors(t *testing.T) {
	withDemo := func(mod func(*patient.Demographics)) *patient.Builder {
		d := demographics()
		mod(&d)
		return patient.NewBuilder(asOf, nil).SetDemographics(d)
	}
	cond := func(mod func(*patient.Condition)) *patient.Builder {
		c := patient.Condition{Code: snomed("44054006", "Diabetes mellitus type 2"), ClinicalStatus: patient.ClinicalActive, Onset: day("2010-01-01")}
		mod(&c)
		return newBuilder().AddConditions(c)
	}
	med := func(mod func(*patient.Medication)) *patient.Builder {
		m := patient.Medication{Code: rxnorm("6809", "metformin"), Status: patient.MedicationActive, Start: day("2020-01-01"),
			DailyDose: patient.Quantity{Value: 1000, Unit: "mg"}}
		mod(&m)
		return newBuilder().AddMedications(m)
	}
	allergy := func(mod func(*patient.Allergy)) *patient.Builder {
		a := patient.Allergy{Substance: snomed("91936005", "Allergy to penicillin"), Recorded: day("2001-01-01")}
		mod(&a)
		return newBuilder().AddAllergies(a)
	}
	obs := func(mod func(*patient.Observation)) *patient.Builder {
		o := bp(140, 90, "2026-10-01")
		o.Value = patient.Value{}
		mod(&o)
		return newBuilder().AddObservations(o)
	}
	labObs := func(mod func(*patient.Observation)) *patient.Builder {
		o := lab(loinc("4548-4", "HbA1c"), 7.5, "%", "2026-10-01")
		mod(&o)
		return newBuilder().AddObservations(o)
	}
	enc := func(mod func(*patient.Encounter)) *patient.Builder {
		e := patient.Encounter{Class: patient.EncounterAmbulatory, Start: day("2026-10-01")}
		mod(&e)
		return newBuilder().AddEncounters(e)
	}
	proc := func(mod func(*patient.Procedure)) *patient.Builder {
		p := patient.Procedure{Code: snomed("252160004", "Eye exam"), Performed: day("2025-01-01")}
		mod(&p)
		return newBuilder().AddProcedures(p)
	}
	imm := func(mod func(*patient.Immunization)) *patient.Builder {
		i := patient.Immunization{Vaccine: patient.Code{System: terminology.SystemCVX, Code: "140"}, Date: day("2025-10-01")}
		mod(&i)
		return newBuilder().AddImmunizations(i)
	}
	need := func(mod func(*patient.SocialNeed)) *patient.Builder {
		s := patient.SocialNeed{Description: "Food insecurity", Active: true, Recorded: day("2026-01-01")}
		mod(&s)
		return newBuilder().AddSocialNeeds(s)
	}
	note := func(mod func(*patient.Note)) *patient.Builder {
		n := patient.Note{Time: day("2026-10-01"), Text: "Feels well."}
		mod(&n)
		return newBuilder().AddNotes(n)
	}
	ident := func(mod func(*patient.Identity)) *patient.Builder {
		id := patient.Identity{
			Identifiers: []patient.Identifier{{Kind: patient.IdentifierMRN, Value: "MRN-1"}},
			Telecom:     []patient.ContactPoint{{Kind: patient.ContactEmail, Value: "x@example.org"}},
		}
		mod(&id)
		return newBuilder().SetIdentity(id)
	}
	future := day("2027-01-01")
	tests := []struct {
		name    string
		b       *patient.Builder
		field   string
		wantErr error
		reason  string
	}{
		// The record itself.
		{"missing as-of", patient.NewBuilder(time.Time{}, nil).SetDemographics(demographics()), "as_of", patient.ErrMissing,
			"ages and windows need an as-of date; the wall clock is never used"},
		{"as-of beyond year 9999", patient.NewBuilder(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), nil).SetDemographics(demographics()),
			"as_of", patient.ErrInvalid, "a date RFC 3339 cannot write would break the fingerprint"},
		{"as-of zone offset of a day", patient.NewBuilder(time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 25*3600)), nil).SetDemographics(demographics()),
			"as_of", patient.ErrInvalid, "a zone offset of a day or more cannot be written in RFC 3339"},
		{"missing demographics", patient.NewBuilder(asOf, nil), "demographics", patient.ErrMissing,
			"every record has demographics (D1)"},

		// Demographics.
		{"missing birth date", withDemo(func(d *patient.Demographics) { d.BirthDate = time.Time{} }), "demographics.birth_date", patient.ErrMissing,
			"ages need a birth date"},
		{"birth after as-of", withDemo(func(d *patient.Demographics) { d.BirthDate = future }), "demographics.birth_date", patient.ErrAfterAsOf,
			"nobody is born after the record's date"},
		{"birth year 0", withDemo(func(d *patient.Demographics) { d.BirthDate = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC) }),
			"demographics.birth_date", patient.ErrInvalid, "year 0 is no real birth date and cannot be fingerprinted"},
		{"deceased after as-of", withDemo(func(d *patient.Demographics) { d.Deceased = future }), "demographics.deceased", patient.ErrAfterAsOf,
			"a death after the as-of date is not yet known"},
		{"deceased before birth", withDemo(func(d *patient.Demographics) { d.Deceased = day("1949-01-01") }), "demographics.deceased", patient.ErrInvalid,
			"death cannot precede birth"},
		{"unknown sex", withDemo(func(d *patient.Demographics) { d.Sex = "F" }), "demographics.sex", patient.ErrInvalid,
			"only the FHIR AdministrativeGender values"},
		{"bad language", withDemo(func(d *patient.Demographics) { d.Language = "English" }), "demographics.language", patient.ErrInvalid,
			"a language is a BCP 47 tag"},
		{"bad language subtag", withDemo(func(d *patient.Demographics) { d.Language = "en--US" }), "demographics.language", patient.ErrInvalid,
			"empty subtags are malformed"},
		{"unknown channel", withDemo(func(d *patient.Demographics) { d.PreferredChannel = "pigeon" }), "demographics.preferred_channel", patient.ErrInvalid,
			"only the listed channels"},
		{"unknown literacy", withDemo(func(d *patient.Demographics) { d.HealthLiteracy = "high" }), "demographics.health_literacy", patient.ErrInvalid,
			"only the listed literacy levels"},

		// Identity.
		{"empty identifier value", ident(func(id *patient.Identity) { id.Identifiers[0].Value = "  " }), "identity.identifiers[0].value", patient.ErrMissing,
			"an identifier without a value identifies nothing"},
		{"missing identifier kind", ident(func(id *patient.Identity) { id.Identifiers[0].Kind = "" }), "identity.identifiers[0].kind", patient.ErrMissing,
			"de-identification needs to know what an identifier is"},
		{"unknown identifier kind", ident(func(id *patient.Identity) { id.Identifiers[0].Kind = "passport" }), "identity.identifiers[0].kind", patient.ErrInvalid,
			"only the listed identifier kinds"},
		{"empty telecom value", ident(func(id *patient.Identity) { id.Telecom[0].Value = "" }), "identity.telecom[0].value", patient.ErrMissing,
			"a contact point needs a value"},
		{"missing telecom kind", ident(func(id *patient.Identity) { id.Telecom[0].Kind = "" }), "identity.telecom[0].kind", patient.ErrMissing,
			"a contact point needs a kind"},
		{"unknown telecom kind", ident(func(id *patient.Identity) { id.Telecom[0].Kind = "telegram" }), "identity.telecom[0].kind", patient.ErrInvalid,
			"only the listed contact kinds"},

		// Codes, shown on conditions.
		{"unknown code system", cond(func(c *patient.Condition) { c.Code.System = "urn:local:problems" }), "conditions[0].code.system", patient.ErrUnknownCodeSystem,
			"a code from a system nobody declared cannot be matched against value sets"},
		{"code without system", cond(func(c *patient.Condition) { c.Code.System = "" }), "conditions[0].code.system", patient.ErrMissing,
			"a code means nothing without its system"},
		{"missing code", cond(func(c *patient.Condition) { c.Code = patient.Code{System: terminology.SystemSNOMED} }), "conditions[0].code", patient.ErrMissing,
			"a condition needs a code or at least a display"},

		// Conditions.
		{"missing clinical status", cond(func(c *patient.Condition) { c.ClinicalStatus = "" }), "conditions[0].clinical_status", patient.ErrMissing,
			"whether a condition is active decides most rules"},
		{"unknown clinical status", cond(func(c *patient.Condition) { c.ClinicalStatus = "chronic" }), "conditions[0].clinical_status", patient.ErrInvalid,
			"only FHIR condition-clinical values"},
		{"refuted", cond(func(c *patient.Condition) { c.Verification = "refuted" }), "conditions[0].verification", patient.ErrInvalid,
			"a refuted condition is not a fact and must not be cited"},
		{"entered in error", cond(func(c *patient.Condition) { c.Verification = "entered-in-error" }), "conditions[0].verification", patient.ErrInvalid,
			"an entered-in-error condition is not a fact"},
		{"onset after as-of", cond(func(c *patient.Condition) { c.Onset = future }), "conditions[0].onset", patient.ErrAfterAsOf,
			"the record cannot know the future"},
		{"abatement after as-of", cond(func(c *patient.Condition) { c.Abatement = future; c.ClinicalStatus = patient.ClinicalResolved }),
			"conditions[0].abatement", patient.ErrAfterAsOf, "an abatement is observed, not planned"},
		{"abatement before onset", cond(func(c *patient.Condition) { c.Abatement = day("2009-01-01") }), "conditions[0].abatement", patient.ErrInvalid,
			"a condition cannot end before it starts"},

		// Medications.
		{"medication missing code", med(func(m *patient.Medication) { m.Code = patient.Code{} }), "medications[0].code", patient.ErrMissing,
			"a medication needs a code or a name"},
		{"medication unknown system", med(func(m *patient.Medication) { m.Code.System = "urn:local:formulary" }), "medications[0].code.system", patient.ErrUnknownCodeSystem,
			"local formulary codes need ExtraCodeSystems"},
		{"medication missing status", med(func(m *patient.Medication) { m.Status = "" }), "medications[0].status", patient.ErrMissing,
			"whether a medication is current decides interaction checks"},
		{"medication unknown status", med(func(m *patient.Medication) { m.Status = "paused" }), "medications[0].status", patient.ErrInvalid,
			"only the listed statuses"},
		{"negative daily dose", med(func(m *patient.Medication) { m.DailyDose.Value = -500 }), "medications[0].daily_dose.value", patient.ErrNegativeQuantity,
			"a dose cannot be negative"},
		{"NaN daily dose", med(func(m *patient.Medication) { m.DailyDose.Value = math.NaN() }), "medications[0].daily_dose.value", patient.ErrInvalid,
			"NaN is not a dose"},
		{"infinite daily dose", med(func(m *patient.Medication) { m.DailyDose.Value = math.Inf(1) }), "medications[0].daily_dose.value", patient.ErrInvalid,
			"infinity is not a dose"},
		{"bad dose comparator", med(func(m *patient.Medication) { m.DailyDose.Comparator = "~" }), "medications[0].daily_dose.comparator", patient.ErrInvalid,
			"only <, <=, >=, >"},
		{"active start after as-of", med(func(m *patient.Medication) { m.Start = future }), "medications[0].start", patient.ErrAfterAsOf,
			"only an intended medication may start later"},
		{"medication end before start", med(func(m *patient.Medication) { m.End = day("2019-01-01") }), "medications[0].end", patient.ErrInvalid,
			"a medication cannot stop before it starts"},
		{"intended end before start", med(func(m *patient.Medication) {
			m.Status, m.Start, m.End = patient.MedicationIntended, day("2027-02-01"), day("2027-01-01")
		}), "medications[0].end", patient.ErrInvalid, "an intended medication's dates are still ordered"},
		{"medication end beyond 9999", med(func(m *patient.Medication) { m.End = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }),
			"medications[0].end", patient.ErrInvalid, "a future end may be anything writable, not anything at all"},

		// Allergies.
		{"allergy missing substance", allergy(func(a *patient.Allergy) { a.Substance = patient.Code{} }), "allergies[0].substance", patient.ErrMissing,
			"an allergy is to something"},
		{"allergy unknown category", allergy(func(a *patient.Allergy) { a.Category = "drug" }), "allergies[0].category", patient.ErrInvalid,
			"only FHIR allergy categories"},
		{"allergy unknown criticality", allergy(func(a *patient.Allergy) { a.Criticality = "severe" }), "allergies[0].criticality", patient.ErrInvalid,
			"only FHIR criticalities"},
		{"allergy unknown status", allergy(func(a *patient.Allergy) { a.Status = "refuted" }), "allergies[0].status", patient.ErrInvalid,
			"only active, inactive, resolved"},
		{"allergy recorded after as-of", allergy(func(a *patient.Allergy) { a.Recorded = future }), "allergies[0].recorded", patient.ErrAfterAsOf,
			"the record cannot know the future"},

		// Observations.
		{"observation missing code", labObs(func(o *patient.Observation) { o.Code = patient.Code{} }), "observations[0].code", patient.ErrMissing,
			"an observation measures something"},
		{"observation missing category", labObs(func(o *patient.Observation) { o.Category = "" }), "observations[0].category", patient.ErrMissing,
			"the category decides the L/V/O prefix"},
		{"observation unknown category", labObs(func(o *patient.Observation) { o.Category = "lab" }), "observations[0].category", patient.ErrInvalid,
			"only FHIR observation-category codes"},
		{"observation missing effective", labObs(func(o *patient.Observation) { o.Effective = time.Time{} }), "observations[0].effective", patient.ErrMissing,
			"latest-value rules need a date"},
		{"observation after as-of", labObs(func(o *patient.Observation) { o.Effective = future }), "observations[0].effective", patient.ErrAfterAsOf,
			"the record cannot know the future"},
		{"observation no value", labObs(func(o *patient.Observation) { o.Value = patient.Value{} }), "observations[0].value", patient.ErrMissing,
			"an observation without value or components says nothing"},
		{"observation NaN", labObs(func(o *patient.Observation) { o.Value.Quantity.Value = math.NaN() }), "observations[0].value.quantity.value", patient.ErrInvalid,
			"NaN is not a result"},
		{"observation -Inf", labObs(func(o *patient.Observation) { o.Value.Quantity.Value = math.Inf(-1) }), "observations[0].value.quantity.value", patient.ErrInvalid,
			"infinity is not a result"},
		{"observation bad comparator", labObs(func(o *patient.Observation) { o.Value.Quantity.Comparator = "=<" }), "observations[0].value.quantity.comparator", patient.ErrInvalid,
			"only <, <=, >=, >"},
		{"observation unknown value kind", labObs(func(o *patient.Observation) { o.Value.Kind = "range" }), "observations[0].value.kind", patient.ErrInvalid,
			"only the listed value kinds"},
		{"observation stray field", labObs(func(o *patient.Observation) {
			o.Value = patient.Value{Kind: patient.ValueText, Text: "high", Quantity: patient.Quantity{Value: 9}}
		}),
			"observations[0].value.kind", patient.ErrInvalid, "a value holds one result; a field its kind ignores is a mapping bug"},
		{"observation stray NaN", labObs(func(o *patient.Observation) {
			o.Value = patient.Value{Kind: patient.ValueBool, Bool: true, Quantity: patient.Quantity{Value: math.NaN()}}
		}),
			"observations[0].value.kind", patient.ErrInvalid, "an unchecked NaN would make the fingerprint unencodable"},
		{"observation kindless value", labObs(func(o *patient.Observation) { o.Value.Kind = patient.ValueNone }),
			"observations[0].value.kind", patient.ErrInvalid, "a quantity without its kind would be silently ignored"},
		{"observation empty text", labObs(func(o *patient.Observation) { o.Value = patient.TextValue(" ") }), "observations[0].value.text", patient.ErrMissing,
			"a blank text value says nothing"},
		{"observation value code unknown system", labObs(func(o *patient.Observation) { o.Value = patient.CodeValue(patient.Code{System: "urn:x", Code: "1"}) }),
			"observations[0].value.code.system", patient.ErrUnknownCodeSystem, "coded values are checked like any code"},
		{"observation value code empty", labObs(func(o *patient.Observation) { o.Value = patient.CodeValue(patient.Code{}) }),
			"observations[0].value.code", patient.ErrMissing, "a coded value needs a code"},
		{"component missing code", obs(func(o *patient.Observation) { o.Components[0].Code = patient.Code{} }), "observations[0].components[0].code", patient.ErrMissing,
			"a component measures something"},
		{"component unknown system", obs(func(o *patient.Observation) { o.Components[1].Code.System = "urn:x" }), "observations[0].components[1].code.system", patient.ErrUnknownCodeSystem,
			"component codes are checked like any code"},
		{"component missing value", obs(func(o *patient.Observation) { o.Components[1].Value = patient.Value{} }), "observations[0].components[1].value", patient.ErrMissing,
			"a component without a value says nothing"},
		{"unknown observation status", obs(func(o *patient.Observation) { o.Status = "cancelled" }), "observations[0].status", patient.ErrInvalid,
			"cancelled results are not facts; only final, preliminary, amended and corrected are kept"},
		{"negative systolic", obs(func(o *patient.Observation) { o.Components[0].Value.Quantity.Value = -120 }), "observations[0].components[0].value.quantity.value", patient.ErrNegativeQuantity,
			"a blood pressure cannot be negative"},
		{"negative HbA1c", obs(func(o *patient.Observation) {
			o.Code, o.Components, o.Category = loinc("4548-4", "Hemoglobin A1c"), nil, patient.CategoryLaboratory
			o.Value = patient.QuantityValue(-7.1, "%")
		}), "observations[0].value.quantity.value", patient.ErrNegativeQuantity, "known non-negative measurements are checked"},
		{"component NaN", obs(func(o *patient.Observation) { o.Components[0].Value.Quantity.Value = math.NaN() }), "observations[0].components[0].value.quantity.value", patient.ErrInvalid,
			"component quantities are checked like any quantity"},
		{"component +Inf", obs(func(o *patient.Observation) { o.Components[1].Value.Quantity.Value = math.Inf(1) }), "observations[0].components[1].value.quantity.value", patient.ErrInvalid,
			"component quantities are checked like any quantity"},
		{"component bad comparator", obs(func(o *patient.Observation) { o.Components[0].Value.Quantity.Comparator = "!" }), "observations[0].components[0].value.quantity.comparator", patient.ErrInvalid,
			"component comparators are checked too"},

		// Encounters.
		{"encounter missing class", enc(func(e *patient.Encounter) { e.Class = "" }), "encounters[0].class", patient.ErrMissing,
			"the setting matters to follow-up rules"},
		{"encounter unknown class", enc(func(e *patient.Encounter) { e.Class = "AMB" }), "encounters[0].class", patient.ErrInvalid,
			"only the listed classes"},
		{"encounter missing start", enc(func(e *patient.Encounter) { e.Start = time.Time{} }), "encounters[0].start", patient.ErrMissing,
			"an encounter happens at a time"},
		{"encounter start after as-of", enc(func(e *patient.Encounter) { e.Start = future }), "encounters[0].start", patient.ErrAfterAsOf,
			"a future visit is an appointment, not an encounter"},
		{"encounter end before start", enc(func(e *patient.Encounter) { e.End = day("2026-09-30") }), "encounters[0].end", patient.ErrInvalid,
			"an encounter cannot end before it starts"},
		{"encounter type unknown system", enc(func(e *patient.Encounter) { e.Type = patient.Code{System: "urn:x", Code: "1"} }), "encounters[0].type.system", patient.ErrUnknownCodeSystem,
			"optional codes are checked when given"},
		{"encounter reason without system", enc(func(e *patient.Encounter) { e.Reason = patient.Code{Code: "1"} }), "encounters[0].reason.system", patient.ErrMissing,
			"optional codes are checked when given"},

		// Procedures and immunizations.
		{"procedure missing code", proc(func(p *patient.Procedure) { p.Code = patient.Code{} }), "procedures[0].code", patient.ErrMissing,
			"a procedure is something"},
		{"procedure missing date", proc(func(p *patient.Procedure) { p.Performed = time.Time{} }), "procedures[0].performed", patient.ErrMissing,
			"care gaps need the date"},
		{"procedure after as-of", proc(func(p *patient.Procedure) { p.Performed = future }), "procedures[0].performed", patient.ErrAfterAsOf,
			"a planned procedure is not a fact"},
		{"immunization missing vaccine", imm(func(i *patient.Immunization) { i.Vaccine = patient.Code{} }), "immunizations[0].vaccine", patient.ErrMissing,
			"an immunization is with something"},
		{"immunization missing date", imm(func(i *patient.Immunization) { i.Date = time.Time{} }), "immunizations[0].date", patient.ErrMissing,
			"care gaps need the date"},
		{"immunization after as-of", imm(func(i *patient.Immunization) { i.Date = future }), "immunizations[0].date", patient.ErrAfterAsOf,
			"a future dose is not given yet"},

		// Care team, social needs, notes.
		{"care team missing role", newBuilder().AddCareTeam(patient.CareTeamMember{Name: "Dr Invented"}), "care_team[0].role", patient.ErrMissing,
			"a member is cited by role"},
		{"social need missing description", need(func(s *patient.SocialNeed) { s.Description = " " }), "social_needs[0].description", patient.ErrMissing,
			"a need without description or coded display says nothing"},
		{"social need after as-of", need(func(s *patient.SocialNeed) { s.Recorded = future }), "social_needs[0].recorded", patient.ErrAfterAsOf,
			"the record cannot know the future"},
		{"social need unknown system", need(func(s *patient.SocialNeed) { s.Code = patient.Code{System: "urn:x", Code: "1"} }), "social_needs[0].code.system", patient.ErrUnknownCodeSystem,
			"optional codes are checked when given"},
		{"empty note text", note(func(n *patient.Note) { n.Text = "" }), "notes[0].text", patient.ErrMissing,
			"an empty note says nothing"},
		{"blank note text", note(func(n *patient.Note) { n.Text = " \n\t" }), "notes[0].text", patient.ErrMissing,
			"white space is empty"},
		{"note missing time", note(func(n *patient.Note) { n.Time = time.Time{} }), "notes[0].time", patient.ErrMissing,
			"a note is written at a time"},
		{"note after as-of", note(func(n *patient.Note) { n.Time = future }), "notes[0].time", patient.ErrAfterAsOf,
			"the record cannot know the future"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := tt.b.Build()
			require.Error(t, err, tt.reason)
			assert.Nil(t, rec, "no record on error")
			require.ErrorIs(t, err, tt.wantErr, tt.reason)
			var fe *patient.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.field, fe.Field, tt.reason)
			assert.ErrorIs(t, fe, tt.wantErr)
			fes := fieldErrors(t, err)
			assert.Len(t, fes, 1, "exactly one problem: %v", err)
			assert.True(t, strings.HasPrefix(err.Error(), "patient: "+tt.field+": "), "message names the field: %q", err.Error())
		})
	}
}

func TestBuildAccepts(t *testing.T) {
	local := patient.Code{System: "urn:local:problems", Code: "P-17", Display: "Local problem"}
	tests := []struct {
		name   string
		b      *patient.Builder
		reason string
	}{
		{"extra code system", patient.NewBuilder(asOf, &patient.BuilderOptions{ExtraCodeSystems: []string{"urn:local:problems"}}).
			SetDemographics(demographics()).
			AddConditions(patient.Condition{Code: local, ClinicalStatus: patient.ClinicalActive}),
			"a deployer's local code system is accepted when declared"},
		{"text-only code", newBuilder().AddConditions(patient.Condition{Code: patient.Code{Display: "Chest pain"}, ClinicalStatus: patient.ClinicalActive}),
			"a concept with text and no code is allowed, as in FHIR"},
		{"intended medication starts later", newBuilder().AddMedications(patient.Medication{
			Code: rxnorm("197361", "Amlodipine 5 MG Oral Tablet"), Status: patient.MedicationIntended, Start: day("2027-01-01"), End: day("2027-06-01")}),
			"a planned medication may start after the as-of date"},
		{"planned end", newBuilder().AddMedications(patient.Medication{
			Code: rxnorm("197361", "Amlodipine"), Status: patient.MedicationActive, Start: day("2026-01-01"), End: day("2027-01-01")}),
			"a course may be planned to end after the as-of date"},
		{"encounter in progress", newBuilder().AddEncounters(patient.Encounter{Class: patient.EncounterInpatient, Start: day("2026-10-30"), End: day("2026-11-04")}),
			"an admission may be planned to end after the as-of date"},
		{"negative measurements", newBuilder().AddObservations(
			lab(loinc("11555-0", "Base excess"), -3.2, "mmol/L", "2026-10-01"),
			patient.Observation{Code: loinc("38269-7", "DXA bone density panel"), Category: patient.CategoryImaging, Effective: day("2026-10-01"),
				Components: []patient.Component{{Code: loinc("38267-7", "DXA femoral neck T-score"), Value: patient.QuantityValue(-2.6, "{T-score}")}}}),
			"measurements can be negative: base excess, a bone-density T-score"},
		{"censored value", newBuilder().AddObservations(patient.Observation{Code: loinc("14959-1", "UACR"), Category: patient.CategoryLaboratory,
			Value: patient.Value{Kind: patient.ValueQuantity, Quantity: patient.Quantity{Value: 3, Unit: "mg/g", Comparator: "<"}}, Effective: day("2026-10-01")}),
			"a censored result carries a comparator"},
		{"zero dose", newBuilder().AddMedications(patient.Medication{Code: rxnorm("6809", "metformin"), Status: patient.MedicationOnHold,
			DailyDose: patient.Quantity{Unit: "mg"}}), "zero is not negative"},
		{"dates on as-of", newBuilder().AddObservations(lab(loinc("4548-4", "HbA1c"), 7, "%", "2026-11-01")).
			AddNotes(patient.Note{Time: asOf, Text: "Seen today."}),
			"the as-of instant itself is not after the as-of date"},
		{"all enums", patient.NewBuilder(asOf, nil).SetDemographics(patient.Demographics{BirthDate: day("1950-01-01"), Deceased: asOf,
			Language: "zh-Hant-TW", PreferredChannel: patient.ChannelInPerson, HealthLiteracy: patient.LiteracyMarginal}),
			"an empty sex defaults to unknown; a three-subtag language tag is fine"},
		{"full record", fullFacts().add(newBuilder()), "one of everything"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := tt.b.Build()
			require.NoError(t, err, tt.reason)
			require.NotNil(t, rec)
		})
	}
}

func TestBuildDefaults(t *testing.T) {
	rec, err := patient.NewBuilder(asOf, nil).SetDemographics(patient.Demographics{BirthDate: day("1950-01-01")}).
		AddAllergies(patient.Allergy{Substance: snomed("91936005", "Allergy to penicillin")}).
		AddConditions(patient.Condition{ID: "mine", Code: snomed("44054006", ""), ClinicalStatus: patient.ClinicalActive}).
		Build()
	require.NoError(t, err)
	assert.Equal(t, patient.SexUnknown, rec.Demographics().Sex, "an empty sex becomes unknown")
	assert.Equal(t, patient.AllergyActive, rec.Allergies()[0].Status, "an allergy is active unless said otherwise")
	assert.True(t, rec.Allergies()[0].Active())
	assert.Equal(t, "C1", rec.Conditions()[0].ID, "IDs given to the builder are ignored")
	assert.False(t, rec.Has("mine"))
}

func TestBuildJoinsErrors(t *testing.T) {
	rec, err := patient.NewBuilder(asOf, nil).
		SetDemographics(patient.Demographics{Sex: "x"}).
		AddConditions(
			patient.Condition{Code: snomed("44054006", ""), ClinicalStatus: patient.ClinicalActive},
			patient.Condition{Code: patient.Code{System: "urn:x", Code: "1"}, ClinicalStatus: "?"},
		).
		AddMedications(patient.Medication{Code: rxnorm("6809", ""), Status: patient.MedicationActive, DailyDose: patient.Quantity{Value: -1}}).
		AddNotes(patient.Note{Time: day("2026-01-01")}).
		Build()
	require.Error(t, err)
	assert.Nil(t, rec)
	var got []string
	for _, fe := range fieldErrors(t, err) {
		got = append(got, fe.Field)
	}
	assert.Equal(t, []string{
		"demographics.birth_date",
		"demographics.sex",
		"conditions[1].code.system",
		"conditions[1].clinical_status",
		"medications[0].daily_dose.value",
		"notes[0].text",
	}, got, "every problem is reported, in input order, with indexes as added")
	for _, want := range []error{patient.ErrMissing, patient.ErrInvalid, patient.ErrUnknownCodeSystem, patient.ErrNegativeQuantity} {
		assert.ErrorIs(t, err, want)
	}
	assert.NotErrorIs(t, err, patient.ErrAfterAsOf)
}

// TestBuildErrorsHoldNoPHI checks that error messages name fields and
// rules, never the values given: they are safe to log.
func TestBuildErrorsHoldNoPHI(t *testing.T) {
	secretDate := time.Date(2031, 7, 19, 13, 37, 0, 0, time.UTC)
	_, err := patient.NewBuilder(asOf, nil).
		SetDemographics(patient.Demographics{BirthDate: secretDate, Sex: "Zelda-sex", Language: "Quuxish-language", Deceased: day("1901-02-03")}).
		SetIdentity(patient.Identity{
			Name:        patient.HumanName{Given: []string{"Zelda"}, Family: "Quuxley"},
			Identifiers: []patient.Identifier{{Kind: "passport-K99", Value: "MRN-8675309"}},
			Telecom:     []patient.ContactPoint{{Kind: "pager-Z", Value: "555-867-5309"}},
		}).
		AddConditions(patient.Condition{Code: patient.Code{System: "urn:local:x", Code: "SECRET-CODE", Display: "Zelda's secret diagnosis"},
			ClinicalStatus: "secret-status", Onset: secretDate}).
		AddMedications(patient.Medication{Code: patient.Code{Code: "RX-SECRET", Display: "Secret pill"}, Status: "secret-med-status",
			DoseText: "take SECRETLY", DailyDose: patient.Quantity{Value: -8675309, Unit: "secret-unit", Comparator: "secret-cmp"}}).
		AddObservations(patient.Observation{Code: loinc("4548-4", "HbA1c"), Category: "secret-category",
			Value: patient.Value{Kind: patient.ValueText, Text: "Zelda result", Quantity: patient.Quantity{Value: 8675309}}, Effective: secretDate}).
		AddNotes(patient.Note{Author: "Dr Quuxley", Time: secretDate, Text: "Zelda told me her secret"}).
		AddCareTeam(patient.CareTeamMember{Name: "Dr Quuxley"}).
		AddSocialNeeds(patient.SocialNeed{Description: " ", Code: patient.Code{System: "urn:local:y", Code: "SECRET-NEED"}, Recorded: secretDate}).
		Build()
	require.Error(t, err)
	msg := err.Error()
	assert.Greater(t, len(fieldErrors(t, err)), 15, "many problems, to exercise many messages")
	for _, leak := range []string{"Zelda", "Quux", "SECRET", "secret", "8675309", "2031", "07-19", "13:37", "1901", "passport", "pager",
		"Secret pill", "K99"} {
		assert.NotContains(t, msg, leak, "error messages never contain field values")
	}
	assert.Contains(t, msg, "urn:local:x", "an unknown code system's URI is named, so it can be declared")
}

func TestBuildTwiceAndAfterMore(t *testing.T) {
	b := newBuilder().AddConditions(patient.Condition{Code: snomed("44054006", ""), ClinicalStatus: patient.ClinicalActive, Onset: day("2010-01-01")})
	r1, err := b.Build()
	require.NoError(t, err)
	r2, err := b.Build()
	require.NoError(t, err)
	assert.NotSame(t, r1, r2, "each Build returns a new record")
	assert.Equal(t, r1.Fingerprint(), r2.Fingerprint(), "building the same input twice gives the same record")

	b.AddConditions(patient.Condition{Code: snomed("38341003", ""), ClinicalStatus: patient.ClinicalActive, Onset: day("2008-01-01")})
	r3, err := b.Build()
	require.NoError(t, err)
	assert.Equal(t, 1, r1.Len()-1, "a record does not change when its builder gets more facts")
	assert.Len(t, r3.Conditions(), 2)
	assert.NotEqual(t, r1.Fingerprint(), r3.Fingerprint())
	c1, _ := r3.Fact("C1")
	assert.Equal(t, "38341003", c1.(patient.Condition).Code.Code, "the earlier onset now sorts first: adding may renumber")

	b.AddNotes(patient.Note{})
	_, err = b.Build()
	require.Error(t, err, "a bad fact added later fails the next Build")
	assert.Len(t, r3.Notes(), 0, "and leaves earlier records alone")
}

func TestFieldError(t *testing.T) {
	fe := &patient.FieldError{Field: "conditions[0].code", Err: patient.ErrMissing}
	assert.Equal(t, "patient: conditions[0].code: required value missing", fe.Error(), "the sentinel's prefix is not repeated")
	assert.Equal(t, patient.ErrMissing, errors.Unwrap(fe))
	assert.Equal(t, "patient: x", (&patient.FieldError{Field: "x"}).Error())
	other := &patient.FieldError{Field: "x", Err: errors.New("other: thing")}
	assert.Equal(t, "patient: x: other: thing", other.Error())
}

func TestValueAndQuantityString(t *testing.T) {
	tests := []struct {
		name   string
		v      patient.Value
		want   string
		reason string
	}{
		{"quantity", patient.QuantityValue(7.25, "%"), "7.25 %", "shortest exact decimal and unit"},
		{"quantity no unit", patient.QuantityValue(3, ""), "3", "no trailing space"},
		{"censored", patient.Value{Kind: patient.ValueQuantity, Quantity: patient.Quantity{Value: 5, Unit: "mg/dL", Comparator: "<"}}, "<5 mg/dL", "comparator first"},
		{"negative", patient.QuantityValue(-2.5, "{T-score}"), "-2.5 {T-score}", "negative measurements print as such"},
		{"text", patient.TextValue("positive"), "positive", "text as is"},
		{"code display", patient.CodeValue(snomed("8517006", "Ex-smoker")), "Ex-smoker", "a code by its display"},
		{"code only", patient.CodeValue(snomed("8517006", "")), "8517006", "or its code"},
		{"bool", patient.BoolValue(true), "true", "booleans as words"},
		{"none", patient.Value{}, "", "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.v.String(), tt.reason)
		})
	}
	assert.True(t, patient.Quantity{}.IsZero())
	assert.False(t, patient.Quantity{Unit: "mg"}.IsZero())
	assert.Equal(t, "152 mm[Hg] / 94 mm[Hg]", bp(152, 94, "2026-01-01").String(), "a panel joins its components")
	assert.Equal(t, "7.5 %", lab(loinc("4548-4", ""), 7.5, "%", "2026-01-01").String())
}
