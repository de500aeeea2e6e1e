package terminology

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// Ingredient is an RxNorm ingredient (term type IN).
type Ingredient struct {
	RxCUI  string `json:"rxcui"`
	Name   string `json:"name"`
	Source Source `json:"source"`
}

// DrugClass is a set of ingredients that rules treat alike.
type DrugClass struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"` // ingredient RxCUIs, sorted
	Source  Source   `json:"source"`
}

// Has reports whether the ingredient is a member of the class.
func (c *DrugClass) Has(rxcui string) bool {
	return c != nil && slices.Contains(c.Members, rxcui)
}

func (c DrugClass) clone() *DrugClass {
	c.Members = slices.Clone(c.Members)
	return &c
}

// Product maps an RxNorm clinical or branded drug (SCD/SBD) to its
// ingredients.
type Product struct {
	RxCUI       string   `json:"rxcui"`
	Name        string   `json:"name"`
	Ingredients []string `json:"ingredients"` // ingredient RxCUIs
	Source      Source   `json:"source"`
}

func (p Product) clone() Product {
	p.Ingredients = slices.Clone(p.Ingredients)
	return p
}

// Drugs is a table of ingredients, products and classes. It is immutable once
// built and safe for concurrent use by multiple goroutines: every method
// returns copies, so nothing a caller does to a result changes the table.
type Drugs struct {
	ingredients map[string]Ingredient
	products    map[string]Product
	classes     map[string]DrugClass
	classesOf   map[string][]string // ingredient -> class IDs, sorted
	names       map[string]string   // normalised name or synonym -> ingredient RxCUI
	synonyms    map[string]string   // the synonyms given, for Extend
	maxWords    int                 // longest name, in words
}

// MedicationCode identifies a medication by code and name, the way a record
// or a draft names it.
type MedicationCode struct {
	System, Code, Display string
}

// NewDrugs builds a table from the given rows, which it copies. Synonyms map
// other names (salts, brands, international names) to ingredient RxCUIs.
// When two rows share an RxCUI or class ID, the later wins; when two names
// normalise alike (case and punctuation aside), an ingredient's own name wins
// over a synonym, and among synonyms the one first in byte order wins.
// Products and classes that name an ingredient missing from ingredients are
// kept; lookups of that ingredient then return only its code.
func NewDrugs(ingredients []Ingredient, products []Product, classes []DrugClass, synonyms map[string]string) *Drugs {
	d := &Drugs{
		ingredients: make(map[string]Ingredient, len(ingredients)),
		products:    make(map[string]Product, len(products)),
		classes:     make(map[string]DrugClass, len(classes)),
		classesOf:   make(map[string][]string),
		names:       make(map[string]string, len(ingredients)+len(synonyms)),
		synonyms:    maps.Clone(synonyms),
	}
	// Synonyms first, in reverse byte order, so that the first synonym and
	// then the ingredients' own names overwrite them: the result does not
	// depend on map iteration order.
	for _, name := range slices.Backward(slices.Sorted(maps.Keys(synonyms))) {
		d.addName(name, synonyms[name])
	}
	for _, in := range ingredients {
		d.ingredients[in.RxCUI] = in
	}
	for _, in := range ingredients {
		d.addName(in.Name, in.RxCUI)
	}
	for _, p := range products {
		d.products[p.RxCUI] = p.clone()
	}
	for _, c := range classes {
		c.Members = slices.Compact(slices.Sorted(slices.Values(c.Members)))
		d.classes[c.ID] = c
	}
	for _, id := range slices.Sorted(maps.Keys(d.classes)) {
		for _, m := range d.classes[id].Members {
			d.classesOf[m] = append(d.classesOf[m], id)
		}
	}
	return d
}

func (d *Drugs) addName(name, rxcui string) {
	n := normalizeName(name)
	if n == "" {
		return
	}
	d.names[n] = rxcui
	if w := strings.Count(n, " ") + 1; w > d.maxWords {
		d.maxWords = w
	}
}

// Extend returns a new table holding d's ingredients, products, classes
// and synonyms together with the given ones, which win where they share an
// RxCUI, class ID or synonym with d (see [NewDrugs] for how names
// resolve). d itself does not change. Use it to add a deployer's RxNorm
// release ([LoadRxNorm]) to the shipped table.
func (d *Drugs) Extend(ingredients []Ingredient, products []Product, classes []DrugClass, synonyms map[string]string) *Drugs {
	ings := append(d.Ingredients(), ingredients...)
	prods := append(d.Products(), products...)
	var cls []DrugClass
	for _, c := range d.Classes() {
		cls = append(cls, *c)
	}
	cls = append(cls, classes...)
	syn := maps.Clone(d.synonyms)
	if syn == nil {
		syn = map[string]string{}
	}
	maps.Copy(syn, synonyms)
	return NewDrugs(ings, prods, cls, syn)
}

