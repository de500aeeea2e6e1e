package cdshooks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/careguard/careguard/careplan"
	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/terminology"
	"github.com/careguard/careguard/validate"
)

// The service IDs and hooks.
const (
	ServicePatientView = "careguard-care-plan"
	ServiceOrderSign   = "careguard-order-check"
	HookPatientView    = "patient-view"
	HookOrderSign      = "order-sign"
)

// Checker validates a draft against its record. *validate.Runner
// implements it. Implementations must be safe for concurrent use by
// multiple goroutines.
type Checker interface {
	Run(ctx context.Context, in *validate.Input) (*validate.Report, error)
}

// Drafter drafts a care plan for a record. *careplan.GuidelineDrafter and
// *careplan.Generator implement it. Implementations must be safe for
// concurrent use by multiple goroutines.
type Drafter interface {
	Draft(ctx context.Context, rec *patient.Record) (*careplan.Draft, error)
}

// FeedbackSink receives the feedback an EHR posts. Implementations must be
// safe for concurrent use by multiple goroutines; a returned error is
// answered with 500.
type FeedbackSink interface {
	Feedback(ctx context.Context, serviceID string, feedback []Feedback) error
}

// Options configures a Service. The zero value (or nil) gives the defaults
// noted on each field.
type Options struct {
	// Checker validates drafts and draft orders. Default:
	// validate.NewRunner(validate.DefaultValidators(), nil), the full set
	// the pipeline runs (grounding, medication safety, completeness, PHI
	// and prompt injection). A checker error with a report that reads
	// complete is added to the report as a failure, so the result is
	// treated as unchecked, never as clean.
	Checker Checker
	// Drafter drafts the care plan shown on patient-view. Default: the
	// guideline drafter (careplan.NewGuidelineDrafter) on the Now clock,
	// with no model.
	Drafter Drafter
	// Policy raises review tiers above the safety floor, on patient-view
	// plans and on the findings of both services; nil adds nothing.
	Policy *riskroute.Policy
	// Now is the clock: a request's record is as of Now(). Default
	// time.Now.
	Now func() time.Time
	// Decode bounds the prefetched documents (MaxBytes, MaxDepth,
	// MaxErrors, ExtraCodeSystems); AsOf is ignored and set from Now.
	Decode *fhir.DecodeOptions
	// MaxRequestBytes bounds a request body. Default 16 MiB.
	MaxRequestBytes int64
	// Feedback receives card feedback. Default: accepted and discarded.
	Feedback FeedbackSink
	// Logger receives one event per request: service, hook, status,
	// counts and error classes, never record content or tokens. Default:
	// discard.
	Logger *slog.Logger
}

// Service is a CDS Hooks 2.0 service as an http.Handler: discovery at GET
// /cds-services, the patient-view service (a draft care plan and its
// findings) and the order-sign service (draft MedicationRequests checked
// against the record) at POST /cds-services/{id}, and feedback at POST
// /cds-services/{id}/feedback. Mount it at the service base URL (use
// http.StripPrefix for a sub-path).
//
// The service never calls the EHR's FHIR server: everything it reads comes
// in the request's prefetch, and a required prefetch that is missing or
// null is answered with 412. Malformed requests get 400 and a request
// cancelled before its answer is ready 503; all errors have a JSON body
// {"error": "..."} whose text never holds record content (see the package
// documentation for the full list).
//
// A Service is safe for concurrent use by multiple goroutines when its
// Checker, Drafter and FeedbackSink are.
type Service struct {
	checker  Checker
	drafter  Drafter
	router   *riskroute.Router
	now      func() time.Time
	decode   fhir.DecodeOptions
	maxBody  int64
	feedback FeedbackSink
	log      *slog.Logger
}

var _ http.Handler = (*Service)(nil)

