package wire_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/careguard/careguard/providers/internal/wire"
)

// FuzzDeleteMember: the result is valid JSON without the member, and every
// other member is as it was.
func FuzzDeleteMember(f *testing.F) {
	for _, s := range []string{`{"a":1,"temperature":0}`, `{"temperature":0}`, `{}`, ` { "x" : [1,{"temperature":2}] , "temperature" : null } `, `{"t":1,"t":2}`, `[1]`, `{"a":`} {
		f.Add(s, "temperature")
	}
	f.Fuzz(func(t *testing.T, doc, key string) {
		in := []byte(doc)
		orig := bytes.Clone(in)
		out, found, err := wire.DeleteMember(in, key)
		if !bytes.Equal(in, orig) {
			t.Fatal("input modified")
		}
		if err != nil {
			return
		}
		var before, after map[string]json.RawMessage
		if err := json.Unmarshal(in, &before); err != nil {
			t.Fatalf("accepted a document encoding/json rejects: %v", err)
		}
		if err := json.Unmarshal(out, &after); err != nil {
			t.Fatalf("result %q is not a JSON object: %v", out, err)
		}
		if _, there := after[key]; there {
			t.Fatalf("member %q still in %q", key, out)
		}
		_, had := before[key]
		if had != found {
			t.Fatalf("found = %v, but the member was there: %v", found, had)
		}
		delete(before, key)
		if len(before) != len(after) {
			t.Fatalf("members went from %d to %d", len(before), len(after))
		}
		for k, v := range before {
			var a, b any
			_ = json.Unmarshal(v, &a)
			_ = json.Unmarshal(after[k], &b)
			if !jsonEqual(a, b) {
				t.Fatalf("member %q changed", k)
			}
		}
	})
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// FuzzSetMember: the result holds the value under the key.
func FuzzSetMember(f *testing.F) {
	f.Add(`{"a":1}`, "stream", "false")
	f.Add(`{}`, "tool_choice", `{"type":"tool"}`)
	f.Add(`{"stream":true}`, "stream", "false")
	f.Fuzz(func(t *testing.T, doc, key, value string) {
		out, err := wire.SetMember([]byte(doc), key, []byte(value))
		if err != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("result %q is not a JSON object: %v", out, err)
		}
		var want, got any
		_ = json.Unmarshal([]byte(value), &want)
		_ = json.Unmarshal(m[key], &got)
		if !jsonEqual(want, got) {
			t.Fatalf("member %q is %s, want %s", key, m[key], value)
		}
	})
}

// FuzzParseRetryAfter: never negative, never above the cap, and a plain
// number of seconds round-trips.
func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"7", "0", "1.5", "Mon, 02 Nov 2026 10:00:45 GMT", "-1", "1e9", "", "999999999999999999999"} {
		f.Add(s, "250")
	}
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, retryAfter, ms string) {
		h := http.Header{}
		h.Set("Retry-After", retryAfter)
		h.Set("Retry-After-Ms", ms)
		d, ok := wire.ParseRetryAfter(h, now)
		if d < 0 || d > wire.MaxRetryAfter {
			t.Fatalf("delay %v out of range", d)
		}
		if !ok && d != 0 {
			t.Fatalf("no delay reported, but %v returned", d)
		}
	})
}
