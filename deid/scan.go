package deid

import (
	"slices"
	"strings"
)

// Span priorities: when two candidate spans overlap, the higher priority
// wins, then the longer span.
const (
	priWeakName  = 2 // a common given name on its own
	priID        = 3 // a long number or a mixed code with no cue
	priAge       = 4
	priName      = 5 // a name after a cue (title, relation, label, credential)
	priAddress   = 5
	priCued      = 5 // a number after its label
	priDate      = 6
	priPattern   = 7 // phone, SSN, IP
	priKnownName = 7 // a name the record holds
	priWeb       = 8 // e-mail, URL
	priKnown     = 9 // a value the record holds (identifier, phone, address)
	priNeutral   = 10
)

// span is a piece of text to replace.
type span struct {
	start, end int
	kind       Kind
	pri        int8
	// ent is the identifier the span names (names, numbers, places);
	// for name candidates it is set when the span is resolved.
	ent *entity
	// parts are the lower-case words of a name candidate, in text order.
	parts []string
	// norm is the normalized value of a number or address (digits,
	// lower case), used to give equal values one placeholder.
	norm string
	// full is false for a known phrase that is one word of a longer name.
	full bool
	// repl is a fixed replacement (ages over 89, neutralized
	// placeholders, dates too old to keep).
	repl string
	date *dateMatch
}

// scanMode says what a scan looks for.
type scanMode uint8

const (
	modeIdentifiers scanMode = iota + 1 // everything: names, numbers, places, dates, ages
	modeRestore                         // dates only (model output; placeholders are found apart)
	modeFind                            // dates and phone- and SSN-shaped numbers (leak checks)
)

// scanner finds identifiers in one text. It is used by one goroutine at a
// time; a Mapping or Pseudonymizer makes one per call.
type scanner struct {
	lx    *lexicon
	text  string
	toks  []tok
	wf    []wflag
	spans []span
	mode  scanMode
	frame frame
	// The most recent cue for numbers: its kind and the token index up to
	// which it applies.
	cueKind  Kind
	cueUntil int
	mergeBuf []span // scratch for mergeSpans
	// reg, when set, is the record's registry: names written in lower
	// case after a cue are recognised by a word of a name it holds.
	reg *registry
}

func newScanner(lx *lexicon, mode scanMode, fr frame) *scanner {
	return &scanner{lx: lx, mode: mode, frame: fr}
}

// scan lexes text and collects candidate spans (overlapping, unresolved).
func (s *scanner) scan(text string) {
	s.text = text
	s.toks = lex(text, s.toks)
	s.spans = s.spans[:0]
	s.cueKind, s.cueUntil = "", -1
	if cap(s.wf) < len(s.toks) {
		s.wf = append(s.wf[:cap(s.wf)], make([]wflag, len(s.toks)-cap(s.wf))...)
	}
	s.wf = s.wf[:len(s.toks)]
	for i, t := range s.toks {
		s.wf[i] = 0
		if t.kind == tWord {
			s.wf[i] = s.lx.flags(s.str(i))
		}
	}
	for i := 0; i < len(s.toks); i++ {
		switch s.toks[i].kind {
		case tWord:
			s.word(i)
		case tNum:
			s.num(i)
		case tPunct:
			s.punct(i)
		}
	}
}

func (s *scanner) str(i int) string { return s.text[s.toks[i].start:s.toks[i].end] }

func (s *scanner) add(sp span) { s.spans = append(s.spans, sp) }

// Token helpers. Indexes out of range are treated as nothing.

func (s *scanner) isPunct(i int, c byte) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == tPunct && s.toks[i].len() == 1 && s.text[s.toks[i].start] == c
}

func (s *scanner) isSpace(i int) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == tSpace && !s.toks[i].is(fNewline)
}

func (s *scanner) isKind(i int, k tokKind) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == k
}

func (s *scanner) adjacent(i, j int) bool {
	return i >= 0 && j < len(s.toks) && s.toks[i].end == s.toks[j].start
}

// wordIs reports whether token i is a word equal to w (lower case), in any
// case.
func (s *scanner) wordIs(i int, w string) bool {
	return s.isKind(i, tWord) && strings.EqualFold(s.str(i), w)
}

// nextNonSpace returns the index of the first token at or after i that is
// not a space without a line break, or len(toks).
func (s *scanner) skipSpace(i int) int {
	for i < len(s.toks) && s.isSpace(i) {
		i++
	}
	return i
}

func (s *scanner) prevNonSpace(i int) int {
	i--
	for i >= 0 && s.isSpace(i) {
		i--
	}
	return i
}

func (s *scanner) numLen(i int) int {
	if !s.isKind(i, tNum) {
		return 0
	}
	return s.toks[i].len()
}

func (s *scanner) numVal(i int) int {
	v := 0
	for _, c := range []byte(s.str(i)) {
		v = v*10 + int(c-'0')
		if v > 1e9 {
			return v
		}
	}
	return v
}

// cued reports whether a number cue of one of the kinds applies at token i.
func (s *scanner) cued(i int, kinds ...Kind) bool {
	return i <= s.cueUntil && slices.Contains(kinds, s.cueKind)
}

func (s *scanner) word(i int) {
	f := s.wf[i]
	t := s.toks[i]
	if s.mode != modeIdentifiers {
		if f&wMonth != 0 && t.is(fCap) {
			s.monthDate(i)
		}
		if s.mode == modeFind && f&wMisc != 0 {
			switch strings.ToLower(s.str(i)) {
			case "http", "https", "ftp", "www":
				s.url(i)
			}
		}
		return
	}
	if f&wMonth != 0 && t.is(fCap) {
		s.monthDate(i)
	}
	if f&(wTitle|wDrTitle) != 0 {
		s.title(i)
	}
	if f&wRelation != 0 {
		s.relation(i)
	}
	if f&wRole != 0 {
		s.roleAfter(i)
	}
	if f&wCue != 0 {
		s.cue(i)
	}
	if f&wCredential != 0 {
		s.credential(i)
	}
	if f&wFirstName != 0 && f&(wStop|wEponym) == 0 && (t.is(fCap) || t.is(fAllCaps)) {
		s.firstName(i)
	}
	if f&wState != 0 {
		s.state(i)
	}
	if f&wMisc != 0 {
		switch strings.ToLower(s.str(i)) {
		case "age", "aged":
			s.ageAfter(i)
		case "box":
			s.poBox(i)
		case "http", "https", "ftp", "www":
			s.url(i)
		}
	}
	next := i + 1
	if next < len(s.toks) && s.toks[next].kind == tPunct && s.toks[next].start == t.end {
		switch s.text[t.end] {
		case '.':
			if s.isKind(i+2, tWord) && f&wMisc == 0 &&
				(i == 0 || s.isKind(i-1, tSpace) || s.isPunct(i-1, '(') || s.isPunct(i-1, '"') || s.isPunct(i-1, '<') || s.isPunct(i-1, ':')) {
				s.domain(i)
			}
			s.alnum(i)
		case '_':
			if t.is(fAllCaps) {
				s.bareToken(i)
			}
		case '-', '/':
			s.alnum(i)
		}
	} else if next < len(s.toks) && s.toks[next].kind == tNum && s.toks[next].start == t.end {
		s.alnum(i)
	}
}

