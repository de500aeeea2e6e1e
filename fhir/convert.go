package fhir

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// convert turns one resource into facts, or keeps it raw.
func (d *decoder) convert(e *entry) error {
	if e.dup {
		d.notice(e, true, ReasonDuplicate)
		return nil
	}
	switch e.typ {
	case "Patient":
		return d.convPatient(e)
	case "Condition":
		return d.convCondition(e)
	case "MedicationRequest":
		return d.convMedicationRequest(e)
	case "MedicationStatement":
		return d.convMedicationStatement(e)
	case "AllergyIntolerance":
		return d.convAllergy(e)
	case "Observation":
		return d.convObservation(e)
	case "Encounter":
		return d.convEncounter(e)
	case "Procedure":
		return d.convProcedure(e)
	case "Immunization":
		return d.convImmunization(e)
	case "CareTeam":
		return d.convCareTeam(e)
	case "DocumentReference":
		return d.convDocument(e)
	}
	if !e.checked && !json.Valid(e.raw) {
		var v any
		return d.fail(jsonError(e.doc, e.idx, e.ptr, e.raw, json.Unmarshal(e.raw, &v)))
	}
	d.res.Other = append(d.res.Other, RawResource{Doc: e.doc, Entry: e.idx, Pointer: e.ptr, FullURL: e.fullURL,
		ResourceType: e.typ, ID: e.id, JSON: append(json.RawMessage(nil), e.raw...)})
	return nil
}

// unmarshal decodes e into v; ok is false when it could not (the problem is
// recorded).
func (d *decoder) unmarshal(e *entry, v any) (bool, error) {
	if err := json.Unmarshal(e.raw, v); err != nil {
		return false, d.fail(jsonError(e.doc, e.idx, e.ptr, e.raw, err))
	}
	return true, nil
}

func (d *decoder) errAt(e *entry, sub string, err error) error {
	return d.fail(&DecodeError{Doc: e.doc, Entry: e.idx, Pointer: e.ptr + sub, Err: err})
}

func (d *decoder) notice(e *entry, excluded bool, r Reason) {
	d.res.Notices = append(d.res.Notices, Notice{Doc: e.doc, Entry: e.idx, Pointer: e.ptr, ResourceType: e.typ,
		ID: e.id, Excluded: excluded, Reason: r})
}

// source records that the next fact added to list came from e, so builder
// errors can be located.
func (d *decoder) source(list string, e *entry) { d.srcs[list] = append(d.srcs[list], e) }

// date parses an optional date element; ok is false if it is malformed
// (the problem is recorded).
func (d *decoder) date(e *entry, sub, s string) (time.Time, bool, error) {
	if s == "" {
		return time.Time{}, true, nil
	}
	t, ok := parseDateTime(s)
	if !ok {
		return time.Time{}, false, d.errAt(e, sub, wrapf(ErrInvalid, "not a FHIR date or dateTime"))
	}
	return t, true, nil
}

// afterAsOf reports whether t lies after the as-of date, in which case the
// resource is left out with a notice, or rejected.
func (d *decoder) afterAsOf(e *entry, sub string, t time.Time) (bool, error) {
	if t.IsZero() || !t.After(d.opts.AsOf) {
		return false, nil
	}
	if d.opts.RejectAfterAsOf {
		return true, d.errAt(e, sub, ErrAfterAsOf)
	}
	d.notice(e, true, ReasonAfterAsOf)
	return true, nil
}

// subject checks that a resource is about the record's patient. An absent
// subject is accepted: in a one-patient input it can be about no one else.
func (d *decoder) subject(e *entry, ref *Reference, sub string) (bool, error) {
	if ref == nil || ref.Reference == "" {
		return true, nil
	}
	_, target, found := d.resolve(e, ref.Reference)
	switch {
	case !found:
		return false, d.errAt(e, sub+"/reference", ErrDanglingReference)
	case target == nil || target.typ != "Patient":
		return false, d.errAt(e, sub+"/reference", wrapf(ErrResourceType, "the subject must be a Patient"))
	}
	// Any Patient found is the record's: findPatient rejected inputs
	// holding two.
	return true, nil
}

// code picks the coding careguard keeps from a concept: the first from a
// preferred system, else the first from any known system, else the
// concept's text (or a coding's display) with no code. ok is false when
// the concept holds nothing usable.
func (d *decoder) code(e *entry, cc *CodeableConcept, prefer ...string) (patient.Code, bool) {
	if cc == nil {
		return patient.Code{}, false
	}
	pick := -1
	for _, sys := range prefer {
		for i, c := range cc.Coding {
			if c.System == sys && c.Code != "" {
				pick = i
				break
			}
		}
		if pick >= 0 {
			break
		}
	}
	if pick < 0 {
		for i, c := range cc.Coding {
			if c.Code != "" && d.known(c.System) {
				pick = i
				break
			}
		}
	}
	if pick >= 0 {
		c := cc.Coding[pick]
		disp := c.Display
		if disp == "" {
			disp = cc.Text
		}
		return patient.Code{System: c.System, Code: strings.TrimSpace(c.Code), Display: disp}, true
	}
	text := strings.TrimSpace(cc.Text)
	for _, c := range cc.Coding {
		if text == "" {
			text = strings.TrimSpace(c.Display)
		}
	}
	if text == "" {
		return patient.Code{}, false
	}
	if len(cc.Coding) > 0 {
		d.notice(e, false, ReasonCodeUnknown)
	}
	return patient.Code{Display: text}, true
}

