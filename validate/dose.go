package validate

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dose and route reading for the medication-safety rules. Only what can be
// read unambiguously is read: a dose instruction that names one amount and
// one schedule ("20 mg once daily", "1 tablet twice a day"), and the
// per-unit strength in an RxNorm-style product name ("Simvastatin 20 MG Oral
// Tablet"). Anything else — ranges, as-needed doses, several amounts, tapers
// — is reported as unknown, and the rules say so rather than guess.

// doseToken is a word (lower case letters), a number, or a single other
// character.
type doseToken struct {
	word string
	num  float64
	kind byte // 'w' word, 'n' number, 'p' punctuation
	text string
}

// lexDose splits text into words (runs of letters), numbers (digits with
// at most one decimal point) and single punctuation characters, dropping
// white space. A period after a letter is dropped, so "b.i.d." reads as
// "bid" and "tab." as "tab".
func lexDose(text string) []doseToken {
	var rs []rune
	prevLetter := false
	for _, r := range strings.ToLower(text) {
		if r == '.' && prevLetter {
			continue
		}
		rs = append(rs, r)
		prevLetter = unicode.IsLetter(r)
	}
	var out []doseToken
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case unicode.IsLetter(r):
			start := i
			for i < len(rs) && unicode.IsLetter(rs[i]) {
				i++
			}
			w := string(rs[start:i])
			out = append(out, doseToken{kind: 'w', word: w, text: w})
		case unicode.IsDigit(r) || r == '.' && i+1 < len(rs) && unicode.IsDigit(rs[i+1]):
			start, dot := i, false
			for i < len(rs) && (unicode.IsDigit(rs[i]) || rs[i] == '.' && !dot && i+1 < len(rs) && unicode.IsDigit(rs[i+1])) {
				if rs[i] == '.' {
					dot = true
				}
				i++
			}
			s := string(rs[start:i])
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(v, 0) {
				out = append(out, doseToken{kind: 'p', text: s})
				continue
			}
			out = append(out, doseToken{kind: 'n', num: v, text: s})
		default:
			out = append(out, doseToken{kind: 'p', text: string(r)})
			i++
		}
	}
	return out
}

// massUnitMG returns how many milligrams one of the unit is.
func massUnitMG(w string) (float64, bool) {
	switch w {
	case "mg", "milligram", "milligrams":
		return 1, true
	case "mcg", "ug", "microgram", "micrograms":
		return 0.001, true
	case "g", "gm", "gram", "grams":
		return 1000, true
	}
	return 0, false
}

// parseStrengthMG reads the strength of one ingredient from a segment of
// an RxNorm-style drug name ("Simvastatin 20 MG Oral Tablet" gives 20). It
// fails when the segment states no mass strength, several, or a
// concentration ("2 MG/ML", "0.4 MG/ACTUAT").
func parseStrengthMG(segment string) (float64, bool) {
	toks := lexDose(segment)
	found, mg := 0, 0.0
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind != 'n' || toks[i+1].kind != 'w' {
			continue
		}
		f, ok := massUnitMG(toks[i+1].word)
		if !ok {
			continue
		}
		if i+2 < len(toks) && toks[i+2].text == "/" {
			return 0, false // a concentration, not a per-unit strength
		}
		found++
		mg = toks[i].num * f
	}
	if found != 1 || !(mg > 0) || math.IsInf(mg, 0) {
		return 0, false
	}
	return mg, true
}

// unitWords are the dose units counted in whole dosage forms.
func isFormWord(w string) bool {
	switch w {
	case "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "cap", "caps", "pill", "pills":
		return true
	}
	return false
}

func numberWord(w string) (float64, bool) {
	switch w {
	case "one":
		return 1, true
	case "two":
		return 2, true
	case "three":
		return 3, true
	case "four":
		return 4, true
	}
	return 0, false
}

// parseDoseText reads a total daily dose in milligrams from a dose
// instruction: one amount (a mass, or a count of tablets or capsules when
// unitMG, the strength of one, is known) and one schedule. It fails on
// anything it cannot read unambiguously.
func parseDoseText(text string, unitMG float64) (float64, bool) {
	toks := lexDose(text)
	var words []string
	for _, t := range toks {
		if t.kind == 'w' {
			words = append(words, t.word)
		}
	}
	joined := " " + strings.Join(words, " ") + " "
	for _, w := range []string{" prn ", " as needed ", " if needed ", " when needed ", " as directed ", " taper ", " then "} {
		if strings.Contains(joined, w) {
			return 0, false // not a fixed schedule
		}
	}

	amount, amounts := 0.0, 0
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		var n float64
		switch {
		case t.kind == 'n':
			n = t.num
		case t.kind == 'w':
			v, ok := numberWord(t.word)
			if !ok {
				continue
			}
			n = v
		default:
			continue
		}
		if i+1 < len(toks) && (toks[i+1].text == "-" || toks[i+1].word == "to" || toks[i+1].word == "or") {
			if i+2 < len(toks) && (toks[i+2].kind == 'n' || toks[i+2].kind == 'w' && isNumberWord(toks[i+2].word)) {
				return 0, false // a range
			}
		}
		if i+1 >= len(toks) || toks[i+1].kind != 'w' {
			continue
		}
		var mg float64
		if f, ok := massUnitMG(toks[i+1].word); ok {
			if i+2 < len(toks) && toks[i+2].text == "/" {
				return 0, false // a concentration or a rate
			}
			mg = n * f
		} else if isFormWord(toks[i+1].word) {
			if !(unitMG > 0) {
				return 0, false
			}
			mg = n * unitMG
		} else {
			continue
		}
		if amounts > 0 && math.Abs(mg-amount) > 1e-9 {
			return 0, false // several different amounts
		}
		amount, amounts = mg, amounts+1
	}
	if amounts == 0 || !(amount > 0) {
		return 0, false
	}
	perDay, ok := parseFrequency(toks)
	if !ok {
		return 0, false
	}
	total := amount * perDay
	if !(total > 0) || math.IsInf(total, 0) || math.IsNaN(total) {
		return 0, false
	}
	return total, true
}

