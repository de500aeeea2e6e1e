package patient_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/patient"
)

func TestRewriteKeepsIDs(t *testing.T) {
	rec := fullRecord(t)
	shift := func(t time.Time) time.Time { return t.AddDate(0, 0, -200) }
	upper := func(_ patient.TextField, s string) string { return strings.ToUpper(s) }

	tests := []struct {
		name   string
		rw     patient.Rewrite
		reason string
	}{
		{name: "nothing", reason: "a zero Rewrite copies the record"},
		{name: "dates", rw: patient.Rewrite{Time: shift}, reason: "a constant shift keeps the order of every kind"},
		{name: "text", rw: patient.Rewrite{Text: upper}, reason: "rewritten text keeps its facts' IDs"},
		{name: "everything", rw: patient.Rewrite{Time: shift, Text: upper, Identity: func(patient.Identity) patient.Identity {
			return patient.Identity{}
		}}, reason: "all three together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rec.Rewrite(tt.rw)
			require.NoError(t, err, tt.reason)
			assert.Equal(t, rec.FactIDs(), got.FactIDs(), tt.reason)
			assert.Equal(t, rec.Len(), got.Len(), tt.reason)
			assert.Equal(t, rec.Age(), got.Age(), "ages are computed against the mapped as-of date")
			for _, id := range rec.FactIDs() {
				k, ok := got.KindOf(id)
				require.True(t, ok, id)
				want, _ := rec.KindOf(id)
				assert.Equal(t, want, k, id)
			}
		})
	}

	t.Run("content", func(t *testing.T) {
		got, err := rec.Rewrite(patient.Rewrite{Time: shift, Text: upper})
		require.NoError(t, err)
		assert.Equal(t, shift(rec.AsOf()), got.AsOf())
		assert.Equal(t, shift(rec.Demographics().BirthDate), got.Demographics().BirthDate)
		for i, n := range rec.Notes() {
			g := got.Notes()[i]
			assert.Equal(t, n.ID, g.ID)
			assert.Equal(t, strings.ToUpper(n.Text), g.Text)
			assert.Equal(t, shift(n.Time), g.Time)
		}
		for i, o := range rec.Observations() {
			assert.Equal(t, shift(o.Effective), got.Observations()[i].Effective)
		}
		enc := got.Encounters()
		assert.Equal(t, shift(rec.Encounters()[2].End), enc[2].End, "dates after the as-of date move too")
		assert.Equal(t, rec.Identity(), got.Identity(), "the identity is kept unless mapped")
		assert.NotEqual(t, rec.Fingerprint(), got.Fingerprint())
	})

	t.Run("original untouched", func(t *testing.T) {
		before := factsByID(rec)
		fp := rec.Fingerprint()
		_, err := rec.Rewrite(patient.Rewrite{Time: shift, Text: upper, Identity: func(id patient.Identity) patient.Identity {
			id.Name.Given[0] = "Changed"
			id.Identifiers[0].Value = "X"
			return id
		}})
		require.NoError(t, err)
		assert.Equal(t, before, factsByID(rec))
		assert.Equal(t, fp, rec.Fingerprint())
		assert.Equal(t, "Zelda", rec.Identity().Name.Given[0], "the identity function gets a copy")
	})
}

// TestRewriteTies is why Rewrite exists: two notes written at the same
// time are numbered by their text, and a rewrite that changes the text
// must not renumber them, or a plan citing N1 would cite the other note.
func TestRewriteTies(t *testing.T) {
	at := day("2026-10-01")
	rec, err := newBuilder().AddNotes(
		patient.Note{Time: at, Text: "alpha: daughter Ann visits"},
		patient.Note{Time: at, Text: "beta: son Zed visits"},
	).Build()
	require.NoError(t, err)
	n1, _ := rec.Fact("N1")
	require.Equal(t, "alpha: daughter Ann visits", n1.(patient.Note).Text)

	swap := map[string]string{"alpha: daughter Ann visits": "zulu: daughter [RELATIVE_1] visits", "beta: son Zed visits": "able: son [RELATIVE_2] visits"}
	got, err := rec.Rewrite(patient.Rewrite{Text: func(f patient.TextField, s string) string {
		if f.Name == "text" {
			return swap[s]
		}
		return s
	}})
	require.NoError(t, err)
	n1, _ = got.Fact("N1")
	assert.Equal(t, "zulu: daughter [RELATIVE_1] visits", n1.(patient.Note).Text, "N1 is still the first note")
	n2, _ := got.Fact("N2")
	assert.Equal(t, "able: son [RELATIVE_2] visits", n2.(patient.Note).Text)

	rebuilt, err := newBuilder().AddNotes(got.Notes()...).Build()
	require.NoError(t, err)
	r1, _ := rebuilt.Fact("N1")
	assert.Equal(t, "able: son [RELATIVE_2] visits", r1.(patient.Note).Text, "building afresh would renumber: the reason for Rewrite")
}

