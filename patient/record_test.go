package patient_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

func shuffled[T any](rng *rand.Rand, s []T) []T {
	s = slices.Clone(s)
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}

// TestStableIDs builds the same facts in many shuffled orders, one fact per
// Add call or all at once, and checks that every build gives every fact
// the same ID and the record the same fingerprint.
func TestStableIDs(t *testing.T) {
	f := fullFacts()
	ref := fullRecord(t)
	want := factsByID(ref)
	rng := rand.New(rand.NewPCG(2026, 11))
	for i := range 300 {
		b := newBuilder().SetIdentity(f.identity)
		if i%2 == 0 {
			for _, c := range shuffled(rng, f.conditions) {
				b.AddConditions(c)
			}
			for _, o := range shuffled(rng, f.observations) {
				b.AddObservations(o)
			}
		} else {
			b.AddConditions(shuffled(rng, f.conditions)...).AddObservations(shuffled(rng, f.observations)...)
		}
		b.AddMedications(shuffled(rng, f.medications)...).
			AddAllergies(shuffled(rng, f.allergies)...).
			AddEncounters(shuffled(rng, f.encounters)...).
			AddProcedures(shuffled(rng, f.procedures)...).
			AddImmunizations(shuffled(rng, f.immunizations)...).
			AddCareTeam(shuffled(rng, f.careTeam)...).
			AddSocialNeeds(shuffled(rng, f.socialNeeds)...).
			AddNotes(shuffled(rng, f.notes)...)
		rec, err := b.Build()
		require.NoError(t, err)
		require.Equal(t, want, factsByID(rec), "permutation %d: each ID names the same fact", i)
		require.Equal(t, ref.Fingerprint(), rec.Fingerprint(), "permutation %d: same facts, same fingerprint", i)
	}
}

// TestStableIDsTies checks facts that tie on every field but one that is
// easy to miss: the zone of a time (same instant) or the sign of zero.
func TestStableIDsTies(t *testing.T) {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	east := at.In(time.FixedZone("E", 5*3600))
	west := at.In(time.FixedZone("W", -7*3600))
	obs := []patient.Observation{
		{Code: loinc("11555-0", "Base excess"), Category: patient.CategoryLaboratory, Value: patient.QuantityValue(0, "mmol/L"), Effective: at},
		{Code: loinc("11555-0", "Base excess"), Category: patient.CategoryLaboratory, Value: patient.QuantityValue(math.Copysign(0, -1), "mmol/L"), Effective: at},
		{Code: loinc("11555-0", "Base excess"), Category: patient.CategoryLaboratory, Value: patient.QuantityValue(0, "mmol/L"), Effective: east},
		{Code: loinc("11555-0", "Base excess"), Category: patient.CategoryLaboratory, Value: patient.QuantityValue(0, "mmol/L"), Effective: west},
	}
	notes := []patient.Note{{Time: at, Text: "same"}, {Time: east, Text: "same"}, {Time: west, Text: "same"}}
	build := func(o []patient.Observation, n []patient.Note) *patient.Record {
		rec, err := newBuilder().AddObservations(o...).AddNotes(n...).Build()
		require.NoError(t, err)
		return rec
	}
	ref := build(obs, notes)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 100 {
		rec := build(shuffled(rng, obs), shuffled(rng, notes))
		require.Equal(t, factsByID(ref), factsByID(rec), "permutation %d", i)
		require.Equal(t, ref.Fingerprint(), rec.Fingerprint(), "permutation %d", i)
	}
}