func (s *scanner) num(i int) {
	switch s.mode {
	case modeRestore:
		s.numDate(i)
		return
	case modeFind:
		s.numDate(i)
		s.phone(i)
		return
	}
	s.numDate(i)
	s.phone(i)
	s.ip(i)
	s.street(i)
	s.age(i)
	s.alnum(i)
}

func (s *scanner) punct(i int) {
	switch s.mode {
	case modeRestore:
		return
	case modeFind:
		switch s.text[s.toks[i].start] {
		case '(', '+':
			s.phone(i)
		case '@':
			s.email(i)
		}
		return
	}
	switch s.text[s.toks[i].start] {
	case '(', '+':
		s.phone(i)
	case '@':
		s.email(i)
	case '[':
		if p, ok := parsePlaceholder(s.text, int(s.toks[i].start), false); ok {
			repl := "(" + s.text[p.start+1:p.end-1] + ")"
			s.add(span{start: p.start, end: p.end, pri: priNeutral, repl: repl})
		}
	}
}

// bareToken neutralizes text in the input that reads like a bare
// placeholder (CLINICIAN_2), so that restoring never mistakes it for one.
func (s *scanner) bareToken(i int) {
	if p, ok := parsePlaceholder(s.text, int(s.toks[i].start), true); ok {
		s.add(span{start: p.start, end: p.end, pri: priNeutral, repl: strings.ReplaceAll(s.text[p.start:p.end], "_", "-")})
	}
}

// --- names ---

// nameOpts tunes nameSeq.
type nameOpts struct {
	lower  bool // the first word may be lower case (after "dr", "mr")
	comma  bool // accept "LAST, FIRST"
	strong bool // a strong cue precedes: a given name that is also a word counts ("wife Hope")
}

// nameWord reports whether token i can be a word of a name.
func (s *scanner) nameWord(i int, first bool, o nameOpts) bool {
	if !s.isKind(i, tWord) {
		return false
	}
	t := s.toks[i]
	f := s.wf[i]
	if f&(wTitle|wDrTitle|wCredential|wRelation) != 0 && t.len() > 1 {
		return false
	}
	if f&wStop != 0 {
		// A given name that is also a common word ("Will", "May") is a
		// name only when another name word follows it.
		if f&wAmbiguousFirst == 0 || !(t.is(fCap) || t.is(fAllCaps)) {
			return false
		}
		if o.strong && first && t.is(fCap) && !t.is(fAllCaps) {
			return true
		}
		j := i + 1
		if !s.isSpace(j) || !s.isKind(j+1, tWord) || s.wf[j+1]&wStop != 0 || !(s.toks[j+1].is(fCap) || s.toks[j+1].is(fAllCaps)) {
			return false
		}
	}
	switch {
	case t.is(fCap) || t.is(fAllCaps):
		return true
	case t.flags&(fCap|fLower) == 0 && t.flags&fASCII == 0:
		return true // a script without case
	case first && o.lower && t.is(fLower) && t.len() > 1:
		return true
	}
	return false
}

// isInitial reports whether token i is a single capital letter.
func (s *scanner) isInitial(i int) bool {
	return s.isKind(i, tWord) && s.toks[i].len() == 1 && isUpperASCII(s.text[s.toks[i].start])
}

// nameSeq parses a name that starts at token i: up to four words and
// initials, with lower-case particles ("van", "de") inside and an optional
// suffix. It returns the index after the last token and the lower-case
// words (initials left out), or ok false.
func (s *scanner) nameSeq(i int, o nameOpts) (end int, parts []string, ok bool) {
	j := i
	words := 0
	commaUsed := false
	for words < 4 {
		switch {
		case s.isInitial(j) && (s.isPunct(j+1, '.') || s.isSpace(j+1) || s.isPunct(j+1, ',')):
			j++
			if s.isPunct(j, '.') {
				j++
			}
			end = j
			words++
		case s.nameWord(j, len(parts) == 0, o) && !(len(parts) > 0 && s.isPunct(j+1, ':')):
			if s.eponymAt(j) {
				return 0, nil, false
			}
			parts = append(parts, strings.ToLower(s.str(j)))
			j++
			end = j
			words++
		case s.isKind(j, tWord) && s.wf[j]&wParticle != 0 && s.toks[j].is(fLower) && s.particlesThenName(j, o) > 0:
			j = s.particlesThenName(j, o)
			continue
		default:
			goto done
		}
		// Separator before the next word.
		switch {
		case s.isSpace(j) && s.toks[j].len() <= 2:
			if s.isKind(j+1, tWord) && s.wf[j+1]&wSuffix != 0 && len(parts) > 0 {
				end = j + 2
				if s.isPunct(end, '.') {
					end++
				}
				goto done
			}
			j++
		case o.comma && !commaUsed && len(parts) == 1 && s.isPunct(j, ',') && s.isSpace(j+1) && s.nameWord(j+2, false, o):
			commaUsed = true
			j += 2
		case s.isPunct(j, '.') && s.isSpace(j+1) && s.isInitial(j+2):
			j += 2
		default:
			goto done
		}
	}
done:
	if len(parts) == 0 {
		return 0, nil, false
	}
	return end, parts, true
}

