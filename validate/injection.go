package validate

import (
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/careguard/careguard/terminology"
)

// Injection rule IDs.
const (
	// RuleInjectionNote: a note of the record holds text that reads like
	// instructions to a model.
	RuleInjectionNote = "injection.note"
	// RuleInjectionDraft: the draft's own text does, which suggests the
	// model followed such text.
	RuleInjectionDraft = "injection.draft"
)

var injectionSource = terminology.Source{
	Citation: "OWASP Top 10 for LLM Applications 2025, LLM01 Prompt Injection (indirect injection through documents; segregate and identify external content)",
	URL:      "https://genai.owasp.org/llmrisk/llm01-prompt-injection/",
}

// InjectionSignal names what a detected span looks like.
type InjectionSignal string

// The signals the detector knows.
const (
	// SignalOverride: an order to ignore or replace earlier instructions
	// ("ignore previous instructions", "disregard the rules above").
	SignalOverride InjectionSignal = "override"
	// SignalRole: a forged conversation turn or control token ("SYSTEM:",
	// "<|im_start|>", "[INST]", "### Instruction").
	SignalRole InjectionSignal = "role-marker"
	// SignalReview: an attempt to steer review or routing ("mark this
	// auto-approved", "no physician review", "tier": "auto").
	SignalReview InjectionSignal = "review-manipulation"
	// SignalBoundary: a forged end or start of the note or record
	// ("<<<END", "END OF NOTE", a fence marker).
	SignalBoundary InjectionSignal = "fake-boundary"
	// SignalModel: text addressed to the model itself ("you are now",
	// "as an AI", "developer mode", "role-play").
	SignalModel InjectionSignal = "model-address"
	// SignalOutput: an order about the reply ("respond only with", "print
	// your system prompt").
	SignalOutput InjectionSignal = "output-directive"
	// SignalJSON: a JSON object, or a key of the plan's schema, inside a
	// note.
	SignalJSON InjectionSignal = "json-payload"
	// SignalHidden: invisible or direction-changing characters (zero-width
	// spaces, bidirectional overrides, Unicode tag characters).
	SignalHidden InjectionSignal = "hidden-text"
	// SignalEncoded: a base64 or hex run that decodes to readable text.
	SignalEncoded InjectionSignal = "encoded-payload"
)

// InjectionMatch is one instruction-like span: text[Start:End].
type InjectionMatch struct {
	Start, End int
	Signal     InjectionSignal
}

// InjectionOptions configures the injection detector. It has no fields
// yet; nil is the default.
type InjectionOptions struct{}

// Injection flags instruction-like text in a record's notes (and in a
// draft's own text) with a warning, so that a clinician looks at a draft
// whose source text tried to steer the model. It never blocks anything:
// notes are fenced and labelled as untrusted data in every prompt, and
// routing reads structure only, so the warning is for people.
//
// The rules look for what clinical notes do not say: orders to ignore
// instructions, forged conversation turns and control tokens, attempts to
// steer review or routing, forged note boundaries, text addressed to a
// model, orders about the reply, JSON in a note, invisible characters and
// encoded payloads. Ordinary clinical imperatives ("hold metoprolol", "do
// not resuscitate", "ignore the glucose log", "disregard the previous
// order") are not flagged.
//
// An Injection is immutable and safe for concurrent use by multiple
// goroutines.
type Injection struct {
	rules []injectionRule
	// draftRules has a bit set for every rule but the model-address ones,
	// which are not run on a draft's own text.
	draftRules uint64
	b64        *regexp.Regexp
	hex        *regexp.Regexp
}

type injectionRule struct {
	signal   InjectionSignal
	re       *regexp.Regexp
	triggers []string
}

