package careplan

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/careguard/careguard/patient"
)

// Redacted replaces, in the free text [RenderRecord] writes, every
// identifier the record itself holds (see [RenderRecord]).
const Redacted = "[redacted]"

// redactor finds the record's own identifiers in free text: the names of
// the patient, the care team and the note authors, and the patient's
// identifiers, contact points, address lines and postal codes. It is the
// renderer's last line of defence when no Pseudonymizer ran; it knows only
// what the record's structured fields hold, not a relative named only in a
// note, and it matches what is written exactly (in any letter case, with
// numbers in any punctuation), not other spellings.
type redactor struct {
	// words are name words of three letters or more, lower case.
	words map[string]bool
	// phrases are whole names and identifier values, lower case,
	// longest first.
	phrases []string
	// digits are the digits of identifiers and contact points with seven
	// or more of them.
	digits map[string]bool
	// zips are postal codes' digits (five, or nine), matched only as one
	// number or as ZIP+4.
	zips map[string]bool
}

// isNameSkip reports whether a lower-case name word is a title, credential,
// suffix or particle, which is not redacted alone.
func isNameSkip(w string) bool {
	switch w {
	case "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame", "rev",
		"md", "do", "rn", "np", "pa", "aprn", "fnp", "dnp", "lpn", "lvn", "cna", "pharmd", "rph", "phd", "lcsw", "msw",
		"rd", "rdn", "dds", "dmd", "dpm", "od", "psyd", "mph", "bsn", "msn", "mba", "facp", "faafp",
		"jr", "sr", "ii", "iii", "iv",
		"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le", "st", "ter", "ten", "dos", "das",
		"bin", "ibn", "al", "el", "mac", "the", "and":
		return true
	}
	return false
}

// newRedactor collects rec's identifiers. Values written as placeholders
// ("[CLINICIAN_1]", in a pseudonymized record) are not identifiers and are
// left out.
func newRedactor(rec *patient.Record) *redactor {
	rd := &redactor{words: map[string]bool{}, digits: map[string]bool{}, zips: map[string]bool{}}
	id := rec.Identity()
	for _, n := range append([]patient.HumanName{id.Name}, id.OtherNames...) {
		rd.name(n.Text)
		rd.name(strings.Join(append(slices.Clone(n.Given), n.Family), " "))
		for _, g := range n.Given {
			rd.name(g + " " + n.Family)
		}
	}
	for _, t := range rec.CareTeam() {
		rd.name(t.Name)
	}
	for _, n := range rec.Notes() {
		rd.name(n.Author)
	}
	for _, x := range id.Identifiers {
		rd.value(x.Value, 7)
	}
	for _, c := range id.Telecom {
		rd.value(c.Value, 7)
	}
	for _, a := range id.Addresses {
		for _, l := range a.Lines {
			rd.value(l, 0)
		}
		if d := digitsIn(a.PostalCode); len(d) >= 5 {
			rd.zips[d] = true
			rd.zips[d[:5]] = true
		}
	}
	slices.SortFunc(rd.phrases, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
	rd.phrases = slices.Compact(rd.phrases)
	return rd
}

// placeholder reports whether s is written as a pseudonymization
// placeholder.
func placeholder(s string) bool {
	s = strings.TrimSpace(s)
	return strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]")
}

// name adds a person's name: the whole name as a phrase, and each of its
// words of three letters or more that is not a title or the like.
func (rd *redactor) name(s string) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || placeholder(s) {
		return
	}
	var kept []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\'' }) {
		lw := strings.ToLower(w)
		if isNameSkip(strings.Trim(lw, "-'")) {
			continue
		}
		kept = append(kept, lw)
		for _, part := range strings.FieldsFunc(lw, func(r rune) bool { return !unicode.IsLetter(r) }) {
			if utf8.RuneCountInString(part) >= 3 && !isNameSkip(part) {
				rd.words[part] = true
			}
		}
	}
	if len(kept) > 1 {
		rd.phrases = append(rd.phrases, strings.Join(kept, " "))
	}
}

// value adds an identifier: the value as written, and its digits when it
// has at least minDigits of them (0: never).
func (rd *redactor) value(s string, minDigits int) {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) < 3 || placeholder(s) {
		return
	}
	rd.phrases = append(rd.phrases, strings.ToLower(s))
	if d := digitsIn(s); minDigits > 0 && len(d) >= minDigits {
		rd.digits[d] = true
		if len(d) == 11 && d[0] == '1' {
			rd.digits[d[1:]] = true // a phone number with its country code
		}
	}
}

