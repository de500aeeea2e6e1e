package patient_test

import (
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/careguard/careguard/patient"
)

// Rewrite shifts every date and rewrites free text while each fact keeps
// its ID, as de-identification needs: content that cites N1 still means
// the same note.
func ExampleRecord_Rewrite() {
	at := date(2026, 10, 1)
	rec, err := patient.NewBuilder(date(2026, 11, 1), nil).
		SetDemographics(patient.Demographics{BirthDate: date(1957, 3, 14), Sex: patient.SexFemale}).
		AddNotes(
			patient.Note{Time: at, Text: "Amy drove her in."},
			patient.Note{Time: at, Text: "Zoe called about refills."},
		).Build()
	if err != nil {
		log.Fatal(err)
	}
	out, err := rec.Rewrite(patient.Rewrite{
		Time: func(t time.Time) time.Time { return t.AddDate(0, 0, -30) },
		Text: func(f patient.TextField, s string) string {
			if f.Name != "text" {
				return s
			}
			s = strings.ReplaceAll(s, "Amy", "[RELATIVE_2]") // would sort after "[RELATIVE_1]"...
			return strings.ReplaceAll(s, "Zoe", "[RELATIVE_1]")
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range out.Notes() {
		fmt.Println(n.ID, n.Time.Format(time.DateOnly), n.Text) // ...but keeps its ID
	}
	fmt.Println(out.AsOf().Format(time.DateOnly), out.Age() == rec.Age())
	// Output:
	// N1 2026-09-01 [RELATIVE_2] drove her in.
	// N2 2026-09-01 [RELATIVE_1] called about refills.
	// 2026-10-02 true
}