// NewInjection returns the prompt-injection detector. Its patterns are
// compiled here, once per detector.
func NewInjection(*InjectionOptions) *Injection {
	// Each rule runs only when its text holds one of its triggers (lower
	// case substrings its pattern cannot match without), so that most
	// notes cost a few substring searches.
	rule := func(triggers []string, s InjectionSignal, pattern string) injectionRule {
		return injectionRule{signal: s, re: regexp.MustCompile(pattern), triggers: triggers}
	}
	const (
		sp  = `[\s\p{Z}]+`
		any = `[^.\n]{0,40}?`
	)
	v := &Injection{
		rules: []injectionRule{
			rule([]string{"ignore", "disregard", "forget", "bypass", "overrid", "overrul", "skip", "drop", "abandon"}, SignalOverride, `(?i)\b(?:ignore|disregard|forget|bypass|override|overrule|skip|drop|abandon)\b`+any+
				`\b(?:previous|prior|above|earlier|preceding|all|any|your|the|these|those|system|original|initial|existing)\b`+any+
				`\b(?:instructions?|prompts?|rules?|directions?|directives?|guidelines|guidance|messages?|context|constraints?|safeguards?|guardrails?|polic(?:y|ies)|programming|settings|restrictions?)\b`),
			rule([]string{"instruction", "rules", "directive", "prompt"}, SignalOverride, `(?i)\b(?:new|updated|real|actual|true|revised)`+sp+`(?:system`+sp+`)?(?:instructions?|rules|directives?|prompt)`+sp+`(?:are|follow|from|supersede|override)\b`),
			rule([]string{"instead", "now on"}, SignalOverride, `(?i)\b(?:instead|from`+sp+`now`+sp+`on)\b[,:]?`+sp+`(?:you|the`+sp+`(?:ai|model|assistant))\b`),
			rule([]string{"ignore", "disregard", "forget", "you were", "you have been", "instructions you", "instruction you", "task", "goal", "job", "role", "objective", "purpose", "priority"}, SignalOverride, `(?i)\b(?:ignore|disregard|forget)`+sp+`(?:everything|anything|all`+sp+`(?:of`+sp+`)?(?:that|this|the`+sp+`above))\b|\byou`+sp+`(?:were|have`+sp+`been)`+sp+`(?:told|given|instructed|asked)\b|\binstructions?`+sp+`you`+sp+`(?:received|were`+sp+`given|got)\b|\b(?:real|actual|true|new)`+sp+`(?:task|goal|job|role|objective)\b|\byour`+sp+`(?:new`+sp+`)?(?:role|task|job|purpose)\b|\b(?:highest|top|primary|overriding)[-\s]priority`+sp+`(?:directive|instruction|task)\b`),
			rule([]string{"obsolete", "void", "invalid", "cancel", "supersed", "revoked", "outdated", "no longer", "follow"}, SignalOverride, `(?i)\b(?:previous|prior|above|earlier|original|system)`+sp+`(?:prompt|instructions?|rules|directives?)\b`+any+
				`\b(?:obsolete|void|invalid|cancell?ed|superseded|revoked|outdated|no`+sp+`longer`+sp+`appl\w+)\b|\bfollow`+sp+`(?:the|these)`+sp+`(?:directives?|instructions?|rules|commands?)`+sp+`(?:in|from|below)`+sp+`(?:this|the)`+sp+`(?:note|text|record|document)\b`),
			rule([]string{"system", "developer"}, SignalRole, `(?im)^[ \t>#*]*(?:system|developer)(?:`+sp+`(?:prompt|message|instructions?|override|note))?[ \t]*[:>\]].*\b(?:you|your|ignore|must|approv\w*|rules?|mode|polic(?:y|ies)|override|instructions?|now|review|tier|route)\b`),
			rule([]string{"system", "override code"}, SignalRole, `(?i)\bsystem`+sp+`(?:override|prompt|instructions?)\b|\boverride`+sp+`code\b`),
			rule([]string{"assistant", "user", "human", "ai"}, SignalRole, `(?im)^[ \t>#*]*(?:assistant|user|human|ai)[ \t]*:.*\b(?:you|your|ignore|must|respond|reply|output|approve|instructions?)\b`),
			rule([]string{"<", "[inst", "[/inst", "##"}, SignalRole, `(?i)<\|?/?(?:im_start|im_end|system|assistant|user|endoftext|eot_id|start_header_id|end_header_id)\|?>|\[/?INST\]|<</?SYS>>|</?(?:system|assistant|user|instructions?|prompt)>|(?m)^#{2,}`+sp+`(?:instruction|system|response)`),
			rule([]string{"approv", "review", "sign", "oversight", "tier", "severity", "risk", "priority", "routing", "flag", "escalat", "route", "report", "needs no", "need no", "skip", "check", "validat", "mark"}, SignalReview, `(?i)\bauto[-\s_]?approv\w*|\bapprov\w*`+sp+`automatically\b|\b(?:no|without|skip|skips|skipping|bypass|bypasses|avoid|waive)`+sp+`(?:the`+sp+`)?(?:clinician|physician|nurse|human|doctor|manual|pharmacist|clinical)`+sp+`(?:review|sign-?off|approval|oversight)\b|\bmark`+sp+`(?:this|it|the`+sp+`(?:plan|draft|note|record|output))`+sp+`(?:as`+sp+`)?(?:approved|safe|low[-\s]?risk|reviewed|verified|final)\b|\breview[_\s-]?tier\b|"tier"\s*:|\btier\s*[:=]\s*"?(?:auto|none|0|low)\b|\b(?:set|change|lower|downgrade|reduce)`+sp+`(?:the`+sp+`)?(?:review`+sp+`)?(?:tier|severity|risk`+sp+`level|priority|routing)\b|\b(?:do`+sp+`not|don't|never)`+sp+`(?:flag|escalate|route|report)\b|\bneeds?`+sp+`no`+sp+`(?:nurse|physician|doctor|clinician|pharmacist|review|reviewer|sign-?off|checks?)\b|\b(?:clinician|physician|nurse|human|manual|clinical)`+sp+`(?:review|sign-?off|oversight|approval)`+sp+`(?:is`+sp+`)?(?:disabled|unnecessary|not`+sp+`(?:needed|required)|waived|skipped|off)\b|\bskip`+sp+`(?:the`+sp+`|all`+sp+`)?(?:checks?|validation|validators?|safety`+sp+`checks?)\b`),
			rule([]string{"<<<", "end", "close", "note-", "</", "begin"}, SignalBoundary, `(?i)<<<\s*(?:END|BEGIN)\b|\b(?:END|CLOSE)`+sp+`OF`+sp+`(?:THE`+sp+`)?(?:PATIENT`+sp+`|CLINICAL`+sp+`|UNTRUSTED`+sp+`)?(?:NOTE|RECORD|CHART|DOCUMENT|DATA|CONTEXT|INPUT|UNTRUSTED)\b|\bNOTE-[0-9a-f]{16}\b|</\s*note\s*>|\bBEGIN`+sp+`(?:SYSTEM|INSTRUCTIONS?|TRUSTED|NEW)\b`),
			rule([]string{"you", "as an", "chat", "gpt", "openai", "anthropic", "dear", "hey", "hi", "attention", "note to", "model", "llm", "jail", "developer", "dan", "anything", "pretend", "role", "act as", "the ai", "bot", "automated", "machine"}, SignalModel, `(?i)\byou`+sp+`are`+sp+`(?:now`+sp+`)?(?:an?`+sp+`)?(?:ai|assistant|language`+sp+`model|chatbot|gpt|llm|dan|unrestricted|jailbroken|free)\b|\bas`+sp+`an`+sp+`(?:ai|language`+sp+`model)\b|\b(?:chat\s*gpt|gpt-?\d\w*|openai|anthropic)\b|\b(?:dear|hey|hi|attention|note`+sp+`to`+sp+`(?:the)?)`+sp+`(?:ai|assistant|model|chatbot|llm|bot)\b|\blanguage`+sp+`model\b|\bllms?\b|\bjail\s?break\w*|\bdeveloper`+sp+`mode\b|(?-i:\bDAN\b)|\bdo`+sp+`anything`+sp+`now\b|\bpretend`+sp+`(?:to`+sp+`be|you`+sp+`are)\b|\brole[-\s]?play\w*|\bact`+sp+`as`+sp+`(?:an?`+sp+`|the`+sp+`)?(?:ai|assistant|system|admin\w*|developer|different|unrestricted|model|reviewing`+sp+`(?:physician|clinician|doctor|nurse))\b|\bthe`+sp+`(?:ai|llm|chatbot|bot)\b|\bchatbot\b|\bautomated`+sp+`(?:reviewer|system|agent|assistant)\b|\b(?:human`+sp+`or`+sp+`machine|machine`+sp+`or`+sp+`human)\b|\bif`+sp+`you`+sp+`are`+sp+`(?:an?`+sp+`)?(?:ai|model|machine|bot|program)\b|(?im)^[ \t]*model[ \t]*:`),
			rule([]string{"respond", "reply", "output", "print", "reveal", "show", "repeat", "leak", "dump", "your", "json", "response"}, SignalOutput, `(?i)\b(?:respond|reply|output|print)\b`+any+`\b(?:only|exactly|verbatim)\b|\b(?:reveal|print|show|repeat|leak|output|dump)`+sp+`(?:your|the)`+sp+`(?:system`+sp+`|hidden`+sp+`|original`+sp+`)?(?:prompt|instructions|rules)\b|\b(?:in|into)`+sp+`your`+sp+`(?:response|output|answer|reply|json|plan)\b|\b(?:include|add|insert|put)\b`+any+`\b(?:in|into|to)`+sp+`(?:your|the)`+sp+`(?:json|response|output|reply)\b`),
			rule([]string{"{", "\""}, SignalJSON, `\{\s*"[A-Za-z_]+"\s*:|"(?:tier|review|approved|approval|severity|findings|citations|medication_changes|care_plan|problems|summary|status|role|content)"\s*:`),
			rule([]string{"\xe2\x80", "\xe2\x81", "\xef\xbb\xbf", "\xf3\xa0"}, SignalHidden, "[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\U000E0000-\U000E007F]+"),
		},
		b64: regexp.MustCompile(`[A-Za-z0-9+/]{32,}={0,2}|[A-Za-z0-9_-]{40,}`),
		hex: regexp.MustCompile(`\b(?:[0-9A-Fa-f]{2}){24,}\b`),
	}
	for i, r := range v.rules {
		if r.signal != SignalModel {
			v.draftRules |= 1 << i
		}
	}
	return v
}

