package validate

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads the claims about the record that free text makes: lab
// results with values ("HbA1c 8.1% on 2026-10-01", "BP 142/88 mmHg") and
// the patient's age ("a 69-year-old"). It tells claims from targets: a
// number after "below", "<", "goal", "at least" or inside a range ("eGFR
// 30-45") states a threshold, not a result, and is not a claim.

// labKind is a lab careguard compares with the record.
type labKind int

const (
	labHbA1c labKind = iota + 1
	labEGFR
	labUACR
	labLDL
	labBP
)

func (k labKind) String() string {
	switch k {
	case labHbA1c:
		return "HbA1c"
	case labEGFR:
		return "eGFR"
	case labUACR:
		return "UACR"
	case labLDL:
		return "LDL cholesterol"
	case labBP:
		return "blood pressure"
	}
	return "lab"
}

// labClaim is a lab result stated in text.
type labClaim struct {
	kind       labKind
	start, end int     // byte span: from the label through the value (and its date)
	value      float64 // the result; systolic for blood pressure
	value2     float64 // diastolic for blood pressure
	decimals   int     // digits after the decimal point in the text, for the tolerance
	decimals2  int
	unit       string // normalised unit as written: "%", "mg/g", "mg/dl", "mmol", "mmhg", or ""
	date       string // "YYYY-MM-DD" when the text states the date of the result
}

// ageClaim is the patient's age stated in text.
type ageClaim struct {
	start, end int
	age        int
}

type tokKind int

const (
	tokWord tokKind = iota + 1
	tokNumber
	tokDate
	tokSym
)

type token struct {
	kind       tokKind
	start, end int
	text       string // lower-cased word, number or date as written, or the symbol
}

// tokenize splits text into words (a letter followed by letters and
// digits), numbers (digits with an optional decimal part), dates
// (YYYY-MM-DD) and single symbols; "<=" and ">=" are one symbol. Spaces
// separate tokens and are dropped.
func tokenize(text string) []token {
	var out []token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case unicode.IsLetter(r):
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += s2
			}
			out = append(out, token{tokWord, i, j, strings.ToLower(text[i:j])})
			i = j
		case r >= '0' && r <= '9':
			j := i
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			if j-i == 4 && isDateAt(text, i) {
				out = append(out, token{tokDate, i, i + 10, text[i : i+10]})
				i += 10
				continue
			}
			if j+1 < len(text) && text[j] == '.' && text[j+1] >= '0' && text[j+1] <= '9' {
				j++
				for j < len(text) && text[j] >= '0' && text[j] <= '9' {
					j++
				}
			}
			out = append(out, token{tokNumber, i, j, text[i:j]})
			i = j
		default:
			sym := text[i : i+size]
			if (r == '<' || r == '>' || r == '=') && i+size < len(text) && (text[i+size] == '=' || text[i+size] == '<' || text[i+size] == '>') {
				sym = text[i : i+size+1]
			}
			out = append(out, token{tokSym, i, i + len(sym), sym})
			i += len(sym)
		}
	}
	return out
}

