package riskroute

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/validate"
)

// Role is someone a draft should reach.
type Role string

// The roles.
const (
	RoleNurse        Role = "nurse"
	RolePhysician    Role = "physician"
	RolePharmacist   Role = "pharmacist"
	RoleSocialWorker Role = "social_worker"
)

// ReasonCode says what kind of fact a reason rests on.
type ReasonCode string

// The reason codes.
const (
	ReasonContentKind          ReasonCode = "content_kind"          // the kind of content
	ReasonItem                 ReasonCode = "item"                  // an item of the content
	ReasonFinding              ReasonCode = "finding"               // a validator finding
	ReasonValidationIncomplete ReasonCode = "validation_incomplete" // not every validator ran
	ReasonPolicy               ReasonCode = "policy"                // the deployer's policy
)

// Reason is one thing that contributed to a decision, with the tier it
// asks for.
type Reason struct {
	Code    ReasonCode `json:"code"`
	Tier    Tier       `json:"tier"`
	Message string     `json:"message"`
	ItemID  string     `json:"item_id,omitempty"`
	RuleID  string     `json:"rule_id,omitempty"`
}

// Decision is the review a draft needs and why.
type Decision struct {
	// Tier is the review required: the highest of Floor and every policy
	// entry that applies.
	Tier Tier `json:"tier"`
	// Floor is the tier the safety rules alone require; no policy can go
	// below it, and it does not depend on the policy.
	Floor Tier `json:"floor"`
	// Reasons lists everything that contributed, including reasons below
	// the final tier, in a fixed order: the content kind; each item, in
	// content order; each finding, most severe first, then by rule ID and
	// category; incomplete validation; then the policy's entries in the
	// same order (minimum tier, content kind, items, findings). The order
	// of the report's findings does not change it.
	Reasons []Reason `json:"reasons"`
	// Notify lists who should see the draft, sorted.
	Notify []Role `json:"notify"`
	// Policy names the policy applied, if any.
	Policy string `json:"policy,omitempty"`
}

// Router computes review tiers. Its decisions depend only on the content's
// structure (content kind, item kinds and item IDs), the findings'
// severities, categories and rule IDs, whether validation was complete,
// and the policy; never on free text such as a finding's message or the
// model's name.
//
// A Router is immutable and safe for concurrent use by multiple
// goroutines. The zero Router applies the safety floor with no policy.
type Router struct {
	policy Policy
}

// New returns a router applying policy on top of the safety floor; nil
// means no policy. The router keeps a copy: changing policy afterwards does
// not change the router. New returns the policy's validation errors (see
// [Policy.Validate]): *[PolicyError] values wrapping [ErrInvalidPolicy] or
// [ErrPolicyLowers], joined.
func New(policy *Policy) (*Router, error) {
	r := &Router{}
	if policy != nil {
		if err := policy.Validate(); err != nil {
			return nil, err
		}
		r.policy = policy.clone()
	}
	return r, nil
}

// RouteDraft routes a care-plan draft: it is Route(ContentOf(d), rep). A
// nil draft or a draft without a plan routes to physician review; see
// [ContentOf] and [Router.Route].
func (r *Router) RouteDraft(d *careplan.Draft, rep *validate.Report) Decision {
	return r.Route(ContentOf(d), rep)
}

// findingKey is what routing reads of a finding.
type findingKey struct {
	severity validate.Severity
	category validate.Category
	rule     string
}

