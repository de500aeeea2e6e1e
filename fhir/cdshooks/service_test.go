package cdshooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/fhir/cdshooks"
	"github.com/careguard/careguard/riskroute"
	"github.com/careguard/careguard/validate"
)

var now = time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)

const hookInstance = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea"

func prefetch(t testing.TB) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	for _, k := range []string{"patient", "conditions", "medications", "observations", "allergies"} {
		data, err := os.ReadFile(filepath.Join("testdata", "prefetch", k+".json"))
		require.NoError(t, err)
		out[k] = data
	}
	return out
}

func draftOrders(t testing.TB) json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "prefetch", "draft-orders.json"))
	require.NoError(t, err)
	return data
}

func request(hook string, ctx any, pre map[string]json.RawMessage) []byte {
	c, _ := json.Marshal(ctx)
	b, _ := json.Marshal(cdshooks.Request{Hook: hook, HookInstance: hookInstance, Context: c, Prefetch: pre,
		FHIRAuthorization: json.RawMessage(`{"access_token":"secret-token-123","token_type":"Bearer","expires_in":300,"scope":"patient/*.read","subject":"cds"}`)})
	return b
}

type sink struct {
	mu  sync.Mutex
	got []cdshooks.Feedback
	err error
}

func (s *sink) Feedback(_ context.Context, _ string, fb []cdshooks.Feedback) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, fb...)
	return s.err
}

func newService(t *testing.T, opts *cdshooks.Options) (*cdshooks.Service, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	o := cdshooks.Options{}
	if opts != nil {
		o = *opts
	}
	o.Now = func() time.Time { return now }
	o.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	s, err := cdshooks.New(&o)
	require.NoError(t, err)
	return s, &logs
}

func serve(t *testing.T, h http.Handler, method, path string, body []byte) (int, []byte) {
	t.Helper()
	req := httptest.NewRequestWithContext(t.Context(), method, path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Body.Len() > 0 {
		assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
		assert.True(t, json.Valid(rec.Body.Bytes()), "every body is JSON")
	}
	return rec.Code, rec.Body.Bytes()
}

// emptyValues lists the nulls, empty strings, arrays and objects in v, which
// CDS Hooks forbids for optional fields.
func emptyValues(v any, path string) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		out = append(out, path+" null")
	case string:
		if x == "" {
			out = append(out, path+` ""`)
		}
	case []any:
		if len(x) == 0 && path != "/cards" {
			out = append(out, path+" []")
		}
		for i, e := range x {
			b, _ := json.Marshal(i)
			out = append(out, emptyValues(e, path+"/"+string(b))...)
		}
	case map[string]any:
		if len(x) == 0 {
			out = append(out, path+" {}")
		}
		for k, e := range x {
			out = append(out, emptyValues(e, path+"/"+k)...)
		}
	}
	return out
}

func cards(t *testing.T, body []byte) []cdshooks.Card {
	t.Helper()
	var generic any
	require.NoError(t, json.Unmarshal(body, &generic))
	assert.Empty(t, emptyValues(generic, ""), "no null or empty optional fields")
	var resp cdshooks.Response
	require.NoError(t, json.Unmarshal(body, &resp))
	require.NotNil(t, resp.Cards, `"cards" is always present`)
	for _, c := range resp.Cards {
		assert.Less(t, utf8.RuneCountInString(c.Summary), 140, "summary under 140 characters: %q", c.Summary)
		assert.NotContains(t, c.Summary, "\n")
		assert.Contains(t, []string{"info", "warning", "critical"}, c.Indicator)
		assert.NotEmpty(t, c.Source.Label)
		if len(c.Suggestions) > 0 {
			assert.Contains(t, []string{"at-most-one", "any"}, c.SelectionBehavior, "suggestions need a selection behavior")
		}
		assert.Len(t, c.UUID, 36)
	}
	return resp.Cards
}

