package deid

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Source says where an identifier was learnt.
type Source string

// The sources.
const (
	// SourceIdentity: the record's Identity (names, identifiers,
	// addresses, contact points) and its birth date.
	SourceIdentity Source = "identity"
	// SourceCareTeam: care-team member names and note authors.
	SourceCareTeam Source = "care-team"
	// SourceNotes: found in the record's free text (a relative named in a
	// note, a phone number written in one).
	SourceNotes Source = "notes"
	// SourcePattern: not the record's; text shaped like an identifier
	// that never belongs in content (a social security number).
	SourcePattern Source = "pattern"
)

// entity is one identifier and its placeholder.
type entity struct {
	kind   Kind
	n      int
	token  string
	value  string // what the placeholder restores to
	source Source
}

// phrase is a sequence of words and numbers that names an entity.
type phrase struct {
	words []string // lower case
	adj   []bool   // adj[k]: words[k] and words[k+1] touch in the value
	ent   *entity
	name  bool // a personal name or place: matches capitalized words only...
	// ...unless anyCase: a name the record holds in a structured field, or
	// a full name, with a word too rare to be anything but a name
	// ("quarterfield"): matched in any letter case.
	anyCase bool
	full    bool // the whole identifier, not one word of a name
}

// registry holds the identifiers of one record.
type registry struct {
	lx      *lexicon
	byFirst map[string][]*phrase
	byNorm  map[string]*entity
	byToken map[string]*entity
	owner   map[string]*entity // a single lower-case name word
	byKey   map[string]*entity // sorted lower-case name words
	counts  map[Kind]int
	ents    []*entity
	// starts has bit n of starts[c] set when a phrase begins with a word
	// of n bytes whose first byte, lower-cased, is c: most tokens are
	// ruled out without a map lookup.
	starts [128]uint64
}

func newRegistry(lx *lexicon) *registry {
	return &registry{lx: lx, byFirst: map[string][]*phrase{}, byNorm: map[string]*entity{}, byToken: map[string]*entity{},
		owner: map[string]*entity{}, byKey: map[string]*entity{}, counts: map[Kind]int{}}
}

func (r *registry) newEntity(k Kind, value string, src Source) *entity {
	if k == KindPatient {
		if e := r.byToken[token(KindPatient, 0)]; e != nil {
			return e
		}
	}
	r.counts[k]++
	e := &entity{kind: k, n: r.counts[k], token: token(k, r.counts[k]), value: value, source: src}
	r.byToken[e.token] = e
	r.ents = append(r.ents, e)
	return e
}

// addPhrase registers value's words and numbers as a phrase of e.
func (r *registry) addPhrase(value string, e *entity, name, full bool) {
	toks := lex(value, nil)
	var p phrase
	prevEnd := -1
	for _, t := range toks {
		if t.kind != tWord && t.kind != tNum {
			continue
		}
		if len(p.words) > 0 {
			p.adj = append(p.adj, int(t.start) == prevEnd)
		}
		p.words = append(p.words, strings.ToLower(value[t.start:t.end]))
		prevEnd = int(t.end)
	}
	if len(p.words) == 0 {
		return
	}
	p.ent, p.name, p.full = e, name, full
	// A place the record's identity holds ("Millbrook") is matched in any
	// case when every word of it is distinctive.
	p.anyCase = name && e.source == SourceIdentity && !slices.ContainsFunc(p.words, func(w string) bool { return !r.distinctive(w) })
	for _, q := range r.byFirst[p.words[0]] {
		if slices.Equal(q.words, p.words) && q.name == p.name {
			q.anyCase = q.anyCase || p.anyCase
			return
		}
	}
	r.byFirst[p.words[0]] = append(r.byFirst[p.words[0]], &p)
	r.mark(p.words[0])
}

// mark records that a phrase starts with w.
func (r *registry) mark(w string) {
	if c := w[0]; c < 128 {
		r.starts[c] |= 1 << min(len(w), 63)
	} else {
		r.starts[0] = ^uint64(0) // non-ASCII: always look up
	}
}

// mayStart reports whether a phrase may start with the token text w.
func (r *registry) mayStart(w string) bool {
	c := w[0]
	if c >= 128 {
		return r.starts[0] != 0
	}
	if c >= 'A' && c <= 'Z' {
		c += 'a' - 'A'
	}
	return r.starts[c]&(1<<min(len(w), 63)) != 0
}

