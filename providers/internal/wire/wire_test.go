package wire_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/internal/wire"
)

func TestDeleteMember(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		reason  string
		doc     string
		path    []string
		want    string
		found   bool
		wantErr bool
	}{
		{"middle", "the comma before the member goes with it", `{"a":1,"temperature":0,"b":2}`, []string{"temperature"}, `{"a":1,"b":2}`, true, false},
		{"first", "the first member takes the comma after it", `{"temperature":0,"b":2}`, []string{"temperature"}, `{"b":2}`, true, false},
		{"last", "the last member takes the comma before it", `{"a":1,"temperature":0}`, []string{"temperature"}, `{"a":1}`, true, false},
		{"only", "an only member leaves an empty object", `{"temperature":0}`, []string{"temperature"}, `{}`, true, false},
		{"whitespace kept", "other bytes are untouched", "{\n  \"a\": [1, 2],\n  \"temperature\": 0.5 ,\n  \"b\": \"x\"\n}", []string{"temperature"}, "{\n  \"a\": [1, 2] ,\n  \"b\": \"x\"\n}", true, false},
		{"duplicates", "every member of the name goes", `{"t":1,"t":2,"a":3,"t":4}`, []string{"t"}, `{"a":3}`, true, false},
		{"absent", "a missing member changes nothing", `{"a":1}`, []string{"temperature"}, `{"a":1}`, false, false},
		{"nested", "a path descends into objects", `{"model":"m","options":{"num_predict":5,"temperature":0},"x":1}`, []string{"options", "temperature"}, `{"model":"m","options":{"num_predict":5},"x":1}`, true, false},
		{"nested absent", "a missing parent changes nothing", `{"model":"m"}`, []string{"options", "temperature"}, `{"model":"m"}`, false, false},
		{"key in a string", "a key-like string value is not a member", `{"a":"\"temperature\":0","temperature":1}`, []string{"temperature"}, `{"a":"\"temperature\":0"}`, true, false},
		{"not an object", "arrays are rejected", `[1,2]`, []string{"a"}, "", false, true},
		{"nested not an object", "a parent that is not an object is rejected", `{"options":[1]}`, []string{"options", "t"}, "", false, true},
		{"broken", "invalid JSON is rejected", `{"a":`, []string{"a"}, "", false, true},
		{"trailing data", "one document only", `{"a":1}{"b":2}`, []string{"a"}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := []byte(tt.doc)
			got, found, err := wire.DeleteMember(doc, tt.path...)
			assert.Equal(t, tt.doc, string(doc), "the input must not change")
			if tt.wantErr {
				require.Error(t, err, tt.reason)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, string(got), tt.reason)
			assert.Equal(t, tt.found, found, tt.reason)
			assert.True(t, json.Valid(got), tt.reason)
		})
	}
}

func TestSetMember(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, reason, doc, key, value, want string
		wantErr                             bool
	}{
		{"replace", "an existing member's value is replaced in place", `{"a":1,"stream":true,"b":2}`, "stream", "false", `{"a":1,"stream":false,"b":2}`, false},
		{"append", "a new member goes last", `{"a":1}`, "tool_choice", `{"type":"tool","name":"x"}`, `{"a":1,"tool_choice":{"type":"tool","name":"x"}}`, false},
		{"append to empty", "no comma in an empty object", `{ }`, "a", "1", `{ "a":1}`, false},
		{"escaped key", "keys are encoded as JSON strings", `{}`, `we"ird`, "1", `{"we\"ird":1}`, false},
		{"bad value", "the value must be JSON", `{}`, "a", "{", "", true},
		{"not an object", "only objects have members", `"x"`, "a", "1", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := wire.SetMember([]byte(tt.doc), tt.key, []byte(tt.value))
			if tt.wantErr {
				require.Error(t, err, tt.reason)
				return
			}
			require.NoError(t, err, tt.reason)
			assert.Equal(t, tt.want, string(got), tt.reason)
		})
	}
}

