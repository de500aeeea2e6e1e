package fhir_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/careguard/careguard/fhir"
	"github.com/careguard/careguard/patient"
)

// FuzzDecode checks that decoding never panics on any input, that every
// failure is a *DecodeError whose pointer is a JSON pointer into the input
// and whose entry matches it, and that on success every fact carries its
// source and every raw resource is valid JSON.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "fixtures", "*.json"))
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{"", "{}", "[]", "null", `{"resourceType":"Bundle","type":"collection"}`,
		`{"resourceType":"Bundle","type":"searchset","entry":[{"resource":null}]}`,
		bundle(`{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"2020","component":[{"code":{"text":"y"},"valueInteger":3}]}`),
		bundle(`{"resourceType":"MedicationStatement","status":"active","medicationReference":{"reference":"#m"},"contained":[{"resourceType":"Medication","id":"m","code":{"text":"z"}}]}`),
		`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","birthDate":"2000-01-01","x":"\"\\"}}]}`,
	} {
		f.Add([]byte(s))
	}
	asOf := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := fhir.Decode(t.Context(), data, &fhir.DecodeOptions{AsOf: asOf, MaxDepth: 32, MaxBytes: 1 << 20})
		if err != nil {
			if res != nil {
				t.Fatal("a result with an error")
			}
			var errs []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			} else {
				errs = []error{err}
			}
			for _, e := range errs {
				var de *fhir.DecodeError
				if !errors.As(e, &de) {
					t.Fatalf("not a *DecodeError: %v", e)
				}
				if de.Pointer != "" && de.Pointer[0] != '/' {
					t.Fatalf("pointer %q is not a JSON pointer", de.Pointer)
				}
				if de.Entry >= 0 {
					prefix := "/entry/" + itoa(de.Entry)
					if len(de.Pointer) < len(prefix) || de.Pointer[:len(prefix)] != prefix {
						var fe *patient.FieldError
						if !errors.As(e, &fe) || de.Pointer != "" {
							t.Fatalf("entry %d but pointer %q", de.Entry, de.Pointer)
						}
					}
				}
			}
			return
		}
		if res.Record == nil {
			t.Fatal("no record and no error")
		}
		// A fact's source may be empty: a resource with neither an id nor
		// a fullUrl (which FHIR allows in some Bundles) has none
		// (TestDecodeAnonymousResources). Reading it must not fail.
		for _, id := range res.Record.FactIDs() {
			fact, ok := res.Record.Fact(id)
			if !ok {
				t.Fatalf("fact %s listed but not found", id)
			}
			_ = fhir.SourceOf(fact)
		}
		for _, o := range res.Other {
			if !json.Valid(o.JSON) {
				t.Fatalf("raw %s is not valid JSON", o.ResourceType)
			}
		}
	})
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// FuzzParseResource checks that ParseResource never panics, that every
// failure is a *DecodeError with a JSON pointer, and that on success the
// value's resourceType is its Go type (no second key can make the two
// disagree) and writing it back parses to the same resource.
func FuzzParseResource(f *testing.F) {
	for _, s := range []string{"", "{}", "[1]", "null", `{"resourceType":"Condition","id":"c","code":{"text":"x"}}`,
		`{"resourceType":"Medication","resourcetype":"MedicationRequest","id":"x"}`,
		`{"resourceType":"MedicationRequest","resourceType":"Medication"}`,
		`{"ResourceType":"MedicationRequest","resourceType":"Medication","code":{"text":"a"}}`,
		`{"resourceType":"MedicationRequest","id":"x","doNotPerform":true,"medicationReference":{"reference":"#m"},"contained":[{"resourceType":"Medication","id":"m","Id":"n"}]}`,
		`{"resourceType":"Medication","code":{"coding":[{"system":"a","\u017fystem":"b"}]}}`,
		`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Medication","resourcetype":"MedicationRequest"}}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := fhir.ParseResource(data)
		if err != nil {
			var de *fhir.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("not a *DecodeError: %v", err)
			}
			if de.Pointer != "" && de.Pointer[0] != '/' {
				t.Fatalf("pointer %q is not a JSON pointer", de.Pointer)
			}
			return
		}
		if got, want := r.Header().ResourceType, reflect.TypeOf(r).Elem().Name(); got != want {
			t.Fatalf("a %s says it is a %q", want, got)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("a parsed resource does not encode: %v", err)
		}
		again, err := fhir.ParseResource(out)
		if err != nil {
			t.Fatalf("what ParseResource wrote does not parse: %v", err)
		}
		out2, _ := json.Marshal(again)
		if string(out) != string(out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}
