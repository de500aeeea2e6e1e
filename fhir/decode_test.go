package fhir_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

var fixtureAsOf = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	require.NoError(t, err)
	return data
}

func decodeFixture(t *testing.T, name string) *fhir.Result {
	t.Helper()
	res, err := fhir.Decode(t.Context(), fixture(t, name), &fhir.DecodeOptions{AsOf: fixtureAsOf})
	require.NoError(t, err)
	return res
}

func codes[T any](xs []T, code func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = code(x)
	}
	return out
}

func TestDecodeCollection(t *testing.T) {
	res := decodeFixture(t, "collection.json")
	rec := res.Record
	assert.Equal(t, "Patient/p1", res.Patient)
	assert.Equal(t, fixtureAsOf, rec.AsOf())

	demo := rec.Demographics()
	assert.Equal(t, time.Date(1951, 4, 2, 0, 0, 0, 0, time.UTC), demo.BirthDate)
	assert.Equal(t, patient.SexFemale, demo.Sex)
	assert.Equal(t, "es", demo.Language, "the preferred communication language")

	id := rec.Identity()
	assert.Equal(t, "Fixture", id.Name.Family, "the official name is the name")
	assert.Equal(t, []string{"Delphine", "Q"}, id.Name.Given)
	require.Len(t, id.OtherNames, 1)
	assert.Equal(t, []string{"Dee"}, id.OtherNames[0].Given, "the nickname is another name")
	assert.Equal(t, []patient.Identifier{
		{Kind: patient.IdentifierMRN, System: "urn:example:mrn", Value: "MRN-0001"},
		{Kind: patient.IdentifierSSN, System: "http://hl7.org/fhir/sid/us-ssn", Value: "999-00-0001"},
	}, id.Identifiers, "identifiers are classified by their v2-0203 type code")
	assert.Equal(t, []patient.ContactPoint{{Kind: patient.ContactPhone, Value: "555-0100"}, {Kind: patient.ContactEmail, Value: "dee@example.org"}}, id.Telecom)
	require.Len(t, id.Addresses, 1)
	assert.Equal(t, "Springfield", id.Addresses[0].City)

	conds := rec.Conditions()
	assert.Equal(t, []string{"38341003", "44054006"}, codes(conds, func(c patient.Condition) string { return c.Code.Code }),
		"refuted and entered-in-error conditions are left out; SNOMED CT is preferred over ICD-10-CM")
	htn := conds[0]
	assert.Equal(t, patient.ClinicalActive, htn.ClinicalStatus, "resolved after the as-of date: active at the as-of date")
	assert.True(t, htn.Abatement.IsZero())
	assert.Equal(t, "Condition/c-htn", htn.SourceID)

	meds := rec.Medications()
	byCode := map[string]patient.Medication{}
	for _, m := range meds {
		byCode[m.Code.Code] = m
	}
	assert.Len(t, meds, 3, "the not-taken statement is left out")
	assert.Equal(t, patient.MedicationActive, byCode["860975"].Status, "a contained Medication resolves")
	assert.Equal(t, "500 mg twice daily", byCode["860975"].DoseText)
	assert.Equal(t, patient.MedicationActive, byCode["314076"].Status, "a MedicationStatement with a relative medicationReference resolves")
	assert.Equal(t, "MedicationStatement/ms-lis", byCode["314076"].SourceID)
	assert.Equal(t, patient.MedicationStopped, byCode["849574"].Status, "stopped is not active")
	assert.Len(t, rec.ActiveMedications(), 2)

	als := rec.Allergies()
	require.Len(t, als, 1)
	assert.Equal(t, patient.Allergy{ID: "A1", SourceID: "AllergyIntolerance/al-pcn",
		Substance: patient.Code{System: terminology.SystemRxNorm, Code: "7980", Display: "penicillin G"},
		Category:  patient.AllergyMedication, Criticality: patient.CriticalityHigh, Reaction: "Anaphylaxis",
		Status: patient.AllergyActive, Recorded: time.Date(2001, 5, 5, 0, 0, 0, 0, time.UTC)}, als[0])

	obs := rec.Observations()
	byID := map[string]patient.Observation{}
	for _, o := range obs {
		byID[o.SourceID] = o
	}
	assert.Len(t, obs, 5, "the future and the valueless observations are left out")
	a1c := byID["Observation/o-a1c"]
	assert.Equal(t, patient.CategoryLaboratory, a1c.Category)
	assert.Equal(t, patient.QuantityValue(8.1, "%"), a1c.Value)
	bp := byID["Observation/o-bp"]
	assert.Equal(t, patient.CategoryVitalSigns, bp.Category)
	require.Len(t, bp.Components, 2, "the component without a value is dropped")
	sys, _, ok := rec.LatestValue(terminology.SystolicBP())
	require.True(t, ok)
	assert.Equal(t, patient.Quantity{Value: 142, Unit: "mm[Hg]"}, sys.Quantity, "the UCUM code is the unit")
	assert.Equal(t, patient.ValueCode, byID["Observation/o-smoke"].Value.Kind)
	assert.Equal(t, patient.CategorySocialHistory, byID["Observation/o-smoke"].Category)
	assert.Equal(t, patient.TextValue("walk daily"), byID["Observation/o-text"].Value)
	assert.Equal(t, patient.CategoryOther, byID["Observation/o-text"].Category, "no category is other")
	assert.Equal(t, patient.Code{Display: "Patient goal"}, byID["Observation/o-text"].Code, "a text-only code is kept")
	assert.Equal(t, patient.BoolValue(true), byID["Observation/o-bool"].Value)

	encs := rec.Encounters()
	require.Len(t, encs, 1)
	assert.Equal(t, patient.EncounterAmbulatory, encs[0].Class)
	assert.Len(t, rec.Procedures(), 1)
	assert.Len(t, rec.Immunizations(), 1)
	team := rec.CareTeam()
	require.Len(t, team, 1)
	assert.Equal(t, "primary care physician", team[0].Role)
	assert.Equal(t, "Dr. Ignatius Vole", team[0].Name, "the member's Practitioner resolves by urn:uuid")
	notes := rec.Notes()
	require.Len(t, notes, 1)
	assert.Equal(t, "Synthetic note: patient reports dizziness on standing.", notes[0].Text, "base64 text/plain content")
	assert.Equal(t, "Dr. Ignatius Vole", notes[0].Author, "the author resolves by a relative reference")
	assert.Equal(t, "Progress note", notes[0].Kind)

	assert.Equal(t, []string{"Medication", "Practitioner", "Claim"},
		codes(res.Other, func(r fhir.RawResource) string { return r.ResourceType }), "resources that are not facts are kept raw")
	claim := res.Other[2]
	assert.Equal(t, 24, claim.Entry)
	assert.Equal(t, "/entry/24/resource", claim.Pointer)
	assert.JSONEq(t, `{"resourceType":"Claim","id":"claim1","status":"active","patient":{"reference":"urn:uuid:00000000-0000-4000-8000-000000000001"}}`, string(claim.JSON))

	type nr struct {
		id       string
		excluded bool
		reason   fhir.Reason
	}
	var got []nr
	for _, n := range res.Notices {
		got = append(got, nr{n.ID, n.Excluded, n.Reason})
	}
	assert.Equal(t, []nr{
		{"c-refuted", true, fhir.ReasonRefuted},
		{"c-error", true, fhir.ReasonEnteredInError},
		{"c-htn", false, fhir.ReasonAbatedAfterAsOf},
		{"ms-nottaken", true, fhir.ReasonNotTaken},
		{"o-bp", false, fhir.ReasonComponentNoData},
		{"o-future", true, fhir.ReasonAfterAsOf},
		{"o-novalue", true, fhir.ReasonNoValue},
	}, got, "every resource left out or changed is reported, in input order")
}

