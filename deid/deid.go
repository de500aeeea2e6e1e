package deid

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/patient"
)

// Errors.
var (
	// ErrNoRecord: Pseudonymize or Identifiers was given a nil record.
	ErrNoRecord = errors.New("deid: no record")
	// ErrRandom: the random source failed; nothing was pseudonymized.
	ErrRandom = errors.New("deid: random source failed")
	// ErrUnknownToken is wrapped by every *TokenError: text to restore
	// holds a placeholder this mapping never issued.
	ErrUnknownToken = errors.New("deid: unknown placeholder")
	// ErrLeak is wrapped by every *LeakError: outbound text holds an
	// identifier of the record.
	ErrLeak = errors.New("deid: identifier in outbound text")
	// ErrSecret is returned by the Mapping's marshalling methods: a
	// mapping is never serialized.
	ErrSecret = errors.New("deid: a mapping is never serialized")
	// ErrNoMapping is returned by the methods of a nil or zero Mapping,
	// one that Pseudonymizer.Record did not make: it can restore nothing
	// and vouch for no prompt.
	ErrNoMapping = errors.New("deid: no mapping (a Mapping comes from Pseudonymizer.Record)")
)

// Options configures a Pseudonymizer. The zero value (or nil) gives the
// defaults noted on each field.
type Options struct {
	// Rand is the source of the date shift. Default crypto/rand.Reader.
	// Give a deterministic reader in tests only.
	Rand io.Reader
	// MinShiftDays and MaxShiftDays bound the date shift: a whole number
	// of days, drawn for each pseudonymization, whose magnitude lies
	// between them and whose sign is random. Defaults 30 and 365;
	// MinShiftDays is at least 16 so that month-precision dates move too.
	MinShiftDays, MaxShiftDays int
}

// Pseudonymizer replaces a record's identifiers with placeholders and
// shifts its dates, keeping the mapping in memory so that a model's reply
// can be restored. It implements careplan.Pseudonymizer.
//
// A Pseudonymizer is immutable and safe for concurrent use by multiple
// goroutines if its Rand is (crypto/rand is).
type Pseudonymizer struct {
	lx       *lexicon
	rand     io.Reader
	min, max int
}

var _ careplan.Pseudonymizer = (*Pseudonymizer)(nil)

// New returns a Pseudonymizer.
func New(opts *Options) *Pseudonymizer {
	var o Options
	if opts != nil {
		o = *opts
	}
	p := &Pseudonymizer{lx: newLexicon(), rand: o.Rand, min: o.MinShiftDays, max: o.MaxShiftDays}
	if p.rand == nil {
		p.rand = rand.Reader
	}
	if p.min <= 0 {
		p.min = 30
	}
	p.min = max(p.min, 16)
	if p.max <= 0 {
		p.max = 365
	}
	p.max = max(p.max, p.min)
	return p
}

