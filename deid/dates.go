package deid

import (
	"strconv"
	"strings"
	"time"
)

// frame is the calendar a scan reads dates in and the shift it applies.
type frame struct {
	// asOf dates the text: two-digit years are read within fifty years
	// of it, and a month and day without a year fall in the year before
	// it.
	asOf time.Time
	// days shifts full dates and month-day dates; months shifts month-year
	// and month-only dates.
	days, months int
	// old, when set, is the earliest date kept: an earlier date is
	// indicative of an age over 89 and is replaced, not shifted.
	old time.Time
}

// dateKind is how much of a date a text gives.
type dateKind uint8

const (
	dFull      dateKind = iota + 1 // year, month and day
	dMonthYear                     // "March 2019", "03/2019"
	dMonthDay                      // "March 4", "on 3/4"
	dMonthOnly                     // "in March"
)

// Roles of the pieces of a date's text.
const (
	pYear uint8 = iota + 1
	pMonthNum
	pMonthName
	pDay
	pOrdinal
)

type datePart struct {
	start, end int
	role       uint8
}

// dateMatch is a date found in text.
type dateMatch struct {
	kind     dateKind
	y, m, d  int
	parts    []datePart
	dayFirst bool // numeric, day before month ("13/01/2019")
}

// monthName returns the English name of month m (1-12).
func monthName(m int) string {
	const names = "January February March April May June July August September October November December"
	start := 0
	for k := 1; k < m; k++ {
		start += strings.IndexByte(names[start:], ' ') + 1
	}
	end := strings.IndexByte(names[start:], ' ')
	if end < 0 {
		return names[start:]
	}
	return names[start : start+end]
}

func validDate(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1 || y > 9999 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d && int(t.Month()) == m
}

// century reads a two-digit year within fifty years of the frame's year.
func (fr frame) century(yy int) int {
	a := fr.asOf.Year()
	y := a/100*100 + yy
	switch {
	case y > a+50:
		y -= 100
	case y <= a-50:
		y += 100
	}
	return y
}

// yearOf infers the year of a month and day written without one: the
// latest on or before the as-of date.
func (fr frame) yearOf(m, d int) int {
	y := fr.asOf.Year()
	am, ad := int(fr.asOf.Month()), fr.asOf.Day()
	if m > am || m == am && d > ad {
		y--
	}
	return y
}

func (s *scanner) addDate(start, end int, dm dateMatch) {
	switch dm.kind {
	case dFull:
		if !validDate(dm.y, dm.m, dm.d) {
			return
		}
	case dMonthDay:
		dm.y = s.frame.yearOf(dm.m, dm.d)
		if !validDate(dm.y, dm.m, dm.d) {
			return
		}
	}
	s.add(span{start: start, end: end, kind: KindDate, pri: priDate, date: &dm})
}

func (s *scanner) part(i int, role uint8) datePart {
	return datePart{start: s.tokStart(i), end: int(s.toks[i].end), role: role}
}

// dateSep reports whether token i is a date separator touching numbers on
// both sides.
func (s *scanner) dateSep(i int) (byte, bool) {
	if !s.isKind(i, tPunct) || s.toks[i].len() != 1 || !s.adjacent(i-1, i) || !s.adjacent(i, i+1) || !s.isKind(i+1, tNum) {
		return 0, false
	}
	c := s.text[s.toks[i].start]
	return c, c == '-' || c == '/' || c == '.'
}