func TestIDsPerKind(t *testing.T) {
	rec := fullRecord(t)
	assert.Equal(t, []string{
		"D1",
		"C1", "C2", "C3", "C4", "C5", "C6",
		"M1", "M2", "M3", "M4",
		"A1", "A2",
		"L1", "L2", "L3", "L4",
		"V1", "V2", "V3",
		"O1", "O2",
		"E1", "E2", "E3",
		"P1",
		"I1", "I2",
		"T1", "T2",
		"S1", "S2",
		"N1", "N2",
	}, rec.FactIDs(), "D1, then each kind in order, observations numbered separately per category (L, V, O)")
	assert.Equal(t, len(rec.FactIDs()), rec.Len(), "Len counts every fact, D1 included")

	kinds := map[string]patient.Kind{"D": patient.KindDemographics, "C": patient.KindCondition, "M": patient.KindMedication,
		"A": patient.KindAllergy, "L": patient.KindLab, "V": patient.KindVital, "O": patient.KindObservation,
		"E": patient.KindEncounter, "P": patient.KindProcedure, "I": patient.KindImmunization, "T": patient.KindCareTeam,
		"S": patient.KindSocialNeed, "N": patient.KindNote}
	for _, id := range rec.FactIDs() {
		assert.True(t, rec.Has(id), id)
		f, ok := rec.Fact(id)
		require.True(t, ok, id)
		assert.Equal(t, id, f.FactID(), "Fact(id) is the fact with that ID")
		k, ok := rec.KindOf(id)
		require.True(t, ok, id)
		assert.Equal(t, f.FactKind(), k, id)
		assert.Equal(t, kinds[id[:1]], k, "%s: the prefix names the kind", id)
		assert.Equal(t, id[:1], k.Prefix(), id)
	}
	for _, id := range []string{"", "D0", "D2", "C0", "C7", "c1", "L5", "X1", "C01"} {
		assert.False(t, rec.Has(id), "%q is no fact", id)
		_, ok := rec.Fact(id)
		assert.False(t, ok, id)
		_, ok = rec.KindOf(id)
		assert.False(t, ok, id)
	}
	assert.Empty(t, patient.Kind("nope").Prefix())

	// The canonical order: by date, then content.
	conds := rec.Conditions()
	assert.Equal(t, "38341003", conds[0].Code.Code, "C1 is the earliest onset (hypertension 2008)")
	assert.Equal(t, []string{"44054006", "46635009"}, []string{conds[1].Code.Code, conds[2].Code.Code},
		"same onset: ordered by code")
	assert.Equal(t, []string{"10509002", "195662009"}, []string{conds[3].Code.Code, conds[4].Code.Code},
		"same onset, same system: ordered by code as text")
	labs := rec.ObservationsIn(terminology.HbA1c())
	require.Len(t, labs, 2)
	assert.Equal(t, "L4", labs[0].ID, "newest HbA1c: last of three labs on its date, ordered by code as text")
	assert.Equal(t, "L1", labs[1].ID)
	o1, _ := rec.Fact("O1")
	assert.Equal(t, patient.CategorySurvey, o1.(patient.Observation).Category, "O counts only other categories")
	o2, _ := rec.Fact("O2")
	assert.Equal(t, patient.CategorySocialHistory, o2.(patient.Observation).Category)
	d1, _ := rec.Fact(patient.DemographicsID)
	assert.Equal(t, rec.Demographics(), d1)
}

func TestEmptyRecord(t *testing.T) {
	rec, err := newBuilder().Build()
	require.NoError(t, err)
	assert.Equal(t, []string{"D1"}, rec.FactIDs())
	assert.Equal(t, 1, rec.Len())
	assert.Empty(t, rec.Conditions())
	assert.Empty(t, rec.Observations())
	_, _, ok := rec.LatestValue(terminology.SystolicBP())
	assert.False(t, ok)
	assert.Len(t, rec.Fingerprint(), 64, "hex SHA-256")
}