func TestDiscovery(t *testing.T) {
	s, _ := newService(t, nil)
	code, body := serve(t, s, http.MethodGet, "/cds-services", nil)
	require.Equal(t, http.StatusOK, code)
	var d cdshooks.Discovery
	require.NoError(t, json.Unmarshal(body, &d))
	require.Len(t, d.Services, 2)
	assert.Equal(t, "patient-view", d.Services[0].Hook)
	assert.Equal(t, "order-sign", d.Services[1].Hook)
	for _, sv := range d.Services {
		assert.Equal(t, "Patient/{{context.patientId}}", sv.Prefetch["patient"])
		for _, k := range []string{"conditions", "medications", "observations"} {
			assert.Contains(t, sv.Prefetch[k], "patient={{context.patientId}}", "%s template", k)
		}
	}
	code, _ = serve(t, s, http.MethodGet, "/cds-services/", nil)
	assert.Equal(t, http.StatusOK, code, "a trailing slash is the same path")
}

func TestPatientView(t *testing.T) {
	s, logs := newService(t, nil)
	code, body := serve(t, s, http.MethodPost, "/cds-services/careguard-care-plan",
		request("patient-view", map[string]string{"userId": "Practitioner/9", "patientId": "cg-demo-1"}, prefetch(t)))
	require.Equal(t, http.StatusOK, code, string(body))
	cs := cards(t, body)
	require.NotEmpty(t, cs)
	plan := cs[0]
	assert.Equal(t, "info", plan.Indicator, "a draft awaiting review is information, not an alert")
	assert.Contains(t, plan.Summary, "Draft care plan")
	assert.Contains(t, plan.Summary, "nurse review", "the guideline plan with no findings needs a nurse")
	assert.Contains(t, plan.Detail, "with no language model", "the card says no model wrote it")
	require.Len(t, plan.Suggestions, 1)
	assert.Equal(t, "at-most-one", plan.SelectionBehavior)
	var types []string
	for _, a := range plan.Suggestions[0].Actions {
		assert.Equal(t, "create", a.Type)
		var r struct {
			ResourceType string `json:"resourceType"`
		}
		require.NoError(t, json.Unmarshal(a.Resource, &r))
		types = append(types, r.ResourceType)
	}
	assert.Equal(t, "CarePlan", types[0])
	assert.Contains(t, types, "Task")
	assert.Contains(t, types, "Provenance")

	again, body2 := serve(t, s, http.MethodPost, "/cds-services/careguard-care-plan",
		request("patient-view", map[string]string{"userId": "Practitioner/9", "patientId": "cg-demo-1"}, prefetch(t)))
	require.Equal(t, http.StatusOK, again)
	assert.Equal(t, string(body), string(body2), "the same request gives the same cards (stable UUIDs)")

	for _, phi := range []string{"Quillfeather", "Marisol", "MRN-777001", "1956-08-19", "secret-token-123", "8.4"} {
		assert.NotContains(t, logs.String(), phi, "logs never hold record content or tokens")
	}
	assert.Contains(t, logs.String(), `"status":200`)
}

