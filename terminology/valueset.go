package terminology

import (
	"cmp"
	"slices"
	"strings"
)

// ValueSet is a named set of codes, possibly from several code systems, with
// the source that defines it. A ValueSet is immutable and safe for concurrent
// use by multiple goroutines. A nil *ValueSet is an empty set.
type ValueSet struct {
	id, name string
	source   Source
	exact    map[systemCode]struct{} // normalised codes
	prefixes []Member                // ICD-10 hierarchies: "E11" covers E11.x; sorted, no duplicates
}

// systemCode keys the exact members. A struct rather than a joined string,
// so that a system URI holding the separator cannot be split wrongly.
type systemCode struct{ system, code string }

// Member is one entry of a value set: a single code, or, when Prefix is
// true, every code of an ICD-10 system that starts with Code (so "E11"
// covers "E11.9" and "E11.65").
type Member struct {
	System string
	Code   string
	Prefix bool
}

// Exact returns a member that matches one code.
func Exact(system, code string) Member { return Member{System: system, Code: code} }

// Prefix returns a member that matches an ICD-10 code and its descendants.
func Prefix(system, code string) Member { return Member{System: system, Code: code, Prefix: true} }

// NewValueSet builds a value set. Codes are normalised as [Code.Is] compares
// them (ICD-10 codes lose their dot and are upper-cased). Prefix members are
// honoured only for ICD-10-CM and ICD-10-PCS, whose codes are hierarchical by
// prefix; for any other system a prefix member matches its code exactly.
// Members with an empty code are ignored: as a prefix, one would match every
// code of its system.
func NewValueSet(id, name string, src Source, members ...Member) *ValueSet {
	vs := &ValueSet{id: id, name: name, source: src, exact: make(map[systemCode]struct{}, len(members))}
	for _, m := range members {
		norm := normalizeCode(m.System, m.Code)
		if norm == "" {
			continue
		}
		if m.Prefix && isICD10(m.System) {
			vs.prefixes = append(vs.prefixes, Member{System: m.System, Code: norm, Prefix: true})
			continue
		}
		vs.exact[systemCode{m.System, norm}] = struct{}{}
	}
	slices.SortFunc(vs.prefixes, compareMember)
	vs.prefixes = slices.Compact(vs.prefixes)
	return vs
}

func isICD10(system string) bool { return system == SystemICD10CM || system == SystemICD10PCS }

func compareMember(a, b Member) int {
	return cmp.Or(strings.Compare(a.System, b.System), strings.Compare(a.Code, b.Code))
}

// ID returns the set's identifier (an OID or a careguard name).
func (v *ValueSet) ID() string {
	if v == nil {
		return ""
	}
	return v.id
}

// Name returns the set's human name.
func (v *ValueSet) Name() string {
	if v == nil {
		return ""
	}
	return v.name
}

// Source returns where the set's membership comes from.
func (v *ValueSet) Source() Source {
	if v == nil {
		return Source{}
	}
	return v.source
}

// Contains reports whether the code is in the set: an exact member with the
// same system and normalised code, or, for ICD-10, a prefix member the code
// starts with.
func (v *ValueSet) Contains(system, code string) bool {
	if v == nil {
		return false
	}
	norm := normalizeCode(system, code)
	if _, ok := v.exact[systemCode{system, norm}]; ok {
		return true
	}
	for _, p := range v.prefixes {
		if p.System == system && strings.HasPrefix(norm, p.Code) {
			return true
		}
	}
	return false
}

// ContainsCode reports whether c is in the set.
func (v *ValueSet) ContainsCode(c Code) bool { return v.Contains(c.System, c.Code) }

// Members returns a new slice of the set's members, with normalised codes:
// the exact members sorted by system and code, then the prefix members
// sorted the same way.
func (v *ValueSet) Members() []Member {
	if v == nil {
		return nil
	}
	out := make([]Member, 0, len(v.exact)+len(v.prefixes))
	for k := range v.exact {
		out = append(out, Member{System: k.system, Code: k.code})
	}
	slices.SortFunc(out, compareMember)
	return append(out, v.prefixes...)
}

// Union returns a new value set holding the members of all the given sets.
// Nil sets are skipped.
func Union(id, name string, src Source, sets ...*ValueSet) *ValueSet {
	var members []Member
	for _, s := range sets {
		members = append(members, s.Members()...)
	}
	return NewValueSet(id, name, src, members...)
}
