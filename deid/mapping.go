package deid

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/providers"
)

// Mapping links the placeholders of one pseudonymized record to the values
// they replace, and holds the date shift. It is the key to the record's
// identifiers: it has no exported fields, never leaves the process through
// careguard, and prints, logs and marshals as "deid.Mapping(redacted)" or
// not at all ([ErrSecret]).
//
// A Mapping is immutable and safe for concurrent use by multiple
// goroutines.
type Mapping struct {
	// The contents sit behind a pointer so that reflection-based
	// printing of a struct that holds a Mapping shows an address, never
	// the values.
	m *mapping
}

type mapping struct {
	lx                *lexicon
	reg               *registry
	asOf, shiftedAsOf time.Time
	days, months      int
	birth             time.Time
	issued            issued
}

var (
	_ careplan.Restorer      = (*Mapping)(nil)
	_ careplan.PromptChecker = (*Mapping)(nil)
)

const redacted = "deid.Mapping(redacted)"

// String returns "deid.Mapping(redacted)".
func (Mapping) String() string { return redacted }

// GoString returns "deid.Mapping(redacted)".
func (Mapping) GoString() string { return redacted }

// Format writes "deid.Mapping(redacted)" for every verb.
func (Mapping) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue keeps the mapping out of logs.
func (Mapping) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON returns ErrSecret.
func (Mapping) MarshalJSON() ([]byte, error) { return nil, ErrSecret }

// MarshalText returns ErrSecret.
func (Mapping) MarshalText() ([]byte, error) { return nil, ErrSecret }

// MarshalBinary returns ErrSecret.
func (Mapping) MarshalBinary() ([]byte, error) { return nil, ErrSecret }

// ShiftDays returns the number of days the record's dates were moved by
// (negative: into the past). It is part of the secret: keep it out of
// logs and prompts.
func (m *Mapping) ShiftDays() int {
	if !m.ok() {
		return 0
	}
	return m.m.days
}

// ok reports whether m was made by Pseudonymizer.Record.
func (m *Mapping) ok() bool { return m != nil && m.m != nil && m.m.reg != nil }

// TokenError is a placeholder that a Mapping cannot restore: the model
// invented it, mangled it or copied it from elsewhere. The placeholder is
// never an identifier of the record, so the message is safe to show the
// model in a repair request.
type TokenError struct {
	// Field is the JSON pointer of the plan field ("/goals/0/description"),
	// or "" for RestoreText.
	Field string
	// Token is the placeholder as written ("[CLINICIAN_7]").
	Token string
	// Offset is its byte offset in the field.
	Offset int
}

func (e *TokenError) Error() string {
	where := ""
	if e.Field != "" {
		where = " at " + e.Field
	}
	return fmt.Sprintf("deid: unknown placeholder %s%s: use only the placeholders in the patient record, exactly as written", e.Token, where)
}

// Unwrap returns ErrUnknownToken.
func (e *TokenError) Unwrap() error { return ErrUnknownToken }

