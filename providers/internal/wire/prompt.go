package wire

import (
	"strings"

	"github.com/tmc/langchaingo/llms"

	"github.com/careguard/careguard/providers"
)

// SchemaInstruction is the text that asks for a reply in schema s, for
// vendors that cannot enforce one. It carries the full schema unchanged.
func SchemaInstruction(s *providers.Schema) string {
	var b strings.Builder
	b.Grow(len(s.Full) + 256)
	b.WriteString("Reply with one JSON document and nothing else: no prose, no Markdown code fences. ")
	b.WriteString("The document must be valid against the JSON Schema named ")
	b.WriteString(s.Name)
	if s.Description != "" {
		b.WriteString(" (")
		b.WriteString(s.Description)
		b.WriteString(")")
	}
	b.WriteString(" below.\n")
	b.Write(s.Full)
	return b.String()
}

// WithSystem returns msgs with extra merged into the first message when it
// is a system message (separated by a blank line), or as a new system
// message in front otherwise. msgs is not modified; the result is a new
// slice.
func WithSystem(msgs []providers.Message, extra string) []providers.Message {
	if len(msgs) > 0 && msgs[0].Role == providers.RoleSystem {
		out := make([]providers.Message, len(msgs))
		copy(out, msgs)
		out[0].Content = msgs[0].Content + "\n\n" + extra
		return out
	}
	out := make([]providers.Message, 0, len(msgs)+1)
	out = append(out, providers.Message{Role: providers.RoleSystem, Content: extra})
	return append(out, msgs...)
}

// Messages converts messages to langchaingo's form, one text part each.
func Messages(msgs []providers.Message) []llms.MessageContent {
	out := make([]llms.MessageContent, len(msgs))
	for i, m := range msgs {
		role := llms.ChatMessageTypeHuman
		switch m.Role {
		case providers.RoleSystem:
			role = llms.ChatMessageTypeSystem
		case providers.RoleAssistant:
			role = llms.ChatMessageTypeAI
		}
		out[i] = llms.MessageContent{Role: role, Parts: []llms.ContentPart{llms.TextContent{Text: m.Content}}}
	}
	return out
}

// maxCount bounds a token count read from a reply, so that sums of counts
// cannot overflow.
const maxCount = 1 << 40

// Int reads a token count from a GenerationInfo map, whatever integer or
// float type the SDK stored it as; missing, negative or non-numeric values
// give 0, and absurdly large ones are capped at 2⁴⁰.
func Int(info map[string]any, key string) int {
	var n int64
	switch v := info[key].(type) {
	case int:
		n = int64(v)
	case int32:
		n = int64(v)
	case int64:
		n = v
	case float64:
		n = int64(v)
	case float32:
		n = int64(v)
	}
	return Count(n)
}

// Count clamps a token count to [0, 2⁴⁰].
func Count[T int | int64](n T) int {
	switch {
	case n < 0:
		return 0
	case int64(n) > maxCount:
		return maxCount
	}
	return int(n)
}

// Temperature picks the request's temperature, else the adapter's default;
// nil means the vendor's default.
func Temperature(req, def *float64) *float64 {
	if req != nil {
		return req
	}
	return def
}