// particlesThenName returns the index of the name word after a run of
// lower-case particles starting at j ("van der Berg"), or 0.
func (s *scanner) particlesThenName(j int, o nameOpts) int {
	for n := 0; n < 3 && s.isKind(j, tWord) && s.wf[j]&wParticle != 0 && s.toks[j].is(fLower) && s.isSpace(j+1); n++ {
		j += 2
		if s.nameWord(j, false, o) {
			return j
		}
	}
	return 0
}

// nameSeqBack parses a name that ends with token last (inclusive),
// walking back over words and initials separated by single spaces.
func (s *scanner) nameSeqBack(last int) (start int, parts []string, ok bool) {
	j := last
	start = -1
	for n := 0; n < 4 && j >= 0; n++ {
		switch {
		case s.isPunct(j, '.') && s.isInitial(j-1):
			j--
			start = j
		case s.isInitial(j):
			start = j
		case s.nameWord(j, false, nameOpts{}) && !s.eponymAt(j):
			parts = append(parts, strings.ToLower(s.str(j)))
			start = j
		case len(parts) > 0 && s.isKind(j, tWord) && s.wf[j]&wParticle != 0 && s.toks[j].is(fLower):
			// "van der" inside "Anna van der Berg".
		default:
			n = 4
			continue
		}
		if !s.isSpace(j-1) || s.toks[j-1].len() > 2 {
			break
		}
		j -= 2
	}
	for start < last && s.isKind(start, tWord) && s.wf[start]&wParticle != 0 && s.toks[start].is(fLower) {
		start += 2
	}
	if len(parts) == 0 {
		return 0, nil, false
	}
	slices.Reverse(parts)
	return start, parts, true
}

// eponymAt reports whether word i is used as an eponym: followed (after an
// optional possessive) by a word such as disease or syndrome, or by another
// eponym that is ("Guillain-Barre syndrome", "Charcot Marie Tooth").
func (s *scanner) eponymAt(i int) bool {
	j := i + 1
	for hops := 0; hops < 4; hops++ {
		j = s.skipPossessive(j)
		if s.isSpace(j) || s.isPunct(j, '-') {
			j++
		}
		if !s.isKind(j, tWord) {
			return false
		}
		if s.wf[j]&wMedicalNext != 0 {
			return true
		}
		if s.wf[j]&wEponym == 0 {
			return false
		}
		j++
	}
	return false
}

// skipPossessive skips "'s", "’s", "'" or "’" at token j.
func (s *scanner) skipPossessive(j int) int {
	if !s.isKind(j, tPunct) {
		return j
	}
	if p := s.str(j); p == "'" || p == "’" {
		j++
		if s.wordIs(j, "s") && s.adjacent(j-1, j) {
			j++
		}
	}
	return j
}

func (s *scanner) addName(start, end int, parts []string, k Kind, pri int8) {
	if len(parts) == 0 {
		return
	}
	s.add(span{start: start, end: end, kind: k, pri: pri, parts: parts})
}

func (s *scanner) tokStart(i int) int { return int(s.toks[i].start) }
func (s *scanner) tokEnd(i int) int   { return int(s.toks[i-1].end) } // end of the token before index i

// title: "Dr. Ng", "Mrs O'Brien", "dr smith".
func (s *scanner) title(i int) {
	f := s.wf[i]
	w := strings.ToLower(s.str(i))
	j := i + 1
	if s.isPunct(j, '.') && s.adjacent(i, j) {
		j++
	}
	if !s.isSpace(j) {
		return
	}
	j++
	lowerOK := w == "dr" || w == "mr" || w == "mrs" || w == "ms"
	if s.toks[i].is(fLower) && !lowerOK {
		return
	}
	end, parts, ok := s.nameSeq(j, nameOpts{lower: lowerOK, strong: true})
	if !ok {
		return
	}
	k := KindPerson
	if f&wDrTitle != 0 {
		k = KindClinician
	}
	s.addName(s.tokStart(j), s.tokEnd(end), parts, k, priName)
}

// relation: "wife Mary", "daughter, Susan Jones", "son (Tom)", and
// backwards "Mary (wife)", "Tom, her son".
func (s *scanner) relation(i int) {
	j := i + 1
	for hops := 0; hops < 5 && j < len(s.toks); hops++ {
		switch {
		case s.isSpace(j), s.isPunct(j, ','), s.isPunct(j, ':'), s.isPunct(j, '('), s.isPunct(j, '-'), s.isPunct(j, '"'), s.isPunct(j, '\''):
		case s.isKind(j, tWord) && (s.wordIs(j, "named") || s.wordIs(j, "called") || s.wordIs(j, "name") ||
			s.wordIs(j, "is") || s.wordIs(j, "was") || s.wordIs(j, "nee") || (s.wordIs(j, "s") && s.isPunct(j-1, '\''))):
		default:
			hops = 5
			continue
		}
		j++
	}
	if end, parts, ok := s.nameSeq(j, nameOpts{strong: true}); ok {
		// "Mother: breast cancer" in a family history lists diseases, not
		// names: there, only a given name counts.
		if !(s.isListItem(i+1, j) && s.familyHistory(i) && s.wf[j]&(wFirstName|wAmbiguousFirst) == 0) {
			s.addName(s.tokStart(j), s.tokEnd(end), parts, KindRelative, priName)
		}
	} else if end, parts, ok := s.lowerName(j); ok {
		s.addName(s.tokStart(j), s.tokEnd(end), parts, KindRelative, priName)
	}
	// Backwards: "Mary (wife)" or "Mary, his wife".
	p := s.prevNonSpace(i)
	switch {
	case s.isPunct(p, '('):
		p = s.prevNonSpace(p)
	case s.isKind(p, tWord) && (s.wordIs(p, "his") || s.wordIs(p, "her") || s.wordIs(p, "their") || s.wordIs(p, "the") ||
		s.wordIs(p, "patient") || s.wordIs(p, "pt") || s.wordIs(p, "s")):
		if s.wordIs(p, "s") {
			p = s.prevNonSpace(s.prevNonSpace(p - 1))
		}
		p = s.prevNonSpace(p)
		if !s.isPunct(p, ',') {
			return
		}
		p = s.prevNonSpace(p)
	case s.isPunct(p, ','):
		p = s.prevNonSpace(p)
	default:
		return
	}
	if start, parts, ok := s.nameSeqBack(p); ok {
		s.addName(s.tokStart(start), int(s.toks[p].end), parts, KindRelative, priName)
	}
}

