package cdshooks_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/careguard/careguard/fhir/cdshooks"
)

// FuzzServeHTTP posts arbitrary bodies to each endpoint: the service must
// never panic, must answer only with the statuses CDS Hooks and this
// package document for what was sent, and must always write JSON. A 5xx is
// a failure unless it is one the package documents for the endpoint: 500
// "no draft could be made" on patient-view (the fuzzer's requests are never
// cancelled, so 503 fails too, and the feedback endpoint has no sink that
// could fail).
func FuzzServeHTTP(f *testing.F) {
	pre := prefetch(f)
	pv := request("patient-view", map[string]string{"userId": "u", "patientId": "cg-demo-1"}, pre)
	os := request("order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": draftOrders(f)}, pre)
	orders := func(resources ...string) []byte {
		b := `{"resourceType":"Bundle","type":"collection","entry":[`
		for i, r := range resources {
			if i > 0 {
				b += ","
			}
			b += `{"fullUrl":"urn:uuid:e` + string(rune('0'+i)) + `","resource":` + r + `}`
		}
		return request("order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(b + `]}`)}, pre)
	}
	const mr = `"status":"draft","intent":"proposal","subject":{"reference":"Patient/cg-demo-1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"855332","display":"Warfarin Sodium 5 MG Oral Tablet"}]}`
	seeds := [][]byte{pv, os, []byte(`{}`),
		[]byte(`{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"patientId":"x","userId":"u"},"prefetch":{"patient":null}}`),
		[]byte(`{"feedback":[{"card":"c","outcome":"accepted","outcomeTimestamp":"2026-04-01T00:00:00Z"}]}`), []byte(`null`), []byte(`[`),
		// Keys that repeat, exactly or up to case, at every level.
		orders(`{"resourceType":"Medication","resourcetype":"MedicationRequest","id":"x",` + mr + `}`),
		orders(`{"resourceType":"MedicationRequest","resourceType":"Medication","id":"x",` + mr + `}`),
		orders(`{"resourcetype":"MedicationRequest","id":"x",` + mr + `}`),
		orders(`{"RESOURCETYPE":"MedicationRequest","resourceType":"MedicationRequest","id":"x",` + mr + `}`),
		orders(`{"resourceType":"MedicationRequest","id":"x","ID":"y",` + mr + `}`),
		orders(`{"resourceType":"MedicationRequest","id":"x",` + mr + `,"MedicationCodeableConcept":{"text":"aspirin"}}`),
		orders(`{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal","medicationReference":{"reference":"#m"},"contained":[{"resourceType":"Medication","id":"m","Id":"n","code":{"text":"warfarin"}}]}`),
		orders(`{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal","medicationReference":{"reference":"#m"},"contained":[{"resourceType":"Medication","id":"m","code":{"text":"warfarin"}},{"resourceType":"Medication","id":"m","code":{"text":"aspirin"}}]}`),
		orders(`{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal","medicationReference":{"reference":"Medication/m"}}`,
			`{"resourceType":"Medication","id":"m","code":{"text":"warfarin"}}`, `{"resourceType":"Medication","id":"m","code":{"text":"naproxen"}}`),
		orders(`{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"proposal","medicationReference":{"reference":"urn:uuid:e1"}}`,
			`{"resourceType":"Patient","id":"m"}`),
		orders(`{"resourceType":"MedicationRequest","id":"x","doNotPerform":true,`+mr+`}`, `{"resourceType":"MedicationRequest","id":"y","doNotPerform":true}`),
		orders(`{"resourceType":"MedicationRequest","id":"x","doNotPerform":"yes",` + mr + `}`),
		bytes.Replace(os, []byte(`"context":`), []byte(`"Context":{},"context":`), 1),
		bytes.Replace(os, []byte(`"draftOrders":`), []byte(`"draftorders":null,"draftOrders":`), 1),
		bytes.Replace(pv, []byte(`"patientId":`), []byte(`"patientID":"someone-else","patientId":`), 1),
	}
	for _, s := range seeds {
		for path := range uint8(3) {
			f.Add(s, path)
		}
	}
	svc, err := cdshooks.New(&cdshooks.Options{Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	paths := []string{"/cds-services/careguard-care-plan", "/cds-services/careguard-order-check", "/cds-services/careguard-care-plan/feedback"}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		path := int(which) % len(paths)
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, paths[path], bytes.NewReader(body))
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req)
		var e struct {
			Error *string `json:"error"`
		}
		if rec.Code != http.StatusOK {
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == nil || *e.Error == "" {
				t.Fatalf("status %d without a JSON error: %q", rec.Code, rec.Body.String())
			}
		}
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusPreconditionFailed:
		case http.StatusInternalServerError:
			if path != 0 || *e.Error != "no draft could be made" {
				t.Fatalf("undocumented 500 on %s: %s", paths[path], *e.Error)
			}
		default:
			t.Fatalf("status %d on %s: %s", rec.Code, paths[path], rec.Body.String())
		}
		if rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("not JSON: %q", rec.Body.String())
		}
		if rec.Code == http.StatusOK && path != 2 {
			var resp cdshooks.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Cards == nil {
				t.Fatalf("a 200 answer is a card list: %s", rec.Body.String())
			}
		}
	})
}
