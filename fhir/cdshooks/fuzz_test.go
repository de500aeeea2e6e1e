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
// package define, and must always write JSON.
func FuzzServeHTTP(f *testing.F) {
	pv := request("patient-view", map[string]string{"userId": "u", "patientId": "cg-demo-1"}, prefetch(f))
	os := request("order-sign", map[string]any{"userId": "u", "patientId": "cg-demo-1", "draftOrders": draftOrders(f)}, prefetch(f))
	for _, s := range [][]byte{pv, os, []byte(`{}`), []byte(`{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"patientId":"x","userId":"u"},"prefetch":{"patient":null}}`),
		[]byte(`{"feedback":[{"card":"c","outcome":"accepted","outcomeTimestamp":"2026-04-01T00:00:00Z"}]}`), []byte(`null`), []byte(`[`)} {
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
		req := httptest.NewRequestWithContext(t.Context(), http.MethodPost, paths[int(which)%len(paths)], bytes.NewReader(body))
		rec := httptest.NewRecorder()
		svc.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusPreconditionFailed, http.StatusInternalServerError:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		if rec.Body.Len() > 0 && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("not JSON: %q", rec.Body.String())
		}
		if rec.Code == http.StatusOK && which%3 != 2 {
			var resp cdshooks.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Cards == nil {
				t.Fatalf("a 200 answer is a card list: %s", rec.Body.String())
			}
		}
	})
}