// numDate finds dates that start with a number: 2019-03-04, 3/4/2019,
// 03-04-19, 4.3.2019, 03/2019, "on 3/4", 20190304, 4 March 2019,
// 04-Mar-2019, 4th of March.
func (s *scanner) numDate(i int) {
	if (s.isKind(i-1, tWord) || s.isKind(i-1, tNum)) && s.adjacent(i-1, i) {
		return
	}
	if p := i - 1; s.isKind(p, tPunct) && s.adjacent(p, i) && (s.isPunct(p, '/') || s.isPunct(p, '-') || s.isPunct(p, '.')) && s.isKind(p-1, tNum) && s.adjacent(p-1, p) {
		return // inside a longer sequence
	}
	n := s.numLen(i)
	v := s.numVal(i)
	sep1, ok1 := s.dateSep(i + 1)
	longer := func(last int) bool { // another separated number follows
		_, ok := s.dateSep(last + 1)
		return ok || s.isKind(last+1, tWord) && s.adjacent(last, last+1) && !s.wordIs(last+1, "t")
	}
	switch {
	case n == 4 && v >= 1800 && v <= 2200 && ok1:
		sep2, ok2 := s.dateSep(i + 3)
		if !ok2 || sep2 != sep1 || s.numLen(i+2) > 2 || s.numLen(i+4) > 2 || longer(i+4) {
			return
		}
		s.addDate(s.tokStart(i), int(s.toks[i+4].end), dateMatch{kind: dFull, y: v, m: s.numVal(i + 2), d: s.numVal(i + 4),
			parts: []datePart{s.part(i, pYear), s.part(i+2, pMonthNum), s.part(i+4, pDay)}})
	case n <= 2 && ok1 && s.numLen(i+2) <= 2:
		a, b := v, s.numVal(i+2)
		sep2, ok2 := s.dateSep(i + 3)
		if ok2 && sep2 == sep1 {
			cn := s.numLen(i + 4)
			if !(cn == 4 || cn == 2 && sep1 != '.') || longer(i+4) {
				return
			}
			y := s.numVal(i + 4)
			if cn == 2 {
				y = s.frame.century(y)
			}
			yp := s.part(i+4, pYear)
			switch {
			case a >= 1 && a <= 12:
				s.addDate(s.tokStart(i), int(s.toks[i+4].end), dateMatch{kind: dFull, y: y, m: a, d: b,
					parts: []datePart{s.part(i, pMonthNum), s.part(i+2, pDay), yp}})
			case b >= 1 && b <= 12:
				s.addDate(s.tokStart(i), int(s.toks[i+4].end), dateMatch{kind: dFull, y: y, m: b, d: a, dayFirst: true,
					parts: []datePart{s.part(i, pDay), s.part(i+2, pMonthNum), yp}})
			}
			return
		}
		if longer(i+2) || sep1 != '/' || a < 1 || a > 12 || b < 1 || b > 31 {
			return
		}
		if p := s.prevNonSpace(i); s.isKind(p, tWord) && s.wf[p]&wDateCue != 0 || s.isPunct(p, ':') && s.wf[max(s.prevNonSpace(p), 0)]&wDateCue != 0 {
			s.addDate(s.tokStart(i), int(s.toks[i+2].end), dateMatch{kind: dMonthDay, m: a, d: b,
				parts: []datePart{s.part(i, pMonthNum), s.part(i+2, pDay)}})
		}
	case n <= 2 && ok1 && sep1 == '/' && s.numLen(i+2) == 4 && v >= 1 && v <= 12 && !longer(i+2):
		y := s.numVal(i + 2)
		if y >= 1800 && y <= 2200 {
			s.addDate(s.tokStart(i), int(s.toks[i+2].end), dateMatch{kind: dMonthYear, y: y, m: v, d: 1,
				parts: []datePart{s.part(i, pMonthNum), s.part(i+2, pYear)}})
		}
	case n == 8 && !s.isKind(i+1, tWord):
		str := s.str(i)
		y, _ := strconv.Atoi(str[:4])
		m, _ := strconv.Atoi(str[4:6])
		d, _ := strconv.Atoi(str[6:])
		if y >= 1900 && y <= 2100 && validDate(y, m, d) {
			s.addDate(s.tokStart(i), int(s.toks[i].end), dateMatch{kind: dFull, y: y, m: m, d: d, parts: []datePart{
				{s.tokStart(i), s.tokStart(i) + 4, pYear}, {s.tokStart(i) + 4, s.tokStart(i) + 6, pMonthNum}, {s.tokStart(i) + 6, s.tokStart(i) + 8, pDay}}})
			return
		}
		if s.cued(i, KindDate) {
			m, _ = strconv.Atoi(str[:2])
			d, _ = strconv.Atoi(str[2:4])
			y, _ = strconv.Atoi(str[4:])
			s.addDate(s.tokStart(i), int(s.toks[i].end), dateMatch{kind: dFull, y: y, m: m, d: d, parts: []datePart{
				{s.tokStart(i), s.tokStart(i) + 2, pMonthNum}, {s.tokStart(i) + 2, s.tokStart(i) + 4, pDay}, {s.tokStart(i) + 4, s.tokStart(i) + 8, pYear}}})
		}
	case n <= 2 && v >= 1 && v <= 31:
		s.dayMonth(i)
	}
}