func TestOrderSign(t *testing.T) {
	s, logs := newService(t, nil)
	ctx := map[string]any{"userId": "Practitioner/9", "patientId": "cg-demo-1", "draftOrders": draftOrders(t)}
	code, body := serve(t, s, http.MethodPost, "/cds-services/careguard-order-check", request("order-sign", ctx, prefetch(t)))
	require.Equal(t, http.StatusOK, code, string(body))
	cs := cards(t, body)
	var dup *cdshooks.Card
	for i := range cs {
		if strings.Contains(cs[i].Detail, validate.RuleStartAlreadyTaking) {
			dup = &cs[i]
		}
	}
	require.NotNil(t, dup, "ordering metformin for a patient who takes it is found: %s", body)
	assert.Equal(t, "warning", dup.Indicator)
	assert.Contains(t, dup.Source.Label, "careguard grounding rules", "the source is the rule's citation")
	require.Len(t, dup.Suggestions, 1)
	assert.Equal(t, "at-most-one", dup.SelectionBehavior)
	assert.Equal(t, []cdshooks.Action{{Type: "delete", Description: "Remove the draft order draft-1", ResourceID: "MedicationRequest/draft-1"}},
		dup.Suggestions[0].Actions)
	for _, c := range cs {
		assert.NotContains(t, c.Detail, "draft-2", "the lisinopril order (contained Medication, known drug, not taken) raises nothing")
	}
	assert.NotContains(t, logs.String(), "Metformin")

	// No medication orders: an empty card list.
	empty := json.RawMessage(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"ServiceRequest","status":"draft","intent":"order"}}]}`)
	ctx["draftOrders"] = empty
	code, body = serve(t, s, http.MethodPost, "/cds-services/careguard-order-check", request("order-sign", ctx, prefetch(t)))
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"cards":[]}`, string(body))

	// A drug whose RxNorm code and name disagree is critical.
	mismatch := json.RawMessage(`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal",
		"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"855332","display":"Digoxin 0.125 MG Oral Tablet"}]}}}]}`)
	ctx["draftOrders"] = mismatch
	code, body = serve(t, s, http.MethodPost, "/cds-services/careguard-order-check", request("order-sign", ctx, prefetch(t)))
	require.Equal(t, http.StatusOK, code)
	cs = cards(t, body)
	found := false
	for _, c := range cs {
		if strings.Contains(c.Detail, validate.RuleCodeNameMismatch) {
			found = true
			assert.Equal(t, "critical", c.Indicator)
		}
	}
	assert.True(t, found, string(body))
}

type failing struct{}

func (failing) Run(context.Context, *validate.Input) (*validate.Report, error) {
	return &validate.Report{Ran: []string{"x"}, Failed: []*validate.ValidatorError{{Validator: "x", Err: errors.New("down")}}}, errors.New("down")
}

// quietlyFailing returns a report that reads complete together with an
// error, as a checker that does not record its own failures would.
type quietlyFailing struct{}

func (quietlyFailing) Run(context.Context, *validate.Input) (*validate.Report, error) {
	return &validate.Report{Ran: []string{"grounding"}, Findings: []validate.Finding{}}, errors.New("interaction database unavailable")
}

// noReport returns no report at all.
type noReport struct{}

func (noReport) Run(context.Context, *validate.Input) (*validate.Report, error) {
	return nil, errors.New("checker down")
}

func TestIncompleteValidation(t *testing.T) {
	orderCtx := map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": draftOrders(t)}
	tests := []struct {
		name    string
		checker cdshooks.Checker
		reason  string
	}{
		{"validator failed", failing{}, "a report listing a failure is incomplete"},
		{"checker error with a complete report", quietlyFailing{}, "the checker's error must not be dropped: the draft was not fully checked"},
		{"no report", noReport{}, "no report is no check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService(t, &cdshooks.Options{Checker: tt.checker})
			code, body := serve(t, s, http.MethodPost, "/cds-services/careguard-care-plan",
				request("patient-view", map[string]string{"userId": "u", "patientId": "cg-demo-1"}, prefetch(t)))
			require.Equal(t, http.StatusOK, code)
			cs := cards(t, body)
			assert.Contains(t, cs[0].Summary, "physician review", "unchecked drafts go to a physician: %s", tt.reason)
			last := cs[len(cs)-1]
			assert.Equal(t, "critical", last.Indicator, "physician review maps to critical; an unchecked draft must not look benign")
			assert.Contains(t, last.Summary, "could not complete", tt.reason)

			code, body = serve(t, s, http.MethodPost, "/cds-services/careguard-order-check", request("order-sign", orderCtx, prefetch(t)))
			require.Equal(t, http.StatusOK, code)
			cs = cards(t, body)
			require.NotEmpty(t, cs, "an unchecked order is never an empty card list: %s", tt.reason)
			last = cs[len(cs)-1]
			assert.Equal(t, "critical", last.Indicator, tt.reason)
			assert.Contains(t, last.Summary, "could not complete", tt.reason)
		})
	}
}

