package validate

import (
	"github.com/careguard/careguard/terminology"
)

// This file reads medication orders written in free text: a drug's name
// with an action word ("Start naproxen 500 mg twice daily", "Nurse to stop
// warfarin and begin aspirin", "switch from warfarin to apixaban",
// "increase the dose of lisinopril", "metformin should be held"). Routing
// reads only the structured medication changes, so an order written
// anywhere else would reach only a nurse and escape the medication-safety
// checks; Grounding reports it and MedicationSafety checks the starts.
//
// The reader is deliberately narrow about what links an action word to a
// drug: only determiners, dose and schedule words, numbers and units,
// prepositions, conjunctions and other drug names may stand between them
// ("start her on low-dose aspirin 81 mg and atorvastatin"), within one
// clause. It is deliberately broad about what counts as an order: a
// hypothetical or conditional one ("hold metformin if you cannot eat") is
// still an order for a physician to review. Negated actions ("do not start
// naproxen", "avoid starting", "instead of stopping") and mere statements
// ("naproxen was stopped in 2024", "aspirin increases warfarin's effect")
// are not orders.

// orderAction is what free text tells someone to do with a medication.
type orderAction uint8

const (
	// orderStart: start, begin, initiate, add, prescribe, restart, switch
	// to, replace with.
	orderStart orderAction = iota + 1
	// orderStop: stop, discontinue, deprescribe, wean off, switch from.
	orderStop
	// orderHold: hold, pause, suspend, withhold, skip.
	orderHold
	// orderIncrease: increase, raise, up-titrate, double.
	orderIncrease
	// orderDecrease: decrease, reduce, lower, halve, taper.
	orderDecrease
	// orderAdjust: titrate, adjust, change the dose: a dose change whose
	// direction the text does not say.
	orderAdjust
	// orderTake: take, give, administer, apply, try: a start when the
	// patient does not already take the drug, nothing when they do.
	orderTake
	// orderAvoid: avoid: a stop when the patient takes the drug, nothing
	// when they do not.
	orderAvoid
)

// String names the action for messages ("start", "stop", ...).
func (a orderAction) String() string {
	switch a {
	case orderStart, orderTake:
		return "start"
	case orderStop:
		return "stop"
	case orderHold:
		return "hold"
	case orderIncrease:
		return "increase the dose of"
	case orderDecrease:
		return "decrease the dose of"
	case orderAdjust:
		return "change the dose of"
	case orderAvoid:
		return "avoid"
	}
	return "change"
}

// textOrder is a medication action written in free text.
type textOrder struct {
	action orderAction
	// key is the ingredient's key in the drug table.
	key string
	// start and end span the drug's name; verb spans the action word.
	start, end int
	verb       int
	// phraseEnd ends the drug's strength, dose form and schedule
	// ("naproxen 500 mg twice daily"), for reading its dose and route.
	phraseEnd int
}

// quote returns the order as written, from the action word (or the drug
// name, whichever comes first) to the end of the drug's phrase.
func (o textOrder) quote(text string) string {
	from := min(o.verb, o.start)
	to := max(o.phraseEnd, o.end)
	if from < 0 || to > len(text) || from > to {
		return ""
	}
	return text[from:to]
}

// verbForm says how an action word is used, which decides where it may
// stand relative to the drug.
type verbForm uint8

const (
	// formBase: the imperative or infinitive ("stop", "increase"), or a
	// noun naming the action ("discontinuation", "titration").
	formBase verbForm = iota + 1
	// formThird: a third-person form ("adds", "increases"). Before a drug
	// it may describe a plan ("the plan adds empagliflozin"), or
	// pharmacology ("amiodarone increases warfarin levels").
	formThird
	// formIng: a gerund ("starting", "holding").
	formIng
)

// verbClass says how the objects of an action word are read.
type verbClass uint8

const (
	// classPlain: the drug after the word is its object.
	classPlain verbClass = iota
	// classSwitch: switch, change, convert: "to X" starts X; "from X", or
	// X as the bare object, stops it; "X to 20 mg" changes its dose.
	classSwitch
	// classReplace: replace, substitute: the bare object stops; "with X"
	// or "by X" starts X.
	classReplace
)