// Name returns "injection".
func (v *Injection) Name() string { return "injection" }

// Detect returns the instruction-like spans of text, in order of their
// start (overlapping spans of different signals are all returned).
func (v *Injection) Detect(text string) []InjectionMatch {
	return v.detect(text, 1<<len(v.rules)-1)
}

// detect is Detect limited to the rules in mask (a bit per index in
// v.rules, which holds fewer than 64).
func (v *Injection) detect(text string, mask uint64) []InjectionMatch {
	var out []InjectionMatch
	var lower string
	if mask != 0 {
		lower = strings.ToLower(text)
	}
	for i, r := range v.rules {
		if mask&(1<<i) == 0 || !hasTrigger(lower, r.triggers) {
			continue
		}
		for _, loc := range r.re.FindAllStringIndex(text, 20) {
			if r.signal == SignalOverride && reported(text[:loc[0]]) {
				continue // "told to disregard the earlier fasting instructions"
			}
			out = append(out, InjectionMatch{Start: loc[0], End: loc[1], Signal: r.signal})
		}
	}
	if !longRun(text, 24) {
		slices.SortFunc(out, compareInjectionMatches)
		return out
	}
	for _, loc := range v.b64.FindAllStringIndex(text, 20) {
		if readable(decodeBase64(text[loc[0]:loc[1]])) {
			out = append(out, InjectionMatch{Start: loc[0], End: loc[1], Signal: SignalEncoded})
		}
	}
	for _, loc := range v.hex.FindAllStringIndex(text, 20) {
		if readable(decodeHex(text[loc[0]:loc[1]])) {
			out = append(out, InjectionMatch{Start: loc[0], End: loc[1], Signal: SignalEncoded})
		}
	}
	slices.SortFunc(out, compareInjectionMatches)
	return out
}