func TestFingerprint(t *testing.T) {
	base := fullRecord(t)
	assert.Len(t, base.Fingerprint(), 64)
	assert.Equal(t, base.Fingerprint(), base.Fingerprint(), "stable across calls")

	f := fullFacts()
	f.identity.Name.Family = "Other"
	other, err := f.add(newBuilder()).Build()
	require.NoError(t, err)
	assert.NotEqual(t, base.Fingerprint(), other.Fingerprint(), "identity is part of the content")

	f = fullFacts()
	f.observations[0].Value.Quantity.Value = 8.0
	other, err = f.add(newBuilder()).Build()
	require.NoError(t, err)
	assert.NotEqual(t, base.Fingerprint(), other.Fingerprint(), "one changed value changes the fingerprint")

	other, err = fullFacts().add(patient.NewBuilder(asOf.Add(time.Hour), nil).SetDemographics(demographics())).Build()
	require.NoError(t, err)
	assert.NotEqual(t, base.Fingerprint(), other.Fingerprint(), "the as-of date is part of the content")
}

func TestImmutability(t *testing.T) {
	rec := fullRecord(t)
	want := factsByID(rec)
	wantIdentity := rec.Identity()
	wantFP := rec.Fingerprint()

	id := rec.Identity()
	id.Name.Given[0] = "X"
	id.Name.Prefix[0] = "X"
	id.Name.Suffix[0] = "X"
	id.Name.Family = "X"
	id.OtherNames[0].Given[0] = "X"
	id.Identifiers[0].Value = "X"
	id.Addresses[0].Lines[0] = "X"
	id.Addresses[0].City = "X"
	id.Telecom[0].Value = "X"

	d := rec.Demographics()
	d.Sex = patient.SexMale
	for _, c := range rec.Conditions() {
		c.Code.Code = "X"
	}
	conds := rec.Conditions()
	conds[0].Code.Code, conds[0].ID = "X", "X"
	meds := rec.Medications()
	meds[0].Status, meds[0].DailyDose.Value = patient.MedicationStopped, -1
	als := rec.Allergies()
	als[0].Status = patient.AllergyResolved
	obs := rec.Observations()
	for i := range obs {
		obs[i].Value.Quantity.Value = -1
		for j := range obs[i].Components {
			obs[i].Components[j].Value.Quantity.Value = -1
			obs[i].Components[j].Code.Code = "X"
		}
		obs[i].Components = append(obs[i].Components, patient.Component{})
	}
	encs := rec.Encounters()
	encs[0].Class = patient.EncounterVirtual
	procs := rec.Procedures()
	procs[0].Code.Code = "X"
	imms := rec.Immunizations()
	imms[0].Vaccine.Code = "X"
	team := rec.CareTeam()
	team[0].Name = "X"
	needs := rec.SocialNeeds()
	needs[0].Description = "X"
	notes := rec.Notes()
	notes[0].Text = "X"
	for _, list := range [][]patient.Condition{rec.ActiveConditions(), rec.ConditionsIn(terminology.Diabetes()), rec.ActiveConditionsIn(terminology.Diabetes())} {
		require.NotEmpty(t, list)
		list[0].ClinicalStatus = patient.ClinicalResolved
	}
	active := rec.ActiveMedications()
	active[0].Status = patient.MedicationStopped
	for _, o := range rec.ObservationsIn(terminology.BloodPressurePanel()) {
		o.Components[0].Value.Quantity.Value = -1
	}
	latest, _ := rec.LatestObservation(terminology.BloodPressurePanel())
	latest.Components[0].Value.Quantity.Value = -1
	_, holder, _ := rec.LatestValue(terminology.SystolicBP())
	holder.Components[0].Value.Quantity.Value = -1
	f, _ := rec.Fact(latest.ID)
	f.(patient.Observation).Components[0].Value.Quantity.Value = -1
	ids := rec.FactIDs()
	ids[0] = "X"

	assert.Equal(t, want, factsByID(rec), "no accessor result can change the record")
	assert.Equal(t, wantIdentity, rec.Identity(), "nor its identity")
	assert.Equal(t, "D1", rec.FactIDs()[0])

	// A fresh record from the same facts has the same fingerprint: the
	// cached one is still true.
	again := fullRecord(t)
	assert.Equal(t, wantFP, again.Fingerprint())
	assert.Equal(t, wantFP, rec.Fingerprint())
}