// nameWords returns the lower-case words of a name as written ("Dr. Ana
// Ng, MD" -> ana, ng), leaving out titles, credentials, particles and
// suffixes, and the words as written.
func (r *registry) nameWords(s string) (lowerWords, written []string) {
	for _, t := range lex(s, nil) {
		if t.kind != tWord {
			continue
		}
		w := s[t.start:t.end]
		f := r.lx.flags(w)
		if f&(wTitle|wDrTitle|wSuffix) != 0 || f&wCredential != 0 && t.is(fAllCaps) || f&wParticle != 0 && t.is(fLower) || len(w) < 2 && t.flags&fASCII != 0 {
			continue
		}
		lowerWords = append(lowerWords, strings.ToLower(w))
		written = append(written, w)
	}
	return lowerWords, written
}

func sortedKey(words []string) string {
	s := slices.Clone(words)
	slices.Sort(s)
	return strings.Join(s, " ")
}

// name returns the entity a name refers to, registering it if it is new.
// structured names (from the record's fields) register every word; names
// found in text leave out common words.
func (r *registry) name(k Kind, words []string, value string, src Source) *entity {
	if len(words) == 0 {
		return nil
	}
	key := sortedKey(words)
	if e := r.byKey[key]; e != nil {
		return e
	}
	var same *entity
	for i, w := range words {
		e := r.owner[w]
		if e == nil || i > 0 && e != same {
			same = nil
			break
		}
		same = e
	}
	e := same
	if e == nil {
		e = r.newEntity(k, value, src)
	}
	r.byKey[key] = e
	r.namePhrases(words, e, src != SourceNotes)
	return e
}

// namePhrases registers a name's phrases: the whole name in its order and
// family-name first, and each word not already another's.
//
// Notes write names in lower case too ("rosalind quarterfield called"). A
// whole name with a distinctive word, and a distinctive word of a name the
// record holds in a structured field (structured), are matched in any
// case; other words only capitalized (or after a title), so that a name
// that is also a word ("Young", "Bell") leaves clinical text alone.
func (r *registry) namePhrases(words []string, e *entity, structured bool) {
	if len(words) > 1 {
		// "ana ng": no word is distinctive, but none is a word either.
		anyCase := slices.ContainsFunc(words, r.distinctive) || !slices.ContainsFunc(words, r.common)
		r.addWordsPhrase(words, e, true, anyCase)
		rot := append([]string{words[len(words)-1]}, words[:len(words)-1]...)
		r.addWordsPhrase(rot, e, true, anyCase)
	}
	for _, w := range words {
		if len([]rune(w)) < 2 || r.owner[w] != nil {
			continue
		}
		if !structured && r.lx.flags(w)&(wStop|wEponym) != 0 {
			continue
		}
		r.owner[w] = e
		r.addWordsPhrase([]string{w}, e, len(words) == 1, structured && r.distinctive(w))
	}
}

// distinctive reports whether a lower-case name word is too rare to be
// anything but a name: four letters or more, and known to the lexicon as
// nothing but a given name (not a common or clinical word, an eponym, a
// month, a title, a relation, a place or street word).
func (r *registry) distinctive(w string) bool {
	if utf8.RuneCountInString(w) < 4 {
		return false
	}
	return !r.common(w)
}

// common reports whether a lower-case word is known to the lexicon as
// anything but a given name.
func (r *registry) common(w string) bool { return r.lx.flags(w)&^wFirstName != 0 }

// recordName reports whether lower-case w is a word of a name the record
// holds in a structured field (the patient's, a care-team member's, a note
// author's).
func (r *registry) recordName(w string) bool {
	e := r.owner[w]
	return e != nil && (e.source == SourceIdentity || e.source == SourceCareTeam)
}

func (r *registry) addWordsPhrase(words []string, e *entity, full, anyCase bool) {
	for _, q := range r.byFirst[words[0]] {
		if slices.Equal(q.words, words) && q.name {
			q.anyCase = q.anyCase || anyCase
			return
		}
	}
	p := &phrase{words: words, adj: make([]bool, len(words)-1), ent: e, name: true, full: full, anyCase: anyCase}
	r.byFirst[words[0]] = append(r.byFirst[words[0]], p)
	r.mark(words[0])
}

// value returns the entity of a number, address or place with normalized
// form norm, registering it if it is new.
func (r *registry) value(k Kind, norm, value string, src Source) *entity {
	if norm == "" {
		return nil
	}
	if e := r.byNorm[norm]; e != nil {
		return e
	}
	e := r.newEntity(k, value, src)
	r.byNorm[norm] = e
	if src == SourceNotes {
		switch k {
		case KindEmail, KindURL, KindIP:
			// Found by their shape in any text: the normalized form suffices.
		default:
			// Found in text: other formats of it are found by its words and
			// numbers ("617-555-0199" as "617 555 0199").
			r.addPhrase(value, e, k == KindLocation, true)
		}
	}
	return e
}

