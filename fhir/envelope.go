package fhir

import (
	"encoding/json"
	"strconv"
)

// rawEntry is one Bundle entry as found by splitBundle: spans of the input,
// not copies.
type rawEntry struct {
	fullURL  string
	resource []byte // nil when the entry has no resource
}

// bundleSplit is what splitBundle found.
type bundleSplit struct {
	typ     string
	entries []rawEntry
}

// splitError is where splitBundle stopped: at byte off, either because the
// input nests too deeply or because it is malformed (or, for well-formed
// JSON, shaped unlike a Bundle).
type splitError struct {
	off     int
	tooDeep bool
}

// splitBundle reads a Bundle's envelope (type and entries) in one pass
// without decoding the resources, checking nesting depth as it goes. Every
// byte it does not interpret itself is checked with json.Valid, except the
// resources, which the caller checks when it decodes them (or with
// json.Valid when it keeps them raw). So every byte of the document is
// validated exactly once.
func splitBundle(data []byte, maxDepth int) (bundleSplit, *splitError) {
	var out bundleSplit
	s := &splitter{data: data, max: maxDepth}
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return out, &splitError{off: i}
	}
	if maxDepth < 1 {
		return out, &splitError{off: i, tooDeep: true}
	}
	end, err := s.object(i, 1, func(key string, v int) (int, *splitError) {
		switch key {
		case "type":
			str, end, err := s.str(v)
			out.typ = str
			return end, err
		case "entry":
			return s.array(v, 2, func(e int) (int, *splitError) {
				var re rawEntry
				end, err := s.object(e, 3, func(key string, v int) (int, *splitError) {
					switch key {
					case "fullUrl":
						str, end, err := s.str(v)
						re.fullURL = str
						return end, err
					case "resource":
						end, err := s.skip(v, 3)
						if err == nil && data[v] != 'n' {
							re.resource = data[v:end]
						}
						return end, err
					}
					return s.checked(v, 3)
				})
				out.entries = append(out.entries, re)
				return end, err
			})
		}
		return s.checked(v, 1)
	})
	if err != nil {
		return out, err
	}
	if rest := skipSpace(data, end); rest != len(data) {
		return out, &splitError{off: rest}
	}
	return out, nil
}

type splitter struct {
	data []byte
	max  int
}

// object reads an object at i (whose contents sit at depth) calling field
// for each member with the offset of its value; field returns the offset
// after the value. It returns the offset after the object.
func (s *splitter) object(i, depth int, field func(key string, v int) (int, *splitError)) (int, *splitError) {
	d := s.data
	if i >= len(d) || d[i] != '{' {
		return 0, &splitError{off: i}
	}
	if depth > s.max {
		return 0, &splitError{off: i, tooDeep: true}
	}
	i = skipSpace(d, i+1)
	if i < len(d) && d[i] == '}' {
		return i + 1, nil
	}
	for {
		key, end, err := s.str(i)
		if err != nil {
			return 0, err
		}
		i = skipSpace(d, end)
		if i >= len(d) || d[i] != ':' {
			return 0, &splitError{off: i}
		}
		i = skipSpace(d, i+1)
		end, err = field(key, i)
		if err != nil {
			return 0, err
		}
		i = skipSpace(d, end)
		if i >= len(d) {
			return 0, &splitError{off: i}
		}
		switch d[i] {
		case ',':
			i = skipSpace(d, i+1)
		case '}':
			return i + 1, nil
		default:
			return 0, &splitError{off: i}
		}
	}
}

// array reads an array at i calling elem for each element.
func (s *splitter) array(i, depth int, elem func(e int) (int, *splitError)) (int, *splitError) {
	d := s.data
	if i >= len(d) || d[i] != '[' {
		return 0, &splitError{off: i}
	}
	if depth > s.max {
		return 0, &splitError{off: i, tooDeep: true}
	}
	i = skipSpace(d, i+1)
	if i < len(d) && d[i] == ']' {
		return i + 1, nil
	}
	for {
		end, err := elem(i)
		if err != nil {
			return 0, err
		}
		i = skipSpace(d, end)
		if i >= len(d) {
			return 0, &splitError{off: i}
		}
		switch d[i] {
		case ',':
			i = skipSpace(d, i+1)
		case ']':
			return i + 1, nil
		default:
			return 0, &splitError{off: i}
		}
	}
}

// str reads and validates a string at i.
func (s *splitter) str(i int) (string, int, *splitError) {
	d := s.data
	if i >= len(d) || d[i] != '"' {
		return "", 0, &splitError{off: i}
	}
	e := stringEnd(d, i)
	if e >= len(d) {
		return "", 0, &splitError{off: i}
	}
	lit := d[i : e+1]
	if !json.Valid(lit) {
		return "", 0, &splitError{off: i}
	}
	v, _ := jsonString(lit)
	return v, e + 1, nil
}

// skip finds the end of the value at i, which sits at depth, checking the
// nesting depth of its contents but not its syntax.
func (s *splitter) skip(i, depth int) (int, *splitError) {
	d := s.data
	if i >= len(d) {
		return 0, &splitError{off: i}
	}
	switch d[i] {
	case '{', '[':
		level := depth
		for j := i; j < len(d); j++ {
			switch d[j] {
			case '"':
				j = stringEnd(d, j)
			case '{', '[':
				level++
				if level > s.max {
					return 0, &splitError{off: j, tooDeep: true}
				}
			case '}', ']':
				level--
				if level == depth {
					return j + 1, nil
				}
			}
		}
		return 0, &splitError{off: len(d)}
	}
	end := skipValue(d, i)
	if end < 0 {
		return 0, &splitError{off: i}
	}
	return end, nil
}

// checked skips the value at i and validates it.
func (s *splitter) checked(i, depth int) (int, *splitError) {
	end, err := s.skip(i, depth)
	if err != nil {
		return 0, err
	}
	if !json.Valid(s.data[i:end]) {
		return 0, &splitError{off: i}
	}
	return end, nil
}

// splitFailure turns a splitError into a DecodeError.
func splitFailure(doc int, data []byte, se *splitError, maxDepth int) *DecodeError {
	if se.tooDeep {
		return &DecodeError{Doc: doc, Entry: entryAt(data, se.off), Pointer: pointerAt(data, int64(se.off)+1),
			Err: wrapf(ErrTooDeep, "limit "+strconv.Itoa(maxDepth))}
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		de := jsonError(doc, -1, "", data, err)
		de.Entry = entryOf(de.Pointer)
		return de
	}
	// Well-formed JSON that is not shaped like a Bundle.
	ptr := pointerAt(data, int64(se.off)+1)
	return &DecodeError{Doc: doc, Entry: entryOf(ptr), Pointer: ptr, Err: wrapf(ErrInvalid, "not shaped like a Bundle")}
}

// entryAt returns the entry index a byte offset lies in, or -1.
func entryAt(data []byte, off int) int { return entryOf(pointerAt(data, int64(off)+1)) }

// entryOf returns the entry index of a pointer "/entry/3/...", or -1.
func entryOf(ptr string) int {
	const p = "/entry/"
	if len(ptr) <= len(p) || ptr[:len(p)] != p {
		return -1
	}
	rest := ptr[len(p):]
	n := 0
	for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	i, err := strconv.Atoi(rest[:n])
	if err != nil {
		return -1
	}
	return i
}