// New returns a service. It fails only when the policy is invalid (see
// riskroute.New).
func New(opts *Options) (*Service, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	router, err := riskroute.New(o.Policy)
	if err != nil {
		return nil, fmt.Errorf("cdshooks: %w", err)
	}
	s := &Service{checker: o.Checker, drafter: o.Drafter, router: router, now: o.Now, maxBody: o.MaxRequestBytes,
		feedback: o.Feedback, log: o.Logger}
	if o.Decode != nil {
		s.decode = *o.Decode
	}
	if s.checker == nil {
		s.checker = validate.NewRunner(validate.DefaultValidators(), nil)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.drafter == nil {
		s.drafter = careplan.NewGuidelineDrafter(&careplan.DrafterOptions{Now: s.now})
	}
	if s.maxBody <= 0 {
		s.maxBody = 16 << 20
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Services describes the services offered, as discovery returns them.
func (s *Service) Services() []ServiceDescription {
	return []ServiceDescription{
		{Hook: HookPatientView, ID: ServicePatientView, Title: "careguard care plan",
			Description: "Drafts a care plan from the patient's record with cited guideline rules, validates it, and says which clinician must review it.",
			Prefetch: map[string]string{
				"patient":      "Patient/{{context.patientId}}",
				"conditions":   "Condition?patient={{context.patientId}}",
				"medications":  "MedicationRequest?patient={{context.patientId}}",
				"observations": "Observation?patient={{context.patientId}}&category=laboratory,vital-signs",
				"allergies":    "AllergyIntolerance?patient={{context.patientId}}",
			}},
		{Hook: HookOrderSign, ID: ServiceOrderSign, Title: "careguard medication order check",
			Description: "Checks draft medication orders against the patient's record with careguard's validators before they are signed.",
			Prefetch: map[string]string{
				"patient":      "Patient/{{context.patientId}}",
				"conditions":   "Condition?patient={{context.patientId}}",
				"medications":  "MedicationRequest?patient={{context.patientId}}",
				"observations": "Observation?patient={{context.patientId}}&category=laboratory",
				"allergies":    "AllergyIntolerance?patient={{context.patientId}}",
			}},
	}
}

// requiredPrefetch lists the prefetch keys both services need; allergies
// are optional (the record then has none).
func requiredPrefetch() []string {
	return []string{"patient", "conditions", "medications", "observations"}
}

// httpError is an error answer.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, args ...any) *httpError {
	return &httpError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// ServeHTTP implements http.Handler.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	path := strings.TrimSuffix(r.URL.Path, "/")
	rest, ok := strings.CutPrefix(path, "/cds-services")
	service, hook := "", ""
	var status int
	var out any
	var herr *httpError
	switch {
	case !ok || (rest != "" && rest[0] != '/'):
		herr = &httpError{status: http.StatusNotFound, msg: "not found"}
	case rest == "":
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", http.MethodGet)
			herr = &httpError{status: http.StatusMethodNotAllowed, msg: "use GET for discovery"}
			break
		}
		out = Discovery{Services: s.Services()}
	default:
		id, feedback := strings.CutSuffix(rest[1:], "/feedback")
		service = id
		if id != ServicePatientView && id != ServiceOrderSign {
			herr = &httpError{status: http.StatusNotFound, msg: "no such service"}
			break
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			herr = &httpError{status: http.StatusMethodNotAllowed, msg: "use POST"}
			break
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
		if err != nil {
			if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
				herr = &httpError{status: http.StatusRequestEntityTooLarge, msg: "request body too large"}
			} else {
				herr = badRequest("could not read the request body")
			}
			break
		}
		if feedback {
			herr = s.serveFeedback(r.Context(), id, body)
			break
		}
		var resp *Response
		resp, hook, herr = s.call(r.Context(), id, body)
		if herr == nil {
			out = resp
		}
	}
	if herr != nil {
		status = herr.status
		out = errorBody{Error: herr.msg}
	} else {
		status = http.StatusOK
	}
	cards := -1
	if resp, ok := out.(*Response); ok {
		cards = len(resp.Cards)
	}
	if out != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(out)
	} else {
		w.WriteHeader(status)
	}
	attrs := []slog.Attr{slog.String("method", r.Method), slog.String("service", service), slog.String("hook", hook),
		slog.Int("status", status), slog.Duration("duration", time.Since(start))}
	if cards >= 0 {
		attrs = append(attrs, slog.Int("cards", cards))
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "cdshooks: request", attrs...)
}

