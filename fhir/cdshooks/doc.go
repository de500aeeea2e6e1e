// Package cdshooks serves careguard as a CDS Hooks 2.0 service: an
// [http.Handler] with discovery, a patient-view service that drafts a care
// plan and shows its findings, an order-sign service that checks draft
// MedicationRequests against the patient's record, and a feedback
// endpoint.
//
//	svc, err := cdshooks.New(nil) // the full validator set, the guideline drafter, no policy
//	http.Handle("/cds-services", svc)
//	http.Handle("/cds-services/", svc)
//
// The service reads only prefetched data and never calls the EHR's FHIR
// server, so it never needs or uses the access token the EHR may send.
// The prefetch is decoded with package fhir as of the current time (the
// Now option).
//
// # Validation and routing
//
// By default drafts and draft orders are checked with
// validate.NewRunner(validate.DefaultValidators(), nil): grounding,
// medication safety, care-plan completeness, PHI and prompt injection, the
// same set the careguard pipeline runs. A deployer's Checker replaces it.
// A checker error is never dropped: if the report it returns reads
// complete, the error is added to it as a failure (see
// validate.Report.WithFailure), and an incomplete report is answered with
// a critical card saying the draft or order was not fully checked.
//
// On patient-view the draft plan is routed with riskroute (the Policy
// option raises tiers) exactly as the pipeline routes it; the plan card
// states the tier and its reasons, and its suggestion saves the plan with
// a review Task for that tier (fhir.Export, which never requests less
// than the safety floor).
//
// On order-sign, each draft MedicationRequest becomes a medication start
// in a careplan.Draft (kind care-plan change), which the checker
// validates against the record and the router routes with the same
// policy. Every medication start needs a physician by structure; the
// signing prescriber is that review, so the structural part of the
// decision is not shown. What the findings require is: each finding
// becomes a card, and a finding for which the policy requires more review
// than its severity shows is raised to that tier's indicator (physician
// review critical, nurse review warning) with a line saying so; incomplete
// validation, which routes to a physician, is a critical card. Entries of
// context.draftOrders are read once each with fhir.ParseResource, whose Go
// type decides both whether an entry is an order to check and what a
// medicationReference resolves to; entries of types package fhir does not
// model are ignored. A MedicationRequest with doNotPerform set forbids the
// drug rather than starting it: it is not checked, and an info card lists
// every such order so that silence is never mistaken for a check.
//
// # Cards
//
// Cards follow the specification: a summary of fewer than 140
// characters, an indicator, a source naming the rule's citation and URL,
// Markdown detail with the rule, the record facts used and their FHIR
// references, and suggestions (removing a draft order; saving the draft
// care plan) with a selection behavior. Empty optional fields are omitted.
// A finding's indicator is its severity (info, warning, critical), raised
// by the policy as above. The patient-view plan card is info whatever its
// tier: a draft awaiting review is information for the clinician, not an
// alert about the patient, and its summary names the review it needs; its
// findings and an incomplete validation have cards of their own with
// their own indicators.
//
// # Errors
//
// Every error answer has a JSON body {"error": "..."} whose text never
// holds record content: 400 for a malformed request or prefetch
// (including a request, context or draft-order resource that repeats a
// key exactly or up to case, which readers would read differently, and a
// medicationReference that is ambiguous or names something other than a
// Medication), 404 for an unknown service, 405 for a wrong method, 412
// when required prefetch is missing or null, 413 for an oversized body,
// 500 when no draft can be made (patient-view) or feedback cannot be
// stored, and 503 when the request's context ends (the client went away)
// before the answer is ready. [New] returns the policy's errors from
// riskroute.New.
//
// # Concurrency
//
// A [Service] is safe for concurrent use by multiple goroutines when its
// Checker, Drafter and FeedbackSink are; the defaults are. It logs one
// event per request with the service, hook, status and card count, never
// record content or tokens.
package cdshooks