func TestDecodeAllSearchsets(t *testing.T) {
	res, err := fhir.DecodeAll(t.Context(), [][]byte{fixture(t, "patient.json"), fixture(t, "searchset.json")},
		&fhir.DecodeOptions{AsOf: fixtureAsOf})
	require.NoError(t, err)
	rec := res.Record
	assert.Equal(t, "Patient/p1", res.Patient)
	conds := rec.Conditions()
	require.Len(t, conds, 1)
	assert.Equal(t, "431855005", conds[0].Code.Code, "a relative subject resolves to the Patient of another document")
	v, _, ok := rec.LatestValue(terminology.EGFR())
	require.True(t, ok, "an absolute subject URL resolves by its Type/id")
	assert.Equal(t, 52.0, v.Quantity.Value)
	require.Len(t, res.Notices, 1)
	assert.Equal(t, fhir.Notice{Doc: 1, Entry: 2, Pointer: "/entry/2/resource", ResourceType: "Patient", ID: "p1",
		Excluded: true, Reason: fhir.ReasonDuplicate}, res.Notices[0], "the included Patient is the same patient, seen twice")
	require.Len(t, res.Other, 1)
	assert.Equal(t, "OperationOutcome", res.Other[0].ResourceType)
}

func TestDecodeBundleTypes(t *testing.T) {
	for _, name := range []string{"transaction.json", "batch.json"} {
		t.Run(name, func(t *testing.T) {
			res := decodeFixture(t, name)
			conds := res.Record.Conditions()
			require.Len(t, conds, 1)
			assert.Equal(t, "urn:uuid:10000000-0000-4000-8000-000000000002", conds[0].SourceID,
				"a resource without an id is known by its fullUrl")
			assert.Equal(t, patient.Code{Display: "Chronic back pain"}, conds[0].Code)
			assert.Equal(t, time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), res.Record.Demographics().BirthDate, "a partial date")
			require.Len(t, res.Notices, 1)
			assert.Equal(t, fhir.ReasonNoResource, res.Notices[0].Reason, "a DELETE entry has no resource")
		})
	}
	// A single resource is a document too.
	res, err := fhir.Decode(t.Context(), fixture(t, "patient.json"), &fhir.DecodeOptions{AsOf: fixtureAsOf})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Record.Len(), "a lone Patient gives demographics only")
}