func TestRewriteTextFields(t *testing.T) {
	rec := fullRecord(t)
	var mu sync.Mutex
	seen := map[string]bool{}
	_, err := rec.Rewrite(patient.Rewrite{Text: func(f patient.TextField, s string) string {
		require.NotEmpty(t, s, "empty strings are not passed")
		k, ok := rec.KindOf(f.FactID)
		require.True(t, ok, "%s names a fact", f.FactID)
		require.Equal(t, k, f.Kind)
		mu.Lock()
		seen[string(f.Kind)+":"+f.Name] = true
		mu.Unlock()
		return s
	}})
	require.NoError(t, err)
	for _, want := range []string{
		"note:text", "note:author", "note:kind", "care-team:name", "care-team:role", "care-team:organization",
		"medication:dose_text", "medication:code.display", "condition:code.display", "allergy:substance.display",
		"social-need:description", "social-need:code.display", "observation:value.code.display",
		"vital:components[0].code.display", "encounter:type.display", "procedure:code.display", "immunization:vaccine.display",
	} {
		assert.True(t, seen[want], "Text sees %s", want)
	}
}

func TestRewriteErrors(t *testing.T) {
	rec := fullRecord(t)
	tests := []struct {
		name      string
		rw        patient.Rewrite
		wantField string
		wantErr   error
		reason    string
	}{
		{
			name: "empty note", wantField: "notes[1].text", wantErr: patient.ErrMissing,
			rw: patient.Rewrite{Text: func(f patient.TextField, s string) string {
				if f.FactID == "N2" && f.Name == "text" {
					return " "
				}
				return s
			}},
			reason: "a rewritten record is checked like a built one; paths index facts in ID order",
		},
		{
			name: "after as-of", wantField: "notes[1].time", wantErr: patient.ErrAfterAsOf,
			rw: patient.Rewrite{Time: func(t time.Time) time.Time {
				if t.Equal(day("2026-10-15")) {
					return day("2027-01-01")
				}
				return t
			}},
			reason: "a mapping that is not a shift can break the record",
		},
		{
			name: "empty role", wantField: "care_team[1].role", wantErr: patient.ErrMissing,
			rw: patient.Rewrite{Text: func(f patient.TextField, s string) string {
				if f.Name == "role" && s == "primary care physician" {
					return ""
				}
				return s
			}},
			reason: "care-team roles are required",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rec.Rewrite(tt.rw)
			require.Error(t, err, tt.reason)
			assert.Nil(t, got)
			require.ErrorIs(t, err, tt.wantErr)
			var fields []string
			for _, fe := range fieldErrors(t, err) {
				fields = append(fields, fe.Field)
			}
			assert.Contains(t, fields, tt.wantField, tt.reason)
		})
	}
}

func TestRewriteExtraCodeSystems(t *testing.T) {
	const local = "urn:example:local-codes"
	rec, err := patient.NewBuilder(asOf, &patient.BuilderOptions{ExtraCodeSystems: []string{local}}).
		SetDemographics(demographics()).
		AddConditions(patient.Condition{Code: patient.Code{System: local, Code: "X1", Display: "Local problem"}, ClinicalStatus: patient.ClinicalActive}).
		Build()
	require.NoError(t, err)
	got, err := rec.Rewrite(patient.Rewrite{Time: func(t time.Time) time.Time { return t.AddDate(0, 0, 3) }})
	require.NoError(t, err, "systems the record was built with stay accepted")
	assert.Equal(t, rec.FactIDs(), got.FactIDs())
}

func TestRewriteConcurrent(t *testing.T) {
	rec := fullRecord(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			got, err := rec.Rewrite(patient.Rewrite{
				Time: func(t time.Time) time.Time { return t.AddDate(0, 0, i) },
				Text: func(_ patient.TextField, s string) string { return fmt.Sprint(i, s) },
			})
			assert.NoError(t, err)
			assert.Equal(t, rec.FactIDs(), got.FactIDs())
			_ = got.Fingerprint()
		})
	}
	wg.Wait()
}
