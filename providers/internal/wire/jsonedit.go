package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// ErrNotObject is returned when a document, or a member on the path to the
// member being edited, is not a JSON object.
var ErrNotObject = errors.New("wire: not a JSON object")

// member is one name/value pair of an object: the byte span from the end
// of the previous member (or the opening brace) to the end of its value,
// and the span of its value.
type member struct {
	name             string
	start, end       int
	valStart, valEnd int
}

// members lists the members of the object doc, in order, with their byte
// spans. doc must be exactly one JSON object, optionally surrounded by
// whitespace.
func members(doc []byte) (ms []member, closing int, err error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, 0, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, 0, ErrNotObject
	}
	for dec.More() {
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return nil, 0, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, 0, fmt.Errorf("wire: object key is %T", tok)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, 0, err
		}
		end := int(dec.InputOffset())
		ms = append(ms, member{name: name, start: start, end: end, valStart: end - len(raw), valEnd: end})
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, 0, err
	}
	closing = int(dec.InputOffset()) - 1
	if len(bytes.TrimLeft(doc[closing+1:], " \t\r\n")) > 0 {
		return nil, 0, errors.New("wire: data after the JSON object")
	}
	return ms, closing, nil
}

// DeleteMember returns doc without the member at path (object keys from the
// root), and whether it was there. Every other byte of doc is kept as it
// was. All members of that name in the innermost object are removed. doc is
// not modified.
func DeleteMember(doc []byte, path ...string) ([]byte, bool, error) {
	if len(path) == 0 {
		return nil, false, errors.New("wire: DeleteMember: empty path")
	}
	ms, _, err := members(doc)
	if err != nil {
		return nil, false, err
	}
	if len(path) > 1 {
		for _, m := range ms {
			if m.name != path[0] {
				continue
			}
			inner, found, err := DeleteMember(doc[m.valStart:m.valEnd], path[1:]...)
			if err != nil || !found {
				return nil, false, err
			}
			return splice(doc, m.valStart, m.valEnd, inner), true, nil
		}
		return doc, false, nil
	}
	// Remove from the last match backwards so earlier offsets stay valid.
	out := doc
	found := false
	for i := len(ms) - 1; i >= 0; i-- {
		m := ms[i]
		if m.name != path[0] {
			continue
		}
		found = true
		start, end := m.start, m.end
		if i == 0 && len(ms) > 1 {
			// The first member has no comma before it: take the one after
			// it, if a member still follows (IndexByte gives -1 if not).
			end = ms[1].start + bytes.IndexByte(out[ms[1].start:], ',') + 1
		}
		out = splice(out, start, end, nil)
	}
	return out, found, nil
}

// SetMember returns doc with the top-level member key set to value (a JSON
// value): replaced where it exists, appended otherwise. doc is not modified.
func SetMember(doc []byte, key string, value []byte) ([]byte, error) {
	if !json.Valid(value) {
		return nil, errors.New("wire: SetMember: value is not valid JSON")
	}
	if !utf8.ValidString(key) {
		return nil, errors.New("wire: SetMember: key is not valid UTF-8")
	}
	ms, closing, err := members(doc)
	if err != nil {
		return nil, err
	}
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].name == key {
			return splice(doc, ms[i].valStart, ms[i].valEnd, value), nil
		}
	}
	name, err := json.Marshal(key)
	if err != nil {
		return nil, err
	}
	add := make([]byte, 0, len(name)+len(value)+2)
	if len(ms) > 0 {
		add = append(add, ',')
	}
	add = append(add, name...)
	add = append(add, ':')
	add = append(add, value...)
	return splice(doc, closing, closing, add), nil
}

// splice returns a new slice: doc[:from] + with + doc[to:].
func splice(doc []byte, from, to int, with []byte) []byte {
	out := make([]byte, 0, len(doc)-(to-from)+len(with))
	out = append(out, doc[:from]...)
	out = append(out, with...)
	return append(out, doc[to:]...)
}

// Edit changes a JSON request body.
type Edit func(body []byte) ([]byte, error)

// Edits returns an Edit that applies es in order, skipping nil ones, or nil
// if none is set.
func Edits(es ...Edit) Edit {
	var set []Edit
	for _, e := range es {
		if e != nil {
			set = append(set, e)
		}
	}
	if len(set) == 0 {
		return nil
	}
	return func(body []byte) ([]byte, error) {
		var err error
		for _, e := range set {
			if body, err = e(body); err != nil {
				return nil, err
			}
		}
		return body, nil
	}
}

// Delete is an Edit that removes the member at path, if present.
func Delete(path ...string) Edit {
	return func(body []byte) ([]byte, error) {
		out, _, err := DeleteMember(body, path...)
		return out, err
	}
}

// Set is an Edit that sets the top-level member key to value.
func Set(key string, value []byte) Edit {
	return func(body []byte) ([]byte, error) { return SetMember(body, key, value) }
}

// SetTemperature is an Edit that sends temperature t as the top-level
// member "temperature" when t is set, and removes that member when t is nil
// (so the vendor applies its own default; SDKs that always send the field
// would otherwise send 0).
func SetTemperature(t *float64) Edit {
	if t == nil {
		return Delete("temperature")
	}
	return Set("temperature", strconv.AppendFloat(nil, *t, 'g', -1, 64))
}
