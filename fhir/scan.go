package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkDepth returns the byte offset at which data first nests deeper than
// max, or -1. It does not validate JSON (encoding/json does that next); it
// only counts brackets outside strings, so it is one cheap pass.
func checkDepth(data []byte, max int) int {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			i = stringEnd(data, i)
		case '{', '[':
			depth++
			if depth > max {
				return i
			}
		case '}', ']':
			depth--
		}
	}
	return -1
}

// stringEnd returns the index of the quote closing the string that opens
// at data[start], or len(data) if it is not closed.
func stringEnd(data []byte, start int) int {
	i := start + 1
	for {
		if i >= len(data) {
			return len(data)
		}
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return len(data)
		}
		i += j
		// The quote is escaped if an odd number of backslashes precede it.
		n := 0
		for k := i - 1; k > start && data[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i
		}
		i++
	}
}

// skipSpace returns the index of the first non-space byte at or after i.
func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the index just past the JSON value starting at i, or -1
// if the value is malformed in a way that stops the scan. It trusts that the
// input is valid JSON (checked before), and never reads past data.
func skipValue(data []byte, i int) int {
	i = skipSpace(data, i)
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		e := stringEnd(data, i)
		if e >= len(data) {
			return -1
		}
		return e + 1
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = stringEnd(data, i)
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	for ; i < len(data); i++ {
		switch data[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
	}
	return i
}

// peekHeader reads the top-level "resourceType" and "id" of a JSON object
// without decoding the rest, stopping as soon as both are found (they
// usually come first). ok is false if data is not an object; a field with
// a non-string value is reported as absent.
func peekHeader(data []byte) (resourceType, id string, ok bool) {
	return peek(data, true)
}

// peekType is peekHeader without the id: it stops at resourceType, so a
// Bundle (which seldom has an id) is not scanned to its end.
func peekType(data []byte) (string, bool) {
	t, _, ok := peek(data, false)
	return t, ok
}

func peek(data []byte, wantID bool) (resourceType, id string, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return "", "", false
	}
	i++
	var haveType bool
	haveID := !wantID
	for !(haveType && haveID) {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			break
		}
		if data[i] == ',' {
			i++
			continue
		}
		if data[i] != '"' {
			return "", "", false
		}
		e := stringEnd(data, i)
		if e >= len(data) {
			return "", "", false
		}
		key := data[i+1 : e]
		i = skipSpace(data, e+1)
		if i >= len(data) || data[i] != ':' {
			return "", "", false
		}
		i = skipSpace(data, i+1)
		end := skipValue(data, i)
		if end < 0 {
			return "", "", false
		}
		switch {
		case !haveType && string(key) == "resourceType":
			resourceType, haveType = jsonString(data[i:end])
		case !haveID && string(key) == "id":
			id, haveID = jsonString(data[i:end])
		}
		i = end
	}
	return resourceType, id, true
}

// jsonString decodes a JSON string literal; ok is false for anything else.
func jsonString(lit []byte) (string, bool) {
	if len(lit) < 2 || lit[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(lit, '\\') < 0 {
		return string(lit[1 : len(lit)-1]), true
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return "", false
	}
	return s, true
}

// pointerAt returns the JSON pointer of the innermost value of data that
// starts before offset: where a syntax or type error reported at offset
// lies. It is only called on the error path.
func pointerAt(data []byte, offset int64) string {
	type frame struct {
		array bool
		key   string
		index int
	}
	var stack []frame
	dec := json.NewDecoder(bytes.NewReader(data))
	ptr := ""
	current := func() string {
		var b strings.Builder
		for _, f := range stack {
			b.WriteByte('/')
			if f.array {
				b.WriteString(strconv.Itoa(f.index))
			} else {
				b.WriteString(escapePointer(f.key))
			}
		}
		return b.String()
	}
	expectKey := false
	advance := false // the next array element starts after the check below
	for {
		start := dec.InputOffset()
		if start >= offset {
			return ptr
		}
		if advance {
			stack[len(stack)-1].index++
			ptr = current()
			advance = false
		}
		tok, err := dec.Token()
		if err != nil {
			return ptr
		}
		if expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				expectKey = false
			} else {
				k, _ := tok.(string)
				stack[len(stack)-1].key = k
				expectKey = false
				ptr = current()
				continue
			}
		} else if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, frame{})
				expectKey = true
				continue
			case '[':
				stack = append(stack, frame{array: true, index: -1})
				advance = dec.More() // element 0 starts after the check
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		}
		// A value (or a closed container) is complete: move to the next
		// key or element.
		if len(stack) == 0 {
			return ptr
		}
		if stack[len(stack)-1].array {
			advance = dec.More()
		} else {
			expectKey = true
		}
	}
}

