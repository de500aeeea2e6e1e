package careplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// ErrStrictUnsupported is returned by MakeStrict for a schema that strict
// structured-output modes cannot express.
var ErrStrictUnsupported = errors.New("careplan: schema not expressible in strict mode")

// MakeStrict rewrites a JSON Schema into the subset that vendors' strict
// structured-output modes accept (OpenAI's rules, which are the narrowest):
//
//   - every object gets additionalProperties:false, and every property
//     becomes required; a property that was optional becomes nullable
//     (anyOf with {"type":"null"});
//   - oneOf becomes anyOf;
//   - a $ref with sibling keywords is inlined;
//   - keywords strict modes reject (minLength, maxLength, uniqueItems,
//     default, examples, $schema, $id, ...) are dropped.
//
// Property order is kept, since models emit keys in schema order. The input
// is not modified. Schemas that cannot be expressed (open objects, maps with
// typed values, true/false schemas, allOf with more than one member, not,
// if/then/else) give an error wrapping ErrStrictUnsupported that names the
// JSON pointer of the offending keyword. The output is looser than the
// input, so replies must still be validated against the full schema.
func MakeStrict(schema []byte) ([]byte, error) {
	root, err := parseOrdered(schema)
	if err != nil {
		return nil, fmt.Errorf("careplan: strict: %w", err)
	}
	obj, ok := root.(*object)
	if !ok {
		return nil, fmt.Errorf("%w: root is not an object schema", ErrStrictUnsupported)
	}
	st := &stricter{defs: map[string]*object{}}
	if defs, ok := obj.get("$defs").(*object); ok {
		for _, k := range defs.keys {
			if d, ok := defs.vals[k].(*object); ok {
				st.defs["#/$defs/"+k] = d
			}
		}
	}
	out, err := st.schema(obj, "")
	if err != nil {
		return nil, err
	}
	if t, _ := out.get("type").(string); t != "object" {
		return nil, fmt.Errorf("%w: root must have type object", ErrStrictUnsupported)
	}
	var buf bytes.Buffer
	writeOrdered(&buf, out)
	return buf.Bytes(), nil
}

// keywords kept in strict output; anything else is dropped.
func strictKeyword(k string) bool {
	switch k {
	case "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf",
		"$ref", "$defs", "description", "title", "pattern", "format", "minimum", "maximum",
		"exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems":
		return true
	}
	return false
}

type stricter struct {
	defs map[string]*object
}