// lowerName parses a name written in lower case after a strong cue (a
// relation or a name label): "daughter philippa quarterfield", "spoke with
// mary". It takes up to three words that are not common words (given
// names, words the lexicon does not know, and words of names the record
// holds), and accepts them up to the last that is a word of a name the
// record holds ("quarterfield"), or else a lone common given name
// ("mary"). A record name that is also a word ("young") counts only with a
// word before it. It returns the index after the name and its words.
func (s *scanner) lowerName(j int) (end int, parts []string, ok bool) {
	var idx [3]int
	n := 0
	for k := j; n < len(idx) && s.isKind(k, tWord) && s.toks[k].is(fLower) && s.toks[k].len() >= 2 && s.wf[k]&wStop == 0 &&
		(s.wf[k]&^(wFirstName|wAmbiguousFirst|wCommon) == 0 || s.reg != nil && s.reg.recordName(strings.ToLower(s.str(k)))); k += 2 {
		idx[n] = k
		n++
		if !s.isSpace(k+1) || s.toks[k+1].len() != 1 {
			break
		}
	}
	if n == 0 {
		return 0, nil, false
	}
	last := -1
	if s.reg != nil {
		for m := n; m > 0; m-- {
			w := strings.ToLower(s.str(idx[m-1]))
			if s.reg.recordName(w) && (m > 1 || s.reg.distinctive(w)) {
				last = m
				break
			}
		}
	}
	if last < 0 {
		if s.wf[idx[0]] != wFirstName {
			return 0, nil, false
		}
		last = 1
	}
	for _, k := range idx[:last] {
		parts = append(parts, strings.ToLower(s.str(k)))
	}
	return idx[last-1] + 1, parts, true
}

// isListItem reports whether the tokens between a relation and its name
// hold a colon or a dash: "Sister - Lupus", "Father: MI".
func (s *scanner) isListItem(from, to int) bool {
	for k := from; k < to; k++ {
		if s.isPunct(k, ':') || s.isPunct(k, '-') {
			return true
		}
	}
	return false
}

// familyHistory reports whether the line holding token i, or the line
// before it, is about family history ("FH:", "Family history", "Fam hx").
func (s *scanner) familyHistory(i int) bool {
	lines := 0
	for k := i - 1; k >= 0 && i-k < 200; k-- {
		if s.toks[k].kind == tSpace && s.toks[k].is(fNewline) {
			lines++
			if lines > 1 {
				return false
			}
		}
		if s.isKind(k, tWord) {
			switch strings.ToLower(s.str(k)) {
			case "fh", "fhx", "family", "fam":
				return true
			}
		}
	}
	return false
}

// roleAfter: a name followed by its role in parentheses, "Nadia Kim
// (interpreter)".
func (s *scanner) roleAfter(i int) {
	p := s.prevNonSpace(i)
	if !s.isPunct(p, '(') {
		return
	}
	p = s.prevNonSpace(p)
	if start, parts, ok := s.nameSeqBack(p); ok {
		k := KindPerson
		switch strings.ToLower(s.str(i)) {
		case "pharmacist", "nurse", "therapist", "dietitian", "midwife":
			k = KindClinician
		}
		s.addName(s.tokStart(start), int(s.toks[p].end), parts, k, priName)
	}
}

// credential: "Jane Doe, RN", "A. Chen MD".
func (s *scanner) credential(i int) {
	t := s.toks[i]
	w := strings.ToLower(s.str(i))
	if !(t.is(fAllCaps) || w == "pharmd" || w == "phd" || w == "psyd" || w == "dnp") {
		return
	}
	if s.isKind(i+1, tWord) && s.adjacent(i, i+1) {
		return
	}
	p := i - 1
	comma := false
	if s.isSpace(p) {
		p--
	}
	if s.isPunct(p, ',') {
		comma = true
		p--
		if s.isSpace(p) {
			p--
		}
	}
	switch w {
	case "do", "pa", "pa-c", "rd", "od", "pt", "ot", "mph", "bsn", "msn", "ccm", "cde", "rdn", "sn":
		if !comma {
			return
		}
	}
	if start, parts, ok := s.nameSeqBack(p); ok {
		s.addName(s.tokStart(start), int(s.toks[p].end), parts, KindClinician, priName)
	}
}

// firstName: a common given name, alone ("Maria called") or with a surname
// ("Maria Lopez"), or after a surname and a comma ("LOPEZ, MARIA").
func (s *scanner) firstName(i int) {
	if s.eponymAt(i) {
		return
	}
	start, end := i, i+1
	parts := []string{strings.ToLower(s.str(i))}
	if e, more, ok := s.nameSeq(i, nameOpts{}); ok && len(more) > 1 {
		end, parts = e, more
	}
	p := s.prevNonSpace(i)
	if len(parts) == 1 && s.isPunct(p, ',') {
		q := s.prevNonSpace(p)
		if s.nameWord(q, false, nameOpts{}) && !s.eponymAt(q) {
			start = q
			parts = append([]string{strings.ToLower(s.str(q))}, parts...)
		}
	}
	pri := int8(priWeakName)
	if len(parts) > 1 {
		pri = priName - 1
	}
	s.addName(s.tokStart(start), s.tokEnd(end), parts, KindPerson, pri)
}

// cue handles phrases that introduce names, places and numbers.
func (s *scanner) cue(i int) {
	var scratch [48]byte
	var cues []cue
	if b, ok := lowerASCII(s.str(i), scratch[:]); ok {
		cues = s.lx.cues[string(b)]
	} else {
		cues = s.lx.cues[strings.ToLower(s.str(i))]
	}
	for _, c := range cues {
		j, ok := s.matchWords(i, c)
		if !ok {
			continue
		}
		switch {
		case c.name:
			s.nameCue(i, j, c)
		case c.kind == KindLocation:
			s.placeAfter(j)
		case c.kind == KindPhone || c.kind == KindFax || c.kind == KindSSN || c.kind == KindDate || c.kind == KindZip:
			if len(c.words) == 1 && len(c.words[0]) <= 2 && !s.isPunct(s.skipSpace(j), ':') && !s.isPunct(j, '#') && !s.isPunct(j, '.') {
				continue // "F", "ss": only as labels
			}
			if c.kind == KindZip || c.kind == KindSSN {
				s.valueAfter(j, c.kind)
			}
			s.cueKind, s.cueUntil = c.kind, j+8
		case c.kind == KindEmail:
		default:
			s.valueAfter(j, c.kind)
		}
	}
}

