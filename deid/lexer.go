package deid

import (
	"unicode"
	"unicode/utf8"
)

// tokKind is the class of a token.
type tokKind uint8

const (
	tWord  tokKind = iota + 1 // letters, with inner apostrophes and hyphens ("O'Brien", "Mary-Ann")
	tNum                      // ASCII digits
	tSpace                    // a run of white space
	tPunct                    // any other single character
)

// Case flags of a word.
const (
	fCap     uint8 = 1 << iota // first letter upper case
	fAllCaps                   // every letter upper case (and at least two letters)
	fLower                     // first letter lower case
	fNewline                   // a space token holding a line break
	fASCII                     // the token is pure ASCII
)

// tok is one token: text[start:end].
type tok struct {
	start, end int32
	kind       tokKind
	flags      uint8
}

func (t tok) is(f uint8) bool { return t.flags&f != 0 }
func (t tok) len() int        { return int(t.end - t.start) }

// lex splits text into tokens, appending to buf. Every byte belongs to
// exactly one token, so the tokens tile the text.
func lex(text string, buf []tok) []tok {
	out := buf[:0]
	if cap(out) < len(text)/4 {
		out = append(out, make([]tok, len(text)/4+8)...)[:0]
	}
	i := 0
	for i < len(text) {
		c := text[i]
		start := i
		switch {
		case c >= '0' && c <= '9':
			for i < len(text) && text[i] >= '0' && text[i] <= '9' {
				i++
			}
			out = append(out, tok{start: int32(start), end: int32(i), kind: tNum, flags: fASCII})
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			var f uint8 = fASCII
			for i < len(text) {
				c := text[i]
				if c == '\n' || c == '\r' {
					f |= fNewline
				} else if c != ' ' && c != '\t' && c != '\f' && c != '\v' {
					break
				}
				i++
			}
			out = append(out, tok{start: int32(start), end: int32(i), kind: tSpace, flags: f})
		case isASCIILetter(c):
			// Fast path: a run of ASCII letters ended by a byte that cannot
			// join or extend it.
			j, upper, lower := i, 0, 0
			for j < len(text) {
				c := text[j]
				if c >= 'a' && c <= 'z' {
					lower++
				} else if c >= 'A' && c <= 'Z' {
					upper++
				} else {
					break
				}
				j++
			}
			if j < len(text) && (text[j] == '-' || text[j] == '\'' || text[j] >= utf8.RuneSelf) {
				i = wordEnd(text, i)
				out = append(out, tok{start: int32(start), end: int32(i), kind: tWord, flags: wordFlags(text[start:i])})
				break
			}
			i = j
			f := fASCII
			if c <= 'Z' {
				f |= fCap
			} else {
				f |= fLower
			}
			if upper >= 2 && lower == 0 {
				f |= fAllCaps
			}
			out = append(out, tok{start: int32(start), end: int32(i), kind: tWord, flags: f})
		case c < utf8.RuneSelf:
			i++
			out = append(out, tok{start: int32(start), end: int32(i), kind: tPunct, flags: fASCII})
		default:
			r, n := utf8.DecodeRuneInString(text[i:])
			switch {
			case unicode.IsLetter(r):
				i = wordEnd(text, i)
				out = append(out, tok{start: int32(start), end: int32(i), kind: tWord, flags: wordFlags(text[start:i])})
			case unicode.IsSpace(r):
				i += n
				var f uint8
				if r == '\u2028' || r == '\u2029' || r == '\u0085' {
					f = fNewline
				}
				out = append(out, tok{start: int32(start), end: int32(i), kind: tSpace, flags: f})
			default:
				i += n
				out = append(out, tok{start: int32(start), end: int32(i), kind: tPunct})
			}
		}
	}
	return out
}

func isASCIILetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// letterAt reports whether a letter starts at text[i], and its length.
func letterAt(text string, i int) (bool, int) {
	if i >= len(text) {
		return false, 0
	}
	c := text[i]
	if c < utf8.RuneSelf {
		return isASCIILetter(c), 1
	}
	r, n := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r), n
}

// wordEnd returns the end of the word starting at i: letters, joined by
// single hyphens or apostrophes that are followed by a letter. A trailing
// possessive ('s or ’s followed by a non-letter) is not part of the word.
func wordEnd(text string, i int) int {
	for {
		ok, n := letterAt(text, i)
		if !ok {
			return i
		}
		i += n
		// A joiner continues the word only before another letter.
		j, jn := i, 0
		switch {
		case j < len(text) && (text[j] == '-' || text[j] == '\''):
			jn = 1
		case j+2 < len(text) && text[j] == 0xE2 && text[j+1] == 0x80 && text[j+2] == 0x99: // ’
			jn = 3
		}
		if jn == 0 {
			continue
		}
		ok, n = letterAt(text, j+jn)
		if !ok {
			return i
		}
		if text[j] != '-' && (text[j+jn]|0x20) == 's' {
			if ok2, _ := letterAt(text, j+jn+n); !ok2 {
				return i // possessive
			}
		}
		i = j + jn
	}
}

func wordFlags(w string) uint8 {
	if f, ok := asciiWordFlags(w); ok {
		return f
	}
	var f uint8
	ascii := true
	upper, lower, letters := 0, 0, 0
	for i, r := range w {
		if r >= utf8.RuneSelf {
			ascii = false
		}
		switch {
		case unicode.IsUpper(r):
			upper++
			letters++
			if i == 0 {
				f |= fCap
			}
		case unicode.IsLower(r):
			lower++
			letters++
			if i == 0 {
				f |= fLower
			}
		case unicode.IsLetter(r):
			letters++
		}
	}
	if upper >= 2 && lower == 0 {
		f |= fAllCaps
	}
	if ascii {
		f |= fASCII
	}
	return f
}

// asciiWordFlags is wordFlags for ASCII words, or false.
func asciiWordFlags(w string) (uint8, bool) {
	upper, lower := 0, 0
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 0x80:
			return 0, false
		case c >= 'A' && c <= 'Z':
			upper++
		case c >= 'a' && c <= 'z':
			lower++
		}
	}
	f := fASCII
	switch c := w[0]; {
	case c >= 'A' && c <= 'Z':
		f |= fCap
	case c >= 'a' && c <= 'z':
		f |= fLower
	}
	if upper >= 2 && lower == 0 {
		f |= fAllCaps
	}
	return f, true
}