func compareInjectionMatches(a, b InjectionMatch) int {
	if a.Start != b.Start {
		return a.Start - b.Start
	}
	return strings.Compare(string(a.Signal), string(b.Signal))
}

// hasTrigger reports whether lower holds one of a rule's triggers. A
// trigger of three letters or fewer ("ai", "hi", "you", "dan") counts only
// at the start of a word, as the rules' patterns match it (after \b):
// otherwise "maintain", "this" and "guidance" would run the costliest
// pattern on almost every note.
func hasTrigger(lower string, triggers []string) bool {
	for _, t := range triggers {
		if len(t) > 3 || t[0] < 'a' || t[0] > 'z' {
			if strings.Contains(lower, t) {
				return true
			}
			continue
		}
		for from := 0; ; {
			i := strings.Index(lower[from:], t)
			if i < 0 {
				break
			}
			i += from
			if i == 0 || !asciiWordByte(lower[i-1]) {
				return true
			}
			from = i + 1
		}
	}
	return false
}

// asciiWordByte reports whether c is in \w (ASCII letters, digits, _),
// the class regexp's \b is defined by.
func asciiWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// longRun reports whether text holds n letters, digits and the like in a
// row: the least an encoded payload needs.
func longRun(text string, n int) bool {
	run := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_' || c == '=' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// reported reports whether the text before a match ends in reported
// speech ("was told to", "asked to"): a clinician recording what a patient
// was told, not an order to the reader.
func reported(before string) bool {
	tail := strings.ToLower(before[max(0, len(before)-24):])
	for _, w := range []string{"told to ", "asked to ", "instructed to ", "advised to ", "reminded to ", "was to "} {
		if strings.HasSuffix(tail, w) {
			return true
		}
	}
	return false
}

func decodeBase64(s string) []byte {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b
		}
	}
	// A run cut at an odd length: decode what fits.
	if n := len(strings.TrimRight(s, "=")) / 4 * 4; n >= 32 {
		if b, err := base64.StdEncoding.DecodeString(s[:n]); err == nil {
			return b
		}
	}
	return nil
}