// matchWords matches the words of a cue from token i; it returns the
// index after the last one.
func (s *scanner) matchWords(i int, c cue) (int, bool) {
	j := i
	for k, w := range c.words {
		if k > 0 {
			switch {
			case s.isSpace(j):
				j++
			case s.isPunct(j, '-') || s.isPunct(j, '.'):
				j++
			}
		}
		if c.punct[k] {
			// Words with punctuation ("mr#", "driver's", "s/n") span tokens.
			end := s.tokStart(j) + len(w)
			if end > len(s.text) || !strings.EqualFold(s.text[s.tokStart(j):end], w) {
				return 0, false
			}
			for j < len(s.toks) && int(s.toks[j].end) <= end {
				j++
			}
			continue
		}
		if !s.wordIs(j, w) {
			return 0, false
		}
		j++
	}
	// The cue must end a word.
	if s.isKind(j, tWord) || s.isKind(j, tNum) && s.adjacent(j-1, j) {
		return j, s.isKind(j, tNum)
	}
	return j, true
}

// nameCue: "Attending: Dr. Ng", "emergency contact: DOE, JANE", "spoke with
// Maria".
func (s *scanner) nameCue(i, j int, c cue) {
	verb := false
	switch c.words[0] {
	case "called", "per", "spoke", "talked", "discussed", "accompanied", "call", "message", "visited", "visit", "left":
		verb = true
	}
	k := j
	colon := false
	for hops := 0; hops < 4; hops++ {
		switch {
		case s.isSpace(k), s.isPunct(k, '-'), s.isPunct(k, '#'):
		case s.isPunct(k, ':'):
			colon = true
		default:
			hops = 4
			continue
		}
		k++
	}
	if !colon && !verb && len(c.words) == 1 {
		return
	}
	if s.isKind(k, tWord) && s.wf[k]&(wTitle|wDrTitle) != 0 {
		return // the title rule takes "per Dr. Ng"
	}
	end, parts, ok := s.nameSeq(k, nameOpts{comma: true, strong: true})
	if !ok {
		if end, parts, ok = s.lowerName(k); !ok {
			return
		}
	}
	kind := c.kind
	if kind == KindPatient {
		kind = KindPerson // resolved to the patient if the name is theirs
	}
	s.addName(s.tokStart(k), s.tokEnd(end), parts, kind, priName)
}

// placeAfter: "lives in Fall River".
func (s *scanner) placeAfter(j int) {
	k := s.skipSpace(j)
	start := k
	words := 0
	end := -1
	for words < 3 && s.isKind(k, tWord) && s.toks[k].is(fCap) && s.placeWord(k) {
		words++
		k++
		end = k
		if s.isSpace(k) && s.isKind(k+1, tWord) && s.toks[k+1].is(fCap) {
			k++
		} else {
			break
		}
	}
	if words == 0 {
		return
	}
	if words == 1 && s.wf[start]&wState != 0 && s.toks[start].len() > 2 {
		return // a state may stay
	}
	s.add(span{start: s.tokStart(start), end: s.tokEnd(end), kind: KindLocation, pri: priAddress,
		norm: strings.ToLower(s.text[s.tokStart(start):s.tokEnd(end)])})
}

// valueAfter: the identifier after a label such as "MRN:" or "Policy #".
func (s *scanner) valueAfter(j int, k Kind) {
	for hops := 0; hops < 5 && j < len(s.toks); hops++ {
		switch {
		case s.isSpace(j), s.isPunct(j, ':'), s.isPunct(j, '#'), s.isPunct(j, '.'), s.isPunct(j, '-'), s.isPunct(j, '='):
		case s.wordIs(j, "no") || s.wordIs(j, "number") || s.wordIs(j, "num") || s.wordIs(j, "nbr") || s.wordIs(j, "is") || s.wordIs(j, "of"):
		default:
			hops = 5
			continue
		}
		j++
	}
	start, end, digits, letters, ok := s.run(j)
	if !ok {
		return
	}
	n := end - start
	if !(digits >= 2 && n >= 4 || digits >= 4) {
		return
	}
	if k == KindZip && !(letters == 0 && (digits == 5 || digits == 9)) {
		return
	}
	if k == KindSSN && !(letters == 0 && digits == 9) {
		return
	}
	s.add(span{start: start, end: end, kind: k, pri: priCued, norm: normID(s.text[start:end])})
}

// run reads an identifier-like run from token j: words and numbers that
// touch, joined by single hyphens, dots or slashes between alphanumerics.
// It returns the byte range and the counts of digits and letters.
func (s *scanner) run(j int) (start, end, digits, letters int, ok bool) {
	return s.runJoined(j, true)
}

// runJoined is run; with dots false only hyphens join ("1.73m2" in a unit
// is not one code).
func (s *scanner) runJoined(j int, dots bool) (start, end, digits, letters int, ok bool) {
	if !(s.isKind(j, tWord) || s.isKind(j, tNum)) {
		return
	}
	start = s.tokStart(j)
	k := j
	for k < len(s.toks) {
		t := s.toks[k]
		switch {
		case t.kind == tNum:
			digits += t.len()
		case t.kind == tWord && t.is(fASCII):
			letters += t.len()
		default:
			if k == j {
				return 0, 0, 0, 0, false
			}
			return start, int(s.toks[k-1].end), digits, letters, true
		}
		end = int(t.end)
		switch {
		case (s.isKind(k+1, tWord) || s.isKind(k+1, tNum)) && s.adjacent(k, k+1):
			k++
		case (s.isPunct(k+1, '-') || dots && (s.isPunct(k+1, '/') || s.isPunct(k+1, '.'))) && s.adjacent(k, k+1) && s.adjacent(k+1, k+2) &&
			(s.isKind(k+2, tWord) || s.isKind(k+2, tNum)):
			k += 2
		default:
			return start, end, digits, letters, true
		}
	}
	return start, end, digits, letters, true
}

