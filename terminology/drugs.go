package terminology

import (
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
	_, ok := slices.BinarySearch(c.Members, rxcui)
	return ok
}

// Product maps an RxNorm clinical or branded drug (SCD/SBD) to its
// ingredients.
type Product struct {
	RxCUI       string   `json:"rxcui"`
	Name        string   `json:"name"`
	Ingredients []string `json:"ingredients"` // ingredient RxCUIs
	Source      Source   `json:"source"`
}

// Drugs is a table of ingredients, products and classes. It is immutable once
// built and safe for concurrent use by multiple goroutines.
type Drugs struct {
	ingredients map[string]Ingredient
	products    map[string]Product
	classes     map[string]*DrugClass
	classesOf   map[string][]*DrugClass // ingredient -> classes, sorted by ID
	names       map[string]string       // normalised name or synonym -> ingredient RxCUI
	maxWords    int                     // longest name, in words
}

// MedicationCode identifies a medication by code and name, the way a record
// or a draft names it.
type MedicationCode struct {
	System, Code, Display string
}

// NewDrugs builds a table. Products and classes that name an ingredient
// missing from ingredients are kept; lookups of that ingredient then return
// only its code.
func NewDrugs(ingredients []Ingredient, products []Product, classes []DrugClass, synonyms map[string]string) *Drugs {
	d := &Drugs{
		ingredients: make(map[string]Ingredient, len(ingredients)),
		products:    make(map[string]Product, len(products)),
		classes:     make(map[string]*DrugClass, len(classes)),
		classesOf:   make(map[string][]*DrugClass),
		names:       make(map[string]string, len(ingredients)+len(synonyms)),
	}
	for _, in := range ingredients {
		d.ingredients[in.RxCUI] = in
		d.addName(in.Name, in.RxCUI)
	}
	for name, rxcui := range synonyms {
		d.addName(name, rxcui)
	}
	for _, p := range products {
		p.Ingredients = slices.Clone(p.Ingredients)
		d.products[p.RxCUI] = p
	}
	for _, c := range classes {
		c.Members = slices.Clone(c.Members)
		slices.Sort(c.Members)
		cc := &c
		d.classes[c.ID] = cc
		for _, m := range c.Members {
			d.classesOf[m] = append(d.classesOf[m], cc)
		}
	}
	for _, cs := range d.classesOf {
		slices.SortFunc(cs, func(a, b *DrugClass) int { return strings.Compare(a.ID, b.ID) })
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

// Ingredient returns the ingredient with the given RxCUI.
func (d *Drugs) Ingredient(rxcui string) (Ingredient, bool) {
	in, ok := d.ingredients[rxcui]
	return in, ok
}

// Product returns the product with the given RxCUI.
func (d *Drugs) Product(rxcui string) (Product, bool) {
	p, ok := d.products[rxcui]
	if ok {
		p.Ingredients = slices.Clone(p.Ingredients)
	}
	return p, ok
}

// Class returns the class with the given ID.
func (d *Drugs) Class(id string) (*DrugClass, bool) {
	c, ok := d.classes[id]
	return c, ok
}

// ClassesOf returns the classes an ingredient belongs to, sorted by ID. The
// returned classes must not be modified.
func (d *Drugs) ClassesOf(rxcui string) []*DrugClass {
	return slices.Clone(d.classesOf[rxcui])
}

// IngredientsOf resolves a medication to ingredient RxCUIs: an RxNorm
// ingredient code is itself; a known product code gives its ingredients;
// otherwise ingredient names are looked for in the display text. The result
// is sorted and free of duplicates; it is empty when nothing is recognised.
func (d *Drugs) IngredientsOf(m MedicationCode) []string {
	var out []string
	if m.System == SystemRxNorm && m.Code != "" {
		if _, ok := d.ingredients[m.Code]; ok {
			return []string{m.Code}
		}
		if p, ok := d.products[m.Code]; ok {
			out = slices.Clone(p.Ingredients)
			slices.Sort(out)
			return slices.Compact(out)
		}
	}
	for _, mention := range d.FindInText(m.Display) {
		out = append(out, mention.RxCUI)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Mention is an ingredient named in free text, with its byte span.
type Mention struct {
	RxCUI      string
	Start, End int
}

// FindInText returns the ingredients named in text (by name or synonym, as
// whole words, case-insensitively), in order of appearance. Longer names win
// over shorter ones that overlap them.
func (d *Drugs) FindInText(text string) []Mention {
	type word struct{ start, end int }
	var words []word
	start := -1
	for i, r := range text {
		isWord := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case isWord && start < 0:
			start = i
		case !isWord && start >= 0:
			words = append(words, word{start, i})
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, word{start, len(text)})
	}
	var out []Mention
	var b strings.Builder
	for i := 0; i < len(words); {
		matched := 0
		for n := min(d.maxWords, len(words)-i); n >= 1; n-- {
			b.Reset()
			for j := i; j < i+n; j++ {
				if j > i {
					b.WriteByte(' ')
				}
				b.WriteString(strings.ToLower(text[words[j].start:words[j].end]))
			}
			if rx, ok := d.names[b.String()]; ok {
				out = append(out, Mention{RxCUI: rx, Start: words[i].start, End: words[i+n-1].end})
				matched = n
				break
			}
		}
		if matched == 0 {
			matched = 1
		}
		i += matched
	}
	return out
}

// normalizeName lower-cases a drug name and folds runs of non-alphanumeric
// characters to single spaces, matching how FindInText splits words.
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