// warfarinNaproxen orders warfarin and naproxen for the demo patient, who
// is 69: a warfarin–NSAID interaction and two Beers criteria.
const warfarinNaproxen = `{"resourceType":"Bundle","type":"collection","entry":[
{"resource":{"resourceType":"MedicationRequest","id":"o1","status":"draft","intent":"proposal","subject":{"reference":"Patient/cg-demo-1"},%s
 "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"855332","display":"Warfarin Sodium 5 MG Oral Tablet"}]},"reasonReference":[{"reference":"Condition/dm2"}]}},
{"resource":{"resourceType":"MedicationRequest","id":"o2","status":"draft","intent":"proposal","subject":{"reference":"Patient/cg-demo-1"},
 "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"849574","display":"Naproxen sodium 220 MG Oral Tablet"}]},"reasonReference":[{"reference":"Condition/dm2"}]}}]}`

func orderSign(t *testing.T, s *cdshooks.Service, orders string) (int, []byte) {
	t.Helper()
	ctx := map[string]any{"userId": "Practitioner/9", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(orders)}
	return serve(t, s, http.MethodPost, "/cds-services/careguard-order-check", request("order-sign", ctx, prefetch(t)))
}

func ruleCard(cs []cdshooks.Card, rule string) *cdshooks.Card {
	for i := range cs {
		if strings.Contains(cs[i].Detail, "`"+rule+"`") {
			return &cs[i]
		}
	}
	return nil
}

// With no Checker option the service runs the full validator set, so
// medication safety is checked by default.
func TestOrderSignChecksMedicationSafetyByDefault(t *testing.T) {
	s, _ := newService(t, nil)
	code, body := orderSign(t, s, fmt.Sprintf(warfarinNaproxen, ""))
	require.Equal(t, http.StatusOK, code, string(body))
	cs := cards(t, body)
	ddi := ruleCard(cs, validate.RuleWarfarinNSAID)
	require.NotNil(t, ddi, "warfarin with an NSAID is found without configuring a checker: %s", body)
	assert.Equal(t, "critical", ddi.Indicator)
	assert.NotNil(t, ruleCard(cs, validate.RuleBeersWarfarin), "the Beers criteria run by default")
}

// A MedicationRequest with doNotPerform forbids the drug: it is not checked
// as a start, and a card says so.
func TestOrderSignDoNotPerform(t *testing.T) {
	s, _ := newService(t, nil)
	code, body := orderSign(t, s, fmt.Sprintf(warfarinNaproxen, `"doNotPerform":true,`))
	require.Equal(t, http.StatusOK, code, string(body))
	cs := cards(t, body)
	assert.Nil(t, ruleCard(cs, validate.RuleWarfarinNSAID), "a warfarin prohibition does not interact with naproxen")
	assert.Nil(t, ruleCard(cs, validate.RuleBeersWarfarin), "nor is it a warfarin start")
	var skipped *cdshooks.Card
	for i := range cs {
		if strings.Contains(cs[i].Summary, "do-not-perform") {
			skipped = &cs[i]
		}
	}
	require.NotNil(t, skipped, "the clinician is told which order was not checked: %s", body)
	assert.Equal(t, "info", skipped.Indicator)
	assert.Contains(t, skipped.Detail, "MedicationRequest/o1")
	assert.Contains(t, skipped.Detail, "Warfarin")

	only := `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"MedicationRequest","id":"o1","status":"draft","intent":"proposal","doNotPerform":true,
		"medicationCodeableConcept":{"text":"aspirin"}}}]}`
	code, body = orderSign(t, s, only)
	require.Equal(t, http.StatusOK, code, string(body))
	cs = cards(t, body)
	require.Len(t, cs, 1, "nothing to check, but the skip is reported")
	assert.Contains(t, cs[0].Summary, "do-not-perform")
}