// Restore implements careplan.Restorer. It returns a copy of plan in which
// every placeholder of every free-text field is replaced by the value it
// stands for, and every date the pseudonymized record held (in any common
// format) is shifted back. Other dates are left as written: a guideline's
// date, or one the model computed (the prompt asks it not to; the plan's
// fields give timing in days). Codes, citations and numbers are not
// touched, nor are dates in Source fields, which name guidelines. Every placeholder the
// mapping did not issue is reported: Restore returns nil and the
// *TokenErrors joined, each wrapping ErrUnknownToken. A nil or zero
// Mapping returns ErrNoMapping.
func (m *Mapping) Restore(plan *careplan.Plan) (*careplan.Plan, error) {
	if !m.ok() {
		return nil, ErrNoMapping
	}
	if plan == nil {
		return nil, nil
	}
	out := plan.Clone()
	var errs []error
	fix := func(ptr string, s *string, dates bool) {
		r, es := m.m.restore(*s, ptr, dates)
		*s = r
		errs = append(errs, es...)
	}
	at := func(field string, i int, name string) string {
		return "/" + field + "/" + strconv.Itoa(i) + "/" + name
	}
	fix("/summary", &out.Summary, true)
	for i := range out.Problems {
		x := &out.Problems[i]
		fix(at("problems", i, "title"), &x.Title, true)
		fix(at("problems", i, "rationale"), &x.Rationale, true)
	}
	for i := range out.Goals {
		x := &out.Goals[i]
		fix(at("goals", i, "description"), &x.Description, true)
		fix(at("goals", i, "rationale"), &x.Rationale, true)
		fix(at("goals", i, "source"), &x.Source, false)
		for j := range x.Targets {
			fix(at("goals", i, "targets/"+strconv.Itoa(j)+"/measure_name"), &x.Targets[j].MeasureName, true)
		}
	}
	for i := range out.Interventions {
		x := &out.Interventions[i]
		fix(at("interventions", i, "description"), &x.Description, true)
		fix(at("interventions", i, "rationale"), &x.Rationale, true)
		fix(at("interventions", i, "source"), &x.Source, false)
	}
	for i := range out.MedicationChanges {
		x := &out.MedicationChanges[i]
		fix(at("medication_changes", i, "medication"), &x.Medication, false)
		fix(at("medication_changes", i, "dose"), &x.Dose, true)
		fix(at("medication_changes", i, "rationale"), &x.Rationale, true)
		fix(at("medication_changes", i, "source"), &x.Source, false)
	}
	for i := range out.Monitoring {
		x := &out.Monitoring[i]
		fix(at("monitoring", i, "measure_name"), &x.MeasureName, true)
		fix(at("monitoring", i, "rationale"), &x.Rationale, true)
		fix(at("monitoring", i, "source"), &x.Source, false)
	}
	for i := range out.Education {
		x := &out.Education[i]
		fix(at("education", i, "topic"), &x.Topic, true)
		fix(at("education", i, "rationale"), &x.Rationale, true)
		fix(at("education", i, "source"), &x.Source, false)
	}
	for i := range out.Referrals {
		x := &out.Referrals[i]
		fix(at("referrals", i, "specialty"), &x.Specialty, true)
		fix(at("referrals", i, "reason"), &x.Reason, true)
		fix(at("referrals", i, "rationale"), &x.Rationale, true)
		fix(at("referrals", i, "source"), &x.Source, false)
	}
	for i := range out.FollowUps {
		x := &out.FollowUps[i]
		fix(at("follow_ups", i, "description"), &x.Description, true)
		fix(at("follow_ups", i, "rationale"), &x.Rationale, true)
		fix(at("follow_ups", i, "source"), &x.Source, false)
	}
	for i := range out.Tasks {
		x := &out.Tasks[i]
		fix(at("care_team_tasks", i, "description"), &x.Description, true)
		fix(at("care_team_tasks", i, "rationale"), &x.Rationale, true)
		fix(at("care_team_tasks", i, "source"), &x.Source, false)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// RestoreText returns s with every placeholder replaced by the value it
// stands for and every date shifted back. Unknown placeholders are
// reported as *TokenErrors, joined, each wrapping ErrUnknownToken; the
// text is returned with them left as written. A nil or zero Mapping
// returns s and ErrNoMapping.
func (m *Mapping) RestoreText(s string) (string, error) {
	if !m.ok() {
		return s, ErrNoMapping
	}
	out, errs := m.m.restore(s, "", true)
	return out, errors.Join(errs...)
}

// restore restores one text. Placeholders and dates are found in the text
// as written, so a restored value is never read again.
func (m *mapping) restore(s, field string, dates bool) (string, []error) {
	var spans []span
	var errs []error
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '[' && !isUpperASCII(c) {
			continue
		}
		p, ok := parsePlaceholder(s, i, true)
		if !ok {
			continue
		}
		var e *entity
		if p.kind != "" {
			e = m.reg.byToken[token(p.kind, p.n)]
			if p.kind == KindPatient && p.n > 0 {
				e = nil
			}
		}
		if e == nil {
			tok := s[p.start:p.end]
			if len(tok) > 40 {
				tok = tok[:40] + "…"
			}
			errs = append(errs, &TokenError{Field: field, Token: tok, Offset: p.start})
		} else {
			spans = append(spans, span{start: p.start, end: p.end, pri: priNeutral, repl: e.value})
		}
		i = p.end - 1
	}
	// Dates are looked for in every text: a month written alone ("since
	// Jun.") has no digit.
	if dates {
		sc := newScanner(m.lx, modeRestore, frame{asOf: m.shiftedAsOf, days: -m.days, months: -m.months})
		sc.scan(s)
		// Only the dates the pseudonymized record held move back; one
		// copied as written becomes the text it replaced.
		sc.spans = slices.DeleteFunc(sc.spans, func(sp span) bool { return sp.date != nil && !m.issued.has(sp.date) })
		for i := range sc.spans {
			if sp := &sc.spans[i]; sp.date != nil {
				if orig := m.issued.text[s[sp.start:sp.end]]; orig != "" {
					sp.repl = orig
				}
			}
		}
		sc.spans = preferWritten(s, &m.issued, sc.spans)
		sc.spans = append(sc.spans, bareMonthSpans(s, m.issued.bareMonths, sc.spans)...)
		sc.spans = append(sc.spans, spans...)
		spans = sc.resolve(nil, "")
	}
	return render(s, spans, frame{asOf: m.shiftedAsOf, days: -m.days, months: -m.months}), errs
}

// preferWritten replaces each date the restore scanner read that is not
// text the pseudonymization wrote, when text it did write overlaps it:
// "May 5  May h6" also reads as "5  May", but "May 5" is what was
// written, and it restores to the text it replaced. Among overlapping
// written texts the longest, then the first, is taken.
func preferWritten(s string, is *issued, spans []span) []span {
	var written []span
	out := spans[:0]
	for _, sp := range spans {
		if sp.date == nil || sp.repl != "" {
			out = append(out, sp)
			continue
		}
		best := span{start: -1}
		for w, orig := range is.text {
			if is.bareMonths[w] != "" {
				continue // months alone are bareMonthSpans' business
			}
			for from := 0; ; {
				i := strings.Index(s[from:], w)
				if i < 0 {
					break
				}
				start, end := from+i, from+i+len(w)
				from = start + 1
				if end <= sp.start || start >= sp.end || !wordEdge(s, start-1) || !wordEdge(s, end) {
					continue
				}
				if best.start < 0 || end-start > best.end-best.start || end-start == best.end-best.start && start < best.start {
					best = span{start: start, end: end, kind: KindDate, pri: priDate, repl: orig}
				}
			}
		}
		if best.start < 0 {
			out = append(out, sp)
			continue
		}
		if !slices.ContainsFunc(written, func(x span) bool { return x.start == best.start && x.end == best.end }) {
			written = append(written, best)
		}
	}
	return append(out, written...)
}

// bareMonthSpans finds, as whole words, the months the pseudonymization
// wrote alone that the scanner did not recognise as dates (because the cue
// before them, such as "since", was itself replaced), and maps each back
// to the text it replaced.
func bareMonthSpans(s string, bare map[string]string, found []span) []span {
	var out []span
	for w, orig := range bare {
		for from := 0; ; {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			start, end := from+i, from+i+len(w)
			from = end
			if !wordEdge(s, start-1) || !wordEdge(s, end) {
				continue
			}
			covered := slices.ContainsFunc(found, func(sp span) bool { return sp.start < end && start < sp.end })
			if !covered {
				out = append(out, span{start: start, end: end, kind: KindDate, pri: priDate, repl: orig})
			}
		}
	}
	return out
}

// wordEdge reports whether s[i] is not part of a word (or i is outside s).
func wordEdge(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	c := s[i]
	return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80)
}