// isDateAt reports whether text[i:] starts with a date YYYY-MM-DD not
// followed by another digit.
func isDateAt(text string, i int) bool {
	if i+10 > len(text) {
		return false
	}
	s := text[i : i+10]
	for k, c := range []byte(s) {
		switch k {
		case 4, 7:
			if c != '-' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	if i+10 < len(text) && text[i+10] >= '0' && text[i+10] <= '9' {
		return false
	}
	m, d := (s[5]-'0')*10+s[6]-'0', (s[8]-'0')*10+s[9]-'0'
	return m >= 1 && m <= 12 && d >= 1 && d <= 31
}

// labLabels are the names of the labs careguard compares, as word
// sequences; "-" and "/" may stand between the words.
// It is a constant table (never written), built once rather than on every
// call of extractClaims.
var labLabels = []struct {
	kind  labKind
	words []string
}{
	{labHbA1c, []string{"hba1c"}}, {labHbA1c, []string{"a1c"}}, {labHbA1c, []string{"hgba1c"}},
	{labHbA1c, []string{"hemoglobin", "a1c"}}, {labHbA1c, []string{"haemoglobin", "a1c"}},
	{labHbA1c, []string{"hb", "a1c"}}, {labHbA1c, []string{"glycated", "hemoglobin"}}, {labHbA1c, []string{"glycated", "haemoglobin"}},
	{labEGFR, []string{"egfr"}}, {labEGFR, []string{"gfr"}}, {labEGFR, []string{"estimated", "gfr"}},
	{labEGFR, []string{"estimated", "glomerular", "filtration", "rate"}}, {labEGFR, []string{"glomerular", "filtration", "rate"}},
	{labUACR, []string{"uacr"}}, {labUACR, []string{"acr"}}, {labUACR, []string{"urine", "acr"}},
	{labUACR, []string{"albumin", "to", "creatinine", "ratio"}}, {labUACR, []string{"albumin", "creatinine", "ratio"}},
	{labUACR, []string{"urine", "albumin", "to", "creatinine", "ratio"}}, {labUACR, []string{"urine", "albumin", "creatinine", "ratio"}},
	{labUACR, []string{"microalbumin", "creatinine", "ratio"}}, {labUACR, []string{"microalbumin", "to", "creatinine", "ratio"}},
	{labLDL, []string{"ldl"}}, {labLDL, []string{"ldl", "c"}}, {labLDL, []string{"ldl", "cholesterol"}},
	{labLDL, []string{"low", "density", "lipoprotein"}}, {labLDL, []string{"low", "density", "lipoprotein", "cholesterol"}},
	{labBP, []string{"bp"}}, {labBP, []string{"blood", "pressure"}},
}

// isFiller reports whether a word or symbol may stand between a lab's name
// and its value ("HbA1c was 8.1%", "latest eGFR is 52").
func isFiller(w string) bool {
	switch w {
	case "of", "was", "is", "are", "were", "been", "latest", "last", "recent", "result", "results", "value",
		"values", "level", "levels", "measured", "measurement", "reading", "readings", "the", "a", "an", "now",
		"currently", "today", "still", "remains", "remained", "approximately", "about", "around", "roughly",
		"recorded", "documented", "shows", "showed", "reported", "came", "back", "returned", "mdrd", "ckd", "epi",
		":", "=", "(", ")", "~", "≈", ",":
		return true
	}
	return false
}

// isTargetCue reports whether a word or symbol turns the number after it
// into a threshold, a goal, a change or a hypothetical rather than a
// result.
func isTargetCue(w string) bool {
	switch w {
	case "below", "above", "under", "over", "less", "greater", "more", "fewer", "least", "target", "targets",
		"goal", "goals", "between", "from", "to", "up", "within", "range", "threshold", "thresholds", "cutoff",
		"not", "no", "never", "exceeds", "exceed", "exceeding", "reach", "reaches", "reached", "reaching",
		"rose", "risen", "fell", "fallen", "dropped", "increased", "decreased", "improved", "worsened", "than",
		"keep", "maintain", "aim", "toward", "towards", "lower", "higher", "if", "when", "while", "unless",
		"should", "must", "need", "needs", "require", "requires", "drops", "falls", "rises", "stays", "until",
		"per", "every", "<", ">", "<=", ">=", "=<", "=>", "≤", "≥", "≠", "±":
		return true
	}
	return false
}

func isRangeSep(t token) bool {
	return (t.kind == tokSym && (t.text == "-" || t.text == "–" || t.text == "—")) || (t.kind == tokWord && (t.text == "to" || t.text == "and"))
}

// extractClaims returns the lab results and ages stated in text, in order.
func extractClaims(text string) ([]labClaim, []ageClaim) {
	toks := tokenize(text)
	labels := labLabels
	var labs []labClaim
	var ages []ageClaim
	consumed := -1 // index of the last token used by a claim
	for i := 0; i < len(toks); i++ {
		if i <= consumed {
			continue
		}
		t := toks[i]
		if t.kind == tokWord {
			if a, end, ok := ageAt(toks, i); ok {
				ages = append(ages, a)
				consumed = end
				continue
			}
			kind, after := matchLabel(toks, i, labels)
			if kind == 0 {
				continue
			}
			if c, end, ok := claimAfter(toks, i, after, kind); ok {
				labs = append(labs, c)
				consumed = end
			} else {
				consumed = after - 1
			}
			continue
		}
		if t.kind == tokNumber {
			if a, end, ok := ageAt(toks, i); ok {
				ages = append(ages, a)
				consumed = end
				continue
			}
			if c, end, ok := bareBP(toks, i); ok {
				labs = append(labs, c)
				consumed = end
			}
		}
	}
	return labs, ages
}

// matchLabel returns the lab named at toks[i] (longest name first) and the
// index just after the name, or 0.
func matchLabel(toks []token, i int, labels []struct {
	kind  labKind
	words []string
}) (labKind, int) {
	best, bestEnd, bestLen := labKind(0), 0, 0
	for _, l := range labels {
		j, ok := i, true
		for k, w := range l.words {
			if k > 0 && j < len(toks) && toks[j].kind == tokSym && (toks[j].text == "-" || toks[j].text == "/") {
				j++
			}
			if j >= len(toks) || toks[j].kind != tokWord || toks[j].text != w {
				ok = false
				break
			}
			j++
		}
		if ok && len(l.words) > bestLen {
			best, bestEnd, bestLen = l.kind, j, len(l.words)
		}
	}
	return best, bestEnd
}

// claimAfter reads the value after a lab's name at toks[after], if the text
// states one as a result.
func claimAfter(toks []token, labelStart, after int, kind labKind) (labClaim, int, bool) {
	c := labClaim{kind: kind, start: toks[labelStart].start}
	// "goal HbA1c 7%", "target BP 130/80": a target named before the lab.
	for k := max(0, labelStart-2); k < labelStart; k++ {
		switch toks[k].text {
		case "goal", "goals", "target", "targets", "aim", "keep", "maintain", "achieve", "reach", "toward", "towards":
			return c, after, false
		}
	}
	j := after
	for steps := 0; j < len(toks) && steps < 8; steps++ {
		t := toks[j]
		if t.kind == tokWord && t.text == "on" {
			if j+1 < len(toks) && toks[j+1].kind == tokDate && c.date == "" {
				c.date = toks[j+1].text
				j += 2
				continue
			}
			return c, j, false
		}
		if t.kind == tokDate && c.date == "" {
			c.date = t.text
			j++
			continue
		}
		if t.kind == tokWord && t.text == "at" {
			if j+1 < len(toks) && (toks[j+1].text == "least" || toks[j+1].text == "most" || toks[j+1].text == "or") {
				return c, j, false
			}
			j++
			continue
		}
		if t.kind == tokWord && t.text == "most" && j+1 < len(toks) && toks[j+1].text == "recent" {
			j += 2
			continue
		}
		if isFiller(t.text) && t.kind != tokNumber {
			j++
			continue
		}
		break
	}
	if j >= len(toks) || toks[j].kind != tokNumber {
		return c, j, false
	}
	v, dec, ok := parseNum(toks[j].text)
	if !ok {
		return c, j, false
	}
	c.value, c.decimals = v, dec
	end := j
	if kind == labBP {
		if j+2 >= len(toks) || toks[j+1].text != "/" || toks[j+2].kind != tokNumber {
			return c, j, false
		}
		v2, dec2, ok := parseNum(toks[j+2].text)
		if !ok {
			return c, j, false
		}
		c.value2, c.decimals2 = v2, dec2
		end = j + 2
	}
	// A range ("30-45", "30 to 45") states no result, nor does a count of
	// time ("HbA1c 3 months after starting", "a 3-month interval").
	if end+2 < len(toks) && isRangeSep(toks[end+1]) && toks[end+2].kind == tokNumber {
		return c, end, false
	}
	if notAValue(toks, end+1) {
		return c, end, false
	}
	end, c.unit = unitAfter(toks, end)
	if targetAfter(toks, end+1) {
		return c, end, false
	}
	// A date after the value: "on 2026-10-01", "(2026-10-01)", "(on 2026-10-01)".
	k := end + 1
	if k < len(toks) && toks[k].kind == tokSym && toks[k].text == "(" {
		k++
	}
	if k < len(toks) && toks[k].kind == tokWord && (toks[k].text == "on" || toks[k].text == "dated") {
		k++
	}
	if k < len(toks) && k > end+1 && toks[k].kind == tokDate && c.date == "" {
		c.date = toks[k].text
		end = k
		if end+1 < len(toks) && toks[end+1].text == ")" {
			end++
		}
	}
	if !plausible(c) {
		return c, end, false
	}
	c.end = toks[end].end
	return c, end, true
}

// notAValue reports whether the token after a number makes it a count or a
// compound rather than a result: a unit of time ("3 months", "2 times") or
// a hyphenated word ("3-month").
func notAValue(toks []token, i int) bool {
	if i >= len(toks) {
		return false
	}
	switch toks[i].text {
	case "month", "months", "mo", "week", "weeks", "wk", "day", "days", "year", "years", "yr", "yrs", "hour", "hours",
		"time", "times", "x", "visit", "visits", "tests", "readings", "measurements":
		return true
	case "-":
		return i+1 < len(toks) && toks[i+1].kind == tokWord
	}
	return false
}

// targetAfter reports whether the words after a value make it a target:
// "the 8% goal", "7% or less", "7% is the goal". It reads up to four
// tokens, stopping at punctuation and at words that compare the value with
// another ("8.1% vs goal", "8.1%, above the goal"), after which the value
// stands as a result.
func targetAfter(toks []token, i int) bool {
	for k := i; k < len(toks) && k < i+4; k++ {
		t := toks[k]
		if t.kind == tokSym && (t.text == "," || t.text == "." || t.text == ";" || t.text == "(" || t.text == ")") {
			return false
		}
		switch t.text {
		case "vs", "versus", "above", "below", "over", "under", "exceeds", "exceeding", "compared", "against", "than":
			return false
		case "goal", "goals", "target", "targets", "threshold", "thresholds", "cutoff":
			return true
		case "or", "and":
			if k+1 < len(toks) {
				switch toks[k+1].text {
				case "less", "lower", "below", "under", "more", "higher", "above", "over", "greater", "fewer", "older", "younger":
					return true
				}
			}
		}
	}
	return false
}

// unitAfter reads a unit after the value at toks[i] and returns the index of
// its last token.
func unitAfter(toks []token, i int) (int, string) {
	next := func(k int) string {
		if k < len(toks) {
			return toks[k].text
		}
		return ""
	}
	switch w := next(i + 1); {
	case w == "%":
		return i + 1, "%"
	case w == "percent":
		return i + 1, "%"
	case w == "mmhg":
		return i + 1, "mmhg"
	case w == "mm" && next(i+2) == "hg":
		return i + 2, "mmhg"
	case w == "mmol" || w == "mmol/l":
		end := i + 1
		if next(i+2) == "/" {
			end = i + 3
		}
		return end, "mmol"
	case w == "mg" && next(i+2) == "/" && (next(i+3) == "g" || next(i+3) == "dl" || next(i+3) == "mmol"):
		return i + 3, "mg/" + next(i+3)
	case w == "ml" && next(i+2) == "/" && next(i+3) == "min":
		end := i + 3
		// "/1.73 m2", "/1.73m²"
		if next(end+1) == "/" && toks[min(end+2, len(toks)-1)].kind == tokNumber {
			end += 2
			if next(end+1) == "m" || next(end+1) == "m2" {
				end++
				if next(end+1) == "2" || next(end+1) == "²" {
					end++
				}
			}
		}
		return end, "ml/min"
	}
	return i, ""
}

// parseNum parses a number token and counts its decimals.
func parseNum(s string) (float64, int, bool) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, 0, false
	}
	dec := 0
	if k := strings.IndexByte(s, '.'); k >= 0 {
		dec = len(s) - k - 1
	}
	return v, dec, true
}