// orderVerb is one entry of the action-word lexicon.
type orderVerb struct {
	action orderAction
	form   verbForm
	class  verbClass
}

// orderReader finds medication orders in free text. It is built once, by
// newOrderReader, and is immutable: safe for concurrent use.
type orderReader struct {
	verbs       map[string]orderVerb   // action words and their forms
	participles map[string]orderAction // passive forms after "be": "should be stopped"
	linking     map[string]bool        // words that may stand between an action word and its drug
	negators    map[string]bool        // words that negate a following action
	boundaries  map[string]bool        // words that end a clause
	modals      map[string]bool        // words that may precede "be" in a passive order
	notOrder    map[string]bool        // nouns after a drug that make a dose verb pharmacology ("warfarin levels")
	conditional map[string]bool        // words that make a weak verb (take, give) descriptive
	doseForms   map[string]bool        // dose-form and schedule words of a drug's phrase
}

// newOrderReader builds the lexicons. Every call builds new maps: nothing
// is shared between validators.
func newOrderReader() *orderReader {
	r := &orderReader{verbs: map[string]orderVerb{}, participles: map[string]orderAction{}}
	verb := func(a orderAction, c verbClass, base, third, ing string, nouns ...string) {
		for _, w := range []struct {
			s string
			f verbForm
		}{{base, formBase}, {third, formThird}, {ing, formIng}} {
			if w.s != "" {
				r.verbs[w.s] = orderVerb{a, w.f, c}
			}
		}
		for _, n := range nouns {
			r.verbs[n] = orderVerb{a, formBase, c}
		}
	}
	verb(orderStart, classPlain, "start", "starts", "starting")
	verb(orderStart, classPlain, "begin", "begins", "beginning")
	verb(orderStart, classPlain, "initiate", "initiates", "initiating", "initiation")
	verb(orderStart, classPlain, "add", "adds", "adding", "addition")
	verb(orderStart, classPlain, "prescribe", "prescribes", "prescribing", "prescription")
	verb(orderStart, classPlain, "restart", "restarts", "restarting")
	verb(orderStart, classPlain, "resume", "resumes", "resuming", "resumption")
	verb(orderStart, classPlain, "commence", "commences", "commencing")
	verb(orderStart, classPlain, "introduce", "introduces", "introducing", "introduction")
	verb(orderStart, classPlain, "trial", "trials", "trialing", "trialling")
	verb(orderStart, classPlain, "rechallenge", "rechallenges", "rechallenging")
	verb(orderStop, classPlain, "stop", "stops", "stopping")
	verb(orderStop, classPlain, "discontinue", "discontinues", "discontinuing", "discontinuation")
	verb(orderStop, classPlain, "cease", "ceases", "ceasing", "cessation")
	verb(orderStop, classPlain, "deprescribe", "deprescribes", "deprescribing")
	verb(orderStop, classPlain, "wean", "weans", "weaning")
	verb(orderStop, classPlain, "withdraw", "withdraws", "withdrawing", "withdrawal")
	verb(orderStop, classPlain, "quit", "quits", "quitting")
	verb(orderHold, classPlain, "hold", "holds", "holding")
	verb(orderHold, classPlain, "pause", "pauses", "pausing")
	verb(orderHold, classPlain, "suspend", "suspends", "suspending", "suspension")
	verb(orderHold, classPlain, "withhold", "withholds", "withholding")
	verb(orderHold, classPlain, "skip", "skips", "skipping")
	verb(orderHold, classPlain, "omit", "omits", "omitting")
	verb(orderIncrease, classPlain, "increase", "increases", "increasing")
	verb(orderIncrease, classPlain, "raise", "raises", "raising")
	verb(orderIncrease, classPlain, "uptitrate", "uptitrates", "uptitrating", "uptitration")
	verb(orderIncrease, classPlain, "escalate", "escalates", "escalating", "escalation")
	verb(orderIncrease, classPlain, "double", "doubles", "doubling")
	verb(orderIncrease, classPlain, "triple", "triples", "tripling")
	verb(orderIncrease, classPlain, "intensify", "intensifies", "intensifying", "intensification")
	verb(orderDecrease, classPlain, "decrease", "decreases", "decreasing")
	verb(orderDecrease, classPlain, "reduce", "reduces", "reducing", "reduction")
	verb(orderDecrease, classPlain, "lower", "lowers", "lowering")
	verb(orderDecrease, classPlain, "halve", "halves", "halving")
	verb(orderDecrease, classPlain, "downtitrate", "downtitrates", "downtitrating", "downtitration")
	verb(orderDecrease, classPlain, "taper", "tapers", "tapering")
	verb(orderDecrease, classPlain, "cut", "cuts", "cutting")
	verb(orderAdjust, classPlain, "titrate", "titrates", "titrating", "titration")
	verb(orderAdjust, classPlain, "adjust", "adjusts", "adjusting", "adjustment")
	verb(orderAdjust, classPlain, "optimize", "optimizes", "optimizing", "optimization")
	verb(orderAdjust, classPlain, "optimise", "optimises", "optimising", "optimisation")
	verb(orderAdjust, classPlain, "modify", "modifies", "modifying", "modification")
	verb(orderStop, classSwitch, "switch", "switches", "switching")
	verb(orderStop, classSwitch, "change", "changes", "changing")
	verb(orderStop, classSwitch, "convert", "converts", "converting", "conversion")
	verb(orderStop, classSwitch, "transition", "transitions", "transitioning")
	verb(orderStop, classSwitch, "swap", "swaps", "swapping")
	verb(orderStop, classReplace, "replace", "replaces", "replacing", "replacement")
	verb(orderStop, classReplace, "substitute", "substitutes", "substituting", "substitution")
	// Weak verbs: orders only for a drug the patient does not take.
	verb(orderTake, classPlain, "take", "", "taking")
	verb(orderTake, classPlain, "give", "", "giving")
	verb(orderTake, classPlain, "administer", "", "administering")
	verb(orderTake, classPlain, "apply", "", "applying")
	verb(orderTake, classPlain, "try", "", "trying")
	verb(orderAvoid, classPlain, "avoid", "avoids", "avoiding")

	for a, ws := range map[orderAction][]string{
		orderStart:    {"started", "begun", "initiated", "added", "prescribed", "restarted", "resumed", "commenced", "introduced", "trialed", "trialled"},
		orderStop:     {"stopped", "discontinued", "ceased", "deprescribed", "weaned", "withdrawn", "switched", "changed", "converted", "replaced", "substituted"},
		orderHold:     {"held", "paused", "suspended", "withheld", "skipped", "omitted"},
		orderIncrease: {"increased", "raised", "uptitrated", "escalated", "doubled", "tripled", "intensified"},
		orderDecrease: {"decreased", "reduced", "lowered", "halved", "downtitrated", "tapered"},
		orderAdjust:   {"titrated", "adjusted", "optimized", "optimised", "modified"},
		orderTake:     {"given", "administered", "applied", "tried"},
		orderAvoid:    {"avoided"},
	} {
		for _, w := range ws {
			r.participles[w] = a
		}
	}
	r.linking = wordSet(
		// determiners, pronouns and the patient
		"the", "a", "an", "her", "his", "their", "your", "my", "our", "its", "this", "that", "these", "those",
		"patient", "patients", "s", "him", "them", "you", "me", "both", "all", "any", "current", "currently",
		// dose, schedule and form words
		"dose", "doses", "dosage", "dosing", "of", "daily", "nightly", "weekly", "low", "high", "full", "half",
		"standard", "usual", "maximum", "max", "minimum", "initial", "maintenance", "mg", "mcg", "g", "ml",
		"milligram", "milligrams", "microgram", "micrograms", "unit", "units", "iu", "tablet", "tablets", "tab",
		"tabs", "capsule", "capsules", "cap", "caps", "pill", "pills", "puff", "puffs", "drop", "drops", "once",
		"twice", "bid", "tid", "qid", "qd", "qhs", "prn", "po", "oral", "orally", "by", "mouth", "at", "bedtime",
		"per", "day", "each", "every", "hour", "hours", "h", "q", "extended", "release", "er", "xr", "xl", "sr",
		"ir", "dr", "immediate", "delayed",
		// prepositions, particles and adverbs
		"on", "onto", "to", "from", "with", "off", "back", "up", "down", "again", "now", "today", "tonight",
		"tomorrow", "immediately", "temporarily", "gradually", "slowly", "permanently", "promptly", "also",
		// conjunctions
		"and", "or", "plus",
		// what a medication is given as
		"therapy", "treatment", "regimen", "course", "medication", "medicine", "drug",
		// symbols
		",", "(", ")", "-", "/", "%", "+", "&", "'", "’",
	)
	r.negators = wordSet("not", "no", "never", "t", "without", "nor", "cannot", "avoid", "avoiding", "instead",
		"rather", "refrain", "defer", "deferring", "postpone", "postponing", "delay", "delaying", "declined",
		"declines", "refused", "refuses", "neither")
	r.boundaries = wordSet(".", ";", "!", "?", ":", "but", "however", "because", "although", "though", "whereas",
		"then", "so", "which", "who", "until", "•")
	r.modals = wordSet("should", "must", "will", "shall", "to", "needs", "need", "can", "may", "would", "could",
		"might", "is", "are", "not", "never", "t", "also", "then", "now", "be")
	r.notOrder = wordSet("effect", "effects", "level", "levels", "exposure", "concentration", "concentrations",
		"toxicity", "risk", "risks", "absorption", "clearance", "metabolism", "activity", "action", "response",
		"sensitivity", "intake", "consumption", "use", "date", "dates", "time", "history", "allergy", "intolerance")
	r.conditional = wordSet("if", "when", "whenever", "while", "how", "before", "after", "whether", "unless",
		"once")
	r.doseForms = wordSet("mg", "mcg", "g", "ml", "milligram", "milligrams", "microgram", "micrograms", "unit",
		"units", "iu", "%", "/", "tablet", "tablets", "tab", "tabs", "capsule", "capsules", "cap", "caps", "pill",
		"pills", "puff", "puffs", "drop", "drops", "oral", "orally", "po", "topical", "gel", "cream", "ointment",
		"lotion", "solution", "suspension", "spray", "patch", "foam", "powder", "inhaler", "inhalation",
		"ophthalmic", "otic", "nasal", "vaginal", "transdermal", "medicated", "injection", "injectable",
		"extended", "release", "er", "xr", "xl", "sr", "ir", "dr", "delayed", "immediate", "once", "twice",
		"daily", "nightly", "weekly", "bid", "tid", "qid", "qd", "qhs", "prn", "a", "per", "day", "each", "every",
		"at", "bedtime", "hours", "hour", "h", "q", "sodium", "hydrochloride", "hcl", "(", ")", "-", "actuat",
		"metered", "dry", "dose")
	return r
}