// statusCode returns the first code of a status concept.
func statusCode(cc *CodeableConcept) string {
	if cc == nil {
		return ""
	}
	for _, c := range cc.Coding {
		if c.Code != "" {
			return c.Code
		}
	}
	return strings.TrimSpace(cc.Text)
}

func (d *decoder) convPatient(e *entry) error {
	var p Patient
	if ok, err := d.unmarshal(e, &p); !ok {
		return err
	}
	var demo patient.Demographics
	t, ok, err := d.date(e, "/birthDate", p.BirthDate)
	if !ok {
		return err
	}
	if t.IsZero() {
		return d.errAt(e, "/birthDate", ErrMissing)
	}
	demo.BirthDate = t
	switch p.Gender {
	case "male":
		demo.Sex = patient.SexMale
	case "female":
		demo.Sex = patient.SexFemale
	case "other":
		demo.Sex = patient.SexOther
	case "unknown", "":
		demo.Sex = patient.SexUnknown
	default:
		return d.errAt(e, "/gender", wrapf(ErrInvalid, "not an administrative gender"))
	}
	if p.DeceasedDateTime != "" {
		t, ok, err := d.date(e, "/deceasedDateTime", p.DeceasedDateTime)
		if !ok {
			return err
		}
		demo.Deceased = t
	} else if p.DeceasedBoolean != nil && *p.DeceasedBoolean {
		demo.DeceasedDateUnknown = true
	}
	demo.SourceID = e.ref()
	lang := ""
	for _, c := range p.Communication {
		code := statusCode(&c.Language)
		if code == "" {
			continue
		}
		if lang == "" || (c.Preferred != nil && *c.Preferred) {
			lang = code
		}
	}
	if validLanguage(lang) {
		demo.Language = lang
	}
	d.b.SetDemographics(demo)

	var id patient.Identity
	// The official name, else the usual one, else the first is the name;
	// the others are other names.
	main := -1
	for _, use := range [...]string{"official", "usual"} {
		for i, n := range p.Name {
			if main < 0 && n.Use == use {
				main = i
			}
		}
	}
	if main < 0 && len(p.Name) > 0 {
		main = 0
	}
	for i, n := range p.Name {
		if i == main {
			id.Name = humanName(n)
		} else {
			id.OtherNames = append(id.OtherNames, humanName(n))
		}
	}
	for _, x := range p.Identifier {
		if strings.TrimSpace(x.Value) == "" {
			continue
		}
		id.Identifiers = append(id.Identifiers, patient.Identifier{Kind: identifierKind(x), System: x.System, Value: x.Value})
	}
	for _, a := range p.Address {
		lines := a.Line
		if len(lines) == 0 && a.Text != "" {
			lines = []string{a.Text}
		}
		id.Addresses = append(id.Addresses, patient.Address{Lines: lines, City: a.City, District: a.District,
			State: a.State, PostalCode: a.PostalCode, Country: a.Country})
	}
	for _, c := range p.Telecom {
		if strings.TrimSpace(c.Value) == "" {
			continue
		}
		id.Telecom = append(id.Telecom, patient.ContactPoint{Kind: contactKind(c.System), Value: c.Value})
	}
	d.b.SetIdentity(id)
	return nil
}

func humanName(n HumanName) patient.HumanName {
	return patient.HumanName{Text: n.Text, Prefix: n.Prefix, Given: n.Given, Family: n.Family, Suffix: n.Suffix}
}

// identifierKind classifies an identifier by its v2-0203 type code, or the
// US SSN system.
func identifierKind(x Identifier) patient.IdentifierKind {
	if x.System == "http://hl7.org/fhir/sid/us-ssn" {
		return patient.IdentifierSSN
	}
	if x.Type != nil {
		for _, c := range x.Type.Coding {
			switch c.Code {
			case "MR":
				return patient.IdentifierMRN
			case "SS", "SB":
				return patient.IdentifierSSN
			case "DL":
				return patient.IdentifierDriverLicense
			case "MB", "SN":
				return patient.IdentifierHealthPlan
			case "AN":
				return patient.IdentifierAccount
			}
		}
	}
	return patient.IdentifierOther
}

func contactKind(system string) patient.ContactKind {
	switch system {
	case "phone":
		return patient.ContactPhone
	case "fax":
		return patient.ContactFax
	case "email":
		return patient.ContactEmail
	case "url":
		return patient.ContactURL
	case "sms":
		return patient.ContactSMS
	}
	return patient.ContactOther
}