// plausible rejects values that cannot be the lab's result in the units
// careguard compares (a year after "HbA1c", an HbA1c in mmol/mol).
func plausible(c labClaim) bool {
	switch c.kind {
	case labHbA1c:
		return c.unit != "mmol" && c.unit != "mg/dl" && c.value >= 2 && c.value <= 25
	case labEGFR:
		return c.value >= 1 && c.value <= 250 && c.unit != "%"
	case labUACR:
		return c.unit != "mg/mmol" && c.unit != "mmol" && c.unit != "%" && c.value >= 0 && c.value <= 100000
	case labLDL:
		return c.unit != "mmol" && c.unit != "%" && c.value >= 5 && c.value <= 1000
	case labBP:
		return c.value >= 40 && c.value <= 320 && c.value2 >= 20 && c.value2 <= 250
	}
	return false
}

// bareBP reads "142/88 mmHg" stated without a label, unless a threshold cue
// ("below 130/80 mmHg", "goal <130/80 mmHg") stands before it.
func bareBP(toks []token, i int) (labClaim, int, bool) {
	if i+3 >= len(toks) || toks[i+1].text != "/" || toks[i+2].kind != tokNumber {
		return labClaim{}, 0, false
	}
	end, unit := unitAfter(toks, i+2)
	if unit != "mmhg" {
		return labClaim{}, 0, false
	}
	for k := max(0, i-3); k < i; k++ {
		if isTargetCue(toks[k].text) || toks[k].text == "goal" || toks[k].text == "target" || toks[k].text == "of" && k == i-1 && k > 0 && (toks[k-1].text == "goal" || toks[k-1].text == "target") {
			return labClaim{}, 0, false
		}
	}
	if i > 0 && isRangeSep(toks[i-1]) {
		return labClaim{}, 0, false
	}
	v, d1, ok1 := parseNum(toks[i].text)
	v2, d2, ok2 := parseNum(toks[i+2].text)
	c := labClaim{kind: labBP, start: toks[i].start, value: v, value2: v2, decimals: d1, decimals2: d2, unit: unit}
	if !ok1 || !ok2 {
		return c, 0, false
	}
	k := end + 1
	if k < len(toks) && toks[k].kind == tokSym && toks[k].text == "(" {
		k++
	}
	if k < len(toks) && toks[k].kind == tokWord && (toks[k].text == "on" || toks[k].text == "dated") {
		k++
	}
	if k < len(toks) && k > end+1 && toks[k].kind == tokDate {
		c.date = toks[k].text
		end = k
	}
	if !plausible(c) {
		return c, 0, false
	}
	c.end = toks[end].end
	return c, end, true
}