// alnum: a code that mixes letters and at least four digits
// ("S99930817", "1EG4-TE5-MK73", a UUID), or a bare number of seven digits
// or more, with no label.
func (s *scanner) alnum(i int) {
	if i > 0 && (s.isKind(i-1, tWord) || s.isKind(i-1, tNum)) && s.adjacent(i-1, i) {
		return // not the start of a run
	}
	if i > 1 && (s.isPunct(i-1, '-') || s.isPunct(i-1, '/') || s.isPunct(i-1, '.')) && s.adjacent(i-1, i) && s.adjacent(i-2, i-1) &&
		(s.isKind(i-2, tWord) || s.isKind(i-2, tNum)) {
		return
	}
	start, end, digits, letters, ok := s.runJoined(i, false)
	if !ok {
		return
	}
	switch {
	case letters > 0 && digits >= 4 && end-start >= 6:
	case letters == 0 && digits >= 7 && s.isKind(i, tNum) && s.toks[i].len() >= 7:
		end = int(s.toks[i].end)
	default:
		return
	}
	s.add(span{start: start, end: end, kind: KindID, pri: priID, norm: normID(s.text[start:end])})
}

// normID is the normalized form of an identifier: letters and digits,
// lower case.
func normID(v string) string {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'z':
			b = append(b, c)
		case c >= 'A' && c <= 'Z':
			b = append(b, c+'a'-'A')
		}
	}
	return string(b)
}

// digitsOf returns the digits of v.
func digitsOf(v string) string {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] >= '0' && v[i] <= '9' {
			b = append(b, v[i])
		}
	}
	return string(b)
}

// --- numbers ---

// groups reads digit groups from token i: numbers separated by at most
// two separator tokens among - . ) ( and single spaces. It returns the
// token indexes of the groups.
func (s *scanner) groups(i int, max int) []int {
	var g []int
	j := i
	for len(g) < max && s.isKind(j, tNum) {
		g = append(g, j)
		k := j + 1
		seps := 0
		for seps < 2 && (s.isPunct(k, '-') || s.isPunct(k, '.') || s.isPunct(k, ')') || s.isPunct(k, '(') ||
			(s.isSpace(k) && s.toks[k].len() == 1)) {
			k++
			seps++
		}
		if seps == 0 {
			break
		}
		j = k
	}
	return g
}

// phone: (617) 555-0134, 617-555-0134, 617.555.0134, +1 617 555 0134,
// 1-800-555-0199; 555-0134 and 6175550134 after a phone label; SSNs.
func (s *scanner) phone(i int) {
	start := i
	plus := false
	switch {
	case s.isPunct(i, '('):
		if !s.isKind(i+1, tNum) {
			return
		}
		i++
	case s.isPunct(i, '+'):
		if !s.isKind(i+1, tNum) || !s.adjacent(i, i+1) {
			return
		}
		plus = true
		i++
	default:
		// A number right after "(" or "+" was handled there.
		if s.isPunct(i-1, '(') || (s.isPunct(i-1, '+') && s.adjacent(i-1, i)) {
			return
		}
		if s.isKind(i-1, tNum) || ((s.isPunct(i-1, '-') || s.isPunct(i-1, '.')) && s.isKind(i-2, tNum) && s.adjacent(i-2, i-1)) {
			return // inside a longer sequence
		}
	}
	if s.isKind(i-1, tWord) && s.adjacent(i-1, i) {
		return
	}
	g := s.groups(i, 4)
	lens := make([]int, len(g))
	total := 0
	for k, x := range g {
		lens[k] = s.toks[x].len()
		total += lens[k]
	}
	last := -1
	kind := KindPhone
	spaced := false
	for k := 1; k < len(g); k++ {
		if s.isSpace(g[k]-1) && !s.isPunct(g[k]-2, ')') {
			spaced = true
		}
	}
	cuedPhone := s.cued(i, KindPhone, KindFax)
	switch {
	case plus && total >= 8 && total <= 13 && len(g) >= 2:
		last = g[len(g)-1]
	case len(g) >= 3 && lens[0] == 3 && lens[1] == 3 && lens[2] == 4 && (!spaced || cuedPhone || start != i):
		last = g[2]
	case len(g) >= 4 && lens[0] == 1 && s.str(g[0]) == "1" && lens[1] == 3 && lens[2] == 3 && lens[3] == 4 && (!spaced || cuedPhone):
		last = g[3]
	case len(g) >= 3 && lens[0] == 3 && lens[1] == 2 && lens[2] == 4 && !spaced && s.isPunct(g[1]-1, '-'):
		last, kind = g[2], KindSSN
	case len(g) >= 3 && lens[0] == 3 && lens[1] == 2 && lens[2] == 4 && s.cued(i, KindSSN):
		last, kind = g[2], KindSSN
	case len(g) >= 2 && lens[0] == 3 && lens[1] == 4 && cuedPhone && s.isPunct(g[1]-1, '-'):
		last = g[1]
	case len(g) >= 1 && (lens[0] == 10 || lens[0] == 11 && s.str(g[0])[0] == '1') && cuedPhone:
		last = g[0]
	case len(g) >= 1 && lens[0] == 9 && s.cued(i, KindSSN):
		last, kind = g[0], KindSSN
	case len(g) == 2 && lens[0] == 5 && lens[1] == 4 && s.isPunct(g[1]-1, '-') && start == i:
		last, kind = g[1], KindZip // ZIP+4
	default:
		return
	}
	// Not part of a longer number.
	if (s.isPunct(last+1, '-') || s.isPunct(last+1, '.')) && s.isKind(last+2, tNum) && s.adjacent(last+1, last+2) {
		return
	}
	if s.isKind(last+1, tNum) || (s.isKind(last+1, tWord) && s.adjacent(last, last+1) && !s.wordIs(last+1, "x")) {
		return
	}
	end := int(s.toks[last].end)
	// An extension.
	k := last + 1
	if s.isSpace(k) {
		k++
	}
	if s.wordIs(k, "x") || s.wordIs(k, "ext") || s.wordIs(k, "extension") {
		k++
		if s.isPunct(k, '.') {
			k++
		}
		if s.isSpace(k) {
			k++
		}
		if s.isKind(k, tNum) && s.toks[k].len() <= 6 {
			end = int(s.toks[k].end)
		}
	}
	if kind == KindPhone && s.cued(i, KindFax) && s.cueKind == KindFax {
		kind = KindFax
	}
	// The number without its extension names it.
	s.add(span{start: s.tokStart(start), end: end, kind: kind, pri: priPattern, norm: digitsOf(s.text[s.tokStart(start):s.toks[last].end])})
}