// call serves a hook call.
func (s *Service) call(ctx context.Context, service string, body []byte) (*Response, string, *httpError) {
	var req Request
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, "", badRequest("the body is not a CDS Hooks request: invalid JSON")
	}
	if repeatsKey(body) {
		return nil, "", badRequest("the request repeats a key, exactly or up to case")
	}
	want := HookPatientView
	if service == ServiceOrderSign {
		want = HookOrderSign
	}
	switch {
	case req.Hook == "":
		return nil, "", badRequest("hook is required")
	case req.Hook != want:
		return nil, "", badRequest("service %s answers the %s hook", service, want)
	case !validUUID(req.HookInstance):
		return nil, req.Hook, badRequest("hookInstance must be a UUID")
	case len(req.Context) == 0 || string(req.Context) == "null":
		return nil, req.Hook, badRequest("context is required")
	}
	var hc hookContext
	if err := json.Unmarshal(req.Context, &hc); err != nil {
		return nil, req.Hook, badRequest("context is not a JSON object of the hook's fields")
	}
	if repeatsKey(req.Context) {
		return nil, req.Hook, badRequest("context repeats a key, exactly or up to case")
	}
	if strings.TrimSpace(hc.PatientID) == "" {
		return nil, req.Hook, badRequest("context.patientId is required")
	}
	if strings.TrimSpace(hc.UserID) == "" {
		return nil, req.Hook, badRequest("context.userId is required")
	}
	var orders json.RawMessage
	if service == ServiceOrderSign {
		if len(hc.DraftOrders) == 0 || string(hc.DraftOrders) == "null" {
			return nil, req.Hook, badRequest("context.draftOrders is required")
		}
		orders = hc.DraftOrders
	}
	res, herr := s.record(ctx, &req, hc.PatientID)
	if herr != nil {
		return nil, req.Hook, herr
	}
	if service == ServicePatientView {
		resp, herr := s.patientView(ctx, &req, res)
		return resp, req.Hook, herr
	}
	resp, herr := s.orderSign(ctx, &req, res, orders)
	return resp, req.Hook, herr
}

// record decodes the prefetch into a record as of now.
func (s *Service) record(ctx context.Context, req *Request, patientID string) (*fhir.Result, *httpError) {
	keys := requiredPrefetch()
	var missing []string
	for _, k := range keys {
		if v, ok := req.Prefetch[k]; !ok || len(v) == 0 || string(v) == "null" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, &httpError{status: http.StatusPreconditionFailed, msg: "required prefetch missing: " + strings.Join(missing, ", ")}
	}
	if v, ok := req.Prefetch["allergies"]; ok && len(v) > 0 && string(v) != "null" {
		keys = append(keys, "allergies")
	}
	docs := make([][]byte, len(keys))
	for i, k := range keys {
		docs[i] = req.Prefetch[k]
	}
	o := s.decode
	o.AsOf = s.now()
	res, err := fhir.DecodeAll(ctx, docs, &o)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &httpError{status: http.StatusServiceUnavailable, msg: "request cancelled"}
		}
		var de *fhir.DecodeError
		if errors.As(err, &de) && de.Doc >= 0 && de.Doc < len(keys) {
			// DecodeError messages quote no values.
			return nil, badRequest("prefetch %s: %s", keys[de.Doc], strings.TrimPrefix(de.Error(), "fhir: "))
		}
		return nil, badRequest("prefetch: %s", strings.TrimPrefix(err.Error(), "fhir: "))
	}
	if res.Patient != "Patient/"+patientID {
		return nil, badRequest("prefetch patient is not context.patientId")
	}
	return res, nil
}

// errCancelled answers a request whose context ended before it was served.
func errCancelled() *httpError {
	return &httpError{status: http.StatusServiceUnavailable, msg: "request cancelled"}
}