// Pseudonymize implements careplan.Pseudonymizer: it returns the
// pseudonymized record and its *Mapping as the restorer. See Record.
func (p *Pseudonymizer) Pseudonymize(ctx context.Context, rec *patient.Record) (*patient.Record, careplan.Restorer, error) {
	out, m, err := p.Record(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	return out, m, nil
}

// Record pseudonymizes rec. The result has rec's fact IDs, each naming the
// same fact, with:
//
//   - the identity emptied, and care-team names, note authors,
//     organizations and source IDs replaced or dropped;
//   - in every free-text field (note text above all, but also dose
//     instructions, reactions, social-need descriptions, text results and
//     code displays): the names of the patient, of clinicians and of
//     relatives and other people, in the formats notes use ("SMITH, JOHN",
//     "Mr. Smith", "J. Smith", "Smith's", and the names the record holds
//     in lower case: "john smith", "pt smith" unless the name is also a
//     common word), street addresses, cities and
//     counties, ZIP codes, phone and fax numbers, e-mail addresses, social
//     security, record, account, health-plan, licence, device and vehicle
//     numbers, URLs, IP addresses and other identifying codes, each
//     replaced by a placeholder ([PATIENT], [CLINICIAN_2], [PHONE_1]) that
//     is the same for every occurrence of the same identifier in the
//     record and numbered in order of first appearance, never derived
//     from the identifier (45 CFR 164.514(c));
//   - every date, structured or written in text in a common format,
//     shifted by one random number of days, so intervals are kept (month
//     precision dates by the nearest number of months); a date more than
//     89 years before the as-of date, or one the shift would move out of
//     the years 1 to 9999, is replaced, and an age over 89 in text
//     becomes "90+".
//
// The shift is chosen so that the patient's age at the as-of date does not
// change. The returned *Mapping holds everything needed to restore a reply
// and must stay in memory.
//
// Record returns ErrNoRecord for a nil record, an error wrapping ErrRandom
// when Rand fails, ctx.Err() when ctx ends, and an error wrapping the
// record's *patient.FieldError if the pseudonymized record is invalid
// (which would be a bug here).
func (p *Pseudonymizer) Record(ctx context.Context, rec *patient.Record) (*patient.Record, *Mapping, error) {
	if rec == nil {
		return nil, nil, ErrNoRecord
	}
	days, err := p.shift(rec)
	if err != nil {
		return nil, nil, err
	}
	m := &mapping{lx: p.lx, asOf: rec.AsOf(), days: days, months: monthsFor(days), birth: rec.Demographics().BirthDate}
	m.shiftedAsOf = rec.AsOf().AddDate(0, 0, days)
	st, err := p.discover(ctx, rec)
	if err != nil {
		return nil, nil, err
	}
	m.reg = st.reg
	fr := frame{asOf: rec.AsOf(), days: days, months: m.months, old: rec.AsOf().AddDate(-90, 0, 0)}

	m.issued = newIssued()
	st.issued = m.issued
	out, err := rec.Rewrite(patient.Rewrite{
		Time: func(t time.Time) time.Time {
			t = t.AddDate(0, 0, days)
			m.issued.add(dFull, t)
			return t
		},
		Identity: func(patient.Identity) patient.Identity { return patient.Identity{} },
		Text: func(f patient.TextField, s string) string {
			switch f.Name {
			case "source_id", "organization":
				return ""
			case "author":
				if e := st.authors[s]; e != nil {
					return e.token
				}
			case "name":
				if f.Kind == patient.KindCareTeam {
					if e := st.authors[s]; e != nil {
						return e.token
					}
				}
			}
			return st.replace(s, fr)
		},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("deid: pseudonymized record: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	return out, &Mapping{m: m}, nil
}

// monthsFor is the shift, in months, of dates written to the month.
func monthsFor(days int) int {
	m := (days*100 + 1522*sign(days)) / 3044 // round(days / 30.44)
	if m == 0 {
		m = sign(days)
	}
	return m
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}

// shift draws the date shift: a magnitude in [min, max] and a sign, then
// the nearest value that keeps the patient's age at the as-of date.
func (p *Pseudonymizer) shift(rec *patient.Record) (int, error) {
	var b [8]byte
	if _, err := io.ReadFull(p.rand, b[:]); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrRandom, err)
	}
	v := binary.LittleEndian.Uint64(b[:])
	span := uint64(p.max - p.min + 1)
	days := p.min + int((v>>1)%span)
	if v&1 == 1 {
		days = -days
	}
	birth, asOf := rec.Demographics().BirthDate, rec.AsOf()
	age := rec.Age()
	ageAt := func(d int) int {
		return yearsBetween(birth.AddDate(0, 0, d), asOf.AddDate(0, 0, d))
	}
	for k := 0; k < 400; k++ {
		for _, d := range [2]int{days + k, days - k} {
			if abs(d) >= p.min && ageAt(d) == age {
				return d, nil
			}
		}
	}
	return days, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func yearsBetween(from, to time.Time) int {
	if to.Before(from) {
		return 0
	}
	fy, fm, fd := from.Date()
	ty, tm, td := to.Date()
	years := ty - fy
	if tm < fm || tm == fm && td < fd {
		years--
	}
	return years
}

// state is what discovery learnt about one record.
type state struct {
	lx      *lexicon
	reg     *registry
	authors map[string]*entity // care-team names and note authors as written
	scans   map[string]*cached // free text, by content
	done    map[string]string  // replaced text, by content
	sc      *scanner
	issued  issued // the dates replacement wrote
}

// cached is the scan of one text: its tokens and resolved spans.
type cached struct {
	toks  []tok
	wf    []wflag
	spans []span
}

// discover registers the record's identifiers: structured ones first, then
// those found in its free text, in fact ID order.
func (p *Pseudonymizer) discover(ctx context.Context, rec *patient.Record) (*state, error) {
	st := &state{lx: p.lx, reg: newRegistry(p.lx), authors: map[string]*entity{}, scans: map[string]*cached{}, done: map[string]string{},
		sc: newScanner(p.lx, modeIdentifiers, frame{asOf: rec.AsOf()})}
	registerIdentity(st.reg, rec.Identity())
	for _, t := range rec.CareTeam() {
		st.person(t.Name, KindClinician)
	}
	for _, n := range rec.Notes() {
		st.person(n.Author, KindClinician)
	}
	for i, s := range freeText(rec) {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		st.learn(s)
	}
	return st, nil
}

// person registers a structured name (care-team member, note author).
func (st *state) person(s string, k Kind) {
	if strings.TrimSpace(s) == "" || st.authors[s] != nil {
		return
	}
	words, written := st.reg.nameWords(s)
	if len(words) == 0 {
		return
	}
	st.authors[s] = st.reg.name(k, words, strings.Join(written, " "), SourceCareTeam)
}

// learn scans one text, registering what it names.
func (st *state) learn(s string) {
	if s == "" || st.scans[s] != nil {
		return
	}
	sc := st.sc
	sc.reg = st.reg
	// The tokens of every text go into one arena; the cache keeps their
	// place in it, and their resolved spans, for replacement.
	sc.scan(s)
	sc.known(st.reg)
	st.scans[s] = &cached{toks: slices.Clone(sc.toks), wf: slices.Clone(sc.wf), spans: sc.resolve(st.reg, SourceNotes)}
}

// replace returns s with its identifiers replaced and dates shifted.
func (st *state) replace(s string, fr frame) string {
	if s == "" {
		return s
	}
	if out, ok := st.done[s]; ok {
		return out
	}
	spans := st.spansOf(s, fr)
	for _, sp := range spans {
		if sp.date == nil {
			continue
		}
		if t, ok := fr.moved(sp.date); ok {
			st.issued.add(sp.date.kind, t)
			// A date copied back as written restores to the text it
			// replaced, whose format ("10/1/00" or "10/01/00") the shifted
			// text may not show.
			if w := fr.renderDate(s, sp); st.issued.text[w] == "" {
				st.issued.text[w] = s[sp.start:sp.end]
				if sp.date.kind == dMonthOnly {
					st.issued.bareMonths[w] = s[sp.start:sp.end]
				}
			}
		}
	}
	out := render(s, spans, fr)
	st.done[s] = out
	return out
}

// spansOf returns the replacements to make in s.
func (st *state) spansOf(s string, fr frame) []span {
	sc := st.sc
	sc.frame, sc.reg = fr, st.reg
	if c := st.scans[s]; c != nil {
		keepT, keepW := sc.toks, sc.wf
		sc.text, sc.toks, sc.wf = s, c.toks, c.wf
		sc.spans = append(sc.spans[:0], c.spans...)
		defer func() { sc.toks, sc.wf = keepT, keepW }()
	} else {
		sc.scan(s)
	}
	sc.known(st.reg)
	return sc.resolve(st.reg, SourceNotes)
}

// registerIdentity registers the patient's names, identifiers, addresses
// and contact points.
func registerIdentity(r *registry, id patient.Identity) {
	names := append([]patient.HumanName{id.Name}, id.OtherNames...)
	var patientEnt *entity
	for _, n := range names {
		var parts []string
		parts = append(parts, n.Given...)
		parts = append(parts, n.Family)
		if n.Text != "" {
			parts = append(parts, n.Text)
		}
		words, written := r.nameWords(strings.Join(parts, " "))
		if len(words) == 0 {
			continue
		}
		display := strings.Join(written, " ")
		if patientEnt == nil {
			patientEnt = r.newEntity(KindPatient, display, SourceIdentity)
		}
		r.byKey[sortedKey(words)] = patientEnt
		r.namePhrases(words, patientEnt, true)
		// Each given name with the family name, as notes write it.
		for _, g := range n.Given {
			gw, _ := r.nameWords(g + " " + n.Family)
			if len(gw) > 1 {
				r.byKey[sortedKey(gw)] = patientEnt
				r.namePhrases(gw, patientEnt, true)
			}
		}
	}
	for _, x := range id.Identifiers {
		k := KindID
		switch x.Kind {
		case patient.IdentifierMRN:
			k = KindMRN
		case patient.IdentifierSSN:
			k = KindSSN
		case patient.IdentifierHealthPlan:
			k = KindHealthPlan
		case patient.IdentifierAccount:
			k = KindAccount
		case patient.IdentifierDriverLicense:
			k = KindLicense
		}
		registerValue(r, k, x.Value)
	}
	for _, c := range id.Telecom {
		switch c.Kind {
		case patient.ContactPhone, patient.ContactSMS:
			registerValue(r, KindPhone, c.Value)
		case patient.ContactFax:
			registerValue(r, KindFax, c.Value)
		case patient.ContactEmail:
			registerValue(r, KindEmail, c.Value)
		case patient.ContactURL:
			registerValue(r, KindURL, c.Value)
		default:
			registerValue(r, KindID, c.Value)
		}
	}
	for _, a := range id.Addresses {
		for _, l := range a.Lines {
			registerValue(r, KindAddress, l)
		}
		for _, place := range []string{a.City, a.District} {
			if strings.TrimSpace(place) == "" {
				continue
			}
			e := r.value(KindLocation, strings.ToLower(cleanSpace(place)), cleanSpace(place), SourceIdentity)
			r.addPhrase(place, e, true, true)
		}
		if z := digitsOf(a.PostalCode); len(z) >= 5 {
			e := r.value(KindZip, z, a.PostalCode, SourceIdentity)
			r.byNorm[z[:5]] = e
			r.addPhrase(a.PostalCode, e, false, true)
		}
	}
}

// registerValue registers an identifier value: its normalized forms and
// its words and numbers as a phrase.
func registerValue(r *registry, k Kind, v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		return
	}
	norm := normID(v)
	switch k {
	case KindEmail, KindURL:
		norm = strings.ToLower(v)
	}
	e := r.value(k, norm, v, SourceIdentity)
	if d := digitsOf(v); len(d) >= 4 && r.byNorm[d] == nil {
		// "MRN-4471902" is also written 4471902.
		r.byNorm[d] = e
	}
	if d := digitsOf(v); k == KindPhone || k == KindFax {
		if e2 := r.byNorm[d]; e2 == nil {
			r.byNorm[d] = e
		}
		if len(d) == 11 && d[0] == '1' {
			r.byNorm[d[1:]] = e
		}
	}
	r.addPhrase(v, e, false, true)
}

// freeText returns every free-text string of rec that discovery scans,
// notes first.
func freeText(rec *patient.Record) []string {
	var out []string
	for _, n := range rec.Notes() {
		out = append(out, n.Text, n.Kind)
	}
	for _, t := range rec.CareTeam() {
		out = append(out, t.Role)
	}
	for _, m := range rec.Medications() {
		out = append(out, m.DoseText)
	}
	for _, a := range rec.Allergies() {
		out = append(out, a.Reaction)
	}
	for _, s := range rec.SocialNeeds() {
		out = append(out, s.Description)
	}
	for _, o := range rec.Observations() {
		if o.Value.Kind == patient.ValueText {
			out = append(out, o.Value.Text)
		}
		for _, c := range o.Components {
			if c.Value.Kind == patient.ValueText {
				out = append(out, c.Value.Text)
			}
		}
	}
	return out
}