// ip: an IPv4 address.
func (s *scanner) ip(i int) {
	if s.isPunct(i-1, '.') || s.isKind(i-1, tNum) {
		return
	}
	j := i
	for n := 0; n < 4; n++ {
		if !s.isKind(j, tNum) || s.toks[j].len() > 3 || s.numVal(j) > 255 {
			return
		}
		if n < 3 {
			if !s.isPunct(j+1, '.') || !s.adjacent(j, j+1) || !s.adjacent(j+1, j+2) {
				return
			}
			j += 2
		}
	}
	if s.isPunct(j+1, '.') && s.isKind(j+2, tNum) && s.adjacent(j+1, j+2) {
		return
	}
	start, end := s.tokStart(i), int(s.toks[j].end)
	s.add(span{start: start, end: end, kind: KindIP, pri: priPattern, norm: s.text[start:end]})
}

// street: "616 Daugherty Arcade", "1091 Schuster Mews Apt 48", "12 N. Main
// St., Unit 4B".
func (s *scanner) street(i int) {
	if s.numLen(i) > 6 || s.numVal(i) == 0 || !s.isSpace(i+1) {
		return
	}
	if p := i - 1; p >= 0 && (s.isKind(p, tNum) || s.isKind(p, tWord) && s.adjacent(p, i) || s.isPunct(p, '.') || s.isPunct(p, '/') || s.isPunct(p, '-')) {
		return
	}
	j := i + 2
	words := 0
	suffix := -1
	for words < 5 {
		if !s.isKind(j, tWord) || !(s.toks[j].is(fCap) || s.toks[j].is(fAllCaps)) {
			if s.isKind(j, tNum) && s.isKind(j+1, tWord) && s.wf[j+1]&wOrdinal != 0 && s.adjacent(j, j+1) {
				j += 2 // "5th Avenue"
				words++
				if s.isSpace(j) {
					j++
				}
				continue
			}
			break
		}
		if words > 0 && s.wf[j]&wStreet != 0 {
			suffix = j
		}
		if s.wf[j]&wStop != 0 && s.wf[j]&wStreet == 0 && len(s.str(j)) > 1 {
			break
		}
		words++
		j++
		if s.isPunct(j, '.') && s.adjacent(j-1, j) {
			j++
		}
		if !s.isSpace(j) {
			break
		}
		j++
	}
	if suffix < 0 {
		return
	}
	end := int(s.toks[suffix].end)
	k := suffix + 1
	if s.isPunct(k, '.') {
		end = int(s.toks[k].end)
		k++
	}
	// A unit: ", Apt 4B", " Unit 82", " #3".
	u := k
	if s.isPunct(u, ',') {
		u++
	}
	if s.isSpace(u) {
		u++
	}
	if s.isKind(u, tWord) && s.wf[u]&wUnit != 0 {
		u++
		if s.isPunct(u, '.') {
			u++
		}
		if s.isSpace(u) {
			u++
		}
	}
	unit := s.isKind(u-2, tWord) && s.wf[u-2]&wUnit != 0 || s.isKind(u-1, tWord) && s.wf[u-1]&wUnit != 0
	if s.isPunct(u, '#') {
		u++
		unit = true
	}
	if unit && (s.isKind(u, tNum) || s.isKind(u, tWord) && s.toks[u].len() <= 3) {
		_, e, _, _, ok := s.run(u)
		if ok && e-s.tokStart(u) <= 8 {
			end = e
		}
	}
	start := s.tokStart(i)
	s.add(span{start: start, end: end, kind: KindAddress, pri: priAddress, norm: normID(s.text[start:end])})
}

// poBox: "P.O. Box 123", "PO Box 123".
func (s *scanner) poBox(i int) {
	p := s.prevNonSpace(i)
	start := -1
	switch {
	case s.wordIs(p, "po"):
		start = p
	case s.isPunct(p, '.') && s.wordIs(p-1, "o") && s.isPunct(p-2, '.') && s.wordIs(p-3, "p"):
		start = p - 3
	case s.wordIs(p, "office") && s.wordIs(s.prevNonSpace(p), "post"):
		start = s.prevNonSpace(p)
	default:
		return
	}
	k := s.skipSpace(i + 1)
	if !s.isKind(k, tNum) {
		return
	}
	st, en := s.tokStart(start), int(s.toks[k].end)
	s.add(span{start: st, end: en, kind: KindAddress, pri: priAddress, norm: normID(s.text[st:en])})
}

// state: "Worcester, MA 01545": the city before a state and the ZIP code
// after it. The state itself stays (Safe Harbor keeps states).
func (s *scanner) state(i int) {
	t := s.toks[i]
	if !(t.len() == 2 && t.is(fAllCaps) || t.len() > 2 && t.is(fCap)) {
		return
	}
	zipAfter := s.isSpace(i+1) && s.numLen(i+2) == 5 || s.isPunct(i+1, ',') && s.isSpace(i+2) && s.numLen(i+3) == 5
	if t.len() == 2 && !zipAfter {
		switch strings.ToLower(s.str(i)) {
		case "md", "pa", "or", "in", "me", "ok", "hi", "de", "co", "id", "al", "la", "ms", "mt", "sc", "ct":
			return // also a credential or a word: "Vole, MD"
		}
	}
	first := i
	if p := i - 2; s.isSpace(i-1) && s.isKind(p, tWord) {
		switch strings.ToLower(s.str(p)) {
		case "new", "north", "south", "west", "rhode":
			first = p
		}
	}
	if p := s.prevNonSpace(first); s.isPunct(p, ',') {
		if start, _, ok := s.placeBack(s.prevNonSpace(p)); ok {
			e := int(s.toks[s.prevNonSpace(p)].end)
			s.add(span{start: start, end: e, kind: KindLocation, pri: priAddress, norm: strings.ToLower(s.text[start:e])})
		}
	}
	k := i + 1
	if s.isPunct(k, ',') {
		k++
	}
	if !s.isSpace(k) {
		return
	}
	k++
	if s.numLen(k) != 5 {
		return
	}
	end := int(s.toks[k].end)
	if s.isPunct(k+1, '-') && s.numLen(k+2) == 4 && s.adjacent(k, k+1) {
		end = int(s.toks[k+2].end)
	}
	s.add(span{start: s.tokStart(k), end: end, kind: KindZip, pri: priCued, norm: digitsOf(s.text[s.tokStart(k):end])})
}

