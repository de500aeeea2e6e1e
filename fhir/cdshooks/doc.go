// Package cdshooks serves careguard as a CDS Hooks 2.0 service: an
// [http.Handler] with discovery, a patient-view service that drafts a care
// plan and shows its findings, an order-sign service that checks draft
// MedicationRequests against the patient's record, and a feedback
// endpoint.
//
//	svc, err := cdshooks.New(&cdshooks.Options{
//		Checker: validate.NewRunner(careguard.DefaultValidators(), nil),
//	})
//	http.Handle("/cds-services", svc)
//	http.Handle("/cds-services/", svc)
//
// The service reads only prefetched data and never calls the EHR's FHIR
// server, so it never needs or uses the access token the EHR may send.
// The prefetch is decoded with package fhir as of the current time (the
// Now option). On order-sign, each draft MedicationRequest becomes a
// medication start in a careplan.Draft, which the configured checker
// validates against the record and the router routes, exactly as a plan
// item would be; each finding becomes a card.
//
// Cards follow the specification: a summary of fewer than 140
// characters, an indicator (info, warning or critical, the finding's
// severity), a source naming the rule's citation and URL, Markdown detail
// with the rule, the record facts used and their FHIR references, and
// suggestions (removing a draft order; saving the draft care plan) with a
// selection behavior. Empty optional fields are omitted.
//
// # Errors
//
// Every error answer has a JSON body {"error": "..."} whose text never
// holds record content: 400 for a malformed request or prefetch, 404 for
// an unknown service, 405 for a wrong method, 412 when required prefetch
// is missing or null, 413 for an oversized body, and 500 when no draft can
// be made or feedback cannot be stored. [New] returns the policy's errors
// from riskroute.New.
//
// # Concurrency
//
// A [Service] is safe for concurrent use by multiple goroutines when its
// Checker, Drafter and FeedbackSink are; the defaults are. It logs one
// event per request with the service, hook, status and card count, never
// record content or tokens.
package cdshooks