// Ingredient returns the ingredient with the given RxCUI.
func (d *Drugs) Ingredient(rxcui string) (Ingredient, bool) {
	in, ok := d.ingredients[rxcui]
	return in, ok
}

// Product returns a copy of the product with the given RxCUI.
func (d *Drugs) Product(rxcui string) (Product, bool) {
	p, ok := d.products[rxcui]
	if !ok {
		return Product{}, false
	}
	return p.clone(), true
}

// Class returns a copy of the class with the given ID.
func (d *Drugs) Class(id string) (*DrugClass, bool) {
	c, ok := d.classes[id]
	if !ok {
		return nil, false
	}
	return c.clone(), true
}

// ClassesOf returns copies of the classes an ingredient belongs to, sorted
// by ID.
func (d *Drugs) ClassesOf(rxcui string) []*DrugClass {
	ids := d.classesOf[rxcui]
	if len(ids) == 0 {
		return nil
	}
	out := make([]*DrugClass, len(ids))
	for i, id := range ids {
		out[i] = d.classes[id].clone()
	}
	return out
}

// Ingredients returns every ingredient, sorted by RxCUI (numerically).
func (d *Drugs) Ingredients() []Ingredient {
	out := slices.Collect(maps.Values(d.ingredients))
	slices.SortFunc(out, func(a, b Ingredient) int { return compareRxCUI(a.RxCUI, b.RxCUI) })
	return out
}

// Products returns copies of every product, sorted by RxCUI (numerically).
func (d *Drugs) Products() []Product {
	out := make([]Product, 0, len(d.products))
	for _, p := range d.products {
		out = append(out, p.clone())
	}
	slices.SortFunc(out, func(a, b Product) int { return compareRxCUI(a.RxCUI, b.RxCUI) })
	return out
}

// Classes returns copies of every class, sorted by ID.
func (d *Drugs) Classes() []*DrugClass {
	out := make([]*DrugClass, 0, len(d.classes))
	for _, id := range slices.Sorted(maps.Keys(d.classes)) {
		out = append(out, d.classes[id].clone())
	}
	return out
}

// compareRxCUI orders RxCUIs, which are decimal numbers, numerically.
func compareRxCUI(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

// IngredientsOf resolves a medication to ingredient RxCUIs: an RxNorm code
// of an ingredient in the table is itself; an RxNorm code of a product in
// the table gives the product's ingredients; otherwise ingredient names and
// synonyms are looked for in the display text, as [Drugs.FindInText] does.
// The result is a new slice, sorted and free of duplicates; it is empty when
// nothing is recognised.
func (d *Drugs) IngredientsOf(m MedicationCode) []string {
	if code := normalizeCode(m.System, m.Code); m.System == SystemRxNorm && code != "" {
		if _, ok := d.ingredients[code]; ok {
			return []string{code}
		}
		if p, ok := d.products[code]; ok && len(p.Ingredients) > 0 {
			return slices.Compact(slices.Sorted(slices.Values(p.Ingredients)))
		}
	}
	var out []string
	for _, mention := range d.FindInText(m.Display) {
		out = append(out, mention.RxCUI)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Mention is an ingredient named in free text: its RxCUI and the byte span
// text[Start:End] that names it.
type Mention struct {
	RxCUI      string
	Start, End int
}

// FindInText returns the ingredients named in text, by name or synonym, in
// order of appearance. Matching is case-insensitive and by whole words,
// where a word is a run of letters and digits: "metformin" is found in
// "Metformin-500" but not in "metformins". The words of a multi-word name
// may be separated by any other characters ("insulin-glargine", a line
// break). Text is scanned left to right and
// at each word the longest name starting there wins, so "insulin glargine"
// is one mention even if "insulin" were a name of its own.
func (d *Drugs) FindInText(text string) []Mention {
	type word struct {
		start, end int
		lower      string
	}
	var words []word
	start := -1
	for i, r := range text {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			words = append(words, word{start, i, strings.ToLower(text[start:i])})
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, word{start, len(text), strings.ToLower(text[start:])})
	}
	var out []Mention
	var buf []byte
	for i := 0; i < len(words); {
		matched := 1
		for n := min(d.maxWords, len(words)-i); n >= 1; n-- {
			buf = buf[:0]
			for j := i; j < i+n; j++ {
				if j > i {
					buf = append(buf, ' ')
				}
				buf = append(buf, words[j].lower...)
			}
			if rx, ok := d.names[string(buf)]; ok {
				out = append(out, Mention{RxCUI: rx, Start: words[i].start, End: words[i+n-1].end})
				matched = n
				break
			}
		}
		i += matched
	}
	return out
}

// normalizeName lower-cases a drug name and folds runs of characters other
// than letters and digits to single spaces, matching how FindInText splits
// and lower-cases words.
func normalizeName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}