// check runs the checker. A checker error that comes with a report reading
// complete is added to the report as a failure, so the draft is treated as
// not fully checked (and routed to a physician), never as clean.
func (s *Service) check(ctx context.Context, rec *patient.Record, d *careplan.Draft) *validate.Report {
	rep, err := s.checker.Run(ctx, &validate.Input{Record: rec, Draft: d})
	if err != nil && rep.Complete() {
		rep = rep.WithFailure("checker", err)
	}
	return rep
}

func (s *Service) patientView(ctx context.Context, req *Request, res *fhir.Result) (*Response, *httpError) {
	d, err := s.drafter.Draft(ctx, res.Record)
	if ctx.Err() != nil {
		return nil, errCancelled()
	}
	if err != nil || d == nil || d.Plan == nil {
		return nil, &httpError{status: http.StatusInternalServerError, msg: "no draft could be made"}
	}
	rep := s.check(ctx, res.Record, d)
	if ctx.Err() != nil {
		return nil, errCancelled()
	}
	dec := s.router.RouteDraft(d, rep)
	resp := &Response{Cards: []Card{s.planCard(req, res, d, rep, dec)}}
	resp.Cards = append(resp.Cards, findingCards(req, res, rep, dec, nil)...)
	if !rep.Complete() {
		resp.Cards = append(resp.Cards, incompleteCard(req))
	}
	return resp, nil
}

func (s *Service) planCard(req *Request, res *fhir.Result, d *careplan.Draft, rep *validate.Report, dec riskroute.Decision) Card {
	p := d.Plan
	recs := p.Len() - len(p.Problems)
	summary := fmt.Sprintf("Draft care plan: %d problems, %d recommendations; needs %s.", len(p.Problems), recs,
		strings.ReplaceAll(dec.Tier.String(), "_", " "))
	var b strings.Builder
	fmt.Fprintf(&b, "Drafted by %s", markdown(d.Generator))
	if d.Origin == careplan.OriginModel {
		fmt.Fprintf(&b, " with model %s (prompt %s)", markdown(d.Model), markdown(d.PromptVersion))
	} else {
		b.WriteString(" from cited guideline rules, with no language model")
	}
	fmt.Fprintf(&b, ", as of %s.\n\n**Review: %s.**", d.AsOf.Format(time.DateOnly), dec.Tier)
	for _, r := range dec.Reasons {
		fmt.Fprintf(&b, "\n- %s", markdown(r.Message))
	}
	b.WriteString("\n\n| item | recommendation | cites | source |\n|---|---|---|---|")
	for _, it := range p.Items() {
		fmt.Fprintf(&b, "\n| %s | %s | %s | %s |", it.ID, markdown(it.Text), markdown(strings.Join(it.Citations, ", ")), markdown(it.Source))
	}
	card := Card{UUID: cardUUID(req.HookInstance, "plan"), Summary: clip(summary), Detail: b.String(), Indicator: IndicatorInfo,
		Source: Source{Label: "careguard care-plan drafter (" + nonEmpty(d.Generator, "unknown") + ")"}}
	bundle, err := fhir.Export(&fhir.ExportInput{Record: res.Record, Draft: d, Report: rep, Decision: dec, Patient: res.Patient}, nil)
	if err == nil {
		sug := Suggestion{Label: "Save the draft care plan for " + strings.ReplaceAll(dec.Tier.String(), "_", " "), UUID: cardUUID(req.HookInstance, "plan-save")}
		for _, e := range bundle.Entry {
			typ := e.Request.URL
			sug.Actions = append(sug.Actions, Action{Type: "create", Description: "Create the draft " + typ, Resource: e.Resource})
		}
		card.Suggestions = []Suggestion{sug}
		card.SelectionBehavior = "at-most-one"
	}
	return card
}

// incompleteCard says that validation did not complete. It is critical:
// an unchecked draft or order routes to a physician, and must not look
// benign.
func incompleteCard(req *Request) Card {
	return Card{UUID: cardUUID(req.HookInstance, "incomplete"), Indicator: IndicatorCritical,
		Summary: "careguard could not complete every check; review as if unchecked.",
		Detail:  "At least one validator did not run to completion, so the absence of a finding is not evidence of safety. The draft routes to physician review.",
		Source:  Source{Label: "careguard validation runner"}}
}

