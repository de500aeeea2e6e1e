package terminology

import (
	"slices"
	"strings"
)

// ValueSet is a named set of codes, possibly from several code systems, with
// the source that defines it. A ValueSet is immutable and safe for concurrent
// use by multiple goroutines.
type ValueSet struct {
	id, name string
	source   Source
	exact    map[string]struct{} // system|normalised code
	prefixes []Member            // ICD-10 hierarchies: "E11" covers E11.x
}

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

// NewValueSet builds a value set. Prefix members are honoured only for
// ICD-10-CM and ICD-10-PCS, whose codes are hierarchical by prefix; for any
// other system a prefix member matches its code exactly.
func NewValueSet(id, name string, src Source, members ...Member) *ValueSet {
	vs := &ValueSet{id: id, name: name, source: src, exact: make(map[string]struct{}, len(members))}
	for _, m := range members {
		norm := normalizeCode(m.System, m.Code)
		if m.Prefix && (m.System == SystemICD10CM || m.System == SystemICD10PCS) {
			vs.prefixes = append(vs.prefixes, Member{System: m.System, Code: norm, Prefix: true})
			continue
		}
		vs.exact[m.System+"|"+norm] = struct{}{}
	}
	return vs
}

// ID returns the set's identifier (an OID or a careguard name).
func (v *ValueSet) ID() string { return v.id }

// Name returns the set's human name.
func (v *ValueSet) Name() string { return v.name }

// Source returns where the set's membership comes from.
func (v *ValueSet) Source() Source { return v.source }

// Contains reports whether the code is in the set.
func (v *ValueSet) Contains(system, code string) bool {
	if v == nil {
		return false
	}
	norm := normalizeCode(system, code)
	if _, ok := v.exact[system+"|"+norm]; ok {
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

// Members returns the set's members, exact codes sorted, then prefixes.
func (v *ValueSet) Members() []Member {
	out := make([]Member, 0, len(v.exact)+len(v.prefixes))
	for k := range v.exact {
		sys, code, _ := strings.Cut(k, "|")
		out = append(out, Member{System: sys, Code: code})
	}
	slices.SortFunc(out, func(a, b Member) int {
		if c := strings.Compare(a.System, b.System); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
	return append(out, v.prefixes...)
}

// Union returns a new value set holding the members of all the given sets.
func Union(id, name string, src Source, sets ...*ValueSet) *ValueSet {
	var members []Member
	for _, s := range sets {
		members = append(members, s.Members()...)
	}
	return NewValueSet(id, name, src, members...)
}