// placeWord reports whether capitalized word i can be part of a place
// name: any but articles, pronouns and the like ("New", "North", "Port"
// are common words but begin place names).
func (s *scanner) placeWord(i int) bool {
	if s.wf[i]&wStop == 0 {
		return true
	}
	switch strings.ToLower(s.str(i)) {
	case "new", "north", "south", "east", "west", "port", "fort", "mount", "saint", "lake", "glen", "falls", "city", "park", "grand", "center", "centre", "little", "big", "old", "upper", "lower", "central":
		return true
	}
	return false
}

// placeBack reads up to three capitalized words ending at token last.
func (s *scanner) placeBack(last int) (start int, words int, ok bool) {
	j := last
	for words < 3 && s.isKind(j, tWord) && (s.toks[j].is(fCap) || s.toks[j].is(fAllCaps)) && s.placeWord(j) {
		start = s.tokStart(j)
		words++
		if !s.isSpace(j - 1) {
			break
		}
		j -= 2
	}
	return start, words, words > 0
}

// age: "93-year-old", "93 yo", "93yo", "age 93", "aged 93".
func (s *scanner) age(i int) {
	if s.numLen(i) > 3 || s.numVal(i) < 90 || s.numVal(i) > 130 {
		return
	}
	if s.isPunct(i-1, '.') || s.isPunct(i-1, '/') || s.isPunct(i-1, '-') && s.isKind(i-2, tNum) {
		return
	}
	j := i + 1
	if s.isPunct(j, '-') || s.isSpace(j) {
		j++
	}
	ok := false
	if s.isKind(j, tWord) {
		w := strings.ToLower(s.str(j))
		switch {
		case w == "y" && s.isPunct(j+1, '/') || w == "y" && s.isPunct(j+1, '.'):
			ok = true
		case strings.HasPrefix(w, "yo") && len(w) <= 3:
			ok = true
		case w == "year-old" || w == "years-old" || w == "yr-old" || w == "yrs-old" || w == "y-o":
			ok = true
		case s.wf[j]&wAgeUnit != 0:
			k := s.skipSpace(j + 1)
			if s.isPunct(j+1, '-') {
				k = j + 2
			}
			ok = s.wordIs(k, "old") || s.wordIs(k, "of") && s.wordIs(s.skipSpace(k+1), "age") || w == "yo" || w == "yoa"
		}
	}
	if ok {
		s.add(span{start: s.tokStart(i), end: int(s.toks[i].end), kind: KindAge, pri: priAge, repl: "90+"})
	}
}

// ageAfter: "age 93", "aged 93", "Age: 93".
func (s *scanner) ageAfter(i int) {
	j := i + 1
	for hops := 0; hops < 3 && (s.isSpace(j) || s.isPunct(j, ':') || s.wordIs(j, "of")); hops++ {
		j++
	}
	if s.numLen(j) > 0 && s.numLen(j) <= 3 && s.numVal(j) >= 90 && s.numVal(j) <= 130 &&
		!(s.isPunct(j+1, '.') && s.isKind(j+2, tNum)) && !s.isPunct(j+1, '/') && !s.isPunct(j+1, '-') {
		s.add(span{start: s.tokStart(j), end: int(s.toks[j].end), kind: KindAge, pri: priAge, repl: "90+"})
	}
}

// --- web ---

func (s *scanner) email(i int) {
	at := s.tokStart(i)
	a := at
	for a > 0 && isEmailLocal(s.text[a-1]) {
		a--
	}
	b := at + 1
	for b < len(s.text) && (isAlnum(s.text[b]) || s.text[b] == '-' || s.text[b] == '.') {
		b++
	}
	for b > at+1 && s.text[b-1] == '.' {
		b--
	}
	dot := strings.LastIndexByte(s.text[at+1:b], '.')
	if a == at || dot < 1 || dot >= b-at-3 {
		return
	}
	v := s.text[a:b]
	s.add(span{start: a, end: b, kind: KindEmail, pri: priWeb, norm: strings.ToLower(v)})
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

func isAlnum(c byte) bool { return isASCIILetter(c) || c >= '0' && c <= '9' }

func (s *scanner) url(i int) {
	a := s.tokStart(i)
	rest := s.text[a:]
	w := strings.ToLower(s.str(i))
	if w == "www" {
		if !strings.HasPrefix(rest[3:], ".") {
			return
		}
	} else if !strings.HasPrefix(rest[len(w):], "://") {
		return
	}
	b := a
	for b < len(s.text) && s.text[b] > ' ' && s.text[b] != '"' && s.text[b] != '<' && s.text[b] != '>' && s.text[b] != ']' && s.text[b] != '\'' {
		b++
	}
	for b > a && strings.IndexByte(".,;:!?)", s.text[b-1]) >= 0 {
		b--
	}
	if b-a <= len(w)+3 {
		return
	}
	s.add(span{start: a, end: b, kind: KindURL, pri: priWeb, norm: strings.ToLower(s.text[a:b])})
}

// domain: "portal.example.org/login".
func (s *scanner) domain(i int) {
	j := i
	labels := 1
	for s.isPunct(j+1, '.') && s.adjacent(j, j+1) && s.isKind(j+2, tWord) && s.adjacent(j+1, j+2) {
		j += 2
		labels++
	}
	if labels < 2 || s.isPunct(i-1, '@') {
		return
	}
	switch strings.ToLower(s.str(j)) {
	case "com", "org", "net", "edu", "gov", "io", "us", "info", "health", "biz", "co", "uk", "ca", "mil", "me", "ly", "app":
	default:
		return
	}
	a, b := s.tokStart(i), int(s.toks[j].end)
	if s.toks[i].len() < 2 {
		return
	}
	for b < len(s.text) && s.text[b] == '/' {
		for b < len(s.text) && s.text[b] > ' ' && s.text[b] != '"' && s.text[b] != ')' {
			b++
		}
		for b > a && strings.IndexByte(".,;:!?", s.text[b-1]) >= 0 {
			b--
		}
	}
	s.add(span{start: a, end: b, kind: KindURL, pri: priWeb, norm: strings.ToLower(s.text[a:b])})
}