// bundle builds a collection Bundle of the given resources (JSON objects),
// with urn:uuid:N fullUrls, after a Patient at entry 0.
func bundle(resources ...string) string {
	entries := []string{`{"fullUrl":"urn:uuid:p","resource":{"resourceType":"Patient","id":"p","birthDate":"1950-01-01"}}`}
	for i, r := range resources {
		entries = append(entries, `{"fullUrl":"urn:uuid:e`+strconv.Itoa(i)+`","resource":`+r+`}`)
	}
	return `{"resourceType":"Bundle","type":"collection","entry":[` + strings.Join(entries, ",") + `]}`
}

func TestDecodeErrors(t *testing.T) {
	const subj = `"subject":{"reference":"urn:uuid:p"}`
	cond := func(extra string) string {
		return `{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},` + extra + `}`
	}
	deep := `{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"x","extension":[[[[[[[[1]]]]]]]]}`
	tests := []struct {
		name      string
		in        string
		opts      *fhir.DecodeOptions
		want      error
		wantEntry int
		wantPtr   string
		reason    string
	}{
		{"truncated", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient"`, nil,
			fhir.ErrSyntax, 0, "/entry/0/resource/resourceType", "invalid JSON names the entry and where it broke"},
		{"syntax in unknown resource", bundle(`{"resourceType":"Claim","x":[1,,2]}`), nil,
			fhir.ErrSyntax, 1, "/entry/1/resource/x/1", "a resource kept raw is still checked"},
		{"not json", `hello`, nil, fhir.ErrSyntax, -1, "", "not JSON at all"},
		{"too large", bundle(), &fhir.DecodeOptions{AsOf: fixtureAsOf, MaxBytes: 10}, fhir.ErrTooLarge, -1, "", "the size limit"},
		{"too deep", bundle(deep), &fhir.DecodeOptions{AsOf: fixtureAsOf, MaxDepth: 10}, fhir.ErrTooDeep, 1,
			"/entry/1/resource/extension/0/0/0/0/0/0", "the nesting limit names the entry"},
		{"too deep resource", deep, &fhir.DecodeOptions{AsOf: fixtureAsOf, MaxDepth: 4}, fhir.ErrTooDeep, -1,
			"/extension/0/0/0", "the nesting limit for a single resource"},
		{"array document", `[]`, nil, fhir.ErrResourceType, -1, "", "a document must be a resource"},
		{"no resourceType", `{"id":"x"}`, nil, fhir.ErrResourceType, -1, "/resourceType", "a resource names its type"},
		{"entry without resourceType", bundle(`{"id":"x"}`), nil, fhir.ErrResourceType, 1, "/entry/1/resource/resourceType",
			"an entry's resource names its type"},
		{"history bundle", `{"resourceType":"Bundle","type":"history","entry":[]}`, nil, fhir.ErrBundleType, -1, "/type",
			"history bundles hold versions, not a record"},
		{"entry not an object", `{"resourceType":"Bundle","type":"collection","entry":[1]}`, nil, fhir.ErrInvalid, 0, "/entry/0",
			"well-formed JSON that is not a Bundle"},
		{"dangling subject", bundle(cond(`"code":{"text":"x"},"subject":{"reference":"urn:uuid:nobody"}`)), nil,
			fhir.ErrDanglingReference, 1, "/entry/1/resource/subject/reference", "a urn:uuid reference must resolve in the bundle"},
		{"dangling relative subject", bundle(cond(`"code":{"text":"x"},"subject":{"reference":"Patient/other"}`)), nil,
			fhir.ErrDanglingReference, 1, "/entry/1/resource/subject/reference", "the subject must be the record's patient"},
		{"subject not a patient", bundle(cond(`"code":{"text":"x"},"subject":{"reference":"urn:uuid:e1"}`), `{"resourceType":"Group","id":"g"}`), nil,
			fhir.ErrResourceType, 1, "/entry/1/resource/subject/reference", "a subject that is not a Patient"},
		{"dangling contained medication", bundle(`{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationReference":{"reference":"#m"},` + subj + `}`), nil,
			fhir.ErrDanglingReference, 1, "/entry/1/resource/medicationReference/reference", "a contained reference must resolve"},
		{"medication reference to a patient", bundle(`{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationReference":{"reference":"urn:uuid:p"},` + subj + `}`), nil,
			fhir.ErrResourceType, 1, "/entry/1/resource/medicationReference/reference", "medicationReference must name a Medication"},
		{"no patient", `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Claim"}}]}`, nil,
			fhir.ErrNoPatient, -1, "", "a record needs its patient"},
		{"two patients", bundle(`{"resourceType":"Patient","id":"q","birthDate":"1950-01-01"}`), nil,
			fhir.ErrMultiplePatients, 1, "/entry/1/resource", "a record is one patient"},
		{"duplicate fullUrl", `{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:p","resource":{"resourceType":"Patient"}},{"fullUrl":"urn:uuid:p","resource":{"resourceType":"Patient"}}]}`, nil,
			fhir.ErrDuplicate, 1, "/entry/1/fullUrl", "fullUrls are unique in a bundle"},
		{"condition without code", bundle(cond(subj)), nil, fhir.ErrMissing, 1, "/entry/1/resource/code", "a condition needs a code"},
		{"patient without birth date", `{"resourceType":"Patient"}`, nil, fhir.ErrMissing, -1, "/birthDate", "age needs a birth date"},
		{"bad date", bundle(cond(`"code":{"text":"x"},"onsetDateTime":"last spring"`)), nil, fhir.ErrInvalid, 1,
			"/entry/1/resource/onsetDateTime", "dates are FHIR dates"},
		{"wrong JSON type", bundle(`{"resourceType":"MedicationRequest","status":5}`), nil, fhir.ErrInvalid, 1,
			"/entry/1/resource/status", "a number where a code belongs"},
		{"unknown status", bundle(cond(`"code":{"text":"x"}`)[:0] + `{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"sleeping"}]},"code":{"text":"x"}}`), nil,
			fhir.ErrInvalid, 1, "/entry/1/resource/clinicalStatus", "unknown status codes are errors, not guesses"},
		{"bad base64", bundle(`{"resourceType":"DocumentReference","status":"current","date":"2020-01-01","content":[{"attachment":{"contentType":"text/plain","data":"!!!"}}]}`), nil,
			fhir.ErrInvalid, 1, "/entry/1/resource/content/0/attachment/data", "attachment data is base64"},
		{"reject after as-of", bundle(cond(`"code":{"text":"x"},"onsetDateTime":"2030-01-01"`)), &fhir.DecodeOptions{AsOf: fixtureAsOf, RejectAfterAsOf: true},
			fhir.ErrAfterAsOf, 1, "/entry/1/resource/onsetDateTime", "RejectAfterAsOf turns the notice into an error"},
		{"negative HbA1c", bundle(`{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"effectiveDateTime":"2020-01-01","valueQuantity":{"value":-1}}`), nil,
			patient.ErrNegativeQuantity, 1, "/entry/1/resource", "the record builder's checks are located too"},
		{"no as-of", bundle(), &fhir.DecodeOptions{}, fhir.ErrNoAsOf, 0, "", "the as-of date is never the wall clock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := tt.opts
			if opts == nil {
				opts = &fhir.DecodeOptions{AsOf: fixtureAsOf}
			}
			res, err := fhir.Decode(t.Context(), []byte(tt.in), opts)
			require.Error(t, err, tt.reason)
			assert.Nil(t, res)
			require.ErrorIs(t, err, tt.want, tt.reason)
			if tt.want == fhir.ErrNoAsOf {
				return
			}
			var de *fhir.DecodeError
			require.ErrorAs(t, err, &de, tt.reason)
			assert.Equal(t, tt.wantEntry, de.Entry, tt.reason)
			assert.Equal(t, tt.wantPtr, de.Pointer, tt.reason)
			assert.NotContains(t, err.Error(), "last spring", "messages never quote input values")
		})
	}
}