// clean is the package's clean with the record's identifiers redacted
// first, so that cutting the text never leaves part of one.
func (rd *redactor) clean(s string, max int) string {
	if rd == nil || rd.empty() {
		return clean(s, max)
	}
	return clean(rd.redact(clean(s, len(s)+1)), max)
}

// empty reports whether the redactor knows no identifier.
func (rd *redactor) empty() bool {
	return len(rd.words) == 0 && len(rd.phrases) == 0 && len(rd.digits) == 0 && len(rd.zips) == 0
}

// redact returns s with every identifier the redactor knows replaced by
// [Redacted].
func (rd *redactor) redact(s string) string {
	if rd == nil || s == "" || rd.empty() {
		return s
	}
	type span struct{ start, end int }
	var spans []span
	// Whole names and values, in any letter case, as whole words.
	for _, p := range rd.phrases {
		for i := 0; i+len(p) <= len(s); i++ {
			if !strings.EqualFold(s[i:i+len(p)], p) || !wordEdge(s, i, p[0]) || !wordEdgeAfter(s, i+len(p), p[len(p)-1]) {
				continue
			}
			spans = append(spans, span{i, i + len(p)})
			i += len(p) - 1
		}
	}
	// Numbers: runs of digit groups, in any punctuation ("(614) 555-0148",
	// "6145550148", "4471902" for "MRN-4471902").
	if len(rd.digits) > 0 || len(rd.zips) > 0 {
		for _, g := range digitRuns(s) {
			for a := range g {
				d := ""
				for b := a; b < len(g); b++ {
					d += s[g[b].start:g[b].end]
					if rd.digits[d] || rd.zips[d] && (b == a || b == a+1 && s[g[a].end:g[b].start] == "-") {
						start := g[a].start
						// "(614) 555-0148": the area code's opening
						// parenthesis goes with the number.
						if start > 0 && s[start-1] == '(' && b > a && strings.HasPrefix(s[g[a].end:], ")") {
							start--
						}
						spans = append(spans, span{start, g[b].end})
					}
				}
			}
		}
	}
	// Name words.
	if len(rd.words) > 0 {
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if !unicode.IsLetter(r) {
				i += n
				continue
			}
			j := i
			for j < len(s) {
				r, n := utf8.DecodeRuneInString(s[j:])
				if !unicode.IsLetter(r) {
					break
				}
				j += n
			}
			if rd.words[strings.ToLower(s[i:j])] {
				spans = append(spans, span{i, j})
			}
			i = j
		}
	}
	if len(spans) == 0 {
		return s
	}
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	var b strings.Builder
	at := 0
	for k, sp := range spans {
		if k > 0 && sp.start < at {
			at = max(at, sp.end) // overlaps the span just written
			continue
		}
		b.WriteString(s[at:sp.start])
		b.WriteString(Redacted)
		at = sp.end
	}
	b.WriteString(s[at:])
	return b.String()
}

// wordEdge reports whether a match starting at s[i] with first byte first
// starts a word: it starts with punctuation, or no letter or digit
// precedes it.
func wordEdge(s string, i int, first byte) bool {
	if i == 0 || !wordByte(first) {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// wordEdgeAfter reports whether a match ending before s[i] with last byte
// last ends a word.
func wordEdgeAfter(s string, i int, last byte) bool {
	if i >= len(s) || !wordByte(last) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf
}

// digitRun is one group of digits in a run.
type digitRun struct{ start, end int }

// digitRuns returns the runs of digit groups in s: groups of digits
// separated by at most two characters among " -.()/+".
func digitRuns(s string) [][]digitRun {
	var out [][]digitRun
	var cur []digitRun
	i := 0
	for i < len(s) {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if len(cur) > 0 {
			gap := s[cur[len(cur)-1].end:i]
			if len(gap) > 2 || strings.Trim(gap, " -.()/+") != "" {
				out = append(out, cur)
				cur = nil
			}
		}
		cur = append(cur, digitRun{i, j})
		i = j
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// digitsIn returns the ASCII digits of s.
func digitsIn(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