func TestSetTemperature(t *testing.T) {
	t.Parallel()
	zero, half := 0.0, 0.7
	body := []byte(`{"model":"m","temperature":0}`)
	got, err := wire.SetTemperature(nil)(body)
	require.NoError(t, err)
	assert.Equal(t, `{"model":"m"}`, string(got), "nil removes the field")
	got, err = wire.SetTemperature(&zero)(body)
	require.NoError(t, err)
	assert.Equal(t, `{"model":"m","temperature":0}`, string(got), "an explicit 0 is sent")
	got, err = wire.SetTemperature(&half)([]byte(`{"model":"m"}`))
	require.NoError(t, err)
	assert.Equal(t, `{"model":"m","temperature":0.7}`, string(got), "a value is added when the SDK left it out")
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		reason  string
		headers []string
		want    time.Duration
		ok      bool
	}{
		{"none", "no header, no delay", nil, 0, false},
		{"seconds", "delay-seconds", []string{"Retry-After", "7"}, 7 * time.Second, true},
		{"zero", "zero is a valid delay", []string{"Retry-After", "0"}, 0, true},
		{"fraction", "some gateways send fractions", []string{"Retry-After", "1.5"}, 1500 * time.Millisecond, true},
		{"spaces", "surrounding space is ignored", []string{"Retry-After", " 3 "}, 3 * time.Second, true},
		{"milliseconds first", "retry-after-ms is more precise", []string{"Retry-After", "2", "Retry-After-Ms", "250"}, 250 * time.Millisecond, true},
		{"bad milliseconds", "a bad ms header falls back to Retry-After", []string{"Retry-After", "2", "Retry-After-Ms", "soon"}, 2 * time.Second, true},
		{"date", "an HTTP-date is measured from now without a Date header", []string{"Retry-After", "Mon, 02 Nov 2026 10:00:45 GMT"}, 45 * time.Second, true},
		{"date against Date", "the server's Date is the reference", []string{"Date", "Mon, 02 Nov 2026 09:00:00 GMT", "Retry-After", "Mon, 02 Nov 2026 09:00:10 GMT"}, 10 * time.Second, true},
		{"past date", "a date in the past means now", []string{"Retry-After", "Mon, 02 Nov 2026 09:00:00 GMT"}, 0, true},
		{"huge", "absurd delays are capped", []string{"Retry-After", "999999999999"}, wire.MaxRetryAfter, true},
		{"negative", "negative numbers are not delays", []string{"Retry-After", "-5"}, 0, false},
		{"exponent", "only plain decimals", []string{"Retry-After", "1e3"}, 0, false},
		{"garbage", "unparsable values are ignored", []string{"Retry-After", "later"}, 0, false},
		{"nan", "NaN is not a number here", []string{"Retry-After", "NaN"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for i := 0; i+1 < len(tt.headers); i += 2 {
				h.Set(tt.headers[i], tt.headers[i+1])
			}
			got, ok := wire.ParseRetryAfter(h, now)
			assert.Equal(t, tt.ok, ok, tt.reason)
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}

func TestCodeForStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		want   providers.Code
		reason string
	}{
		{401, providers.CodeAuth, "bad key"},
		{403, providers.CodeAuth, "no permission"},
		{429, providers.CodeRateLimited, "slow down"},
		{408, providers.CodeTimeout, "server-side timeout"},
		{409, providers.CodeUnavailable, "conflict is transient (the vendors' SDKs retry it)"},
		{500, providers.CodeUnavailable, "server error"},
		{529, providers.CodeUnavailable, "Anthropic overloaded"},
		{400, providers.CodeInvalidRequest, "bad request"},
		{404, providers.CodeInvalidRequest, "unknown model"},
		{413, providers.CodeInvalidRequest, "too large"},
		{422, providers.CodeInvalidRequest, "unprocessable"},
		{302, providers.CodeUnknown, "a redirect nobody followed"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, wire.CodeForStatus(tt.status), tt.reason)
		})
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url    string
		ok     bool
		reason string
	}{
		{"https://api.openai.com/v1", true, "the usual"},
		{"http://127.0.0.1:11434", true, "a local server"},
		{"", false, "empty"},
		{"http://[::1", false, "unparsable"},
		{"ftp://host", false, "wrong scheme"},
		{"http://", false, "no host"},
		{"http://host/v1?x=1", false, "query"},
		{"http://host/v1#f", false, "fragment"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			err := wire.CheckURL(tt.url)
			if tt.ok {
				assert.NoError(t, err, tt.reason)
				return
			}
			require.Error(t, err, tt.reason)
			if tt.url != "" {
				assert.NotContains(t, err.Error(), tt.url, "the URL may hold credentials")
			}
		})
	}
}