// escapePointer escapes a key for a JSON pointer (RFC 6901).
func escapePointer(k string) string {
	if !strings.ContainsAny(k, "~/") {
		return k
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
}

// jsonError converts an encoding/json error into a DecodeError located in
// the document, without quoting the input. base is the pointer of data
// within the document, offsetBase the offset of data within it.
func jsonError(doc, entry int, base string, data []byte, err error) *DecodeError {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &DecodeError{Doc: doc, Entry: entry, Pointer: base + pointerAt(data, se.Offset),
			Err: wrapf(ErrSyntax, "at byte "+strconv.FormatInt(se.Offset, 10))}
	case errors.As(err, &te):
		kind, _, _ := strings.Cut(te.Value, " ") // "number -5" -> "number": never quote the value
		want := "value"
		if te.Type != nil {
			want = te.Type.Kind().String()
		}
		return &DecodeError{Doc: doc, Entry: entry, Pointer: base + pointerAt(data, te.Offset),
			Err: wrapf(ErrInvalid, "JSON "+kind+" where a "+want+" is expected")}
	}
	return &DecodeError{Doc: doc, Entry: entry, Pointer: base, Err: wrapf(ErrSyntax, "malformed")}
}

// detailError is a sentinel with a safe detail.
type detailError struct {
	err    error
	detail string
}

func (e *detailError) Error() string { return e.err.Error() + ": " + e.detail }
func (e *detailError) Unwrap() error { return e.err }

func wrapf(err error, detail string) error { return &detailError{err: err, detail: detail} }

// duplicateKey returns the JSON pointer of the first object member whose
// key repeats an earlier key of the same object, exactly or up to case.
// encoding/json matches struct fields case-insensitively and lets the last
// of several matching members win, while other FHIR parsers (and this
// package's own peekHeader) read keys exactly: such a document means
// different things to different readers. found is false when there is no
// such member; data must be valid JSON.
func duplicateKey(data []byte) (pointer string, found bool) {
	type frame struct {
		array bool
		key   string
		index int
		keys  map[string]struct{}
	}
	var stack []frame
	pointerTo := func() string {
		var b strings.Builder
		for _, f := range stack {
			b.WriteByte('/')
			if f.array {
				b.WriteString(strconv.Itoa(f.index))
			} else {
				b.WriteString(escapePointer(f.key))
			}
		}
		return b.String()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	expectKey := false
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		if expectKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				expectKey = false
			} else {
				top := &stack[len(stack)-1]
				top.key, _ = tok.(string)
				folded := foldKey(top.key)
				if _, dup := top.keys[folded]; dup {
					return pointerTo(), true
				}
				top.keys[folded] = struct{}{}
				expectKey = false
				continue
			}
		} else if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, frame{keys: map[string]struct{}{}})
				expectKey = true
				continue
			case '[':
				stack = append(stack, frame{array: true})
				continue
			case '}', ']':
				stack = stack[:len(stack)-1]
			}
		}
		// A value (or a closed container) is complete: move to the next
		// key or element.
		if len(stack) == 0 {
			return "", false
		}
		if top := &stack[len(stack)-1]; top.array {
			top.index++
		} else {
			expectKey = true
		}
	}
}

// foldKey returns a key folded as encoding/json folds field names: two keys
// fold alike exactly when bytes.EqualFold says they are equal.
func foldKey(k string) string {
	ascii := true
	for i := 0; i < len(k); i++ {
		if k[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToUpper(k)
	}
	var b strings.Builder
	for _, r := range k {
		// The smallest rune of r's case-folding orbit stands for all.
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}
