package careplan

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"
	sjs "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/careguard/careguard/providers"
)

// SchemaName is the name under which the plan schema is sent to providers.
const SchemaName = "care_plan"

const schemaURL = "urn:careguard:schema:care-plan"

// Schema is the care-plan JSON Schema (draft 2020-12) in two forms, Full and
// Strict, with Full compiled for validation. It is immutable and safe for
// concurrent use by multiple goroutines; build it once.
type Schema struct {
	full, strict []byte
	compiled     *sjs.Schema
}

// NewSchema derives the schema from Plan's Go types and compiles it. An
// error means the package itself is broken; it does not depend on input.
func NewSchema() (*Schema, error) {
	r := &jsonschema.Reflector{Anonymous: true, ExpandedStruct: true}
	full, err := json.Marshal(r.Reflect(&Plan{}))
	if err != nil {
		return nil, fmt.Errorf("careplan: schema: %w", err)
	}
	strict, err := MakeStrict(full)
	if err != nil {
		return nil, err
	}
	doc, err := sjs.UnmarshalJSON(bytes.NewReader(full))
	if err != nil {
		return nil, fmt.Errorf("careplan: schema: %w", err)
	}
	c := sjs.NewCompiler()
	c.DefaultDraft(sjs.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("careplan: schema: %w", err)
	}
	compiled, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("careplan: schema: %w", err)
	}
	return &Schema{full: full, strict: strict, compiled: compiled}, nil
}

// Full returns the complete schema, every constraint included. Replies are
// validated against it.
func (s *Schema) Full() json.RawMessage { return bytes.Clone(s.full) }

// Strict returns the variant for vendors' strict structured-output modes
// (see MakeStrict).
func (s *Schema) Strict() json.RawMessage { return bytes.Clone(s.strict) }

// ForProvider returns the schema as a provider request carries it.
func (s *Schema) ForProvider() *providers.Schema {
	return &providers.Schema{
		Name:        SchemaName,
		Description: "A care plan whose every item cites the patient-record fact IDs it rests on.",
		Full:        s.Full(),
		Strict:      s.Strict(),
	}
}

// Violation is one reason a reply is not an acceptable plan: where (a JSON
// pointer into the reply) and what.
type Violation struct {
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "/"
	}
	return "at '" + p + "': " + v.Message
}

// ValidationError lists every violation found in a reply, sorted by
// pointer. It wraps ErrInvalidPlan.
type ValidationError struct {
	Violations []Violation
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "careplan: invalid plan: %d violation(s)", len(e.Violations))
	for i, v := range e.Violations {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Violations)-5)
			break
		}
		b.WriteString("; ")
		b.WriteString(v.String())
	}
	return b.String()
}

func (e *ValidationError) Unwrap() error { return ErrInvalidPlan }

// Validate checks a reply's JSON against the full schema and returns a
// *ValidationError listing every violation with its JSON pointer, or an
// error wrapping ErrNotJSON when raw is not JSON at all.
func (s *Schema) Validate(raw []byte) error {
	inst, err := sjs.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	err = s.compiled.Validate(inst)
	if err == nil {
		return nil
	}
	ve, ok := errors.AsType[*sjs.ValidationError](err)
	if !ok {
		return fmt.Errorf("careplan: validate: %w", err)
	}
	var vs []Violation
	collectLeaves(ve, &vs)
	sortViolations(vs)
	return &ValidationError{Violations: vs}
}

func collectLeaves(e *sjs.ValidationError, out *[]Violation) {
	if len(e.Causes) == 0 {
		*out = append(*out, Violation{Pointer: pointer(e.InstanceLocation), Message: leafMessage(e)})
		return
	}
	for _, c := range e.Causes {
		collectLeaves(c, out)
	}
}

func leafMessage(e *sjs.ValidationError) string {
	// BasicOutput renders the leaf's message with the library's default
	// English printer.
	out := e.BasicOutput()
	if out.Error != nil {
		return out.Error.String()
	}
	for _, u := range out.Errors {
		if u.Error != nil {
			return u.Error.String()
		}
	}
	return "invalid"
}

func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		t = strings.ReplaceAll(t, "~", "~0")
		b.WriteString(strings.ReplaceAll(t, "/", "~1"))
	}
	return b.String()
}

func sortViolations(vs []Violation) {
	slices.SortStableFunc(vs, func(a, b Violation) int {
		return cmp.Or(comparePointers(a.Pointer, b.Pointer), strings.Compare(a.Message, b.Message))
	})
}

// comparePointers orders JSON pointers segment by segment, numbers
// numerically, so "/goals/2" sorts before "/goals/10".
func comparePointers(a, b string) int {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if as[i] == bs[i] {
			continue
		}
		an, aok := atoi(as[i])
		bn, bok := atoi(bs[i])
		if aok && bok {
			return cmp.Compare(an, bn)
		}
		return strings.Compare(as[i], bs[i])
	}
	return cmp.Compare(len(as), len(bs))
}

func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
