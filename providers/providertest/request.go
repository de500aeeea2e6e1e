package providertest

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/careguard/careguard/providers"
)

// spare is how many elements or bytes past len each slice of a test request
// has, filled with canaries, so that a provider appending to the caller's
// slices is caught.
const spare = 2

var canary = providers.Message{Role: providers.RoleUser, Content: "providertest canary: must not be overwritten"}

// withSpare returns msgs in a slice with spare canaries beyond its length.
func withSpare(msgs ...providers.Message) []providers.Message {
	s := make([]providers.Message, len(msgs)+spare)
	copy(s, msgs)
	for i := len(msgs); i < len(s); i++ {
		s[i] = canary
	}
	return s[:len(msgs)]
}

// jsonWithSpare returns doc in a slice with spare '#' bytes beyond its length.
func jsonWithSpare(doc string) []byte {
	return append([]byte(doc), bytes.Repeat([]byte("#"), spare)...)[:len(doc)]
}

func userRequest(content string) *providers.Request {
	return &providers.Request{Messages: withSpare(providers.Message{Role: providers.RoleUser, Content: content})}
}

func minimalRequest() *providers.Request { return userRequest("Say hello.") }

func conversationRequest() *providers.Request {
	temperature := 0.5
	return &providers.Request{
		Messages: withSpare(
			providers.Message{Role: providers.RoleSystem, Content: "You are a concise assistant."},
			providers.Message{Role: providers.RoleUser, Content: "Name a colour."},
			providers.Message{Role: providers.RoleAssistant, Content: "Blue."},
			providers.Message{Role: providers.RoleUser, Content: "Name another one."},
		),
		MaxTokens:   256,
		Temperature: &temperature,
	}
}

func schemaRequest() *providers.Request {
	const schema = `{"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false}`
	req := conversationRequest()
	req.Schema = &providers.Schema{
		Name:        "reply",
		Description: "A short reply.",
		Full:        jsonWithSpare(schema),
		Strict:      jsonWithSpare(schema),
	}
	return req
}

// snapshot records a request, including the spare capacity of its slices
// and the identity of everything it points to.
type snapshot struct {
	req         *providers.Request // nil for a nil request
	messages    sliceSnapshot[providers.Message]
	maxTokens   int
	temperature *float64
	tempValue   float64
	schema      *providers.Schema
	schemaValue providers.Schema // Full and Strict are not used
	full        sliceSnapshot[byte]
	strict      sliceSnapshot[byte]
}

func takeSnapshot(req *providers.Request) snapshot {
	if req == nil {
		return snapshot{}
	}
	s := snapshot{
		req:         req,
		messages:    snapshotSlice(req.Messages),
		maxTokens:   req.MaxTokens,
		temperature: req.Temperature,
		schema:      req.Schema,
	}
	if req.Temperature != nil {
		s.tempValue = *req.Temperature
	}
	if req.Schema != nil {
		s.schemaValue = *req.Schema
		s.full = snapshotSlice(req.Schema.Full)
		s.strict = snapshotSlice(req.Schema.Strict)
	}
	return s
}

// changes lists how the snapshot's request differs from when it was taken.
func (s *snapshot) changes() []error {
	req := s.req
	if req == nil {
		return nil
	}
	var errs []error
	changed := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("provider.Generate modified the request: "+format, args...))
	}
	if d := s.messages.change(req.Messages); d != "" {
		changed("Messages %s", d)
	}
	if req.MaxTokens != s.maxTokens {
		changed("MaxTokens went from %d to %d", s.maxTokens, req.MaxTokens)
	}
	switch {
	case req.Temperature != s.temperature:
		changed("Temperature was replaced by another pointer")
	case req.Temperature != nil && *req.Temperature != s.tempValue:
		changed("*Temperature went from %g to %g", s.tempValue, *req.Temperature)
	}
	switch {
	case req.Schema != s.schema:
		changed("Schema was replaced by another pointer")
	case req.Schema != nil:
		if req.Schema.Name != s.schemaValue.Name {
			changed("Schema.Name went from %q to %q", s.schemaValue.Name, req.Schema.Name)
		}
		if req.Schema.Description != s.schemaValue.Description {
			changed("Schema.Description went from %q to %q", s.schemaValue.Description, req.Schema.Description)
		}
		if d := s.full.change(req.Schema.Full); d != "" {
			changed("Schema.Full %s", d)
		}
		if d := s.strict.change(req.Schema.Strict); d != "" {
			changed("Schema.Strict %s", d)
		}
	}
	return errs
}

// sliceSnapshot records a slice header and its elements up to capacity.
type sliceSnapshot[T comparable] struct {
	header []T
	elems  []T
}

func snapshotSlice[T comparable](s []T) sliceSnapshot[T] {
	return sliceSnapshot[T]{header: s, elems: slices.Clone(s[:cap(s)])}
}

// change describes the first difference between got and the snapshot, or
// returns "".
func (s *sliceSnapshot[T]) change(got []T) string {
	switch {
	case len(got) != len(s.header) || cap(got) != cap(s.header):
		return fmt.Sprintf("went from len %d, cap %d to len %d, cap %d", len(s.header), cap(s.header), len(got), cap(got))
	case cap(got) > 0 && &got[:1][0] != &s.header[:1][0]:
		return "was replaced by another slice"
	}
	for i, v := range got[:cap(got)] {
		switch {
		case v == s.elems[i]:
		case i < len(got):
			return fmt.Sprintf("[%d] went from %#v to %#v", i, s.elems[i], v)
		default:
			return fmt.Sprintf("element %d, past len, was overwritten with %#v: do not append to the caller's slices", i, v)
		}
	}
	return ""
}