// findingCards makes a card per finding. A finding's indicator is its
// severity's (info, warning, critical), raised to what the routing
// decision's policy asks for its rule (nurse review: warning; physician
// review: critical). orderIDs maps plan item IDs ("medication-1") to the
// draft order they stand for, for suggestions.
func findingCards(req *Request, res *fhir.Result, rep *validate.Report, dec riskroute.Decision, orderIDs map[string]string) []Card {
	if rep == nil {
		return nil
	}
	var out []Card
	for _, f := range rep.Findings {
		key := f.RuleID + "|" + strings.Join(f.ItemIDs, ",") + "|" + strings.Join(f.FactIDs, ",") + "|" + f.Message
		ind := indicator(f.Severity)
		policy := policyTier(dec, f.RuleID)
		if rank(tierIndicator(policy)) > rank(ind) {
			ind = tierIndicator(policy)
		} else {
			policy = 0
		}
		card := Card{UUID: cardUUID(req.HookInstance, key), Summary: clip(f.Message), Indicator: ind,
			Source: Source{Label: nonEmpty(f.Source.Citation, "careguard rule "+f.RuleID), URL: f.Source.URL}}
		var b strings.Builder
		b.WriteString(markdown(f.Message))
		if f.Suggestion != "" {
			fmt.Fprintf(&b, "\n\n**Suggestion:** %s", markdown(f.Suggestion))
		}
		fmt.Fprintf(&b, "\n\n**Rule:** `%s` (%s, %s)", strings.ReplaceAll(f.RuleID, "`", ""), f.Severity, f.Category)
		if policy != 0 {
			fmt.Fprintf(&b, "\n\n**Review:** the routing policy requires %s for this finding.", strings.ReplaceAll(policy.String(), "_", " "))
		}
		if len(f.FactIDs) > 0 {
			b.WriteString("\n\n**Record facts used:**")
			for _, id := range f.FactIDs {
				fact, ok := res.Record.Fact(id)
				src := ""
				if ok {
					src = fhir.SourceOf(fact)
				}
				if src != "" {
					fmt.Fprintf(&b, "\n- %s (%s)", id, markdown(src))
				} else {
					fmt.Fprintf(&b, "\n- %s", id)
				}
			}
		}
		if f.Source.Citation != "" {
			fmt.Fprintf(&b, "\n\n**Source:** %s", markdown(f.Source.Citation))
		}
		card.Detail = b.String()
		if ind != IndicatorInfo {
			for _, item := range f.ItemIDs {
				if id, ok := orderIDs[item]; ok && id != "" {
					card.Suggestions = append(card.Suggestions, Suggestion{Label: "Remove this draft order",
						UUID:    cardUUID(req.HookInstance, key+"|remove|"+id),
						Actions: []Action{{Type: "delete", Description: "Remove the draft order " + id, ResourceID: "MedicationRequest/" + id}}})
				}
			}
			if len(card.Suggestions) > 0 {
				card.SelectionBehavior = "at-most-one"
			}
		}
		out = append(out, card)
	}
	return out
}

func (s *Service) orderSign(ctx context.Context, req *Request, res *fhir.Result, orders json.RawMessage) (*Response, *httpError) {
	o, herr := ordersPlan(res, orders)
	if herr != nil {
		return nil, herr
	}
	resp := &Response{Cards: []Card{}}
	if len(o.plan.MedicationChanges) > 0 {
		d := &careplan.Draft{Kind: careplan.KindCarePlanChange, Plan: o.plan, Origin: careplan.Origin("clinician-order"),
			Generator: "cdshooks/order-sign", RecordFingerprint: res.Record.Fingerprint(), AsOf: res.Record.AsOf(), Created: s.now()}
		rep := s.check(ctx, res.Record, d)
		if ctx.Err() != nil {
			return nil, errCancelled()
		}
		dec := s.router.RouteDraft(d, rep)
		resp.Cards = append(resp.Cards, findingCards(req, res, rep, dec, o.orderIDs)...)
		if !rep.Complete() {
			resp.Cards = append(resp.Cards, incompleteCard(req))
		}
	}
	if len(o.doNotPerform) > 0 {
		resp.Cards = append(resp.Cards, doNotPerformCard(req, o.doNotPerform))
	}
	return resp, nil
}