func TestDecodeErrorMessage(t *testing.T) {
	e := &fhir.DecodeError{Doc: 2, Entry: 3, Pointer: "/entry/3/resource/code", Err: fhir.ErrMissing}
	assert.Equal(t, "fhir: document 2, entry 3, /entry/3/resource/code: required element missing", e.Error())
	assert.Equal(t, "fhir: (document): invalid JSON", (&fhir.DecodeError{Entry: -1, Err: fhir.ErrSyntax}).Error())
}

func TestDecodeManyErrorsStop(t *testing.T) {
	var rs []string
	for range 30 {
		rs = append(rs, `{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]}}`)
	}
	_, err := fhir.Decode(t.Context(), []byte(bundle(rs...)), &fhir.DecodeOptions{AsOf: fixtureAsOf, MaxErrors: 5})
	require.ErrorIs(t, err, fhir.ErrMissing)
	n := 0
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var de *fhir.DecodeError
		require.True(t, errors.As(e, &de))
		n++
	}
	assert.Equal(t, 5, n, "decoding stops after MaxErrors problems")
}

func TestDecodeContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := fhir.Decode(ctx, fixture(t, "collection.json"), &fhir.DecodeOptions{AsOf: fixtureAsOf})
	require.ErrorIs(t, err, context.Canceled)
}