func isNumberWord(w string) bool { _, ok := numberWord(w); return ok }

// parseFrequency reads how many times a day a schedule gives a dose. Every
// schedule phrase found must agree.
func parseFrequency(toks []doseToken) (float64, bool) {
	found := []float64{}
	add := func(v float64) { found = append(found, v) }
	word := func(i int) string {
		if i < len(toks) && toks[i].kind == 'w' {
			return toks[i].word
		}
		return ""
	}
	num := func(i int) (float64, bool) {
		if i < len(toks) {
			if toks[i].kind == 'n' {
				return toks[i].num, true
			}
			return numberWord(word(i))
		}
		return 0, false
	}
	perDayWord := func(i int) int { // length of "daily" / "a day" / "per day" / "each day" at i, or 0
		switch word(i) {
		case "daily":
			return 1
		case "a", "per", "each", "every":
			if word(i+1) == "day" {
				return 2
			}
		}
		return 0
	}
	for i := 0; i < len(toks); i++ {
		w := word(i)
		switch {
		case w == "once" && perDayWord(i+1) > 0:
			add(1)
			i += perDayWord(i + 1)
		case w == "twice" && perDayWord(i+1) > 0:
			add(2)
			i += perDayWord(i + 1)
		case w == "thrice" && perDayWord(i+1) > 0:
			add(3)
			i += perDayWord(i + 1)
		case w == "once" && (word(i+1) == "weekly" || word(i+1) == "a" && word(i+2) == "week"):
			add(1.0 / 7)
			i += 2
		case w == "daily", w == "qd", w == "od", w == "nightly", w == "qhs", w == "qam", w == "qpm", w == "hs":
			add(1)
		case w == "bid":
			add(2)
		case w == "tid":
			add(3)
		case w == "qid":
			add(4)
		case w == "qod":
			add(0.5)
		case w == "weekly":
			add(1.0 / 7)
		case w == "at" && word(i+1) == "bedtime":
			add(1)
			i++
		case w == "in" && word(i+1) == "the" && (word(i+2) == "morning" || word(i+2) == "evening"):
			add(1)
			i += 2
		case w == "every" || w == "each":
			switch {
			case word(i+1) == "day":
				add(1)
				i++
			case word(i+1) == "morning" || word(i+1) == "evening" || word(i+1) == "night":
				add(1)
				i++
			case word(i+1) == "other" && word(i+2) == "day":
				add(0.5)
				i += 2
			case word(i+1) == "week":
				add(1.0 / 7)
				i++
			default:
				if n, ok := num(i + 1); ok && n > 0 && (word(i+2) == "hours" || word(i+2) == "hour" || word(i+2) == "h" || word(i+2) == "hrs") {
					add(24 / n)
					i += 2
				}
			}
		case w == "q":
			if n, ok := num(i + 1); ok && n > 0 && (word(i+2) == "h" || word(i+2) == "hr" || word(i+2) == "hrs" || word(i+2) == "hours") {
				add(24 / n)
				i += 2
			}
		default:
			if n, ok := num(i); ok && n > 0 && (word(i+1) == "times" || word(i+1) == "x") && perDayWord(i+2) > 0 {
				add(n)
				i += 1 + perDayWord(i+2)
			}
		}
	}
	if len(found) == 0 {
		return 0, false
	}
	for _, f := range found[1:] {
		if math.Abs(f-found[0]) > 1e-9 {
			return 0, false
		}
	}
	if !(found[0] > 0) || math.IsInf(found[0], 0) {
		return 0, false
	}
	return found[0], true
}

// normalizedWords lower-cases s and keeps runs of letters and digits as
// words separated by single spaces, with a space at each end, so phrases can
// be found whole.
func normalizedWords(s string) string {
	return " " + strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ") + " "
}

// forEachWord calls fn with each run of letters and digits in s, in order,
// until fn returns false. It does not allocate.
func forEachWord(s string, fn func(w string) bool) {
	start := -1
	for i, r := range s {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			if !fn(s[start:i]) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		fn(s[start:])
	}
}