func TestBuilderInputCopied(t *testing.T) {
	f := fullFacts()
	b := f.add(newBuilder())
	rec, err := b.Build()
	require.NoError(t, err)
	want := factsByID(rec)
	wantIdentity := rec.Identity()
	wantFP := fullRecord(t).Fingerprint()
	require.Equal(t, wantFP, rec.Fingerprint())

	f.identity.Name.Given[0] = "X"
	f.identity.OtherNames[0].Family = "X"
	f.identity.Addresses[0].Lines[0] = "X"
	f.identity.Identifiers[0].Value = "X"
	f.conditions[0].Code.Code = "X"
	f.medications[0].Status = patient.MedicationStopped
	for i := range f.observations {
		for j := range f.observations[i].Components {
			f.observations[i].Components[j].Value.Quantity.Value = -1
		}
	}
	f.notes[0].Text = "X"

	assert.Equal(t, want, factsByID(rec), "changing the builder's input after Build leaves the record alone")
	assert.Equal(t, wantIdentity, rec.Identity())
	rec2, err := b.Build()
	require.NoError(t, err)
	assert.Equal(t, wantFP, rec2.Fingerprint(), "the builder copied its input when it was added, too")
}

func TestAge(t *testing.T) {
	tests := []struct {
		name     string
		born, at string
		want     int
		reason   string
	}{
		{"day before birthday", "1950-03-15", "2026-03-14", 75, "not yet 76"},
		{"on birthday", "1950-03-15", "2026-03-15", 76, "a year older on the birthday"},
		{"day after birthday", "1950-03-15", "2026-03-16", 76, "still 76"},
		{"month before", "1950-03-15", "2026-02-28", 75, "earlier month"},
		{"leapling common year Feb 28", "2000-02-29", "2001-02-28", 0, "born on 29 February: not yet 1 on 28 February"},
		{"leapling common year Mar 1", "2000-02-29", "2001-03-01", 1, "born on 29 February: 1 on 1 March in a common year"},
		{"leapling leap year", "2000-02-29", "2004-02-29", 4, "on 29 February in a leap year"},
		{"leapling leap year day before", "2000-02-29", "2004-02-28", 3, "not yet"},
		{"Mar 1 in leap year", "1999-03-01", "2000-02-29", 0, "a leap day before the birthday is not it"},
		{"birth day", "2026-11-01", "2026-11-01", 0, "zero on the day of birth"},
		{"before birth", "2026-11-01", "2020-01-01", 0, "0 before birth, never negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := patient.NewBuilder(day(tt.at), nil).SetDemographics(patient.Demographics{BirthDate: day(tt.born)}).Build()
			if tt.born > tt.at {
				// Build rejects a birth after as-of; AgeAt still answers.
				require.ErrorIs(t, err, patient.ErrAfterAsOf)
				rec, err = patient.NewBuilder(day(tt.born), nil).SetDemographics(patient.Demographics{BirthDate: day(tt.born)}).Build()
				require.NoError(t, err)
				assert.Equal(t, tt.want, rec.AgeAt(day(tt.at)), tt.reason)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, rec.Age(), tt.reason)
			assert.Equal(t, tt.want, rec.AgeAt(day(tt.at)), tt.reason)
			assert.Equal(t, day(tt.at), rec.AsOf())
		})
	}
}