// doNotPerformCard says which draft orders were not checked because they
// forbid a medication rather than start it.
func doNotPerformCard(req *Request, orders []skippedOrder) Card {
	var b strings.Builder
	b.WriteString("careguard checks draft MedicationRequests as medication starts. These orders have doNotPerform set: " +
		"they forbid the medication rather than start it, so careguard did not check them, and says nothing about them.")
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = o.id
		fmt.Fprintf(&b, "\n- %s", markdown(nonEmpty(o.medication, "unnamed medication")))
		if o.id != "" {
			fmt.Fprintf(&b, " (MedicationRequest/%s)", markdown(o.id))
		}
	}
	summary := "1 draft order is do-not-perform and was not checked as a medication start."
	if len(orders) > 1 {
		summary = strconv.Itoa(len(orders)) + " draft orders are do-not-perform and were not checked as medication starts."
	}
	return Card{UUID: cardUUID(req.HookInstance, "do-not-perform|"+strings.Join(ids, ",")), Indicator: IndicatorInfo,
		Summary: summary, Detail: b.String(), Source: Source{Label: "careguard medication order check"}}
}

// skippedOrder is a draft order that was not checked.
type skippedOrder struct {
	id, medication string
}

// orders is what ordersPlan makes of context.draftOrders.
type orders struct {
	// plan holds a medication start per checked draft MedicationRequest.
	plan *careplan.Plan
	// orderIDs maps the plan's item IDs ("medication-1") to the ids of
	// the orders they stand for.
	orderIDs map[string]string
	// doNotPerform lists the MedicationRequests with doNotPerform set.
	doNotPerform []skippedOrder
}

// ordersPlan turns the draft MedicationRequests of context.draftOrders into
// a plan of medication starts. Each cites the record conditions its
// reasonReference names, or the demographics (D1) when it names none.
//
// Every resource is read once, with fhir.ParseResource, and its Go type is
// the only notion of its type used here: what is checked as an order and
// what a reference resolves to cannot disagree. ParseResource refuses a
// resource whose keys repeat (exactly or up to case), so no reader can
// take it for something else. Entries of types package fhir does not model
// are not orders careguard checks and are skipped.
func ordersPlan(res *fhir.Result, raw json.RawMessage) (*orders, *httpError) {
	r, err := fhir.ParseResource(raw)
	if err != nil {
		return nil, badRequest("context.draftOrders: %s", strings.TrimPrefix(err.Error(), "fhir: "))
	}
	b, ok := r.(*fhir.Bundle)
	if !ok {
		return nil, badRequest("context.draftOrders must be a Bundle")
	}
	bySource := map[string]string{}
	for _, c := range res.Record.Conditions() {
		if c.SourceID != "" {
			bySource[c.SourceID] = c.ID
		}
	}
	parsed := make([]fhir.Resource, len(b.Entry))
	index := map[string]fhir.Resource{} // by fullUrl and Type/id; nil when ambiguous
	put := func(key string, x fhir.Resource) {
		if _, seen := index[key]; seen {
			x = nil
		}
		index[key] = x
	}
	for i, e := range b.Entry {
		if len(e.Resource) == 0 || string(e.Resource) == "null" {
			continue
		}
		x, err := fhir.ParseResource(e.Resource)
		if errors.Is(err, fhir.ErrResourceType) {
			continue // not a type careguard models: not an order it checks
		}
		if err != nil {
			return nil, badRequest("context.draftOrders entry %d: %s", i, strings.TrimPrefix(err.Error(), "fhir: "))
		}
		parsed[i] = x
		if e.FullURL != "" {
			put(e.FullURL, x)
		}
		if h := x.Header(); h.ID != "" {
			put(h.ResourceType+"/"+h.ID, x)
		}
	}
	out := &orders{plan: &careplan.Plan{Summary: "Draft medication orders from the EHR, checked before signing."}, orderIDs: map[string]string{}}
	for i, x := range parsed {
		mr, ok := x.(*fhir.MedicationRequest)
		if !ok {
			continue
		}
		code, herr := orderCode(mr, index, i)
		name := nonEmpty(code.Display, code.Code)
		if mr.DoNotPerform != nil && *mr.DoNotPerform {
			// A prohibition, not a start: named if it can be, never
			// checked.
			out.doNotPerform = append(out.doNotPerform, skippedOrder{id: mr.ID, medication: name})
			continue
		}
		if herr != nil {
			return nil, herr
		}
		mc := careplan.MedicationChange{Action: careplan.ActionStart, Medication: name,
			Rationale: "Ordered by the clinician in the EHR.", Dose: doseOf(mr)}
		if code.System == terminology.SystemRxNorm {
			mc.RxNorm = code.Code
		}
		for _, ref := range mr.ReasonReference {
			if id, ok := bySource[ref.Reference]; ok {
				mc.Citations = append(mc.Citations, id)
			}
		}
		if len(mc.Citations) == 0 {
			mc.Citations = []string{patient.DemographicsID}
		}
		out.plan.MedicationChanges = append(out.plan.MedicationChanges, mc)
		out.orderIDs["medication-"+strconv.Itoa(len(out.plan.MedicationChanges))] = mr.ID
	}
	return out, nil
}