// LeakError reports identifiers of the record found in outbound text. It
// says where and of what kinds, never what.
type LeakError struct {
	// Message is the index of the message that holds the first one.
	Message int
	// Offset is its byte offset in that message.
	Offset int
	// Kinds lists the kinds found, each once, in order of appearance.
	Kinds []Kind
	// Count is how many were found in all.
	Count int
}

func (e *LeakError) Error() string {
	ks := make([]string, len(e.Kinds))
	for i, k := range e.Kinds {
		ks[i] = string(k)
	}
	return fmt.Sprintf("deid: %d identifier(s) of the record (%s) in outbound text, the first in message %d at byte %d",
		e.Count, strings.Join(ks, ", "), e.Message, e.Offset)
}

// Unwrap returns ErrLeak.
func (e *LeakError) Unwrap() error { return ErrLeak }

// CheckPrompt implements careplan.PromptChecker: it fails with a
// *LeakError (wrapping ErrLeak) when a message holds an identifier that
// the record's pseudonymization replaced: a name of the patient or of a
// clinician on the care team or authoring a note, a relative's or other
// person's full name found in the notes, an identifier, contact point,
// street address, city, county or ZIP code, or the birth date. A
// placeholder is fine; so is a single word of a name found only in a note,
// which could be a common word in the prompt's own text. Names the record
// holds are found in any letter case unless they are common words (see
// Pseudonymizer.Record). A nil or zero Mapping vouches for nothing: it
// returns ErrNoMapping.
func (m *Mapping) CheckPrompt(msgs []providers.Message) error {
	if !m.ok() {
		return ErrNoMapping
	}
	f := &Identifiers{m: m.m}
	var le *LeakError
	for i, msg := range msgs {
		for _, x := range f.Find(msg.Content) {
			if !x.outbound() {
				continue
			}
			if le == nil {
				le = &LeakError{Message: i, Offset: x.Start}
			}
			le.Count++
			if !containsKind(le.Kinds, x.Kind) {
				le.Kinds = append(le.Kinds, x.Kind)
			}
		}
	}
	if le != nil {
		return le
	}
	return nil
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}