// dayMonth: "4 March 2019", "4th of March, 2019", "04-Mar-2019", "4 Mar".
func (s *scanner) dayMonth(i int) {
	parts := []datePart{s.part(i, pDay)}
	j := i + 1
	if s.isKind(j, tWord) && s.wf[j]&wOrdinal != 0 && s.adjacent(i, j) {
		parts = append(parts, s.part(j, pOrdinal))
		j++
	}
	dash := s.isPunct(j, '-')
	if !s.isSpace(j) && !dash {
		return
	}
	j++
	if !dash && s.wordIs(j, "of") && s.isSpace(j+1) {
		j += 2
	}
	if !s.isKind(j, tWord) || s.wf[j]&wMonth == 0 || !(s.toks[j].is(fCap) || s.toks[j].is(fAllCaps)) {
		return
	}
	m := s.lx.months[strings.ToLower(s.str(j))]
	parts = append(parts, s.part(j, pMonthName))
	end := int(s.toks[j].end)
	k := j + 1
	if s.isPunct(k, '.') && s.adjacent(j, k) {
		k++
	}
	y := 0
	switch {
	case dash && s.isPunct(k, '-') && (s.numLen(k+1) == 4 || s.numLen(k+1) == 2):
		y = s.numVal(k + 1)
		if s.numLen(k+1) == 2 {
			y = s.frame.century(y)
		}
		k++
	case !dash && (s.isSpace(k) && s.numLen(k+1) == 4 || s.isPunct(k, ',') && s.isSpace(k+1) && s.numLen(k+2) == 4):
		if s.isPunct(k, ',') {
			k++
		}
		k++
		y = s.numVal(k)
	}
	if y != 0 && !s.isKind(k+1, tNum) && !(s.isKind(k+1, tWord) && s.adjacent(k, k+1)) {
		parts = append(parts, s.part(k, pYear))
		s.addDate(s.tokStart(i), int(s.toks[k].end), dateMatch{kind: dFull, y: y, m: m, d: s.numVal(i), parts: parts})
		return
	}
	if dash {
		return
	}
	s.addDate(s.tokStart(i), end, dateMatch{kind: dMonthDay, m: m, d: s.numVal(i), parts: parts})
}

// monthDate: "March 4, 2019", "Mar. 4th 2019", "March 4", "March 2019",
// "Mar-2019", "March of 2019", "in March".
func (s *scanner) monthDate(i int) {
	m := s.lx.months[strings.ToLower(s.str(i))]
	if m == 0 {
		return
	}
	if p := s.prevNonSpace(i); s.isKind(p, tNum) && s.numLen(p) <= 2 || s.isPunct(i-1, '-') && s.numLen(i-2) <= 2 && s.numLen(i-2) > 0 {
		return // "4 March", "04-Mar": dayMonth's
	} else if s.wordIs(p, "of") && s.isKind(s.prevNonSpace(p), tWord) && s.wf[s.prevNonSpace(p)]&wOrdinal != 0 {
		return // "4th of March"
	}
	parts := []datePart{s.part(i, pMonthName)}
	j := i + 1
	if s.isPunct(j, '.') && s.adjacent(i, j) {
		j++
	}
	// Month D[, Y]
	if s.isSpace(j) && s.numLen(j+1) >= 1 && s.numLen(j+1) <= 2 && s.numVal(j+1) >= 1 && s.numVal(j+1) <= 31 {
		k := j + 1
		d := s.numVal(k)
		parts = append(parts, s.part(k, pDay))
		end := int(s.toks[k].end)
		if s.isKind(k+1, tWord) && s.wf[k+1]&wOrdinal != 0 && s.adjacent(k, k+1) {
			k++
			parts = append(parts, s.part(k, pOrdinal))
			end = int(s.toks[k].end)
		} else if s.isKind(k+1, tWord) && s.adjacent(k, k+1) {
			return
		}
		if s.isPunct(k+1, ':') || s.isPunct(k+1, '/') || s.isPunct(k+1, '.') && s.isKind(k+2, tNum) || s.isPunct(k+1, '-') && s.isKind(k+2, tNum) {
			return
		}
		y := k + 1
		if s.isPunct(y, ',') {
			y++
		}
		if s.isSpace(y) && s.numLen(y+1) == 4 && !s.isKind(y+2, tNum) && !(s.isKind(y+2, tWord) && s.adjacent(y+1, y+2)) &&
			!s.isPunct(y+2, ':') {
			parts = append(parts, s.part(y+1, pYear))
			s.addDate(s.tokStart(i), int(s.toks[y+1].end), dateMatch{kind: dFull, y: s.numVal(y + 1), m: m, d: d, parts: parts})
			return
		}
		s.addDate(s.tokStart(i), end, dateMatch{kind: dMonthDay, m: m, d: d, parts: parts})
		return
	}
	// Month Y
	k := j
	switch {
	case s.isSpace(k) && s.wordIs(k+1, "of") && s.isSpace(k+2):
		k += 3
	case s.isPunct(k, ',') && s.isSpace(k+1):
		k += 2
	case s.isSpace(k) || s.isPunct(k, '-') && s.adjacent(k-1, k) || s.isPunct(k, '/') && s.adjacent(k-1, k):
		k++
	default:
		k = -1
	}
	if k > 0 && s.numLen(k) == 4 && s.numVal(k) >= 1800 && s.numVal(k) <= 2200 && !s.isKind(k+1, tNum) &&
		!(s.isKind(k+1, tWord) && s.adjacent(k, k+1)) {
		if _, ok := s.dateSep(k + 1); !ok {
			parts = append(parts, s.part(k, pYear))
			s.addDate(s.tokStart(i), int(s.toks[k].end), dateMatch{kind: dMonthYear, y: s.numVal(k), m: m, d: 1, parts: parts})
			return
		}
	}
	// Month alone, after "in", "since", "during"...
	if p := s.prevNonSpace(i); s.isKind(p, tWord) && s.wf[p]&wMonthCue != 0 && !s.isKind(s.skipSpace(i+1), tNum) {
		end := int(s.toks[i].end)
		s.add(span{start: s.tokStart(i), end: end, kind: KindDate, pri: priDate, date: &dateMatch{kind: dMonthOnly, m: m, parts: parts}})
	}
}

