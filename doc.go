// Package careguard generates clinical content with language models, safely:
// care plans for patients with several chronic conditions first.
//
// A [Pipeline] wires the stages together for the common case:
//
//	patient.Record -> Drafter -> careplan.Draft -> validate -> riskroute -> Decision
//
// The record (package patient) is typed and immutable, and every fact in it
// has a short ID ("C1", "M3", "L7") that generated content cites. The
// drafter is either a language model behind careplan.Generator, whose reply
// is validated against a JSON Schema and the record and repaired by
// re-asking, or careplan.GuidelineDrafter, deterministic cited rules with no
// model at all (the default). Validators (package validate) return findings
// with severities and sources. The router (package riskroute) computes the
// review tier from the draft's structure and the findings, never from free
// text: administrative content may auto-approve, care plans need a nurse,
// medication changes and diagnostic impressions a physician, and a critical
// finding always reaches a physician. A deployer's policy may raise tiers
// but never lower them.
//
// Before a prompt leaves the process for a provider that does not declare
// itself local (providers.Locality), the pipeline pseudonymizes the record
// with package deid: identifiers become typed placeholders, dates shift, the
// prompt is checked for leftovers before it is sent, and the reply is
// restored before it is validated ([Options].Deidentify).
//
// Every stage is replaceable through [Options] except the router's safety
// floor.
//
// # Errors
//
// [Pipeline.Run] returns an error wrapping [ErrNoDraft] when no drafter
// produced a draft; for a model this wraps a *careplan.GenerationError with
// every attempt. Validator failures do not fail a run: they make the report
// incomplete, and incomplete reports route to physician review.
//
// # Concurrency
//
// A [Pipeline] is safe for concurrent use by multiple goroutines when its
// drafters and checker are; the ones careguard ships are.
package careguard