func TestLatestClinicalDate(t *testing.T) {
	got, err := fhir.LatestClinicalDate(t.Context(), fixture(t, "collection.json"), nil)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), got, "the future observation is the latest fact")
	_, err = fhir.LatestClinicalDate(t.Context(), fixture(t, "patient.json"), nil)
	require.ErrorIs(t, err, fhir.ErrMissing, "a patient alone has no dated fact")
}

func TestDecodeIdentityNeverInOther(t *testing.T) {
	// The Patient is a fact source, never raw: its identifiers stay in
	// patient.Identity, which careguard never renders into prompts.
	res := decodeFixture(t, "collection.json")
	for _, o := range res.Other {
		assert.NotEqual(t, "Patient", o.ResourceType)
		assert.NotContains(t, string(o.JSON), "MRN-0001")
	}
	raw, err := json.Marshal(res.Record.Demographics())
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "Fixture", "demographics hold no name")
}

func TestDecodeCodeSystems(t *testing.T) {
	local := bundle(`{"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"urn:example:local-problems","code":"LP-17","display":"Frailty"}]}}`)
	res, err := fhir.Decode(t.Context(), []byte(local), &fhir.DecodeOptions{AsOf: fixtureAsOf})
	require.NoError(t, err)
	assert.Equal(t, patient.Code{Display: "Frailty"}, res.Record.Conditions()[0].Code, "a code from an unknown system is kept as its text")
	require.Len(t, res.Notices, 1)
	assert.Equal(t, fhir.Notice{Doc: 0, Entry: 1, Pointer: "/entry/1/resource", ResourceType: "Condition", Reason: fhir.ReasonCodeUnknown}, res.Notices[0])

	res, err = fhir.Decode(t.Context(), []byte(local), &fhir.DecodeOptions{AsOf: fixtureAsOf, ExtraCodeSystems: []string{"urn:example:local-problems"}})
	require.NoError(t, err)
	assert.Equal(t, patient.Code{System: "urn:example:local-problems", Code: "LP-17", Display: "Frailty"}, res.Record.Conditions()[0].Code,
		"a deployer's own system is kept when named")
	assert.Empty(t, res.Notices)
}