func TestActiveHelpers(t *testing.T) {
	rec := fullRecord(t)

	var active []string
	for _, c := range rec.ActiveConditions() {
		active = append(active, c.ID+" "+c.Code.Code)
	}
	assert.Equal(t, []string{"C1 38341003", "C2 44054006", "C6 N18.31"}, active,
		"active, recurrence and relapse count as active; inactive and resolved do not; oldest onset first")

	var dm []string
	for _, c := range rec.ConditionsIn(terminology.Diabetes()) {
		dm = append(dm, c.ID)
	}
	assert.Equal(t, []string{"C2", "C3"}, dm, "ConditionsIn ignores status: type 1 (inactive, differential) is listed")
	dm = dm[:0]
	for _, c := range rec.ActiveConditionsIn(terminology.Diabetes()) {
		dm = append(dm, c.ID)
	}
	assert.Equal(t, []string{"C2"}, dm, "ActiveConditionsIn keeps only the active ones")
	ckd := rec.ActiveConditionsIn(terminology.ChronicKidneyDisease())
	require.Len(t, ckd, 1)
	assert.Equal(t, "N18.31", ckd[0].Code.Code, "an ICD-10-CM code found through a prefix member")
	assert.Empty(t, rec.ConditionsIn(terminology.LDL()))

	var meds []string
	for _, m := range rec.ActiveMedications() {
		meds = append(meds, m.ID+" "+m.Code.Code)
		assert.True(t, m.Active())
	}
	assert.Equal(t, []string{"M1 314076", "M2 860975"}, meds, "only active medications, earliest start first; intended and stopped are not current")
	assert.Equal(t, "lisinopril 10 MG Oral Tablet", rec.ActiveMedications()[0].Name())
	assert.Equal(t, "6809", patient.Medication{Code: rxnorm("6809", "")}.Name(), "a medication without display is named by its code")

	assert.True(t, patient.Note{}.Untrusted(), "notes are always untrusted")
}

func TestNilCodeSet(t *testing.T) {
	rec := fullRecord(t)
	var vs *terminology.ValueSet
	for _, set := range []patient.CodeSet{nil, vs} {
		assert.NotPanics(t, func() {
			assert.Empty(t, rec.ConditionsIn(set))
			assert.Empty(t, rec.ActiveConditionsIn(set))
			assert.Empty(t, rec.ObservationsIn(set))
			_, ok := rec.LatestObservation(set)
			assert.False(t, ok)
			_, _, ok = rec.LatestValue(set)
			assert.False(t, ok)
			_, ok = bp(1, 2, "2026-01-01").Component(set)
			assert.False(t, ok)
		}, "a nil set is empty, not a panic")
	}
}

func TestObservationsInAndLatest(t *testing.T) {
	rec := fullRecord(t)
	a1c := rec.ObservationsIn(terminology.HbA1c())
	require.Len(t, a1c, 2)
	assert.Equal(t, 8.4, a1c[0].Value.Quantity.Value, "newest first")
	assert.Equal(t, 7.9, a1c[1].Value.Quantity.Value)

	latest, ok := rec.LatestObservation(terminology.HbA1c())
	require.True(t, ok)
	assert.Equal(t, a1c[0], latest)
	panel, ok := rec.LatestObservation(terminology.BloodPressurePanel())
	require.True(t, ok)
	assert.Equal(t, day("2026-10-01"), panel.Effective)
	_, ok = rec.LatestObservation(terminology.SystolicBP())
	assert.False(t, ok, "LatestObservation does not look into components")
	_, ok = rec.LatestObservation(terminology.LDL())
	assert.False(t, ok)
}