// moved returns the date dm moved by the frame's shift, or false when it
// is too old to keep or when the shift takes it out of the years 1 to 9999
// (a note's "12/1/9999"), which no text format here can write back: such
// a date is replaced for good (see unmovable), never written as a year of
// five digits that restoring could not read.
func (fr frame) moved(dm *dateMatch) (time.Time, bool) {
	t, ok := fr.shifted(dm)
	if !ok || t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t, true
}

// unmovable is the text that replaces a date moved cannot move.
func (fr frame) unmovable(dm *dateMatch) string {
	if _, ok := fr.shifted(dm); !ok {
		return "(a date 90 or more years ago)"
	}
	return "(a date out of range)"
}

// shifted returns dm moved by the frame's shift, or false when it is too
// old to keep.
func (fr frame) shifted(dm *dateMatch) (time.Time, bool) {
	var t time.Time
	switch dm.kind {
	case dFull, dMonthDay:
		t = time.Date(dm.y, time.Month(dm.m), dm.d, 12, 0, 0, 0, time.UTC)
		if !fr.old.IsZero() && t.Before(fr.old) {
			return time.Time{}, false
		}
		t = t.AddDate(0, 0, fr.days)
	case dMonthYear:
		t = time.Date(dm.y, time.Month(dm.m), 1, 12, 0, 0, 0, time.UTC)
		if !fr.old.IsZero() && t.AddDate(0, 1, 0).Before(fr.old) {
			return time.Time{}, false
		}
		t = t.AddDate(0, fr.months, 0)
	case dMonthOnly:
		t = time.Date(2000, time.Month(dm.m), 1, 12, 0, 0, 0, time.UTC).AddDate(0, fr.months, 0)
	}
	return t, true
}

// issued is the set of dates a pseudonymization wrote: restoring shifts
// back only those, so a date the model did not get from the record (a
// guideline's, or one already real) is never moved.
type issued struct {
	days      map[int64]bool    // full dates, as days since 1970
	monthDays map[int]bool      // month*100+day of dates written without a year
	months    map[int]bool      // year*12+month of dates written to the month
	text      map[string]string // each date written in text, to the text it replaced (the first)
	// bareMonths holds each month written alone ("since Jun."), to the
	// text it replaced. Restoring finds these by their exact text, not by
	// the cue word before them, which another replacement may have taken.
	bareMonths map[string]string
}

func newIssued() issued {
	return issued{days: map[int64]bool{}, monthDays: map[int]bool{}, months: map[int]bool{}, text: map[string]string{},
		bareMonths: map[string]string{}}
}

