package cdshooks

import (
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
	// Checker validates drafts. Default: a validate.Runner over the
	// grounding validator alone. Deployers pass
	// validate.NewRunner(careguard.DefaultValidators(), nil) to run the
	// same validators as the pipeline (this package cannot import the
	// root package).
	Checker Checker
	// Drafter drafts the care plan shown on patient-view. Default: the
	// guideline drafter (careplan.NewGuidelineDrafter) on the Now clock,
	// with no model.
	Drafter Drafter
	// Policy raises review tiers above the safety floor; nil adds nothing.
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
// null is answered with 412. Malformed requests get 400, all errors a JSON
// body {"error": "..."} whose text never holds record content.
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
		s.checker = validate.NewRunner([]validate.Validator{validate.NewGrounding(nil)}, nil)
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

func (s *Service) patientView(ctx context.Context, req *Request, res *fhir.Result) (*Response, *httpError) {
	d, err := s.drafter.Draft(ctx, res.Record)
	if err != nil || d == nil || d.Plan == nil {
		return nil, &httpError{status: http.StatusInternalServerError, msg: "no draft could be made"}
	}
	rep, _ := s.checker.Run(ctx, &validate.Input{Record: res.Record, Draft: d})
	dec := s.router.RouteDraft(d, rep)
	resp := &Response{Cards: []Card{s.planCard(req, res, d, rep, dec)}}
	resp.Cards = append(resp.Cards, findingCards(req, res, rep, nil)...)
	if rep == nil || !rep.Complete() {
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

func incompleteCard(req *Request) Card {
	return Card{UUID: cardUUID(req.HookInstance, "incomplete"), Indicator: IndicatorWarning,
		Summary: "careguard could not complete every check; review as if unchecked.",
		Detail:  "At least one validator did not run to completion, so the absence of a finding is not evidence of safety. The draft routes to physician review.",
		Source:  Source{Label: "careguard validation runner"}}
}

// findingCards makes a card per finding. orderIDs maps plan item IDs
// ("medication-1") to the draft order they stand for, for suggestions.
func findingCards(req *Request, res *fhir.Result, rep *validate.Report, orderIDs map[string]string) []Card {
	if rep == nil {
		return nil
	}
	var out []Card
	for _, f := range rep.Findings {
		key := f.RuleID + "|" + strings.Join(f.ItemIDs, ",") + "|" + strings.Join(f.FactIDs, ",") + "|" + f.Message
		card := Card{UUID: cardUUID(req.HookInstance, key), Summary: clip(f.Message), Indicator: indicator(f.Severity),
			Source: Source{Label: nonEmpty(f.Source.Citation, "careguard rule "+f.RuleID), URL: f.Source.URL}}
		var b strings.Builder
		b.WriteString(markdown(f.Message))
		if f.Suggestion != "" {
			fmt.Fprintf(&b, "\n\n**Suggestion:** %s", markdown(f.Suggestion))
		}
		fmt.Fprintf(&b, "\n\n**Rule:** `%s` (%s, %s)", strings.ReplaceAll(f.RuleID, "`", ""), f.Severity, f.Category)
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
		if f.Severity >= validate.SeverityWarning {
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
	plan, orderIDs, herr := ordersPlan(res, orders)
	if herr != nil {
		return nil, herr
	}
	if len(plan.MedicationChanges) == 0 {
		return &Response{Cards: []Card{}}, nil
	}
	d := &careplan.Draft{Kind: careplan.KindCarePlanChange, Plan: plan, Origin: careplan.Origin("clinician-order"),
		Generator: "cdshooks/order-sign", RecordFingerprint: res.Record.Fingerprint(), AsOf: res.Record.AsOf(), Created: s.now()}
	rep, _ := s.checker.Run(ctx, &validate.Input{Record: res.Record, Draft: d})
	if ctx.Err() != nil {
		return nil, &httpError{status: http.StatusServiceUnavailable, msg: "request cancelled"}
	}
	resp := &Response{Cards: findingCards(req, res, rep, orderIDs)}
	if rep == nil || !rep.Complete() {
		resp.Cards = append(resp.Cards, incompleteCard(req))
	}
	if resp.Cards == nil {
		resp.Cards = []Card{}
	}
	return resp, nil
}

// ordersPlan turns the draft MedicationRequests of context.draftOrders into
// a plan of medication starts. Each cites the record conditions its
// reasonReference names, or the demographics (D1) when it names none.
func ordersPlan(res *fhir.Result, orders json.RawMessage) (*careplan.Plan, map[string]string, *httpError) {
	r, err := fhir.ParseResource(orders)
	if err != nil {
		return nil, nil, badRequest("context.draftOrders: %s", strings.TrimPrefix(err.Error(), "fhir: "))
	}
	b, ok := r.(*fhir.Bundle)
	if !ok {
		return nil, nil, badRequest("context.draftOrders must be a Bundle")
	}
	bySource := map[string]string{}
	for _, c := range res.Record.Conditions() {
		if c.SourceID != "" {
			bySource[c.SourceID] = c.ID
		}
	}
	resources := map[string]json.RawMessage{}
	for _, e := range b.Entry {
		typ, id := header(e.Resource)
		if e.FullURL != "" {
			resources[e.FullURL] = e.Resource
		}
		if typ != "" && id != "" {
			resources[typ+"/"+id] = e.Resource
		}
	}
	plan := &careplan.Plan{Summary: "Draft medication orders from the EHR, checked before signing."}
	orderIDs := map[string]string{}
	for i, e := range b.Entry {
		if typ, _ := header(e.Resource); typ != "MedicationRequest" {
			continue
		}
		x, err := fhir.ParseResource(e.Resource)
		if err != nil {
			return nil, nil, badRequest("context.draftOrders entry %d: %s", i, strings.TrimPrefix(err.Error(), "fhir: "))
		}
		mr := x.(*fhir.MedicationRequest)
		code, herr := orderCode(mr, resources, i)
		if herr != nil {
			return nil, nil, herr
		}
		mc := careplan.MedicationChange{Action: careplan.ActionStart, Medication: code.Display,
			Rationale: "Ordered by the clinician in the EHR.", Dose: doseOf(mr)}
		if code.System == terminology.SystemRxNorm {
			mc.RxNorm = code.Code
		}
		if mc.Medication == "" {
			mc.Medication = code.Code
		}
		for _, ref := range mr.ReasonReference {
			if id, ok := bySource[ref.Reference]; ok {
				mc.Citations = append(mc.Citations, id)
			}
		}
		if len(mc.Citations) == 0 {
			mc.Citations = []string{patient.DemographicsID}
		}
		plan.MedicationChanges = append(plan.MedicationChanges, mc)
		orderIDs["medication-"+strconv.Itoa(len(plan.MedicationChanges))] = mr.ID
	}
	return plan, orderIDs, nil
}

func header(raw json.RawMessage) (typ, id string) {
	var h struct {
		ResourceType string `json:"resourceType"`
		ID           string `json:"id"`
	}
	_ = json.Unmarshal(raw, &h)
	return h.ResourceType, h.ID
}

// orderCode resolves a draft order's medication[x].
func orderCode(mr *fhir.MedicationRequest, resources map[string]json.RawMessage, entry int) (terminology.Code, *httpError) {
	cc := mr.MedicationCodeableConcept
	if cc == nil && mr.MedicationReference != nil {
		ref := mr.MedicationReference.Reference
		var raw json.RawMessage
		if id, ok := strings.CutPrefix(ref, "#"); ok {
			for _, c := range mr.Contained {
				if typ, cid := header(c); typ == "Medication" && cid == id {
					raw = c
				}
			}
		} else {
			raw = resources[ref]
		}
		if raw == nil {
			return terminology.Code{}, badRequest("context.draftOrders entry %d: medicationReference does not resolve", entry)
		}
		x, err := fhir.ParseResource(raw)
		m, ok := x.(*fhir.Medication)
		if err != nil || !ok {
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