// localRoute reports whether a product's name states a route or dose form
// that acts locally (skin, eye, ear, nose, airway, vagina, uterus) rather
// than systemically. A name that states no route counts as systemic.
// Transdermal systems (fentanyl, estradiol) and mucosal sprays
// (nitroglycerin) act systemically; a "medicated patch" (diclofenac) acts
// locally.
func localRoute(name string) bool {
	local, prev := false, ""
	forEachWord(name, func(w string) bool {
		if isLocalWord(w) || len(w) == 5 && strings.EqualFold(w, "patch") && strings.EqualFold(prev, "medicated") {
			local = true
			return false
		}
		prev = w
		return true
	})
	return local
}

// isLocalWord reports whether w names a local route or dose form. It
// filters by length before comparing, since it runs on every word of every
// medication name.
func isLocalWord(w string) bool {
	var cands []string
	switch len(w) {
	case 4:
		cands = []string{"otic"}
	case 5:
		cands = []string{"nasal", "cream"}
	case 6:
		cands = []string{"lotion"}
	case 7:
		cands = []string{"topical", "inhaler", "vaginal", "shampoo"}
	case 8:
		cands = []string{"inhalant", "ointment"}
	case 9:
		cands = []string{"mouthwash"}
	case 10:
		cands = []string{"ophthalmic", "inhalation", "irrigation"}
	case 12:
		cands = []string{"intrauterine"}
	}
	for _, c := range cands {
		if strings.EqualFold(w, c) {
			return true
		}
	}
	return false
}

// extendedRelease reports whether a product's name states a modified-release
// form.
func extendedRelease(name string) bool {
	ext, prev := false, ""
	forEachWord(name, func(w string) bool {
		if len(w) == 2 && (strings.EqualFold(w, "er") || strings.EqualFold(w, "xl") || strings.EqualFold(w, "xr") ||
			strings.EqualFold(w, "sr") || strings.EqualFold(w, "cr") || strings.EqualFold(w, "la")) ||
			strings.EqualFold(w, "osmotic") ||
			strings.EqualFold(w, "release") && strings.EqualFold(prev, "extended") ||
			strings.EqualFold(w, "hr") && (prev == "24" || prev == "12") {
			ext = true
			return false
		}
		prev = w
		return true
	})
	return ext
}

// localDoseForm reports whether a proposed medication's name ends with a
// local dose form, the way an RxNorm clinical drug name ends ("Diclofenac
// Sodium 10 MG/ML Topical Gel", "Ketoconazole 20 MG/ML Topical Cream
// [Nizoral]", "Timolol 5 MG/ML Ophthalmic Solution"). It is how the route
// of a proposed start is read from a name the model wrote, so it is
// narrower than localRoute: a route word anywhere else ("Naproxen 500 MG
// Oral Tablet (not a topical gel)", "take with food; nasal congestion is
// not an indication") does not count, a negated form ("not topical gel")
// does not count, a name that also states a systemic form ("Oral",
// "Tablet", "Injection") does not count, and nasal and transdermal forms
// count as systemic (ketorolac nasal spray and transdermal systems act
// systemically). Anything it cannot read as local is systemic, which keeps
// every systemic interaction rule in force.
func localDoseForm(name string) bool {
	s := strings.TrimSpace(name)
	// An RxNorm branded drug ends with its brand in brackets.
	if strings.HasSuffix(s, "]") {
		if i := strings.LastIndexByte(s, '['); i >= 0 {
			s = strings.TrimSpace(s[:i])
		}
	}
	if s == "" {
		return false
	}
	if r, _ := utf8.DecodeLastRuneInString(s); !unicode.IsLetter(r) {
		return false // ends with a parenthesis, a note, a number: not a dose form
	}
	var words []string
	forEachWord(s, func(w string) bool {
		words = append(words, strings.ToLower(w))
		return true
	})
	n := len(words)
	if n == 0 {
		return false
	}
	for _, w := range words {
		switch w {
		case "oral", "tablet", "tablets", "capsule", "capsules", "injection", "injectable", "intravenous",
			"subcutaneous", "intramuscular", "chewable", "disintegrating", "sublingual", "buccal", "rectal",
			"suppository", "transdermal", "nasal", "systemic", "enteric":
			return false // a systemic form stated anywhere: not unambiguously local
		case "not", "no", "non", "without", "avoid", "instead":
			return false // a negation: the name is not a plain product name
		}
	}
	last := words[n-1]
	prev := ""
	if n >= 2 {
		prev = words[n-2]
	}
	switch last {
	case "cream", "ointment", "lotion", "shampoo", "mouthwash", "inhaler", "inhalant":
		return true
	case "gel", "solution", "suspension", "spray", "foam", "powder", "oil", "emulsion", "drops", "patch",
		"film", "paste", "liquid", "system", "plaster", "pad", "swab", "jelly":
		switch prev {
		case "topical", "ophthalmic", "otic", "vaginal", "medicated", "inhalation", "intrauterine",
			"cutaneous", "dermal", "irrigation", "mucosal", "dental":
			return true
		}
	}
	return false
}