func dayNumber(t time.Time) int64 {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// add records a date written in the pseudonymized record.
func (is issued) add(kind dateKind, t time.Time) {
	switch kind {
	case dFull:
		is.days[dayNumber(t)] = true
		is.monthDays[int(t.Month())*100+t.Day()] = true
	case dMonthDay:
		is.monthDays[int(t.Month())*100+t.Day()] = true
	case dMonthYear:
		is.months[t.Year()*12+int(t.Month())] = true
	}
}

// has reports whether a date found in a reply is one the pseudonymization
// wrote. Month-only dates ("since May") always count.
func (is issued) has(dm *dateMatch) bool {
	switch dm.kind {
	case dFull:
		return is.days[dayNumber(time.Date(dm.y, time.Month(dm.m), dm.d, 0, 0, 0, 0, time.UTC))]
	case dMonthDay:
		return is.monthDays[dm.m*100+dm.d]
	case dMonthYear:
		return is.months[dm.y*12+dm.m]
	}
	return true
}

// renderDate returns the text of a date span moved by the frame's shift,
// keeping its format.
func (fr frame) renderDate(text string, sp span) string {
	dm := sp.date
	t, ok := fr.moved(dm)
	if !ok {
		return fr.unmovable(dm)
	}
	y, m, d := t.Year(), int(t.Month()), t.Day()
	if dm.dayFirst {
		// 13/01 would become 4/3, read as April: day-first dates are
		// written with the month's name.
		return strconv.Itoa(d) + " " + monthName(m)[:3] + " " + strconv.Itoa(y)
	}
	// Zero-padding: a one-digit month or day says unpadded; a leading zero
	// says padded; two-digit values say nothing, and numeric dates are
	// then taken as padded (2026-10-01, 10/15/2026), dates with a month
	// name as not (March 14).
	pad, named := true, false
	for _, p := range dm.parts {
		switch p.role {
		case pMonthNum, pDay:
			if p.end-p.start == 1 {
				pad = false
			}
		case pMonthName:
			named = true
		}
	}
	if named {
		// With a month name the day is padded when it has a leading zero,
		// or two digits in the DD-MON-YYYY form.
		pad = false
		for _, p := range dm.parts {
			if p.role == pDay && p.end-p.start == 2 && (text[p.start] == '0' || p.end < len(text) && text[p.end] == '-') {
				pad = true
			}
		}
	}
	num := func(n int) string {
		if pad {
			return pad2(n)
		}
		return strconv.Itoa(n)
	}
	var b strings.Builder
	b.Grow(sp.end - sp.start + 4)
	at := sp.start
	for _, p := range dm.parts {
		b.WriteString(text[at:p.start])
		orig := text[p.start:p.end]
		switch p.role {
		case pYear:
			if len(orig) == 2 {
				b.WriteString(pad2(y % 100))
			} else {
				b.WriteString(strconv.Itoa(y))
			}
		case pMonthNum:
			b.WriteString(num(m))
		case pDay:
			b.WriteString(num(d))
		case pMonthName:
			b.WriteString(monthLike(orig, m, p.end < len(text) && text[p.end] == '.'))
		case pOrdinal:
			b.WriteString(caseLike(orig, ordinal(d)))
		}
		at = p.end
	}
	b.WriteString(text[at:sp.end])
	return b.String()
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// monthLike writes month m the way orig is written: full or abbreviated,
// in its letter case.
func monthLike(orig string, m int, dot bool) string {
	name := monthName(m)
	lo := strings.ToLower(orig)
	full := len(lo) >= 3 && strings.EqualFold(orig, monthName(monthIndex(lo))) && !(lo == "may" && dot)
	if !full {
		if len(orig) == 4 && m == 9 {
			name = name[:4]
		} else {
			name = name[:3]
		}
	}
	return caseLike(orig, name)
}

// monthIndex returns the month (1-12) whose name starts like lo, 1 if none.
func monthIndex(lo string) int {
	for m := 1; m <= 12; m++ {
		if strings.HasPrefix(strings.ToLower(monthName(m)), lo[:min(3, len(lo))]) {
			return m
		}
	}
	return 1
}

// caseLike writes s in the letter case of orig: upper, lower or title.
func caseLike(orig, s string) string {
	upper, lower := 0, 0
	for _, r := range orig {
		switch {
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= 'a' && r <= 'z':
			lower++
		}
	}
	switch {
	case lower == 0 && upper > 0:
		return strings.ToUpper(s)
	case upper == 0:
		return strings.ToLower(s)
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

func ordinal(d int) string {
	switch {
	case d%100 >= 11 && d%100 <= 13:
		return "th"
	case d%10 == 1:
		return "st"
	case d%10 == 2:
		return "nd"
	case d%10 == 3:
		return "rd"
	}
	return "th"
}

// dateOf returns the calendar date of a full date match.
func (dm *dateMatch) dateOf() (time.Time, bool) {
	if dm.kind != dFull {
		return time.Time{}, false
	}
	return time.Date(dm.y, time.Month(dm.m), dm.d, 0, 0, 0, 0, time.UTC), true
}
