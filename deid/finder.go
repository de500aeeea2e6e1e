package deid

import (
	"context"
	"slices"

	"github.com/careguard/careguard/patient"
)

// Identifiers finds the identifiers of one record in any text: the
// patient's names and identifiers, care-team names and note authors, and
// the people, numbers and places the record's notes name. The PHI-leak
// checks use it on drafts and prompts. Make one with
// [Pseudonymizer.Identifiers].
//
// Like a Mapping it holds the record's identifiers and never prints them.
// It is immutable and safe for concurrent use by multiple goroutines.
type Identifiers struct {
	m *mapping
}

// String returns "deid.Identifiers(redacted)".
func (Identifiers) String() string { return "deid.Identifiers(redacted)" }

// GoString returns "deid.Identifiers(redacted)".
func (Identifiers) GoString() string { return "deid.Identifiers(redacted)" }

// MarshalJSON returns ErrSecret.
func (Identifiers) MarshalJSON() ([]byte, error) { return nil, ErrSecret }

// Match is an identifier found in text. It says where and what kind, never
// the value.
type Match struct {
	// Start and End are byte offsets: text[Start:End] is the identifier.
	Start, End int
	Kind       Kind
	// Source says where the identifier was learnt: the record's identity,
	// its care team, its notes, or only its shape (SourcePattern: a social
	// security number that is not the record's).
	Source Source
	// Full is false for one word of a multi-word name ("Smith" of "John
	// Smith") and true otherwise.
	Full bool
}

// outbound reports whether the match must never reach a model after
// pseudonymization (see Mapping.CheckPrompt).
func (x Match) outbound() bool {
	switch x.Source {
	case SourceIdentity, SourceCareTeam:
		return true
	case SourceNotes:
		return x.Full || !x.Kind.IsName()
	}
	return x.Kind == KindSSN
}

// Identifiers learns rec's identifiers: the structured ones and those its
// free text names. It returns ErrNoRecord for a nil record and ctx.Err()
// if ctx ends.
func (p *Pseudonymizer) Identifiers(ctx context.Context, rec *patient.Record) (*Identifiers, error) {
	if rec == nil {
		return nil, ErrNoRecord
	}
	st, err := p.discover(ctx, rec)
	if err != nil {
		return nil, err
	}
	return &Identifiers{m: &mapping{lx: p.lx, reg: st.reg, asOf: rec.AsOf(), birth: rec.Demographics().BirthDate}}, nil
}

// Find returns the record's identifiers found in text, in order and not
// overlapping: names and values the record holds or its notes named (in
// any of the formats Record replaces), the birth date in a common format,
// and any social-security-shaped number. A word of a name inside a longer
// clinical term ("Graves disease") is not a match. A nil or zero
// Identifiers, which knows no record, finds nothing.
func (f *Identifiers) Find(text string) []Match {
	if f == nil || f.m == nil || f.m.reg == nil {
		return nil
	}
	m := f.m
	asOf := m.shiftedAsOf
	if asOf.IsZero() {
		asOf = m.asOf
	}
	sc := newScanner(m.lx, modeFind, frame{asOf: asOf})
	sc.reg = m.reg
	sc.scan(text)
	sc.known(m.reg)
	spans := sc.resolve(nil, "")
	out := make([]Match, 0, len(spans))
	for _, sp := range spans {
		x := Match{Start: sp.start, End: sp.end, Kind: sp.kind, Full: true}
		switch {
		case sp.ent != nil:
			x.Kind, x.Source, x.Full = sp.ent.kind, sp.ent.source, sp.full
		case sp.date != nil:
			d, ok := sp.date.dateOf()
			by, bm, bd := m.birth.Date()
			if !ok || m.birth.IsZero() || d.Year() != by || d.Month() != bm || d.Day() != bd {
				continue
			}
			x.Source = SourceIdentity
		case sp.norm != "":
			if e := m.reg.byNorm[sp.norm]; e != nil {
				x.Kind, x.Source = e.kind, e.source
			} else if sp.kind == KindSSN {
				x.Source = SourcePattern
			} else {
				continue
			}
		default:
			continue
		}
		out = append(out, x)
	}
	return slices.Clip(out)
}