func TestParseResource(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    error
		typ     string
		pointer string // of the error, when want is set and this is not empty
		reason  string
	}{
		{"condition", `{"resourceType":"Condition","id":"c","code":{"text":"x"}}`, nil, "Condition", "", "a modelled type"},
		{"careplan", `{"resourceType":"CarePlan","status":"draft","intent":"proposal","subject":{"reference":"Patient/1"}}`, nil, "CarePlan", "", "export types parse too"},
		{"same key in sibling objects", `{"resourceType":"Medication","code":{"coding":[{"code":"1","system":"a"},{"code":"2","system":"b"}]}}`, nil, "Medication", "",
			"keys repeat only within one object"},
		{"unmodelled", `{"resourceType":"Claim"}`, fhir.ErrResourceType, "", "", "Claim is kept raw, not modelled"},
		{"no type", `{"id":"x"}`, fhir.ErrResourceType, "", "", "a resource names its type"},
		{"not an object", `[1]`, fhir.ErrResourceType, "", "", "a resource is an object"},
		{"syntax", `{"resourceType":"Condition",`, fhir.ErrSyntax, "", "", "invalid JSON"},
		{"wrong type", `{"resourceType":"Condition","code":"x"}`, fhir.ErrInvalid, "", "", "a string where a CodeableConcept belongs"},
		{"case-variant resourceType", `{"resourceType":"Medication","resourcetype":"MedicationRequest","id":"x"}`, fhir.ErrInvalid, "", "/resourcetype",
			"the exact key says Medication, encoding/json would fill the field from the last match: the type would depend on the reader"},
		{"repeated resourceType", `{"resourceType":"Medication","resourceType":"MedicationRequest"}`, fhir.ErrInvalid, "", "/resourceType",
			"readers disagree on whether the first or the last wins"},
		{"case-variant id", `{"resourceType":"Medication","id":"a","ID":"b"}`, fhir.ErrInvalid, "", "/ID", "which resource a reference names would depend on the reader"},
		{"nested case variant", `{"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication","id":"m"},{"resourceType":"Medication","code":{"text":"a","Text":"b"}}]}`,
			fhir.ErrInvalid, "", "/contained/1/code/Text", "ambiguity anywhere in the resource, located by pointer"},
		{"unicode case variant", `{"resourceType":"Medication","code":{"coding":[{"system":"a","\u017fystem":"b"}]}}`, fhir.ErrInvalid, "", "/code/coding/0/ſystem",
			"the long s folds to s, as encoding/json matches it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := fhir.ParseResource([]byte(tt.in))
			if tt.want != nil {
				require.ErrorIs(t, err, tt.want, tt.reason)
				var de *fhir.DecodeError
				require.ErrorAs(t, err, &de, tt.reason)
				if tt.pointer != "" {
					assert.Equal(t, tt.pointer, de.Pointer, tt.reason)
				}
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.typ, r.Header().ResourceType)
		})
	}
}