func decodeHex(s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		hi, lo := unhex(s[2*i]), unhex(s[2*i+1])
		if hi < 0 || lo < 0 {
			return nil
		}
		b[i] = byte(hi<<4 | lo)
	}
	return b
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// readable reports whether decoded bytes are mostly text with words:
// valid UTF-8, at least 90% printable, with spaces.
func readable(b []byte) bool {
	if len(b) < 16 || !utf8.Valid(b) {
		return false
	}
	printable, spaces := 0, 0
	for _, c := range b {
		switch {
		case c == ' ':
			spaces++
			printable++
		case c >= 0x20 && c < 0x7f, c == '\n', c == '\t', c >= 0x80:
			printable++
		}
	}
	return printable*10 >= len(b)*9 && spaces >= 2
}

// maxInjectionFindings bounds the findings for one text.
const maxInjectionFindings = 10

// Validate implements Validator: a warning (CategoryInjection) for each
// instruction-like span of a note (RuleInjectionNote, with the note's ID
// and the span's byte offsets) and of the draft's text
// (RuleInjectionDraft, with the item; text about models is not flagged
// there, since a plan may say who wrote it). It returns ErrInvalidInput when in
// lacks a record, a draft or a plan, and ctx.Err() if ctx ends.
func (v *Injection) Validate(ctx context.Context, in *Input) ([]Finding, error) {
	if in == nil || in.Record == nil || in.Draft == nil || in.Draft.Plan == nil {
		return nil, ErrInvalidInput
	}
	var out []Finding
	for _, n := range in.Record.Notes() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i, m := range v.Detect(n.Text) {
			if i == maxInjectionFindings {
				break
			}
			out = append(out, Finding{RuleID: RuleInjectionNote, Severity: SeverityWarning, Category: CategoryInjection,
				Message: fmt.Sprintf("Note %s holds text that reads like instructions to a model (%s, bytes %d-%d). Notes are quoted to the model as untrusted data, but check that the draft did not follow it.",
					n.ID, m.Signal, m.Start, m.End),
				FactIDs: []string{n.ID}, Source: injectionSource, Span: &Span{FactID: n.ID, Start: m.Start, End: m.End},
				Suggestion: "Review the draft against the record; if the note was tampered with, report it."})
		}
	}
	fields := phiFields(in.Draft.Plan)
	// Model-address rules are not run on the draft: a plan may say it was
	// not written by a language model.
	mask := v.draftRules
	for _, f := range fields {
		n := 0
		for _, m := range v.detect(f.text, mask) {
			if m.Signal == SignalModel {
				continue // a plan may say it was not written by a language model
			}
			if n++; n > maxInjectionFindings {
				break
			}
			where := "the plan summary"
			var items []string
			if f.item != "" {
				where = "the " + f.field + " of " + f.item
				items = []string{f.item}
			}
			out = append(out, Finding{RuleID: RuleInjectionDraft, Severity: SeverityWarning, Category: CategoryInjection,
				Message: fmt.Sprintf("The draft's own text (%s) reads like instructions or an attempt to steer review (%s): the model may have followed injected text.",
					where, m.Signal),
				ItemIDs: items, Source: injectionSource, Suggestion: "Check the item against the record before approving."})
		}
	}
	return out, nil
}
