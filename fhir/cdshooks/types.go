package cdshooks

import (
	"encoding/json"

	"github.com/careguard/careguard/fhir"
)

// Discovery is the response of GET /cds-services.
type Discovery struct {
	Services []ServiceDescription `json:"services"`
}

// ServiceDescription describes one CDS service.
type ServiceDescription struct {
	Hook        string            `json:"hook"`
	Title       string            `json:"title,omitempty"`
	Description string            `json:"description"`
	ID          string            `json:"id"`
	Prefetch    map[string]string `json:"prefetch,omitempty"`
}

// Request is a CDS Hooks service call. FHIRAuthorization is accepted but
// never used or logged: the service reads only what the EHR prefetches.
type Request struct {
	Hook              string                     `json:"hook"`
	HookInstance      string                     `json:"hookInstance"`
	FHIRServer        string                     `json:"fhirServer,omitempty"`
	FHIRAuthorization json.RawMessage            `json:"fhirAuthorization,omitempty"`
	Context           json.RawMessage            `json:"context"`
	Prefetch          map[string]json.RawMessage `json:"prefetch,omitempty"`
}

// hookContext is the context of patient-view and order-sign.
type hookContext struct {
	UserID      string          `json:"userId"`
	PatientID   string          `json:"patientId"`
	EncounterID string          `json:"encounterId,omitempty"`
	DraftOrders json.RawMessage `json:"draftOrders,omitempty"`
}

// Response is a service's answer: cards, possibly none.
type Response struct {
	Cards []Card `json:"cards"`
}

// Card is one piece of guidance for the clinician.
type Card struct {
	UUID string `json:"uuid,omitempty"`
	// Summary is one sentence of fewer than 140 characters.
	Summary string `json:"summary"`
	// Detail is GitHub-flavoured Markdown: the rule, the inputs used and
	// the reference, so the clinician can review the basis.
	Detail string `json:"detail,omitempty"`
	// Indicator is info, warning or critical.
	Indicator         string       `json:"indicator"`
	Source            Source       `json:"source"`
	Suggestions       []Suggestion `json:"suggestions,omitempty"`
	SelectionBehavior string       `json:"selectionBehavior,omitempty"`
}

// The card indicators.
const (
	IndicatorInfo     = "info"
	IndicatorWarning  = "warning"
	IndicatorCritical = "critical"
)

// Source is where a card's guidance comes from: the rule's citation.
type Source struct {
	Label string       `json:"label"`
	URL   string       `json:"url,omitempty"`
	Topic *fhir.Coding `json:"topic,omitempty"`
}

// Suggestion is an action the clinician may accept.
type Suggestion struct {
	Label         string   `json:"label"`
	UUID          string   `json:"uuid,omitempty"`
	IsRecommended bool     `json:"isRecommended,omitempty"`
	Actions       []Action `json:"actions,omitempty"`
}

// Action is one change a suggestion makes: create or update Resource, or
// delete ResourceID.
type Action struct {
	Type        string          `json:"type"`
	Description string          `json:"description"`
	Resource    json.RawMessage `json:"resource,omitempty"`
	ResourceID  string          `json:"resourceId,omitempty"`
}

// FeedbackRequest is the body of POST /cds-services/{id}/feedback.
type FeedbackRequest struct {
	Feedback []Feedback `json:"feedback"`
}

// Feedback is what the clinician did with one card.
type Feedback struct {
	Card                string               `json:"card"`
	Outcome             string               `json:"outcome"`
	AcceptedSuggestions []AcceptedSuggestion `json:"acceptedSuggestions,omitempty"`
	OverrideReason      *OverrideReason      `json:"overrideReason,omitempty"`
	OutcomeTimestamp    string               `json:"outcomeTimestamp"`
}

// AcceptedSuggestion names an accepted suggestion by its UUID.
type AcceptedSuggestion struct {
	ID string `json:"id"`
}

// OverrideReason is why a card was overridden.
type OverrideReason struct {
	Reason      *fhir.Coding `json:"reason,omitempty"`
	UserComment string       `json:"userComment,omitempty"`
}

// errorBody is the JSON body of every error response.
type errorBody struct {
	Error string `json:"error"`
}