func (st *stricter) schema(in *object, ptr string) (*object, error) {
	for _, k := range in.keys {
		switch k {
		case "not", "if", "then", "else", "patternProperties", "dependentSchemas", "dependentRequired",
			"unevaluatedProperties", "propertyNames":
			return nil, fmt.Errorf("%w: %s/%s", ErrStrictUnsupported, ptr, k)
		}
	}
	// A $ref with siblings: inline the target, the siblings win.
	if ref, ok := in.get("$ref").(string); ok && len(in.keys) > 1 {
		target, ok := st.defs[ref]
		if !ok {
			return nil, fmt.Errorf("%w: %s/$ref: cannot inline %q", ErrStrictUnsupported, ptr, ref)
		}
		merged := target.clone()
		for _, k := range in.keys {
			if k != "$ref" {
				merged.set(k, in.vals[k])
			}
		}
		in = merged
	}
	// allOf with one member collapses into the parent.
	if all, ok := in.get("allOf").([]any); ok {
		if len(all) != 1 {
			return nil, fmt.Errorf("%w: %s/allOf with %d members", ErrStrictUnsupported, ptr, len(all))
		}
		member, ok := all[0].(*object)
		if !ok {
			return nil, fmt.Errorf("%w: %s/allOf/0 is not a schema object", ErrStrictUnsupported, ptr)
		}
		merged := member.clone()
		for _, k := range in.keys {
			if k != "allOf" {
				merged.set(k, in.vals[k])
			}
		}
		in = merged
	}

	out := &object{vals: map[string]any{}}
	for _, k := range in.keys {
		v := in.vals[k]
		switch k {
		case "oneOf", "anyOf":
			list, ok := v.([]any)
			if !ok {
				return nil, fmt.Errorf("%w: %s/%s is not an array", ErrStrictUnsupported, ptr, k)
			}
			conv := make([]any, len(list))
			for i, m := range list {
				mo, ok := m.(*object)
				if !ok {
					return nil, fmt.Errorf("%w: %s/%s/%d is not a schema object", ErrStrictUnsupported, ptr, k, i)
				}
				c, err := st.schema(mo, fmt.Sprintf("%s/%s/%d", ptr, k, i))
				if err != nil {
					return nil, err
				}
				conv[i] = c
			}
			out.set("anyOf", conv)
		case "$defs":
			defs, ok := v.(*object)
			if !ok {
				return nil, fmt.Errorf("%w: %s/$defs is not an object", ErrStrictUnsupported, ptr)
			}
			conv := &object{vals: map[string]any{}}
			for _, name := range defs.keys {
				d, ok := defs.vals[name].(*object)
				if !ok {
					return nil, fmt.Errorf("%w: %s/$defs/%s is not a schema object", ErrStrictUnsupported, ptr, name)
				}
				c, err := st.schema(d, ptr+"/$defs/"+name)
				if err != nil {
					return nil, err
				}
				conv.set(name, c)
			}
			out.set("$defs", conv)
		case "items":
			item, ok := v.(*object)
			if !ok {
				return nil, fmt.Errorf("%w: %s/items is not a schema object", ErrStrictUnsupported, ptr)
			}
			c, err := st.schema(item, ptr+"/items")
			if err != nil {
				return nil, err
			}
			out.set("items", c)
		case "properties", "required", "additionalProperties":
			// handled below
		default:
			if strictKeyword(k) {
				out.set(k, v)
			}
		}
	}

	props, hasProps := in.get("properties").(*object)
	isObject := hasProps || typeIncludes(in.get("type"), "object")
	if !isObject {
		return out, nil
	}
	if ap, ok := in.vals["additionalProperties"]; ok {
		if b, isBool := ap.(bool); !isBool || b {
			return nil, fmt.Errorf("%w: %s/additionalProperties: open objects and maps are not allowed", ErrStrictUnsupported, ptr)
		}
	}
	if !hasProps {
		return nil, fmt.Errorf("%w: %s: object schema without properties", ErrStrictUnsupported, ptr)
	}
	required := map[string]bool{}
	if req, ok := in.get("required").([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	}
	convProps := &object{vals: map[string]any{}}
	names := make([]any, 0, len(props.keys))
	for _, name := range props.keys {
		p, ok := props.vals[name].(*object)
		if !ok {
			return nil, fmt.Errorf("%w: %s/properties/%s is not a schema object", ErrStrictUnsupported, ptr, name)
		}
		c, err := st.schema(p, ptr+"/properties/"+name)
		if err != nil {
			return nil, err
		}
		if !required[name] {
			c = nullable(c)
		}
		convProps.set(name, c)
		names = append(names, name)
	}
	out.set("properties", convProps)
	out.set("required", names)
	out.set("additionalProperties", false)
	return out, nil
}

// nullable wraps a schema so that null is also accepted.
func nullable(s *object) *object {
	if any_, ok := s.get("anyOf").([]any); ok {
		for _, m := range any_ {
			if mo, ok := m.(*object); ok && typeIncludes(mo.get("type"), "null") {
				return s
			}
		}
	}
	null := &object{vals: map[string]any{}}
	null.set("type", "null")
	out := &object{vals: map[string]any{}}
	out.set("anyOf", []any{s, null})
	return out
}

func typeIncludes(t any, name string) bool {
	switch t := t.(type) {
	case string:
		return t == name
	case []any:
		return slices.Contains(t, any(name))
	}
	return false
}

// object is a JSON object that remembers its key order.
type object struct {
	keys []string
	vals map[string]any // *object, []any, string, bool, json.Number, nil
}

func (o *object) get(k string) any { return o.vals[k] }

func (o *object) set(k string, v any) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) clone() *object {
	c := &object{keys: slices.Clone(o.keys), vals: make(map[string]any, len(o.vals))}
	for k, v := range o.vals {
		c.vals[k] = cloneValue(v)
	}
	return c
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case *object:
		return v.clone()
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = cloneValue(x)
		}
		return out
	}
	return v
}

func parseOrdered(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeOrdered(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			_, err := dec.Token() // '}'
			return o, err
		case '[':
			var list []any
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token() // ']'
			if list == nil {
				list = []any{}
			}
			return list, err
		}
		return nil, fmt.Errorf("unexpected delimiter %v", t)
	}
	return tok, nil
}

func writeOrdered(buf *bytes.Buffer, v any) {
	switch v := v.(type) {
	case *object:
		buf.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, k)
			buf.WriteByte(':')
			writeOrdered(buf, v.vals[k])
		}
		buf.WriteByte('}')
	case []any:
		buf.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeOrdered(buf, x)
		}
		buf.WriteByte(']')
	case string:
		writeString(buf, v)
	case json.Number:
		buf.WriteString(v.String())
	case bool:
		if v {
			buf.WriteString("true")
		} else {
			buf.WriteString("false")
		}
	default: // nil: parseOrdered produces no other types
		buf.WriteString("null")
	}
}

// writeString writes s as a JSON string without HTML escaping, so that
// enum values such as "<" stay readable.
func writeString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)           // a string always encodes
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
}