// Route decides the review tier for content with the given validation
// report.
//
// The floor is the highest of: the content kind's tier (administrative
// content auto-approves; clinical summaries, patient messages and care
// plans need a nurse; medication changes and diagnostic impressions a
// physician); each item's tier (medication starts, stops, dose changes and
// holds, and diagnostic impressions need a physician; administrative items
// and general education may auto-approve; anything else needs a nurse);
// each finding's (a warning needs at least a nurse, a critical finding a
// physician, info nothing); and physician review when rep is nil or
// incomplete. Unknown content kinds, item kinds and severities count as
// needing a physician. The policy may then raise the tier.
//
// The nurse or physician is notified at those tiers, a pharmacist for a
// warning or critical medication-safety finding, and a social worker for a
// social-need item or finding.
func (r *Router) Route(c Content, rep *validate.Report) Decision {
	var findings []findingKey
	if rep != nil {
		findings = make([]findingKey, len(rep.Findings))
		for i := range rep.Findings {
			f := &rep.Findings[i]
			findings[i] = findingKey{severity: f.Severity, category: f.Category, rule: f.RuleID}
		}
		// Reasons must not depend on the order validators reported in.
		slices.SortFunc(findings, func(a, b findingKey) int {
			return cmp.Or(cmp.Compare(b.severity, a.severity), strings.Compare(a.rule, b.rule),
				strings.Compare(string(a.category), string(b.category)))
		})
	}

	d := Decision{Policy: r.policy.Name, Reasons: make([]Reason, 0, 2+len(c.Items)+len(findings))}
	add := func(reason Reason) {
		d.Reasons = append(d.Reasons, reason)
		d.Floor = max(d.Floor, reason.Tier)
	}
	add(Reason{Code: ReasonContentKind, Tier: c.Kind.floor(), Message: "content kind " + string(c.Kind)})
	social := false
	for _, it := range c.Items {
		add(Reason{Code: ReasonItem, Tier: it.Kind.floor(), ItemID: it.ID,
			Message: it.ID + " is a " + string(it.Kind) + " item"})
		social = social || it.Kind == ItemSocialNeed
	}
	pharmacist := false
	for _, f := range findings {
		tier := severityFloor(f.severity)
		add(Reason{Code: ReasonFinding, Tier: tier, RuleID: f.rule,
			Message: fmt.Sprintf("%s finding %s", f.severity, f.rule)})
		switch f.category {
		case validate.CategoryInteraction, validate.CategoryRenalDosing, validate.CategoryAllergy,
			validate.CategoryContraindication, validate.CategoryDuplicateTherapy, validate.CategoryOlderAdult:
			// Unknown severities count as critical here too.
			pharmacist = pharmacist || tier >= TierNurseReview
		case validate.CategorySocialNeed:
			social = true
		}
	}
	if !rep.Complete() {
		msg := "no validation report"
		switch {
		case rep == nil:
		case len(rep.Failed) == 0:
			msg = "no validator ran"
		default:
			names := make([]string, len(rep.Failed))
			for i, f := range rep.Failed {
				names[i] = "unnamed validator"
				if f != nil {
					names[i] = f.Validator
				}
			}
			msg = "validators did not complete: " + strings.Join(names, ", ")
		}
		add(Reason{Code: ReasonValidationIncomplete, Tier: TierPhysicianReview, Message: msg})
	}
	d.Tier = d.Floor
	r.applyPolicy(&d, c, findings)

	switch d.Tier {
	case TierNurseReview:
		d.Notify = append(d.Notify, RoleNurse)
	case TierPhysicianReview:
		d.Notify = append(d.Notify, RolePhysician)
	}
	if pharmacist {
		d.Notify = append(d.Notify, RolePharmacist)
	}
	if social {
		d.Notify = append(d.Notify, RoleSocialWorker)
	}
	slices.Sort(d.Notify)
	return d
}

func (r *Router) applyPolicy(d *Decision, c Content, findings []findingKey) {
	p := &r.policy
	raise := func(t Tier, msg, item, rule string) {
		d.Reasons = append(d.Reasons, Reason{Code: ReasonPolicy, Tier: t, Message: msg, ItemID: item, RuleID: rule})
		d.Tier = max(d.Tier, t)
	}
	if p.MinimumTier != 0 {
		raise(p.MinimumTier, "policy minimum tier", "", "")
	}
	if t, ok := p.ContentKinds[c.Kind]; ok {
		raise(t, fmt.Sprintf("policy for content kind %s", c.Kind), "", "")
	}
	for _, it := range c.Items {
		if t, ok := p.ItemKinds[it.Kind]; ok {
			raise(t, fmt.Sprintf("policy for %s items", it.Kind), it.ID, "")
		}
	}
	for _, f := range findings {
		if t, ok := p.Severities[f.severity]; ok {
			raise(t, fmt.Sprintf("policy for %s findings", f.severity), "", f.rule)
		}
		if t, ok := p.Categories[f.category]; ok {
			raise(t, fmt.Sprintf("policy for %s findings", f.category), "", f.rule)
		}
		if t, ok := p.Rules[f.rule]; ok {
			raise(t, fmt.Sprintf("policy for rule %s", f.rule), "", f.rule)
		}
	}
}