func TestLatestValue(t *testing.T) {
	sbp := func(v float64, when string) patient.Observation {
		return vital(loinc("8480-6", "Systolic blood pressure"), v, "mm[Hg]", when)
	}
	panelNoValue := patient.Observation{Code: loinc("85354-9", "BP panel"), Category: patient.CategoryVitalSigns, Effective: day("2026-09-01"),
		Components: []patient.Component{{Code: loinc("8462-4", "Diastolic"), Value: patient.QuantityValue(80, "mm[Hg]")}}}
	tests := []struct {
		name     string
		obs      []patient.Observation
		want     float64
		wantCode string
		wantDate string
		reason   string
	}{
		{"panel only", []patient.Observation{bp(150, 95, "2026-01-01"), bp(138, 85, "2026-06-01")}, 138, "85354-9", "2026-06-01",
			"systolic found inside the newest BP panel (85354-9 with 8480-6/8462-4)"},
		{"standalone only", []patient.Observation{sbp(128, "2026-02-01"), sbp(131, "2026-03-01")}, 131, "8480-6", "2026-03-01",
			"a standalone systolic observation"},
		{"standalone newer", []patient.Observation{bp(150, 95, "2026-01-01"), sbp(121, "2026-04-01")}, 121, "8480-6", "2026-04-01",
			"whichever is newer: the standalone"},
		{"panel newer", []patient.Observation{sbp(121, "2026-04-01"), bp(150, 95, "2026-05-01")}, 150, "85354-9", "2026-05-01",
			"whichever is newer: the panel"},
		{"synthea panel", []patient.Observation{{Code: loinc("55284-4", "Blood pressure systolic and diastolic"), Category: patient.CategoryVitalSigns,
			Effective: day("2026-02-02"), Components: []patient.Component{
				{Code: loinc("8462-4", "Diastolic"), Value: patient.QuantityValue(94, "mm[Hg]")},
				{Code: loinc("8480-6", "Systolic"), Value: patient.QuantityValue(168, "mm[Hg]")},
			}}}, 168, "55284-4", "2026-02-02", "any panel, component in any position"},
		{"panel without systolic skipped", []patient.Observation{bp(150, 95, "2026-01-01"), panelNoValue}, 150, "85354-9", "2026-01-01",
			"a newer panel without the component is passed over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			rec, err := newBuilder().AddObservations(shuffled(rng, tt.obs)...).Build()
			require.NoError(t, err)
			v, o, ok := rec.LatestValue(terminology.SystolicBP())
			require.True(t, ok, tt.reason)
			assert.Equal(t, patient.ValueQuantity, v.Kind)
			assert.Equal(t, tt.want, v.Quantity.Value, tt.reason)
			assert.Equal(t, "mm[Hg]", v.Quantity.Unit)
			assert.Equal(t, tt.wantCode, o.Code.Code, tt.reason)
			assert.Equal(t, day(tt.wantDate), o.Effective, tt.reason)
			assert.True(t, rec.Has(o.ID), "the holder is a fact of the record")
		})
	}

	rec, err := newBuilder().AddObservations(lab(loinc("4548-4", "HbA1c"), 7.1, "%", "2026-01-01")).Build()
	require.NoError(t, err)
	_, _, ok := rec.LatestValue(terminology.SystolicBP())
	assert.False(t, ok, "no systolic anywhere")
	v, _, ok := rec.LatestValue(terminology.HbA1c())
	require.True(t, ok)
	assert.Equal(t, 7.1, v.Quantity.Value, "an ordinary lab through LatestValue")
}

func TestRecordConcurrent(t *testing.T) {
	rec := fullRecord(t)
	want := fullRecord(t).Fingerprint() // a separate record, so rec's cache starts empty
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range 50 {
				assert.Equal(t, want, rec.Fingerprint())
				_ = rec.Identity()
				_ = rec.Conditions()
				obs := rec.Observations()
				obs[0].Components = append(obs[0].Components, patient.Component{})
				_ = rec.Medications()
				_ = rec.ActiveConditionsIn(terminology.Diabetes())
				_, _, _ = rec.LatestValue(terminology.SystolicBP())
				_ = rec.ObservationsIn(terminology.HbA1c())
				for _, id := range rec.FactIDs() {
					_, _ = rec.Fact(id)
				}
				_ = rec.Age()
			}
		})
	}
	wg.Wait()
}

func TestDemographicsIsDeceased(t *testing.T) {
	assert.False(t, patient.Demographics{}.IsDeceased())
	assert.True(t, patient.Demographics{Deceased: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}.IsDeceased())
	assert.True(t, patient.Demographics{DeceasedDateUnknown: true}.IsDeceased(), "a death with no known date is still a death")
}