// orderCode resolves a draft order's medication[x]. index holds the draft
// orders' resources by fullUrl and Type/id.
func orderCode(mr *fhir.MedicationRequest, index map[string]fhir.Resource, entry int) (terminology.Code, *httpError) {
	cc := mr.MedicationCodeableConcept
	if cc == nil && mr.MedicationReference != nil {
		ref := mr.MedicationReference.Reference
		var target fhir.Resource
		found := false
		if id, ok := strings.CutPrefix(ref, "#"); ok {
			for _, c := range mr.Contained {
				x, err := fhir.ParseResource(c)
				if err != nil || x.Header().ID != id {
					continue
				}
				if found {
					return terminology.Code{}, badRequest("context.draftOrders entry %d: medicationReference is ambiguous", entry)
				}
				target, found = x, true
			}
		} else {
			target, found = index[ref]
			if found && target == nil {
				return terminology.Code{}, badRequest("context.draftOrders entry %d: medicationReference is ambiguous", entry)
			}
		}
		if !found {
			return terminology.Code{}, badRequest("context.draftOrders entry %d: medicationReference does not resolve", entry)
		}
		m, ok := target.(*fhir.Medication)
		if !ok {
			return terminology.Code{}, badRequest("context.draftOrders entry %d: medicationReference is not a Medication", entry)
		}
		cc = m.Code
	}
	if cc == nil {
		return terminology.Code{}, badRequest("context.draftOrders entry %d: the order names no medication", entry)
	}
	var pick *fhir.Coding
	for i := range cc.Coding {
		if cc.Coding[i].System == terminology.SystemRxNorm && cc.Coding[i].Code != "" {
			pick = &cc.Coding[i]
			break
		}
	}
	code := terminology.Code{Display: cc.Text}
	if pick != nil {
		code.System, code.Code = pick.System, pick.Code
		if pick.Display != "" {
			code.Display = pick.Display
		}
	}
	if code.Display == "" && code.Code == "" {
		return terminology.Code{}, badRequest("context.draftOrders entry %d: the order names no medication", entry)
	}
	return code, nil
}

func doseOf(mr *fhir.MedicationRequest) string {
	if len(mr.DosageInstruction) > 0 {
		return strings.TrimSpace(mr.DosageInstruction[0].Text)
	}
	return ""
}

