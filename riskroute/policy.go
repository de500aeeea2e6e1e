package riskroute

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/careguard/careguard/validate"
)

// Errors from policy parsing and validation.
var (
	// ErrInvalidPolicy: the policy is malformed or names unknown kinds
	// or tiers.
	ErrInvalidPolicy = errors.New("riskroute: invalid policy")
	// ErrPolicyLowers: an entry asks for less review than the safety
	// floor gives; a policy may only raise tiers.
	ErrPolicyLowers = errors.New("riskroute: policy would lower a tier below its floor")
)

// Policy is a deployer's routing policy. It can only raise tiers: the
// router takes the highest of the safety floor and every policy entry that
// applies. An entry below the floor it applies to is rejected rather than
// silently ignored, so a misconfigured policy is caught when it is loaded.
//
// Policies are plain values; the zero Policy adds nothing.
type Policy struct {
	// Name identifies the policy and its version in decisions.
	Name string `json:"name,omitempty"`
	// MinimumTier applies to all content (e.g. nurse_review to turn off
	// auto-approval entirely). Zero means none.
	MinimumTier Tier `json:"minimum_tier,omitzero"`
	// ContentKinds raises the tier of whole content kinds.
	ContentKinds map[ContentKind]Tier `json:"content_kinds,omitempty"`
	// ItemKinds raises the tier of content holding an item of the kind.
	ItemKinds map[ItemKind]Tier `json:"item_kinds,omitempty"`
	// Severities raises the tier of content with a finding of the
	// severity.
	Severities map[validate.Severity]Tier `json:"severities,omitempty"`
	// Categories raises the tier of content with a finding in the
	// category.
	Categories map[validate.Category]Tier `json:"categories,omitempty"`
	// Rules raises the tier of content with a finding from the rule.
	Rules map[string]Tier `json:"rules,omitempty"`
}

// PolicyError is one problem in a policy. Field is a JSON path such as
// "content_kinds.medication_change".
type PolicyError struct {
	Field string
	Err   error
}

func (e *PolicyError) Error() string { return "riskroute: policy: " + e.Field + ": " + e.Err.Error() }

func (e *PolicyError) Unwrap() error { return e.Err }

// maxPolicyBytes bounds a policy document.
const maxPolicyBytes = 1 << 20

// ParsePolicy decodes a JSON policy object and validates it.
//
// A document larger than 1 MiB, one that is not a single JSON object
// (including null and trailing data), unknown fields and unknown tier or
// severity names are reported as one *[PolicyError] with Field "$"
// wrapping [ErrInvalidPolicy]. A well-formed policy is then checked with
// [Policy.Validate], whose errors — a *PolicyError per problem wrapping
// ErrInvalidPolicy or [ErrPolicyLowers], joined — are returned as they are.
func ParsePolicy(data []byte) (*Policy, error) {
	if len(data) > maxPolicyBytes {
		return nil, &PolicyError{Field: "$", Err: fmt.Errorf("%w: larger than %d bytes", ErrInvalidPolicy, maxPolicyBytes)}
	}
	// json decodes null into a struct as a no-op; a policy document that
	// is null is a configuration mistake, not an empty policy.
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] != '{' {
		return nil, &PolicyError{Field: "$", Err: fmt.Errorf("%w: not a JSON object", ErrInvalidPolicy)}
	}
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, &PolicyError{Field: "$", Err: fmt.Errorf("%w: %s", ErrInvalidPolicy, strings.TrimPrefix(err.Error(), "riskroute: "))}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &PolicyError{Field: "$", Err: fmt.Errorf("%w: trailing data after the policy object", ErrInvalidPolicy)}
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate checks the policy and returns every problem, joined, in a fixed
// order (by field, keys sorted); each is a *[PolicyError] wrapping
// [ErrInvalidPolicy] (an unknown content kind, item kind or severity, or a
// tier that is not one of the three) or [ErrPolicyLowers] (an entry below
// the floor of what it applies to; a category or rule entry below nurse
// review). A nil policy is valid.
func (p *Policy) Validate() error {
	if p == nil {
		return nil
	}
	var errs []error
	bad := func(field string, err error) { errs = append(errs, &PolicyError{Field: field, Err: err}) }
	check := func(field string, t, floor Tier) {
		switch {
		case !t.Valid():
			bad(field, fmt.Errorf("%w: tier %d", ErrInvalidPolicy, int(t)))
		case t < floor:
			bad(field, fmt.Errorf("%w: %s is below the floor %s", ErrPolicyLowers, t, floor))
		}
	}
	if p.MinimumTier != 0 {
		check("minimum_tier", p.MinimumTier, TierAutoApprove)
	}
	for _, k := range slices.Sorted(maps.Keys(p.ContentKinds)) {
		if !slices.Contains(ContentKinds(), k) {
			bad("content_kinds."+string(k), fmt.Errorf("%w: unknown content kind", ErrInvalidPolicy))
			continue
		}
		check("content_kinds."+string(k), p.ContentKinds[k], k.floor())
	}
	for _, k := range slices.Sorted(maps.Keys(p.ItemKinds)) {
		if !slices.Contains(ItemKinds(), k) {
			bad("item_kinds."+string(k), fmt.Errorf("%w: unknown item kind", ErrInvalidPolicy))
			continue
		}
		check("item_kinds."+string(k), p.ItemKinds[k], k.floor())
	}
	for _, s := range slices.Sorted(maps.Keys(p.Severities)) {
		if s < validate.SeverityInfo || s > validate.SeverityCritical {
			bad(fmt.Sprintf("severities.%d", int(s)), fmt.Errorf("%w: unknown severity", ErrInvalidPolicy))
			continue
		}
		check("severities."+s.String(), p.Severities[s], severityFloor(s))
	}
	for _, c := range slices.Sorted(maps.Keys(p.Categories)) {
		// A category entry adds to whatever the finding's severity gives;
		// auto_approve would add nothing and signals a misunderstanding.
		check("categories."+string(c), p.Categories[c], TierNurseReview)
	}
	for _, r := range slices.Sorted(maps.Keys(p.Rules)) {
		check("rules."+r, p.Rules[r], TierNurseReview)
	}
	return errors.Join(errs...)
}

// clone returns a deep copy so a router cannot be changed through the
// policy it was built from.
func (p *Policy) clone() Policy {
	return Policy{
		Name: p.Name, MinimumTier: p.MinimumTier,
		ContentKinds: maps.Clone(p.ContentKinds), ItemKinds: maps.Clone(p.ItemKinds),
		Severities: maps.Clone(p.Severities), Categories: maps.Clone(p.Categories), Rules: maps.Clone(p.Rules),
	}
}

// severityFloor is the least review a finding of each severity needs:
// info findings never raise the tier, warnings need a nurse, critical
// findings a physician.
func severityFloor(s validate.Severity) Tier {
	switch s {
	case validate.SeverityInfo:
		return TierAutoApprove
	case validate.SeverityWarning:
		return TierNurseReview
	}
	return TierPhysicianReview
}