// The order draft is routed: a finding whose policy entry asks for a
// physician is shown critical, whatever its severity.
func TestOrderSignRoutesFindings(t *testing.T) {
	policy := &riskroute.Policy{Name: "strict-duplicates", Rules: map[string]riskroute.Tier{validate.RuleStartAlreadyTaking: riskroute.TierPhysicianReview}}
	tests := []struct {
		name       string
		policy     *riskroute.Policy
		want       string
		wantReview bool
		reason     string
	}{
		{"no policy", nil, "warning", false, "a warning finding is a warning"},
		{"policy raises the rule", policy, "critical", true, "physician review maps to critical"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService(t, &cdshooks.Options{Policy: tt.policy})
			code, body := orderSign(t, s, string(draftOrders(t)))
			require.Equal(t, http.StatusOK, code, string(body))
			dup := ruleCard(cards(t, body), validate.RuleStartAlreadyTaking)
			require.NotNil(t, dup, string(body))
			assert.Equal(t, tt.want, dup.Indicator, tt.reason)
			if tt.wantReview {
				assert.Contains(t, dup.Detail, "the routing policy requires physician review", "the card says why it is critical")
			} else {
				assert.NotContains(t, dup.Detail, "routing policy")
			}
		})
	}
}

// An order-sign request whose draft orders could be read two ways is
// refused with 400 and a JSON error, never checked as one reading or
// answered with a panic.
func TestOrderSignAmbiguousOrders(t *testing.T) {
	const mr = `"status":"draft","intent":"proposal","subject":{"reference":"Patient/cg-demo-1"},"medicationCodeableConcept":{"text":"warfarin"}`
	entry := func(resource string) string {
		return `{"resourceType":"Bundle","type":"collection","entry":[{"resource":` + resource + `}]}`
	}
	tests := []struct {
		name    string
		orders  string
		wantMsg string
		reason  string
	}{
		{"case-variant resourceType", entry(`{"resourceType":"Medication","resourcetype":"MedicationRequest","id":"x",` + mr + `}`), "draftOrders",
			"encoding/json reads MedicationRequest, the exact key Medication: it used to panic"},
		{"repeated resourceType", entry(`{"resourceType":"MedicationRequest","resourceType":"Medication","id":"x",` + mr + `}`), "draftOrders",
			"readers disagree on which of two equal keys wins"},
		{"case-variant medication", entry(`{"resourceType":"MedicationRequest","id":"x",` + mr + `,"MedicationCodeableConcept":{"text":"aspirin"}}`), "draftOrders",
			"which drug is checked would depend on the reader"},
		{"ambiguous contained", entry(`{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal","medicationReference":{"reference":"#m"},
			"contained":[{"resourceType":"Medication","id":"m","code":{"text":"warfarin"}},{"resourceType":"Medication","id":"m","code":{"text":"aspirin"}}]}`),
			"ambiguous", "two contained Medications share the referenced id"},
		{"ambiguous bundled", `{"resourceType":"Bundle","type":"collection","entry":[
			{"resource":{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal","medicationReference":{"reference":"Medication/m"}}},
			{"resource":{"resourceType":"Medication","id":"m","code":{"text":"warfarin"}}},
			{"resource":{"resourceType":"Medication","id":"m","code":{"text":"aspirin"}}}]}`, "ambiguous", "two entries are Medication/m"},
		{"reference to another type", `{"resourceType":"Bundle","type":"collection","entry":[
			{"resource":{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal","medicationReference":{"reference":"Patient/m"}}},
			{"resource":{"resourceType":"Patient","id":"m"}}]}`, "not a Medication", "the reference resolves, to the wrong type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService(t, nil)
			var code int
			var body []byte
			require.NotPanics(t, func() { code, body = orderSign(t, s, tt.orders) }, tt.reason)
			assert.Equal(t, http.StatusBadRequest, code, "%s: %s", tt.reason, body)
			var e struct {
				Error string `json:"error"`
			}
			require.NoError(t, json.Unmarshal(body, &e))
			assert.Contains(t, e.Error, tt.wantMsg, tt.reason)
		})
	}
}