func (s *Service) serveFeedback(ctx context.Context, service string, body []byte) *httpError {
	var fr FeedbackRequest
	if err := json.Unmarshal(body, &fr); err != nil {
		return badRequest("the body is not a feedback request: invalid JSON")
	}
	if len(fr.Feedback) == 0 {
		return badRequest("feedback is required")
	}
	for i, f := range fr.Feedback {
		switch {
		case strings.TrimSpace(f.Card) == "":
			return badRequest("feedback[%d].card is required", i)
		case f.Outcome != "accepted" && f.Outcome != "overridden":
			return badRequest("feedback[%d].outcome must be accepted or overridden", i)
		case f.OutcomeTimestamp == "":
			return badRequest("feedback[%d].outcomeTimestamp is required", i)
		}
		if _, err := time.Parse(time.RFC3339, f.OutcomeTimestamp); err != nil {
			return badRequest("feedback[%d].outcomeTimestamp is not an instant", i)
		}
		if f.Outcome == "accepted" && f.OverrideReason != nil {
			return badRequest("feedback[%d]: an accepted card has no override reason", i)
		}
	}
	if s.feedback != nil {
		if err := s.feedback.Feedback(ctx, service, fr.Feedback); err != nil {
			return &httpError{status: http.StatusInternalServerError, msg: "feedback could not be stored"}
		}
	}
	return nil
}

// indicator maps a finding's severity; unknown severities are critical.
func indicator(s validate.Severity) string {
	switch s {
	case validate.SeverityInfo:
		return IndicatorInfo
	case validate.SeverityWarning:
		return IndicatorWarning
	}
	return IndicatorCritical
}

// tierIndicator maps a review tier as CDS Hooks guidance suggests:
// physician review is critical, nurse review a warning, no review info.
// Tiers careguard does not know are critical; 0 (none) is info.
func tierIndicator(t riskroute.Tier) string {
	switch t {
	case 0, riskroute.TierAutoApprove:
		return IndicatorInfo
	case riskroute.TierNurseReview:
		return IndicatorWarning
	}
	return IndicatorCritical
}

// rank orders indicators by urgency.
func rank(indicator string) int {
	switch indicator {
	case IndicatorInfo:
		return 0
	case IndicatorWarning:
		return 1
	}
	return 2
}

// policyTier returns the highest tier the decision's policy entries ask
// for because of findings of the rule; 0 when none do.
func policyTier(dec riskroute.Decision, rule string) riskroute.Tier {
	var t riskroute.Tier
	for _, r := range dec.Reasons {
		if r.Code == riskroute.ReasonPolicy && r.RuleID != "" && r.RuleID == rule {
			t = max(t, r.Tier)
		}
	}
	return t
}

// repeatsKey reports whether the JSON object data has two members whose
// keys are equal exactly or up to case. encoding/json would decode the
// last of them, another reader the first or the exact one.
func repeatsKey(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		k, _ := t.(string)
		f := foldKey(k)
		if seen[f] {
			return true
		}
		seen[f] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

// foldKey folds a key as encoding/json folds field names: two keys fold
// alike exactly when strings.EqualFold says they are equal.
func foldKey(k string) string {
	var b strings.Builder
	for _, r := range k {
		// The smallest rune of r's case-folding orbit stands for all.
		m := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			m = min(m, f)
		}
		b.WriteRune(m)
	}
	return b.String()
}

// clip makes a card summary: one line, fewer than 140 characters, cut at a
// word with an ellipsis.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) < 140 {
		return s
	}
	runes := []rune(s)[:138]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > 80 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.") + "…"
}

// markdown neutralises text for a Markdown table or list: no line breaks,
// pipes or HTML.
func markdown(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

func nonEmpty(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// cardUUID derives a stable UUID (RFC 9562 version 8) from the hook
// instance and a key, so a card's UUID names it in feedback.
func cardUUID(hookInstance, key string) string {
	h := sha256.Sum256([]byte(hookInstance + "\x00" + key))
	h[6] = h[6]&0x0f | 0x80
	h[8] = h[8]&0x3f | 0x80
	s := hex.EncodeToString(h[:16])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// validUUID accepts the 8-4-4-4-12 hexadecimal form.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
