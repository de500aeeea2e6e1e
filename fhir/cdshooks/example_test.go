package cdshooks_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/careguard/careguard/fhir/cdshooks"
)

func ExampleService() {
	svc, err := cdshooks.New(&cdshooks.Options{Now: func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(svc) // loopback
	defer srv.Close()

	pre := map[string]json.RawMessage{}
	for _, k := range []string{"patient", "conditions", "medications", "observations"} {
		data, err := os.ReadFile(filepath.Join("testdata", "prefetch", k+".json"))
		if err != nil {
			log.Fatal(err)
		}
		pre[k] = data
	}
	orders, err := os.ReadFile(filepath.Join("testdata", "prefetch", "draft-orders.json"))
	if err != nil {
		log.Fatal(err)
	}
	hookCtx, _ := json.Marshal(map[string]any{"userId": "Practitioner/1", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(orders)})
	body, _ := json.Marshal(cdshooks.Request{Hook: "order-sign", HookInstance: "2c7e8b1a-5d4f-4e8a-9b3c-1f2e3d4c5b6a", Context: hookCtx, Prefetch: pre})
	resp, err := http.Post(srv.URL+"/cds-services/careguard-order-check", "application/json", bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var out cdshooks.Response
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode)
	for _, c := range out.Cards {
		fmt.Println(c.Indicator, c.Suggestions[0].Actions[0].Type, c.Suggestions[0].Actions[0].ResourceID)
	}
	// Output:
	// 200
	// warning delete MedicationRequest/draft-1
}