// validLanguage accepts the shape of a BCP 47 tag, as the record does.
func validLanguage(s string) bool {
	if s == "" {
		return false
	}
	for i, sub := range strings.Split(s, "-") {
		if len(sub) < 1 || len(sub) > 8 || (i == 0 && (len(sub) < 2 || len(sub) > 3)) {
			return false
		}
		for _, r := range sub {
			letter := (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
			if !letter && (i == 0 || r < '0' || r > '9') {
				return false
			}
		}
	}
	return true
}

func (d *decoder) convCondition(e *entry) error {
	var c Condition
	if ok, err := d.unmarshal(e, &c); !ok {
		return err
	}
	switch statusCode(c.VerificationStatus) {
	case "refuted":
		d.notice(e, true, ReasonRefuted)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if ok, err := d.subject(e, c.Subject, "/subject"); !ok {
		return err
	}
	code, ok := d.code(e, c.Code, terminology.SystemSNOMED, terminology.SystemICD10CM)
	if !ok {
		return d.errAt(e, "/code", ErrMissing)
	}
	out := patient.Condition{SourceID: e.ref(), Code: code}
	switch v := statusCode(c.VerificationStatus); v {
	case "", "confirmed":
	case "provisional":
		out.Verification = patient.VerificationProvisional
	case "differential":
		out.Verification = patient.VerificationDifferential
	case "unconfirmed":
		out.Verification = patient.VerificationUnconfirmed
	default:
		return d.errAt(e, "/verificationStatus", wrapf(ErrInvalid, "not a condition verification status"))
	}
	onsetStr, onsetPtr := c.OnsetDateTime, "/onsetDateTime"
	if onsetStr == "" && c.OnsetPeriod != nil {
		onsetStr, onsetPtr = c.OnsetPeriod.Start, "/onsetPeriod/start"
	}
	onset, ok, err := d.date(e, onsetPtr, onsetStr)
	if !ok {
		return err
	}
	abateStr, abatePtr := c.AbatementDateTime, "/abatementDateTime"
	if abateStr == "" && c.AbatementPeriod != nil {
		abateStr, abatePtr = c.AbatementPeriod.Start, "/abatementPeriod/start"
	}
	abated, ok, err := d.date(e, abatePtr, abateStr)
	if !ok {
		return err
	}
	recorded, ok, err := d.date(e, "/recordedDate", c.RecordedDate)
	if !ok {
		return err
	}
	if skip, err := d.afterAsOf(e, onsetPtr, onset); skip {
		return err
	}
	if skip, err := d.afterAsOf(e, "/recordedDate", recorded); skip {
		return err
	}
	out.Onset = onset
	abatedKnown := !abated.IsZero() || c.AbatementString != ""
	switch s := statusCode(c.ClinicalStatus); s {
	case "active":
		out.ClinicalStatus = patient.ClinicalActive
	case "recurrence":
		out.ClinicalStatus = patient.ClinicalRecurrence
	case "relapse":
		out.ClinicalStatus = patient.ClinicalRelapse
	case "inactive":
		out.ClinicalStatus = patient.ClinicalInactive
	case "remission":
		out.ClinicalStatus = patient.ClinicalRemission
	case "resolved":
		out.ClinicalStatus = patient.ClinicalResolved
	case "":
		out.ClinicalStatus = patient.ClinicalActive
		if abatedKnown {
			out.ClinicalStatus = patient.ClinicalResolved
		}
		d.notice(e, false, ReasonStatusInferred)
	default:
		return d.errAt(e, "/clinicalStatus", wrapf(ErrInvalid, "not a condition clinical status"))
	}
	if abated.After(d.opts.AsOf) {
		// At the as-of date the condition had not abated yet.
		out.ClinicalStatus = patient.ClinicalActive
		d.notice(e, false, ReasonAbatedAfterAsOf)
	} else {
		out.Abatement = abated
	}
	d.source("conditions", e)
	d.b.AddConditions(out)
	return nil
}

// medication resolves a medication[x] choice to a code.
func (d *decoder) medication(e *entry, cc *CodeableConcept, ref *Reference) (patient.Code, bool, error) {
	switch {
	case cc != nil && ref != nil:
		return patient.Code{}, false, d.errAt(e, "/medicationReference", wrapf(ErrInvalid, "both medicationCodeableConcept and medicationReference"))
	case cc != nil:
		code, ok := d.code(e, cc, terminology.SystemRxNorm)
		if !ok {
			return patient.Code{}, false, d.errAt(e, "/medicationCodeableConcept", ErrMissing)
		}
		return code, true, nil
	case ref != nil:
		raw, _, found := d.resolve(e, ref.Reference)
		if !found {
			return patient.Code{}, false, d.errAt(e, "/medicationReference/reference", ErrDanglingReference)
		}
		var m Medication
		if err := json.Unmarshal(raw, &m); err != nil || m.ResourceType != "Medication" {
			return patient.Code{}, false, d.errAt(e, "/medicationReference/reference", wrapf(ErrResourceType, "the target must be a Medication"))
		}
		code, ok := d.code(e, m.Code, terminology.SystemRxNorm)
		if !ok {
			if ref.Display == "" {
				return patient.Code{}, false, d.errAt(e, "/medicationReference", wrapf(ErrMissing, "the Medication has no code"))
			}
			code = patient.Code{Display: ref.Display}
		}
		return code, true, nil
	}
	return patient.Code{}, false, d.errAt(e, "/medicationCodeableConcept", ErrMissing)
}

// doseText renders a dosage instruction: its text, or its first dose and
// timing.
func doseText(ds []Dosage) string {
	if len(ds) == 0 {
		return ""
	}
	x := ds[0]
	if t := strings.TrimSpace(x.Text); t != "" {
		return t
	}
	var parts []string
	for _, dr := range x.DoseAndRate {
		if q := dr.DoseQuantity; q != nil && q.Value != nil {
			s := strconv.FormatFloat(*q.Value, 'f', -1, 64)
			if q.Unit != "" {
				s += " " + q.Unit
			}
			parts = append(parts, s)
			break
		}
	}
	if x.Timing != nil && x.Timing.Repeat != nil && x.Timing.Repeat.Frequency > 0 && x.Timing.Repeat.PeriodUnit != "" {
		r := x.Timing.Repeat
		parts = append(parts, strconv.Itoa(r.Frequency)+" time(s) per "+strconv.FormatFloat(r.Period, 'f', -1, 64)+" "+r.PeriodUnit)
	}
	if x.AsNeededBoolean != nil && *x.AsNeededBoolean {
		parts = append(parts, "as needed")
	}
	return strings.Join(parts, ", ")
}

func (d *decoder) convMedicationRequest(e *entry) error {
	var m MedicationRequest
	if ok, err := d.unmarshal(e, &m); !ok {
		return err
	}
	status, keep, err := d.medicationStatus(e, m.Status, "draft", "cancelled", ReasonCancelled, "not a medication request status")
	if !keep {
		return err
	}
	if m.DoNotPerform != nil && *m.DoNotPerform {
		// "Do not give this drug": not a medication the patient takes
		// or will take.
		d.notice(e, true, ReasonDoNotPerform)
		return nil
	}
	switch m.Intent {
	case "proposal", "plan", "option":
		// Not an order the patient acts on yet.
		if status == patient.MedicationActive {
			status = patient.MedicationIntended
		}
	}
	return d.addMedication(e, status, m.MedicationCodeableConcept, m.MedicationReference, m.Subject,
		m.AuthoredOn, "/authoredOn", "", "", doseText(m.DosageInstruction))
}

func (d *decoder) convMedicationStatement(e *entry) error {
	var m MedicationStatement
	if ok, err := d.unmarshal(e, &m); !ok {
		return err
	}
	status, keep, err := d.medicationStatus(e, m.Status, "intended", "not-taken", ReasonNotTaken, "not a medication statement status")
	if !keep {
		return err
	}
	start, startPtr, end := m.EffectiveDateTime, "/effectiveDateTime", ""
	if start == "" && m.EffectivePeriod != nil {
		start, startPtr, end = m.EffectivePeriod.Start, "/effectivePeriod/start", m.EffectivePeriod.End
	}
	return d.addMedication(e, status, m.MedicationCodeableConcept, m.MedicationReference, m.Subject,
		start, startPtr, end, "/effectivePeriod/end", doseText(m.Dosage))
}

// medicationStatus maps the status shared by MedicationRequest and
// MedicationStatement, with the one code each uses for an intended
// medication ("draft", "intended") and the one each uses for a medication
// not taken ("cancelled", "not-taken", left out with reason skip, as
// entered-in-error is). keep is false when the resource is left out (err
// nil) or its status is missing or unknown (err set).
func (d *decoder) medicationStatus(e *entry, code, intended, skipped string, skip Reason, invalid string) (status patient.MedicationStatus, keep bool, err error) {
	switch code {
	case "active":
		return patient.MedicationActive, true, nil
	case "on-hold":
		return patient.MedicationOnHold, true, nil
	case "stopped":
		return patient.MedicationStopped, true, nil
	case "completed":
		return patient.MedicationCompleted, true, nil
	case "unknown":
		return patient.MedicationUnknown, true, nil
	case intended:
		return patient.MedicationIntended, true, nil
	case skipped:
		d.notice(e, true, skip)
		return "", false, nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return "", false, nil
	case "":
		return "", false, d.errAt(e, "/status", ErrMissing)
	}
	return "", false, d.errAt(e, "/status", wrapf(ErrInvalid, invalid))
}

func (d *decoder) addMedication(e *entry, status patient.MedicationStatus, cc *CodeableConcept, ref *Reference,
	subject *Reference, startStr, startPtr, endStr, endPtr, dose string) error {
	if ok, err := d.subject(e, subject, "/subject"); !ok {
		return err
	}
	code, ok, err := d.medication(e, cc, ref)
	if !ok {
		return err
	}
	start, ok, err := d.date(e, startPtr, startStr)
	if !ok {
		return err
	}
	end, ok, err := d.date(e, endPtr, endStr)
	if !ok {
		return err
	}
	if status != patient.MedicationIntended {
		if skip, err := d.afterAsOf(e, startPtr, start); skip {
			return err
		}
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return d.errAt(e, endPtr, wrapf(ErrInvalid, "ends before it starts"))
	}
	d.source("medications", e)
	d.b.AddMedications(patient.Medication{SourceID: e.ref(), Code: code, DoseText: dose, Status: status, Start: start, End: end})
	return nil
}

func (d *decoder) convAllergy(e *entry) error {
	var a AllergyIntolerance
	if ok, err := d.unmarshal(e, &a); !ok {
		return err
	}
	switch statusCode(a.VerificationStatus) {
	case "refuted":
		d.notice(e, true, ReasonRefuted)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if ok, err := d.subject(e, a.Patient, "/patient"); !ok {
		return err
	}
	code, ok := d.code(e, a.Code, terminology.SystemRxNorm, terminology.SystemSNOMED)
	if !ok {
		return d.errAt(e, "/code", ErrMissing)
	}
	out := patient.Allergy{SourceID: e.ref(), Substance: code}
	switch s := statusCode(a.ClinicalStatus); s {
	case "", "active":
		out.Status = patient.AllergyActive
	case "inactive":
		out.Status = patient.AllergyInactive
	case "resolved":
		out.Status = patient.AllergyResolved
	default:
		return d.errAt(e, "/clinicalStatus", wrapf(ErrInvalid, "not an allergy clinical status"))
	}
	if len(a.Category) > 0 {
		switch a.Category[0] {
		case "medication":
			out.Category = patient.AllergyMedication
		case "food":
			out.Category = patient.AllergyFood
		case "environment":
			out.Category = patient.AllergyEnvironment
		case "biologic":
			out.Category = patient.AllergyBiologic
		default:
			return d.errAt(e, "/category/0", wrapf(ErrInvalid, "not an allergy category"))
		}
	}
	switch a.Criticality {
	case "":
	case "low":
		out.Criticality = patient.CriticalityLow
	case "high":
		out.Criticality = patient.CriticalityHigh
	case "unable-to-assess":
		out.Criticality = patient.CriticalityUnable
	default:
		return d.errAt(e, "/criticality", wrapf(ErrInvalid, "not an allergy criticality"))
	}
	var reactions []string
	for _, r := range a.Reaction {
		for _, m := range r.Manifestation {
			if c, ok := d.code(e, &m); ok && c.Display != "" {
				reactions = append(reactions, c.Display)
			}
		}
		if len(r.Manifestation) == 0 && r.Description != "" {
			reactions = append(reactions, r.Description)
		}
	}
	out.Reaction = strings.Join(reactions, "; ")
	recStr, recPtr := a.RecordedDate, "/recordedDate"
	if recStr == "" {
		recStr, recPtr = a.OnsetDateTime, "/onsetDateTime"
	}
	rec, ok, err := d.date(e, recPtr, recStr)
	if !ok {
		return err
	}
	if skip, err := d.afterAsOf(e, recPtr, rec); skip {
		return err
	}
	out.Recorded = rec
	d.source("allergies", e)
	d.b.AddAllergies(out)
	return nil
}

// category maps observation-category codes.
func category(cs []CodeableConcept) patient.Category {
	for _, cc := range cs {
		for _, c := range cc.Coding {
			switch c.Code {
			case "laboratory":
				return patient.CategoryLaboratory
			case "vital-signs":
				return patient.CategoryVitalSigns
			case "social-history":
				return patient.CategorySocialHistory
			case "survey":
				return patient.CategorySurvey
			case "exam":
				return patient.CategoryExam
			case "imaging":
				return patient.CategoryImaging
			case "procedure":
				return patient.CategoryProcedure
			}
		}
	}
	return patient.CategoryOther
}

// value converts a value[x]; ok is false when there is none.
func (d *decoder) value(e *entry, v *ObservationValue) (patient.Value, bool) {
	switch {
	case v.ValueQuantity != nil:
		q := v.ValueQuantity
		if q.Value == nil {
			return patient.Value{}, false
		}
		unit := q.Unit
		if q.System == terminology.SystemUCUM && q.Code != "" {
			unit = q.Code
		}
		return patient.Value{Kind: patient.ValueQuantity, Quantity: patient.Quantity{Value: *q.Value, Unit: unit, Comparator: q.Comparator}}, true
	case v.ValueCodeableConcept != nil:
		c, ok := d.code(e, v.ValueCodeableConcept)
		if !ok {
			return patient.Value{}, false
		}
		if c.Code == "" {
			return patient.TextValue(c.Display), true
		}
		return patient.CodeValue(c), true
	case v.ValueString != nil:
		if strings.TrimSpace(*v.ValueString) == "" {
			return patient.Value{}, false
		}
		return patient.TextValue(*v.ValueString), true
	case v.ValueBoolean != nil:
		return patient.BoolValue(*v.ValueBoolean), true
	case v.ValueInteger != nil:
		return patient.QuantityValue(float64(*v.ValueInteger), ""), true
	case v.ValueRange != nil:
		if s := rangeText(v.ValueRange); s != "" {
			return patient.TextValue(s), true
		}
	case v.ValueRatio != nil:
		if s := quantityText(v.ValueRatio.Numerator) + " / " + quantityText(v.ValueRatio.Denominator); s != " / " {
			return patient.TextValue(s), true
		}
	case v.ValueTime != nil && *v.ValueTime != "":
		return patient.TextValue(*v.ValueTime), true
	case v.ValueDateTime != nil && *v.ValueDateTime != "":
		return patient.TextValue(*v.ValueDateTime), true
	case v.ValuePeriod != nil && (v.ValuePeriod.Start != "" || v.ValuePeriod.End != ""):
		return patient.TextValue(v.ValuePeriod.Start + " to " + v.ValuePeriod.End), true
	}
	return patient.Value{}, false
}

func quantityText(q *Quantity) string {
	if q == nil || q.Value == nil {
		return ""
	}
	s := q.Comparator + strconv.FormatFloat(*q.Value, 'f', -1, 64)
	if q.Unit != "" {
		s += " " + q.Unit
	}
	return s
}

func rangeText(r *Range) string {
	lo, hi := quantityText(r.Low), quantityText(r.High)
	switch {
	case lo == "" && hi == "":
		return ""
	case hi == "":
		return ">=" + lo
	case lo == "":
		return "<=" + hi
	}
	return lo + " to " + hi
}

func (d *decoder) convObservation(e *entry) error {
	var o Observation
	if ok, err := d.unmarshal(e, &o); !ok {
		return err
	}
	switch o.Status {
	case "cancelled":
		d.notice(e, true, ReasonCancelled)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	case "registered":
		d.notice(e, true, ReasonNoValue)
		return nil
	}
	if ok, err := d.subject(e, o.Subject, "/subject"); !ok {
		return err
	}
	code, ok := d.code(e, o.Code, terminology.SystemLOINC, terminology.SystemSNOMED)
	if !ok {
		return d.errAt(e, "/code", ErrMissing)
	}
	effStr, effPtr := o.EffectiveDateTime, "/effectiveDateTime"
	switch {
	case effStr != "":
	case o.EffectivePeriod != nil && o.EffectivePeriod.Start != "":
		effStr, effPtr = o.EffectivePeriod.Start, "/effectivePeriod/start"
	case o.EffectivePeriod != nil && o.EffectivePeriod.End != "":
		effStr, effPtr = o.EffectivePeriod.End, "/effectivePeriod/end"
	case o.EffectiveInstant != "":
		effStr, effPtr = o.EffectiveInstant, "/effectiveInstant"
	default:
		effStr, effPtr = o.Issued, "/issued"
	}
	eff, ok, err := d.date(e, effPtr, effStr)
	if !ok {
		return err
	}
	if eff.IsZero() {
		d.notice(e, true, ReasonNoDate)
		return nil
	}
	if skip, err := d.afterAsOf(e, effPtr, eff); skip {
		return err
	}
	status, known := observationStatus(o.Status)
	if !known {
		return d.errAt(e, "/status", wrapf(ErrInvalid, "not an observation status"))
	}
	if o.Status == "unknown" {
		d.notice(e, false, ReasonStatusUnknown)
	}
	out := patient.Observation{SourceID: e.ref(), Code: code, Category: category(o.Category), Effective: eff, Status: status}
	out.Value, _ = d.value(e, &o.ObservationValue)
	dropped := false
	for i := range o.Component {
		c := &o.Component[i]
		cc, ok := d.code(e, c.Code, terminology.SystemLOINC, terminology.SystemSNOMED)
		if !ok {
			return d.errAt(e, "/component/"+strconv.Itoa(i)+"/code", ErrMissing)
		}
		v, ok := d.value(e, &c.ObservationValue)
		if !ok {
			dropped = true
			continue
		}
		out.Components = append(out.Components, patient.Component{Code: cc, Value: v})
	}
	if out.Value.Kind == patient.ValueNone && len(out.Components) == 0 {
		d.notice(e, true, ReasonNoValue)
		return nil
	}
	if dropped {
		d.notice(e, false, ReasonComponentNoData)
	}
	d.source("observations", e)
	d.b.AddObservations(out)
	return nil
}

// encounterClass maps v3 ActCode encounter classes.
func encounterClass(c *Coding) patient.EncounterClass {
	if c == nil {
		return patient.EncounterOther
	}
	switch c.Code {
	case "AMB":
		return patient.EncounterAmbulatory
	case "EMER":
		return patient.EncounterEmergency
	case "IMP", "ACUTE", "NONAC", "SS", "OBSENC":
		return patient.EncounterInpatient
	case "VR":
		return patient.EncounterVirtual
	case "HH":
		return patient.EncounterHome
	}
	return patient.EncounterOther
}

func (d *decoder) convEncounter(e *entry) error {
	var x Encounter
	if ok, err := d.unmarshal(e, &x); !ok {
		return err
	}
	switch x.Status {
	case "planned":
		d.notice(e, true, ReasonNotDone)
		return nil
	case "cancelled":
		d.notice(e, true, ReasonCancelled)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if ok, err := d.subject(e, x.Subject, "/subject"); !ok {
		return err
	}
	var p Period
	if x.Period != nil {
		p = *x.Period
	}
	start, ok, err := d.date(e, "/period/start", p.Start)
	if !ok {
		return err
	}
	end, ok, err := d.date(e, "/period/end", p.End)
	if !ok {
		return err
	}
	if start.IsZero() {
		d.notice(e, true, ReasonNoDate)
		return nil
	}
	if skip, err := d.afterAsOf(e, "/period/start", start); skip {
		return err
	}
	if !end.IsZero() && end.Before(start) {
		return d.errAt(e, "/period/end", wrapf(ErrInvalid, "ends before it starts"))
	}
	out := patient.Encounter{SourceID: e.ref(), Class: encounterClass(x.Class), Start: start, End: end}
	if len(x.Type) > 0 {
		out.Type, _ = d.code(e, &x.Type[0], terminology.SystemSNOMED)
	}
	if len(x.ReasonCode) > 0 {
		out.Reason, _ = d.code(e, &x.ReasonCode[0], terminology.SystemSNOMED, terminology.SystemICD10CM)
	}
	d.source("encounters", e)
	d.b.AddEncounters(out)
	return nil
}

func (d *decoder) convProcedure(e *entry) error {
	var x Procedure
	if ok, err := d.unmarshal(e, &x); !ok {
		return err
	}
	switch x.Status {
	case "preparation", "not-done":
		d.notice(e, true, ReasonNotDone)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if ok, err := d.subject(e, x.Subject, "/subject"); !ok {
		return err
	}
	code, ok := d.code(e, x.Code, terminology.SystemSNOMED)
	if !ok {
		return d.errAt(e, "/code", ErrMissing)
	}
	s, ptr := x.PerformedDateTime, "/performedDateTime"
	if s == "" && x.PerformedPeriod != nil {
		s, ptr = x.PerformedPeriod.Start, "/performedPeriod/start"
	}
	t, ok, err := d.date(e, ptr, s)
	if !ok {
		return err
	}
	if t.IsZero() {
		d.notice(e, true, ReasonNoDate)
		return nil
	}
	if skip, err := d.afterAsOf(e, ptr, t); skip {
		return err
	}
	d.source("procedures", e)
	d.b.AddProcedures(patient.Procedure{SourceID: e.ref(), Code: code, Performed: t})
	return nil
}

func (d *decoder) convImmunization(e *entry) error {
	var x Immunization
	if ok, err := d.unmarshal(e, &x); !ok {
		return err
	}
	switch x.Status {
	case "not-done":
		d.notice(e, true, ReasonNotDone)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if ok, err := d.subject(e, x.Patient, "/patient"); !ok {
		return err
	}
	code, ok := d.code(e, x.VaccineCode, terminology.SystemCVX)
	if !ok {
		return d.errAt(e, "/vaccineCode", ErrMissing)
	}
	t, ok, err := d.date(e, "/occurrenceDateTime", x.OccurrenceDateTime)
	if !ok {
		return err
	}
	if t.IsZero() {
		d.notice(e, true, ReasonNoDate)
		return nil
	}
	if skip, err := d.afterAsOf(e, "/occurrenceDateTime", t); skip {
		return err
	}
	d.source("immunizations", e)
	d.b.AddImmunizations(patient.Immunization{SourceID: e.ref(), Vaccine: code, Date: t})
	return nil
}

// nameOf returns the name of a referenced Practitioner, Organization,
// RelatedPerson or Patient, or the reference's display; "" if neither is
// known. A dangling reference of a kind that can only resolve in the input
// is an error.
func (d *decoder) nameOf(e *entry, ref *Reference, sub string) (string, error) {
	if ref == nil {
		return "", nil
	}
	raw, _, found := d.resolve(e, ref.Reference)
	if !found {
		if strings.HasPrefix(ref.Reference, "#") || strings.HasPrefix(ref.Reference, "urn:") {
			return "", d.errAt(e, sub+"/reference", ErrDanglingReference)
		}
		return ref.Display, nil
	}
	var who struct {
		Name json.RawMessage `json:"name"`
	}
	if json.Unmarshal(raw, &who) != nil || len(who.Name) == 0 {
		return ref.Display, nil
	}
	var s string
	if json.Unmarshal(who.Name, &s) == nil {
		return s, nil
	}
	var names []HumanName
	if json.Unmarshal(who.Name, &names) == nil && len(names) > 0 {
		n := names[0]
		if n.Text != "" {
			return n.Text, nil
		}
		return strings.TrimSpace(strings.Join(append(append(append([]string{}, n.Prefix...), n.Given...), n.Family), " ")), nil
	}
	return ref.Display, nil
}

func (d *decoder) convCareTeam(e *entry) error {
	var x CareTeam
	if ok, err := d.unmarshal(e, &x); !ok {
		return err
	}
	switch x.Status {
	case "inactive", "suspended":
		d.notice(e, true, ReasonInactive)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if ok, err := d.subject(e, x.Subject, "/subject"); !ok {
		return err
	}
	org := ""
	if len(x.ManagingOrganization) > 0 {
		n, err := d.nameOf(e, &x.ManagingOrganization[0], "/managingOrganization/0")
		if err != nil {
			return err
		}
		org = n
	}
	for i, p := range x.Participant {
		sub := "/participant/" + strconv.Itoa(i)
		name, err := d.nameOf(e, p.Member, sub+"/member")
		if err != nil {
			return err
		}
		role := ""
		if len(p.Role) > 0 {
			if c, ok := d.code(e, &p.Role[0]); ok {
				role = c.Display
				if role == "" {
					role = c.Code
				}
			}
		}
		if role == "" {
			role = "care team member"
		}
		memberOrg := org
		if p.OnBehalfOf != nil {
			n, err := d.nameOf(e, p.OnBehalfOf, sub+"/onBehalfOf")
			if err != nil {
				return err
			}
			if n != "" {
				memberOrg = n
			}
		}
		d.source("care_team", e)
		d.b.AddCareTeam(patient.CareTeamMember{SourceID: e.ref(), Role: role, Name: name, Organization: memberOrg})
	}
	return nil
}

func (d *decoder) convDocument(e *entry) error {
	var x DocumentReference
	if ok, err := d.unmarshal(e, &x); !ok {
		return err
	}
	switch x.Status {
	case "superseded":
		d.notice(e, true, ReasonInactive)
		return nil
	case "entered-in-error":
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if x.DocStatus == "entered-in-error" {
		d.notice(e, true, ReasonEnteredInError)
		return nil
	}
	if ok, err := d.subject(e, x.Subject, "/subject"); !ok {
		return err
	}
	text := ""
	for i, c := range x.Content {
		ct, _, _ := strings.Cut(c.Attachment.ContentType, ";")
		if strings.TrimSpace(ct) != "text/plain" || c.Attachment.Data == "" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(c.Attachment.Data)
		if err != nil {
			return d.errAt(e, "/content/"+strconv.Itoa(i)+"/attachment/data", wrapf(ErrInvalid, "not base64"))
		}
		if !utf8.Valid(raw) {
			return d.errAt(e, "/content/"+strconv.Itoa(i)+"/attachment/data", wrapf(ErrInvalid, "not UTF-8 text"))
		}
		text = string(raw)
		break
	}
	if strings.TrimSpace(text) == "" {
		d.notice(e, true, ReasonNoText)
		return nil
	}
	s, ptr := x.Date, "/date"
	if s == "" && x.Context != nil && x.Context.Period != nil {
		s, ptr = x.Context.Period.Start, "/context/period/start"
	}
	t, ok, err := d.date(e, ptr, s)
	if !ok {
		return err
	}
	if t.IsZero() {
		d.notice(e, true, ReasonNoDate)
		return nil
	}
	if skip, err := d.afterAsOf(e, ptr, t); skip {
		return err
	}
	author := ""
	if len(x.Author) > 0 {
		n, err := d.nameOf(e, &x.Author[0], "/author/0")
		if err != nil {
			return err
		}
		author = n
	}
	kind := ""
	if x.Type != nil {
		if c, ok := d.code(e, x.Type); ok {
			kind = c.Display
		}
	}
	d.source("notes", e)
	d.b.AddNotes(patient.Note{SourceID: e.ref(), Kind: kind, Author: author, Time: t, Text: text})
	return nil
}

// observationStatus maps the FHIR statuses of results that are facts.
// "unknown" reads as final (with a notice); a missing status too, since
// some senders omit this required element.
func observationStatus(s string) (patient.ObservationStatus, bool) {
	switch s {
	case "final", "", "unknown":
		return patient.ObservationFinal, true
	case "preliminary":
		return patient.ObservationPreliminary, true
	case "amended":
		return patient.ObservationAmended, true
	case "corrected":
		return patient.ObservationCorrected, true
	}
	return "", false
}