func wordSet(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// read returns the medication orders text states, in order of the drugs'
// appearance. mentions are the drugs text names (r.drugs.FindInText(text));
// read returns nil at once when there are none.
func (r *orderReader) read(text string, mentions []terminology.Mention) []textOrder {
	if len(mentions) == 0 {
		return nil
	}
	toks := tokenize(text)
	if len(toks) == 0 {
		return nil
	}
	// The token range of each mention, and the mention each token is in.
	type span struct{ from, to int }
	spans := make([]span, len(mentions))
	owner := make([]int, len(toks))
	for i := range owner {
		owner[i] = -1
	}
	t := 0
	for k, m := range mentions {
		for t < len(toks) && toks[t].start < m.Start {
			t++
		}
		from := t
		for t < len(toks) && toks[t].start < m.End {
			owner[t] = k
			t++
		}
		spans[k] = span{from, t}
	}
	var out []textOrder
	for k, m := range mentions {
		sp := spans[k]
		if sp.from >= sp.to {
			continue // a name the tokenizer splits differently; nothing to anchor on
		}
		phrase := r.phraseEnd(toks, sp.to)
		o := textOrder{key: m.Key, start: m.Start, end: m.End, verb: m.Start, phraseEnd: m.End}
		if phrase > sp.to {
			o.phraseEnd = toks[phrase-1].end
		}
		if a, v, ok := r.before(toks, owner, sp.from, phrase); ok {
			o.action, o.verb = a, toks[v].start
		} else if a, v, ok := r.after(toks, sp.from, phrase); ok {
			o.action, o.verb = a, toks[v].start
		} else {
			continue
		}
		out = append(out, o)
	}
	return out
}

// phraseEnd returns the index just after the drug's phrase that starts at
// token from: its strength, units, dose form and schedule.
func (r *orderReader) phraseEnd(toks []token, from int) int {
	j := from
	for j < len(toks) && j < from+12 {
		t := toks[j]
		if t.kind == tokNumber || r.doseForms[t.text] {
			j++
			continue
		}
		break
	}
	// Do not end on a separator or a word that needs what follows.
	for j > from {
		switch toks[j-1].text {
		case "(", "-", "/", "a", "per", "each", "every", "at", "dose", "dry", "metered":
			j--
			continue
		}
		break
	}
	return j
}

// before looks for an action word before the drug at token from, linked to
// it by linking words within one clause. It returns the action and the
// index of the action word.
func (r *orderReader) before(toks []token, owner []int, from, phrase int) (orderAction, int, bool) {
	prep := ""    // the preposition nearest the drug
	dose := false // a dose word stands between ("increase the dose of X")
	j := from - 1
	for steps := 0; j >= 0 && steps < 24; steps++ {
		t := toks[j]
		if k := owner[j]; k >= 0 {
			// Another drug in a list: "stop warfarin and aspirin".
			for j >= 0 && owner[j] == k {
				j--
			}
			continue
		}
		if r.boundaries[t.text] {
			return 0, 0, false
		}
		if v, ok := r.verbs[t.text]; ok && t.kind == tokWord {
			return r.resolve(toks, owner, j, v, prep, dose, phrase)
		}
		if a, ok := r.participles[t.text]; ok && j > 0 && toks[j-1].text == "be" {
			// "be started on warfarin", "be switched to apixaban".
			v := orderVerb{action: a, form: formBase}
			switch t.text {
			case "switched", "changed", "converted":
				v.class = classSwitch
			case "replaced", "substituted":
				v.class = classReplace
			}
			return r.resolve(toks, owner, j, v, prep, dose, phrase)
		}
		if t.kind != tokNumber && !r.linking[t.text] {
			return 0, 0, false
		}
		switch t.text {
		case "to", "from", "with", "on", "onto", "off", "by":
			if prep == "" {
				prep = t.text
			}
		case "dose", "doses", "dosage", "dosing":
			dose = true
		}
		j--
	}
	return 0, 0, false
}

// resolve decides what the action word at toks[j] tells someone to do with
// the drug whose phrase ends before toks[phrase]: prep is the preposition
// nearest the drug, dose whether a dose word stands between.
func (r *orderReader) resolve(toks []token, owner []int, j int, v orderVerb, prep string, dose bool, phrase int) (orderAction, int, bool) {
	word := toks[j].text
	// "start date", "stop time": nouns, not actions.
	if j+1 < len(toks) && (toks[j+1].text == "date" || toks[j+1].text == "dates" || toks[j+1].text == "time") {
		return 0, 0, false
	}
	// "stop taking", "avoid taking", "start using": the first verb decides.
	if (v.action == orderTake || word == "using" || word == "receiving") && j > 0 {
		if w, ok := r.verbs[toks[j-1].text]; ok && w.action != orderTake && toks[j-1].kind == tokWord {
			j, v = j-1, w
		}
	}
	// "de-escalate", "up-titrate", "down-titrate".
	if j >= 2 && toks[j-1].text == "-" {
		switch {
		case toks[j-2].text == "de" && v.action == orderIncrease:
			v.action = orderDecrease
		case toks[j-2].text == "up" && v.action == orderAdjust:
			v.action = orderIncrease
		case toks[j-2].text == "down" && v.action == orderAdjust:
			v.action = orderDecrease
		}
	}
	if r.negated(toks, j) {
		return 0, 0, false
	}
	a := v.action
	switch v.class {
	case classSwitch:
		switch {
		case prep == "to" || prep == "on" || prep == "onto":
			a = orderStart
		case prep == "from" || prep == "off":
			a = orderStop
		case dose || phrase < len(toks)-1 && toks[phrase].text == "to" && toks[phrase+1].kind == tokNumber:
			a = orderAdjust // "change the dose of X", "change X 10 mg to 20 mg"
		default:
			a = orderStop // "switch warfarin to apixaban": warfarin is switched away from
		}
	case classReplace:
		if prep == "with" || prep == "by" {
			a = orderStart
		} else {
			a = orderStop
		}
	default:
		// "add X to Y", "in addition to Y": Y is what X joins, not a start.
		if a == orderStart && prep == "to" {
			return 0, 0, false
		}
	}
	switch a {
	case orderIncrease, orderDecrease, orderAdjust:
		// "increases warfarin levels", "reduces lisinopril's effect",
		// "reduce potassium intake": pharmacology or diet, not a dose
		// change.
		k := phrase
		if k+1 < len(toks) && (toks[k].text == "'" || toks[k].text == "’") && toks[k+1].text == "s" {
			k += 2
		}
		if k < len(toks) && r.notOrder[toks[k].text] {
			return 0, 0, false
		}
		// "aspirin increases warfarin ...": one drug acting on another,
		// not the plan changing a dose ("the plan increases lisinopril").
		if v.form == formThird && j > 0 && owner[j-1] >= 0 {
			return 0, 0, false
		}
	case orderTake:
		if v.form != formBase {
			return 0, 0, false // "while taking metformin" describes
		}
		for k := max(0, j-3); k < j; k++ {
			if r.conditional[toks[k].text] {
				return 0, 0, false // "how to take", "if you take"
			}
		}
	}
	return a, j, true
}

// negated reports whether a negation stands within the three tokens
// before the action word at toks[j], in the same clause ("do not start",
// "avoid starting", "instead of stopping", "hold off on starting").
func (r *orderReader) negated(toks []token, j int) bool {
	for k := j - 1; k >= 0 && k >= j-3; k-- {
		w := toks[k].text
		if r.boundaries[w] {
			return false
		}
		if r.negators[w] {
			return true
		}
		if w == "off" && k > 0 && toks[k-1].text == "hold" {
			return true // "hold off on starting"
		}
	}
	return false
}

// after looks for an action stated after the drug: a passive order
// ("warfarin should be held", "naproxen is not to be started"), a dose
// noun ("lisinopril dose increase to 20 mg", "metformin discontinuation"),
// or a heading ("Warfarin: hold 5 days before the procedure").
func (r *orderReader) after(toks []token, from, phrase int) (orderAction, int, bool) {
	k := phrase
	if k < len(toks) && (toks[k].text == "dose" || toks[k].text == "dosage") {
		k++
	}
	heading := from == 0 || r.boundaries[toks[from-1].text]
	if heading && k < len(toks) && (toks[k].text == ":" || toks[k].text == "-" || toks[k].text == "–" || toks[k].text == "—") {
		k++
	}
	if k < len(toks) && toks[k].kind == tokWord {
		if v, ok := r.verbs[toks[k].text]; ok && v.form == formBase && v.action != orderTake && v.action != orderAvoid &&
			(heading || k > phrase) {
			if k+1 < len(toks) && r.notOrder[toks[k+1].text] {
				return 0, 0, false // "metformin start date"
			}
			if v.class != classPlain {
				return orderStop, k, true // "warfarin switch to apixaban": warfarin is switched away from
			}
			return v.action, k, true
		}
	}
	// Passive: (modal words) [not] be <participle>.
	neg := false
	for n := 0; k < len(toks) && n < 5; n++ {
		w := toks[k].text
		switch {
		case w == "be":
			if k+1 < len(toks) {
				if a, ok := r.participles[toks[k+1].text]; ok && !neg {
					if a == orderStop && (toks[k+1].text == "switched" || toks[k+1].text == "changed" || toks[k+1].text == "converted" || toks[k+1].text == "replaced" || toks[k+1].text == "substituted") {
						return orderStop, k + 1, true
					}
					return a, k + 1, true
				}
			}
			return 0, 0, false
		case w == "not" || w == "never" || w == "t":
			neg = true
		case !r.modals[w]:
			return 0, 0, false
		}
		k++
	}
	return 0, 0, false
}
