package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/fhir/cdshooks"
)

// server starts the example's handler on a loopback port, as main does.
func server(t *testing.T) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	h, err := newHandler(slog.New(slog.NewJSONHandler(&logs, nil)))
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, &logs
}

func post(t *testing.T, srv *httptest.Server, path string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, data
}

func hookRequest(t *testing.T, hook string, ctx any, pre map[string]json.RawMessage) []byte {
	t.Helper()
	c, err := json.Marshal(ctx)
	require.NoError(t, err)
	b, err := json.Marshal(cdshooks.Request{Hook: hook, HookInstance: "0f7bcbd4-2f7e-4a63-9b8e-3f1d7f4c1a09", Context: c, Prefetch: pre})
	require.NoError(t, err)
	return b
}

// warfarinNaproxen orders warfarin and naproxen for the demo patient.
const warfarinNaproxen = `{"resourceType":"Bundle","type":"collection","entry":[
{"resource":{"resourceType":"MedicationRequest","id":"o1","status":"draft","intent":"proposal","subject":{"reference":"Patient/cg-demo-1"},
 "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"855332","display":"Warfarin Sodium 5 MG Oral Tablet"}]}}},
{"resource":{"resourceType":"MedicationRequest","id":"o2","status":"draft","intent":"proposal","subject":{"reference":"Patient/cg-demo-1"},
 "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"849574","display":"Naproxen sodium 220 MG Oral Tablet"}]}}}]}`

// TestDemo runs the EHR side of the example against the loopback server.
func TestDemo(t *testing.T) {
	srv, logs := server(t)
	var out bytes.Buffer
	require.NoError(t, runDemo(t.Context(), srv.Client(), srv.URL, &out))
	got := out.String()
	for _, want := range []string{
		"service careguard-care-plan (hook patient-view)",
		"service careguard-order-check (hook order-sign)",
		"patient-view: HTTP 200",
		"[info] Draft care plan:",
		"suggestion: Save the draft care plan for nurse review",
		"order-sign: HTTP 200",
		"[warning] medication-1 proposes starting 24 HR Metformin",
		"suggestion: Remove this draft order (1 actions)",
		"feedback: HTTP 200",
	} {
		assert.Contains(t, got, want)
	}
	assert.NotContains(t, logs.String(), "Quillfeather", "the server logs no record content")
}

func TestEHRCalls(t *testing.T) {
	srv, _ := server(t)
	pre, err := prefetch()
	require.NoError(t, err)
	orders, err := prefetchFiles.ReadFile("testdata/draft-orders.json")
	require.NoError(t, err)
	pv := map[string]string{"userId": "Practitioner/demo", "patientId": "cg-demo-1"}
	missing := map[string]json.RawMessage{}
	for k, v := range pre {
		if k != "medications" {
			missing[k] = v
		}
	}
	tests := []struct {
		name    string
		path    string
		body    []byte
		want    int
		wantSub string
		reason  string
	}{
		{"patient-view", "/cds-services/careguard-care-plan", hookRequest(t, "patient-view", pv, pre), 200, `"indicator":"info"`, "a draft plan card"},
		{"order-sign", "/cds-services/careguard-order-check",
			hookRequest(t, "order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(orders)}, pre),
			200, `"resourceId":"MedicationRequest/draft-1"`, "the duplicate metformin order can be removed"},
		{"order-sign medication safety", "/cds-services/careguard-order-check",
			hookRequest(t, "order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(warfarinNaproxen)}, pre),
			200, `interaction.warfarin-nsaid`, "medication safety is checked: warfarin with naproxen is found"},
		{"order-sign ambiguous order", "/cds-services/careguard-order-check",
			hookRequest(t, "order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(
				`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Medication","resourcetype":"MedicationRequest","id":"x"}}]}`)}, pre),
			400, `"error"`, "an order readers would read differently is refused"},
		{"feedback", "/cds-services/careguard-order-check/feedback",
			[]byte(`{"feedback":[{"card":"x","outcome":"accepted","acceptedSuggestions":[{"id":"y"}],"outcomeTimestamp":"2026-04-01T09:00:00Z"}]}`), 200, "", "feedback is accepted"},
		{"bad JSON", "/cds-services/careguard-care-plan", []byte(`{"hook"`), 400, `"error"`, "a malformed request is 400 with a JSON error"},
		{"wrong hook", "/cds-services/careguard-order-check", hookRequest(t, "patient-view", pv, pre), 400, "order-sign", "each service answers one hook"},
		{"missing prefetch", "/cds-services/careguard-care-plan", hookRequest(t, "patient-view", pv, missing), 412, "medications", "412 names the missing prefetch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := post(t, srv, tt.path, tt.body)
			assert.Equal(t, tt.want, code, "%s: %s", tt.reason, body)
			if tt.wantSub != "" {
				assert.Contains(t, string(body), tt.wantSub, tt.reason)
			}
			if len(body) > 0 {
				assert.True(t, json.Valid(body), tt.reason)
			}
		})
	}
	resp, err := srv.Client().Get(srv.URL + "/cds-services")
	require.NoError(t, err)
	defer resp.Body.Close()
	var d cdshooks.Discovery
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&d))
	assert.Len(t, d.Services, 2)
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), "the server is on loopback")
}