// A do-not-perform MedicationRequest forbids a drug; the patient does not
// take it, so it is not a medication of the record.
func TestDecodeDoNotPerform(t *testing.T) {
	const subj = `"subject":{"reference":"urn:uuid:p"}`
	med := func(extra string) string {
		return `{"resourceType":"MedicationRequest","id":"mr","status":"active","intent":"order",` + subj + extra +
			`,"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"11289","display":"warfarin"}]}}`
	}
	tests := []struct {
		name       string
		extra      string
		wantMeds   int
		wantNotice bool
		reason     string
	}{
		{"do not perform", `,"doNotPerform":true`, 0, true, "a prohibition is not a medication taken"},
		{"perform", `,"doNotPerform":false`, 1, false, "doNotPerform false is an ordinary order"},
		{"absent", ``, 1, false, "the default is an ordinary order"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := fhir.Decode(t.Context(), []byte(bundle(med(tt.extra))), &fhir.DecodeOptions{AsOf: fixtureAsOf})
			require.NoError(t, err)
			assert.Len(t, res.Record.Medications(), tt.wantMeds, tt.reason)
			var reasons []fhir.Reason
			for _, n := range res.Notices {
				reasons = append(reasons, n.Reason)
			}
			if tt.wantNotice {
				assert.Equal(t, []fhir.Reason{fhir.ReasonDoNotPerform}, reasons, "left out, and said so")
				assert.True(t, res.Notices[0].Excluded)
			} else {
				assert.Empty(t, reasons)
			}
		})
	}
}

// TestDecodeAnonymousResources: resources with neither an id nor a fullUrl
// (found by FuzzDecode) decode; their facts have no source, and a contained
// Medication's id does not lend them one.
func TestDecodeAnonymousResources(t *testing.T) {
	data := []byte(`{"resourceType":"Bundle","type":"collection","entry":[
		{"resource":{"resourceType":"Patient","birthDate":"1950-01-01"}},
		{"resource":{"resourceType":"MedicationStatement","status":"active","medicationReference":{"reference":"#m"},
			"contained":[{"resourceType":"Medication","id":"m","code":{"text":"metformin"}}]}},
		{"fullUrl":"urn:uuid:5d0e1c2a-0000-4000-8000-000000000001","resource":{"resourceType":"MedicationStatement","status":"active","medicationCodeableConcept":{"text":"lisinopril"}}}]}`)
	res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	sources := map[string]string{}
	for _, m := range res.Record.Medications() {
		sources[m.Code.Display] = fhir.SourceOf(m)
	}
	assert.Equal(t, map[string]string{"metformin": "", "lisinopril": "urn:uuid:5d0e1c2a-0000-4000-8000-000000000001"}, sources)
}
