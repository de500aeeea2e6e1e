// Command cdshooks serves careguard as a CDS Hooks 2.0 service on a
// loopback address, the way an EHR would call it: discovery, a patient-view
// service that drafts a care plan with the cited guideline rules, an
// order-sign service that checks draft medication orders against the
// record, and a feedback endpoint.
//
//	go run ./examples/cdshooks            # serve on 127.0.0.1:8080 until interrupted
//	go run ./examples/cdshooks -demo      # call the service once as an EHR would, print the cards, exit
//
// No model, network service or credential is needed: the drafts come from
// careguard's deterministic guideline drafter, and the demo patient is
// synthetic.
package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/careguard/careguard/fhir/cdshooks"
	"github.com/careguard/careguard/validate"
)

//go:embed testdata/*.json
var prefetchFiles embed.FS

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "loopback address to listen on")
	demo := flag.Bool("demo", false, "call the service once as an EHR would, print the cards and exit")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	h, err := newHandler(slog.New(slog.NewTextHandler(os.Stderr, nil)))
	if err != nil {
		log.Fatal(err)
	}
	if *demo {
		*addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		log.Fatalf("refusing to serve the example on non-loopback address %s", ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Print(err)
		}
	}()
	base := "http://" + ln.Addr().String()
	if *demo {
		err = runDemo(ctx, http.DefaultClient, base, os.Stdout)
	} else {
		fmt.Printf("CDS Hooks discovery at %s/cds-services (Ctrl-C to stop)\n", base)
		<-ctx.Done()
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	if err != nil {
		log.Fatal(err)
	}
}

// newHandler builds the service. Its checker is the full validator set
// (grounding, medication safety, completeness, PHI, prompt injection), the
// service's default and the careguard pipeline's; it is passed here only
// to give the runner the example's logger, which receives validator
// failures (names and error classes, never record content).
func newHandler(logger *slog.Logger) (http.Handler, error) {
	return cdshooks.New(&cdshooks.Options{
		Checker: validate.NewRunner(validate.DefaultValidators(), &validate.RunnerOptions{Logger: logger}),
		Logger:  logger,
	})
}

// prefetch returns the demo patient's prefetch documents.
func prefetch() (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	for _, k := range []string{"patient", "conditions", "medications", "observations", "allergies"} {
		data, err := prefetchFiles.ReadFile("testdata/" + k + ".json")
		if err != nil {
			return nil, err
		}
		out[k] = data
	}
	return out, nil
}

// call posts a JSON body and decodes the JSON answer into out.
func call(ctx context.Context, client *http.Client, method, url string, body any, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}

// runDemo plays the EHR: discovery, patient-view, order-sign with a draft
// MedicationRequest, and feedback on the first card.
func runDemo(ctx context.Context, client *http.Client, base string, w io.Writer) error {
	var disc cdshooks.Discovery
	if _, err := call(ctx, client, http.MethodGet, base+"/cds-services", nil, &disc); err != nil {
		return err
	}
	for _, s := range disc.Services {
		fmt.Fprintf(w, "service %s (hook %s)\n", s.ID, s.Hook)
	}
	pre, err := prefetch()
	if err != nil {
		return err
	}
	ctxPV, _ := json.Marshal(map[string]string{"userId": "Practitioner/demo", "patientId": "cg-demo-1"})
	var pv cdshooks.Response
	status, err := call(ctx, client, http.MethodPost, base+"/cds-services/"+cdshooks.ServicePatientView,
		cdshooks.Request{Hook: cdshooks.HookPatientView, HookInstance: "0f7bcbd4-2f7e-4a63-9b8e-3f1d7f4c1a01", Context: ctxPV, Prefetch: pre}, &pv)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "patient-view: HTTP %d, %d cards\n", status, len(pv.Cards))
	printCards(w, pv.Cards)

	orders, err := prefetchFiles.ReadFile("testdata/draft-orders.json")
	if err != nil {
		return err
	}
	ctxOS, _ := json.Marshal(map[string]any{"userId": "Practitioner/demo", "patientId": "cg-demo-1", "draftOrders": json.RawMessage(orders)})
	var signed cdshooks.Response
	status, err = call(ctx, client, http.MethodPost, base+"/cds-services/"+cdshooks.ServiceOrderSign,
		cdshooks.Request{Hook: cdshooks.HookOrderSign, HookInstance: "0f7bcbd4-2f7e-4a63-9b8e-3f1d7f4c1a02", Context: ctxOS, Prefetch: pre}, &signed)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "order-sign: HTTP %d, %d cards\n", status, len(signed.Cards))
	printCards(w, signed.Cards)

	if len(signed.Cards) > 0 {
		fb := cdshooks.FeedbackRequest{Feedback: []cdshooks.Feedback{{Card: signed.Cards[0].UUID, Outcome: "overridden",
			OverrideReason: &cdshooks.OverrideReason{UserComment: "dose change intended"}, OutcomeTimestamp: "2026-04-01T09:05:00Z"}}}
		status, err = call(ctx, client, http.MethodPost, base+"/cds-services/"+cdshooks.ServiceOrderSign+"/feedback", fb, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "feedback: HTTP %d\n", status)
	}
	return nil
}

func printCards(w io.Writer, cards []cdshooks.Card) {
	for _, c := range cards {
		fmt.Fprintf(w, "  [%s] %s\n", c.Indicator, c.Summary)
		for _, s := range c.Suggestions {
			fmt.Fprintf(w, "      suggestion: %s (%d actions)\n", s.Label, len(s.Actions))
		}
	}
}