// --- matching known phrases in a scan ---

// known adds a span for every registered phrase found in the scanned text.
func (s *scanner) known(r *registry) {
	// The spans so far are sorted; the phrases found here come in order
	// too, and are merged in at the end, so resolve need not sort.
	s.sortSpans()
	before := len(s.spans)
	defer func() { s.mergeSpans(before) }()
	var scratch [48]byte
	for i := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		if t.kind != tWord && t.kind != tNum {
			continue
		}
		if i > 0 && s.adjacent(i-1, i) && (s.isKind(i-1, tWord) || s.isKind(i-1, tNum)) {
			continue // a phrase starts a word
		}
		w := s.str(i)
		if !r.mayStart(w) {
			continue
		}
		var cands []*phrase
		if b, ok := lowerASCII(w, scratch[:]); ok {
			cands = r.byFirst[string(b)]
		} else {
			cands = r.byFirst[strings.ToLower(w)]
		}
		bestEnd, best := -1, (*phrase)(nil)
		for _, p := range cands {
			if end, ok := s.matchPhrase(i, p); ok && end > bestEnd {
				bestEnd, best = end, p
			}
		}
		if best == nil {
			continue
		}
		pri := int8(priKnown)
		if best.name {
			pri = priKnownName
		}
		s.add(span{start: s.tokStart(i), end: bestEnd, kind: best.ent.kind, pri: pri, ent: best.ent, full: best.full})
	}
}

// matchPhrase matches p at token i and returns the end byte offset.
func (s *scanner) matchPhrase(i int, p *phrase) (int, bool) {
	j := i
	for k, w := range p.words {
		if k > 0 {
			if p.adj[k-1] {
				j++
				if !s.adjacent(j-1, j) {
					return 0, false
				}
			} else {
				j++
				n := 0
				for n < 3 && j < len(s.toks) && (s.isSpace(j) && s.toks[j].len() <= 2 || s.isKind(j, tPunct) && s.toks[j].len() == 1 &&
					strings.IndexByte("-./(),", s.text[s.toks[j].start]) >= 0) {
					j++
					n++
				}
				if n == 0 {
					return 0, false
				}
			}
		}
		if j >= len(s.toks) || (s.toks[j].kind != tWord && s.toks[j].kind != tNum) || !strings.EqualFold(s.str(j), w) {
			return 0, false
		}
		if p.name && !p.anyCase && s.toks[j].kind == tWord {
			t := s.toks[j]
			cased := t.flags&fASCII == 0 && t.flags&(fCap|fLower) == 0
			switch {
			case cased:
			case t.len() <= 3 && len(p.words) == 1 && !(t.is(fCap) && !t.is(fAllCaps)):
				return 0, false
			case !t.is(fCap) && !t.is(fAllCaps):
				return 0, false
			}
		}
	}
	// The phrase must end a word.
	if s.adjacent(j, j+1) && (s.isKind(j+1, tWord) || s.isKind(j+1, tNum)) {
		return 0, false
	}
	if p.name && s.eponymAt(j) {
		return 0, false
	}
	return int(s.toks[j].end), true
}

// --- resolving spans ---

// resolve turns candidate spans into the spans to replace: it finds or
// registers each span's entity, drops overlaps (names: the longer wins;
// otherwise the higher priority, then the longer) and merges a name's
// pieces ("SMITH, JOHN" is one span).
func (s *scanner) resolve(r *registry, src Source) []span {
	s.sortSpans()
	sp := s.spans
	out := make([]span, 0, len(sp))
	for _, c := range sp {
		if n := len(out); n > 0 && c.start < out[n-1].end {
			k := out[n-1]
			w, l := k, c
			if wins(c, k) {
				w, l = c, k
			}
			if w.kind == l.kind && w.ent == nil && l.start >= w.start && l.end <= w.end {
				w.ent = l.ent // the longer span names the identifier the shorter one knew
			}
			if w.date == nil && w.repl == "" {
				// A partial overlap: the winner covers both, so no piece of
				// the loser is left in clear.
				w.start, w.end = min(w.start, l.start), max(w.end, l.end)
			}
			out[n-1] = w
			continue
		}
		out = append(out, c)
	}
	if r != nil {
		for i := range out {
			c := &out[i]
			if c.ent != nil {
				continue
			}
			switch {
			case c.parts != nil:
				c.ent = r.name(c.kind, c.parts, cleanSpace(s.text[c.start:c.end]), src)
			case c.kind != KindDate && c.kind != KindAge && c.repl == "":
				c.ent = r.value(c.kind, c.norm, s.text[c.start:c.end], src)
			}
			if c.ent != nil {
				c.kind = c.ent.kind
			}
		}
	}
	return s.merge(out)
}