// A request or context whose keys repeat, exactly or up to case, is
// refused: which patient or which orders it names would depend on the
// reader.
func TestAmbiguousRequest(t *testing.T) {
	pre, err := json.Marshal(prefetch(t))
	require.NoError(t, err)
	tests := []struct {
		name    string
		body    string
		wantMsg string
		reason  string
	}{
		{"context twice", `{"hook":"patient-view","hookInstance":"` + hookInstance + `","context":{"userId":"u","patientId":"cg-demo-1"},"Context":{"userId":"u","patientId":"other"},"prefetch":` + string(pre) + `}`,
			"request repeats a key", "two contexts"},
		{"patientId twice", `{"hook":"patient-view","hookInstance":"` + hookInstance + `","context":{"userId":"u","patientId":"cg-demo-1","patientid":"other"},"prefetch":` + string(pre) + `}`,
			"context repeats a key", "two patients"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService(t, nil)
			code, body := serve(t, s, http.MethodPost, "/cds-services/careguard-care-plan", []byte(tt.body))
			assert.Equal(t, http.StatusBadRequest, code, "%s: %s", tt.reason, body)
			assert.Contains(t, string(body), tt.wantMsg, tt.reason)
		})
	}
}

// A request whose context is cancelled is answered 503, and no cards are
// made from a half-done check.
func TestCancelledRequest(t *testing.T) {
	tests := []struct {
		name string
		path string
		body []byte
	}{
		{"patient-view", "/cds-services/careguard-care-plan", request("patient-view", map[string]string{"userId": "u", "patientId": "cg-demo-1"}, prefetch(t))},
		{"order-sign", "/cds-services/careguard-order-check", request("order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": draftOrders(t)}, prefetch(t))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newService(t, nil)
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, tt.path, bytes.NewReader(tt.body))
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "a cancelled request is 503")
			assert.JSONEq(t, `{"error":"request cancelled"}`, rec.Body.String())
		})
	}
}