// isAgeBoundCue reports whether a word before an age makes it a bound
// ("from 65", "after age 50").
func isAgeBoundCue(w string) bool {
	switch w {
	case "from", "after", "before", "until", "till", "over", "under", "past", "beyond", "since", "below", "above":
		return true
	}
	return false
}

// ageBoundAfter reports whether the words after an age make it a bound:
// "65 and older", "65 years or over", "65+".
func ageBoundAfter(toks []token, i int) bool {
	if i < len(toks) && (toks[i].text == "years" || toks[i].text == "year" || toks[i].text == "yrs") {
		i++
	}
	if i < len(toks) && toks[i].text == "+" {
		return true
	}
	if i+1 < len(toks) && (toks[i].text == "and" || toks[i].text == "or") {
		switch toks[i+1].text {
		case "older", "over", "above", "up", "younger", "under", "below", "more", "less":
			return true
		}
	}
	return false
}

// ageAt reads an age at toks[i]: "69-year-old", "69 year old", "69 years
// old", "age 69", "aged 69" (not "aged 40-75").
func ageAt(toks []token, i int) (ageClaim, int, bool) {
	t := toks[i]
	word := func(k int, w ...string) bool {
		if k >= len(toks) || toks[k].kind != tokWord {
			return false
		}
		for _, x := range w {
			if toks[k].text == x {
				return true
			}
		}
		return false
	}
	sym := func(k int, s string) bool { return k < len(toks) && toks[k].kind == tokSym && toks[k].text == s }
	if t.kind == tokNumber {
		k := i + 1
		if sym(k, "-") {
			k++
		}
		if !word(k, "year", "years", "yr", "yrs") {
			return ageClaim{}, 0, false
		}
		k++
		if sym(k, "-") {
			k++
		}
		if !word(k, "old") {
			return ageClaim{}, 0, false
		}
		if i > 0 && isRangeSep(toks[i-1]) {
			return ageClaim{}, 0, false
		}
		n, err := strconv.Atoi(t.text)
		if err != nil || n > 150 || (i > 0 && isAgeBoundCue(toks[i-1].text)) || ageBoundAfter(toks, k+1) {
			return ageClaim{}, 0, false
		}
		return ageClaim{start: t.start, end: toks[k].end, age: n}, k, true
	}
	if t.kind == tokWord && (t.text == "age" || t.text == "aged") && i+1 < len(toks) && toks[i+1].kind == tokNumber {
		if i+3 < len(toks) && isRangeSep(toks[i+2]) && toks[i+3].kind == tokNumber {
			return ageClaim{}, 0, false
		}
		if i > 0 && (isTargetCue(toks[i-1].text) || isAgeBoundCue(toks[i-1].text) || toks[i-1].text == "by" || toks[i-1].text == "at") {
			return ageClaim{}, 0, false
		}
		n, err := strconv.Atoi(toks[i+1].text)
		if err != nil || n > 150 || ageBoundAfter(toks, i+2) {
			return ageClaim{}, 0, false
		}
		return ageClaim{start: t.start, end: toks[i+1].end, age: n}, i + 1, true
	}
	return ageClaim{}, 0, false
}
