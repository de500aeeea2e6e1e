package careplan

import (
	"time"

	"github.com/careguard/careguard/providers"
)

// Kind is the kind of content a draft is.
type Kind string

// The draft kinds.
const (
	// KindCarePlan is a new care plan.
	KindCarePlan Kind = "care_plan"
	// KindCarePlanChange revises a plan the patient already has.
	KindCarePlanChange Kind = "care_plan_change"
)

// Origin says what produced a draft.
type Origin string

// The origins.
const (
	// OriginModel: a language model through a providers.Provider.
	OriginModel Origin = "model"
	// OriginGuideline: the deterministic guideline drafter; no model.
	OriginGuideline Origin = "guideline"
)

// Draft is a generated care plan awaiting validation, routing and review,
// with everything needed to audit how it was made.
//
// A Draft holds patient information: treat it, and the raw replies in its
// attempts, as PHI.
type Draft struct {
	Kind   Kind   `json:"kind"`
	Plan   *Plan  `json:"plan"`
	Origin Origin `json:"origin"`
	// Generator names and versions the code that made the draft
	// ("careplan.Generator", "careplan.GuidelineDrafter/2026-11-23.1").
	Generator string `json:"generator"`
	// Provider and Model name the model that answered, for OriginModel.
	Provider string `json:"provider,omitempty"`
	Model    string `json:"model,omitempty"`
	// PromptVersion is the prompt template version, for OriginModel.
	PromptVersion string `json:"prompt_version,omitempty"`
	// RecordFingerprint identifies the record whose fact IDs the plan
	// cites (patient.Record.Fingerprint).
	RecordFingerprint string    `json:"record_fingerprint"`
	AsOf              time.Time `json:"as_of"`
	Created           time.Time `json:"created"`
	// Attempts lists every call made to the model, in order.
	Attempts []Attempt `json:"attempts,omitempty"`
	// Usage is the token usage summed over the attempts.
	Usage providers.Usage `json:"usage"`
}

// Outcome is how one attempt ended.
type Outcome string

// The outcomes.
const (
	OutcomeAccepted      Outcome = "accepted"       // the reply became the plan
	OutcomeInvalid       Outcome = "invalid"        // the reply broke the schema or the record; repaired by re-asking
	OutcomeTruncated     Outcome = "truncated"      // the reply hit the token limit; re-asked
	OutcomeEmpty         Outcome = "empty"          // the reply was empty; re-asked
	OutcomeRefused       Outcome = "refused"        // the model declined; generation stopped
	OutcomeFiltered      Outcome = "content_filter" // the vendor withheld the reply; generation stopped
	OutcomeProviderError Outcome = "provider_error" // the call failed; generation stopped
)

// Attempt is one call to the model.
type Attempt struct {
	// N counts attempts from 1.
	N            int                    `json:"n"`
	Outcome      Outcome                `json:"outcome"`
	FinishReason providers.FinishReason `json:"finish_reason,omitempty"`
	Usage        providers.Usage        `json:"usage"`
	Model        string                 `json:"model,omitempty"`
	Duration     time.Duration          `json:"duration"`
	// Reply is the model's raw text. It may hold patient information.
	Reply string `json:"reply,omitempty"`
	// Violations says why the reply was rejected, for OutcomeInvalid.
	Violations []Violation `json:"violations,omitempty"`
	// Err is the provider's error, for OutcomeProviderError. It is never
	// sent back to the model.
	Err error `json:"-"`
}