func TestErrors(t *testing.T) {
	pv := map[string]string{"userId": "u", "patientId": "cg-demo-1"}
	without := func(key string) map[string]json.RawMessage {
		p := prefetch(t)
		delete(p, key)
		return p
	}
	nulled := prefetch(t)
	nulled["observations"] = json.RawMessage("null")
	badFHIR := prefetch(t)
	badFHIR["conditions"] = json.RawMessage(`{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Condition","subject":{"reference":"Patient/cg-demo-1"}}}]}`)
	tests := []struct {
		name    string
		method  string
		path    string
		body    []byte
		opts    *cdshooks.Options
		want    int
		wantMsg string
		reason  string
	}{
		{"invalid json", "POST", "/cds-services/careguard-care-plan", []byte(`{"hook":`), nil, 400, "invalid JSON", "bad requests get 400"},
		{"wrong hook", "POST", "/cds-services/careguard-care-plan", request("order-sign", pv, prefetch(t)), nil, 400, "patient-view", "each service answers its hook"},
		{"bad hookInstance", "POST", "/cds-services/careguard-care-plan", bytes.Replace(request("patient-view", pv, prefetch(t)), []byte(hookInstance), []byte("not-a-uuid"), 1), nil, 400, "hookInstance", "hookInstance is a UUID"},
		{"no patientId", "POST", "/cds-services/careguard-care-plan", request("patient-view", map[string]string{"userId": "u"}, prefetch(t)), nil, 400, "patientId", "the context names the patient"},
		{"no userId", "POST", "/cds-services/careguard-care-plan", request("patient-view", map[string]string{"patientId": "cg-demo-1"}, prefetch(t)), nil, 400, "userId", "the context names the user"},
		{"missing prefetch", "POST", "/cds-services/careguard-care-plan", request("patient-view", pv, without("conditions")), nil, 412, "conditions", "412 when required prefetch is missing"},
		{"null prefetch", "POST", "/cds-services/careguard-care-plan", request("patient-view", pv, nulled), nil, 412, "observations", "null means the EHR could not fetch it"},
		{"no prefetch", "POST", "/cds-services/careguard-order-check", request("order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": draftOrders(t)}, nil), nil, 412, "patient", "order-sign needs the record too"},
		{"bad prefetch FHIR", "POST", "/cds-services/careguard-care-plan", request("patient-view", pv, badFHIR), nil, 400, "prefetch conditions", "decode errors name the prefetch key"},
		{"patient mismatch", "POST", "/cds-services/careguard-care-plan", request("patient-view", map[string]string{"userId": "u", "patientId": "someone-else"}, prefetch(t)), nil, 400, "context.patientId", "the prefetched patient must be the context's"},
		{"no draft orders", "POST", "/cds-services/careguard-order-check", request("order-sign", pv, prefetch(t)), nil, 400, "draftOrders", "order-sign needs its orders"},
		{"draft orders not a bundle", "POST", "/cds-services/careguard-order-check", request("order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(`{"resourceType":"Patient"}`)}, prefetch(t)), nil, 400, "Bundle", "draftOrders is a Bundle"},
		{"unknown service", "POST", "/cds-services/nope", nil, nil, 404, "no such service", "unknown services are 404"},
		{"outside the base", "GET", "/elsewhere", nil, nil, 404, "not found", "nothing else is served"},
		{"wrong method", "GET", "/cds-services/careguard-care-plan", nil, nil, 405, "POST", "services are POSTed"},
		{"discovery method", "POST", "/cds-services", nil, nil, 405, "GET", "discovery is a GET"},
		{"too large", "POST", "/cds-services/careguard-care-plan", request("patient-view", pv, prefetch(t)), &cdshooks.Options{MaxRequestBytes: 100}, 413, "too large", "the body limit"},
		{"feedback invalid", "POST", "/cds-services/careguard-care-plan/feedback", []byte(`{"feedback":[{"card":"x","outcome":"maybe","outcomeTimestamp":"2026-04-01T09:00:00Z"}]}`), nil, 400, "outcome", "feedback outcomes are accepted or overridden"},
		{"feedback empty", "POST", "/cds-services/careguard-care-plan/feedback", []byte(`{}`), nil, 400, "feedback", "feedback needs items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, logs := newService(t, tt.opts)
			code, body := serve(t, s, tt.method, tt.path, tt.body)
			assert.Equal(t, tt.want, code, "%s: %s", tt.reason, body)
			var e struct {
				Error string `json:"error"`
			}
			require.NoError(t, json.Unmarshal(body, &e), tt.reason)
			assert.Contains(t, e.Error, tt.wantMsg, tt.reason)
			for _, phi := range []string{"Quillfeather", "MRN-777001", "secret-token-123"} {
				assert.NotContains(t, string(body), phi)
				assert.NotContains(t, logs.String(), phi)
			}
		})
	}
}

func TestFeedback(t *testing.T) {
	sk := &sink{}
	s, _ := newService(t, &cdshooks.Options{Feedback: sk})
	body := []byte(`{"feedback":[{"card":"` + hookInstance + `","outcome":"overridden","overrideReason":{"reason":{"code":"not-relevant","display":"Not relevant"},"userComment":"seen"},"outcomeTimestamp":"2026-04-01T09:05:00Z"},
		{"card":"c2","outcome":"accepted","acceptedSuggestions":[{"id":"s1"}],"outcomeTimestamp":"2026-04-01T09:06:00Z"}]}`)
	code, resp := serve(t, s, http.MethodPost, "/cds-services/careguard-order-check/feedback", body)
	require.Equal(t, http.StatusOK, code, string(resp))
	require.Len(t, sk.got, 2)
	assert.Equal(t, "overridden", sk.got[0].Outcome)
	assert.Equal(t, []cdshooks.AcceptedSuggestion{{ID: "s1"}}, sk.got[1].AcceptedSuggestions)

	sk.err = errors.New("disk full")
	code, _ = serve(t, s, http.MethodPost, "/cds-services/careguard-order-check/feedback", body)
	assert.Equal(t, http.StatusInternalServerError, code, "a sink failure is the service's fault")
}

func TestNewRejectsLoweringPolicy(t *testing.T) {
	_, err := cdshooks.New(nil)
	require.NoError(t, err, "nil options are the defaults")
}