// spanOrder orders spans by start, then the higher priority, then the
// longer.
func spanOrder(a, b span) int {
	return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.pri, a.pri), cmp.Compare(b.end, a.end))
}

func (s *scanner) sortSpans() {
	if !slices.IsSortedFunc(s.spans, spanOrder) {
		slices.SortFunc(s.spans, spanOrder)
	}
}

// mergeSpans merges the sorted runs s.spans[:k] and s.spans[k:].
func (s *scanner) mergeSpans(k int) {
	a, b := s.spans[:k], s.spans[k:]
	if len(b) == 0 || len(a) == 0 || spanOrder(a[len(a)-1], b[0]) <= 0 {
		return
	}
	out := s.mergeBuf[:0]
	for len(a) > 0 && len(b) > 0 {
		if spanOrder(b[0], a[0]) < 0 {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	out = append(append(out, a...), b...)
	s.spans = append(s.spans[:0], out...)
	s.mergeBuf = out[:0]
}

// wins reports whether candidate c should replace kept span k that it
// overlaps.
func wins(c, k span) bool {
	cl, kl := c.end-c.start, k.end-k.start
	if c.kind == k.kind && cl != kl {
		return cl > kl // "12 Oak St, Apt 4" over the known "12 Oak St"
	}
	if c.kind.IsName() && k.kind.IsName() && cl != kl {
		return cl > kl
	}
	if c.pri != k.pri {
		return c.pri > k.pri
	}
	return cl > kl
}

// merge joins name spans of one entity separated only by spaces, a comma
// or an initial, and takes in an initial just before a name.
func (s *scanner) merge(sp []span) []span {
	out := sp[:0]
	for _, c := range sp {
		if c.ent != nil && c.kind.IsName() {
			c.start = initialBefore(s.text, c.start, lastEnd(out))
			c.end = initialAfter(s.text, c.end)
			if n := len(out); n > 0 && out[n-1].ent == c.ent && nameGap(s.text[out[n-1].end:c.start]) {
				out[n-1].end = c.end
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

func lastEnd(sp []span) int {
	if len(sp) == 0 {
		return 0
	}
	return sp[len(sp)-1].end
}

// initialBefore extends a name's start over "J. " or "J " before it.
func initialBefore(text string, start, floor int) int {
	i := start
	for i > floor && text[i-1] == ' ' {
		i--
	}
	if i == start {
		return start
	}
	if i > floor && text[i-1] == '.' {
		i--
	}
	if i > floor && isUpperASCII(text[i-1]) && (i-1 == floor || i-1 == 0 || !isWordByte(text[i-2])) {
		return i - 1
	}
	return start
}

// initialAfter extends a name's end over ", J." after it ("Smith, J.").
func initialAfter(text string, end int) int {
	g := text[end:]
	if len(g) >= 4 && g[0] == ',' && g[1] == ' ' && isUpperASCII(g[2]) && g[3] == '.' &&
		(len(g) == 4 || !isWordByte(g[4])) {
		return end + 4
	}
	return end
}

// nameGap reports whether the text between two pieces of one name is only
// spaces, a comma, or an initial.
func nameGap(g string) bool {
	if len(g) == 0 || len(g) > 6 {
		return len(g) == 0
	}
	letters := 0
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case c == ' ' || c == ',' || c == '.':
		case isUpperASCII(c):
			letters++
		default:
			return false
		}
	}
	return letters <= 1
}

func cleanSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// render writes text with the spans replaced: names and numbers by their
// placeholders, dates shifted in the frame, fixed replacements as given.
func render(text string, spans []span, fr frame) string {
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text) + 8*len(spans))
	at := 0
	for _, sp := range spans {
		b.WriteString(text[at:sp.start])
		switch {
		case sp.repl != "":
			b.WriteString(sp.repl)
		case sp.date != nil:
			b.WriteString(fr.renderDate(text, sp))
		case sp.ent != nil:
			b.WriteString(sp.ent.token)
		default:
			b.WriteString(text[sp.start:sp.end])
		}
		at = sp.end
	}
	b.WriteString(text[at:])
	return b.String()
}
