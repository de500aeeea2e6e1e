package terminology

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ingredient is a drug ingredient: an RxNorm ingredient (term type IN), or
// an ingredient known by name only.
//
// An ingredient whose RxNorm code could not be verified against a checkable
// source has an empty RxCUI and is keyed by its name (see [Ingredient.Key]
// and [NameKey]): rules and classes can still name it, and [Drugs.FindInText]
// and [Drugs.IngredientsOf] still recognise it in medication names. When a
// table built by [NewDrugs] or [Drugs.Extend] also holds an RxNorm-coded
// ingredient of the same name (from a deployer's RxNorm release, say), the
// name-keyed ingredient is replaced by it everywhere: in products, classes
// and synonyms.
type Ingredient struct {
	// RxCUI is the RxNorm ingredient code, or "" when the ingredient is
	// known by name only.
	RxCUI  string `json:"rxcui"`
	Name   string `json:"name"`
	Source Source `json:"source"`
}

// Key returns the ingredient's key in a [Drugs] table: its RxCUI, or
// NameKey(Name) for an ingredient known by name only. Keys are what
// products, classes and lookups use; an RxCUI and a name key never collide.
func (in Ingredient) Key() string {
	if in.RxCUI != "" {
		return in.RxCUI
	}
	return NameKey(in.Name)
}

// nameKeyPrefix starts every name key. RxCUIs are decimal numbers, so the
// two kinds of key cannot be confused.
const nameKeyPrefix = "name:"

// NameKey returns the key of an ingredient known by name only: "name:"
// followed by the name in lower case, with every run of characters other
// than letters and digits folded to one space ("name:st john s wort"). It
// returns "" for a name with no letters or digits.
func NameKey(name string) string {
	n := normalizeName(name)
	if n == "" {
		return ""
	}
	return nameKeyPrefix + n
}

// IsNameKey reports whether key is a name key (see [NameKey]) rather than
// an RxCUI.
func IsNameKey(key string) bool { return strings.HasPrefix(key, nameKeyPrefix) }

// DrugClass is a set of ingredients that rules treat alike.
type DrugClass struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Members []string `json:"members"` // ingredient keys (RxCUIs or name keys), sorted as strings
	Source  Source   `json:"source"`
}

// Has reports whether the ingredient with the given key is a member of the
// class.
func (c *DrugClass) Has(key string) bool {
	return c != nil && slices.Contains(c.Members, key)
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
	Ingredients []string `json:"ingredients"` // ingredient keys (RxCUIs or name keys), sorted
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
	ingredients map[string]Ingredient // by key
	products    map[string]Product
	classes     map[string]DrugClass
	classesOf   map[string][]string // ingredient key -> class IDs, sorted
	names       map[string]string   // normalised name or synonym -> ingredient key
	firstWords  map[string]int      // first word of a name -> most words of a name starting with it
	synonyms    map[string]string   // the synonyms given, for Extend
}

// MedicationCode identifies a medication by code and name, the way a record
// or a draft names it.
type MedicationCode struct {
	System, Code, Display string
}

// NewDrugs builds a table from the given rows, which it copies. Synonyms map
// other names (salts, brands, international names) to ingredient keys.
// Products, classes and synonyms refer to ingredients by key: an RxCUI, or
// for an ingredient known by name only, its [NameKey].
//
// When two rows share a key or class ID, the later wins; when two names
// normalise alike (case and punctuation aside), an ingredient's own name wins
// over a synonym, and among synonyms the one first in byte order wins. A
// name-keyed ingredient whose name an RxNorm-coded ingredient also has is
// replaced by that ingredient: products, classes and synonyms that named
// its name key name the RxCUI instead. Products and classes that name an
// ingredient missing from ingredients are kept; lookups of that ingredient
// then return only its key.
func NewDrugs(ingredients []Ingredient, products []Product, classes []DrugClass, synonyms map[string]string) *Drugs {
	// Name keys that an RxNorm-coded ingredient of the same name replaces.
	coded := map[string]string{} // normalised name -> RxCUI
	for _, in := range ingredients {
		if in.RxCUI != "" {
			if n := normalizeName(in.Name); n != "" {
				coded[n] = in.RxCUI
			}
		}
	}
	promote := map[string]string{} // name key -> RxCUI
	for _, in := range ingredients {
		if in.RxCUI == "" {
			if rx, ok := coded[normalizeName(in.Name)]; ok {
				promote[in.Key()] = rx
			}
		}
	}
	key := func(k string) string {
		if rx, ok := promote[k]; ok {
			return rx
		}
		return k
	}

	d := &Drugs{
		ingredients: make(map[string]Ingredient, len(ingredients)),
		products:    make(map[string]Product, len(products)),
		classes:     make(map[string]DrugClass, len(classes)),
		classesOf:   make(map[string][]string),
		names:       make(map[string]string, len(ingredients)+len(synonyms)),
		firstWords:  make(map[string]int, len(ingredients)+len(synonyms)),
		synonyms:    make(map[string]string, len(synonyms)),
	}
	for name, k := range synonyms {
		d.synonyms[name] = key(k)
	}
	// Synonyms first, in reverse byte order, so that the first synonym and
	// then the ingredients' own names overwrite them: the result does not
	// depend on map iteration order.
	for _, name := range slices.Backward(slices.Sorted(maps.Keys(d.synonyms))) {
		d.addName(name, d.synonyms[name])
	}
	for _, in := range ingredients {
		k := in.Key()
		if k == "" {
			continue // no code and no usable name
		}
		if _, replaced := promote[k]; replaced {
			continue
		}
		d.ingredients[k] = in
	}
	for _, in := range ingredients {
		if k := key(in.Key()); k != "" {
			d.addName(in.Name, k)
		}
	}
	for _, p := range products {
		p = p.clone()
		for i, in := range p.Ingredients {
			p.Ingredients[i] = key(in)
		}
		// Sorted and free of duplicates, as IngredientsOf returns them.
		slices.Sort(p.Ingredients)
		p.Ingredients = slices.Compact(p.Ingredients)
		d.products[p.RxCUI] = p
	}
	for _, c := range classes {
		members := make([]string, len(c.Members))
		for i, m := range c.Members {
			members[i] = key(m)
		}
		slices.Sort(members)
		c.Members = slices.Compact(members)
		d.classes[c.ID] = c
	}
	for _, id := range slices.Sorted(maps.Keys(d.classes)) {
		for _, m := range d.classes[id].Members {
			d.classesOf[m] = append(d.classesOf[m], id)
		}
	}
	return d
}

func (d *Drugs) addName(name, key string) {
	n := normalizeName(name)
	if n == "" {
		return
	}
	d.names[n] = key
	first, _, _ := strings.Cut(n, " ")
	if w := strings.Count(n, " ") + 1; w > d.firstWords[first] {
		d.firstWords[first] = w
	}
}

// Extend returns a new table holding d's ingredients, products, classes
// and synonyms together with the given ones, which win where they share a
// key, class ID or synonym with d (see [NewDrugs] for how names resolve).
// d itself does not change. Use it to add a deployer's RxNorm release
// ([LoadRxNorm]) to the shipped table: an ingredient the shipped table knows
// by name only takes the release's RxCUI for that name, in every product
// and class that names it.
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

// Ingredient returns the ingredient with the given key: an RxCUI or a name
// key.
func (d *Drugs) Ingredient(key string) (Ingredient, bool) {
	in, ok := d.ingredients[key]
	return in, ok
}

// KeyOf resolves an ingredient name, synonym or key to the key of the
// ingredient the table holds under it. Names match as [Drugs.FindInText]
// matches them, ignoring case and punctuation. It is how rules written
// against ingredient names find the ingredients of whatever table they are
// given.
func (d *Drugs) KeyOf(name string) (string, bool) {
	if _, ok := d.ingredients[name]; ok {
		return name, true
	}
	if IsNameKey(name) {
		name = strings.TrimPrefix(name, nameKeyPrefix)
	}
	k, ok := d.names[normalizeName(name)]
	return k, ok
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

// ClassesOf returns copies of the classes the ingredient with the given key
// belongs to, sorted by ID.
func (d *Drugs) ClassesOf(key string) []*DrugClass {
	ids := d.classesOf[key]
	if len(ids) == 0 {
		return nil
	}
	out := make([]*DrugClass, len(ids))
	for i, id := range ids {
		out[i] = d.classes[id].clone()
	}
	return out
}

// Ingredients returns every ingredient, sorted by key: RxCUIs numerically,
// then name-keyed ingredients by name.
func (d *Drugs) Ingredients() []Ingredient {
	out := slices.Collect(maps.Values(d.ingredients))
	slices.SortFunc(out, func(a, b Ingredient) int { return compareKey(a.Key(), b.Key()) })
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

// compareKey orders ingredient keys: RxCUIs numerically, then name keys.
func compareKey(a, b string) int {
	an, bn := IsNameKey(a), IsNameKey(b)
	switch {
	case an && bn:
		return strings.Compare(a, b)
	case an:
		return 1
	case bn:
		return -1
	}
	return compareRxCUI(a, b)
}

// IngredientsOf resolves a medication to ingredient keys (RxCUIs, or name
// keys for ingredients known by name only): an RxNorm code of an ingredient
// in the table is itself; an RxNorm code of a product in the table gives the
// product's ingredients; otherwise ingredient names and synonyms are looked
// for in the display text, as [Drugs.FindInText] does. The result is a new
// slice, sorted and free of duplicates; it is empty when nothing is
// recognised.
func (d *Drugs) IngredientsOf(m MedicationCode) []string {
	out := d.AppendIngredientsOf(nil, m)
	if len(out) == 0 {
		return nil
	}
	return out
}

// AppendIngredientsOf appends the keys [Drugs.IngredientsOf] returns for m
// to dst and returns the extended slice. It allocates nothing when dst has
// room and m resolves by code, so callers resolving many medications can
// share one buffer.
func (d *Drugs) AppendIngredientsOf(dst []string, m MedicationCode) []string {
	if code := normalizeCode(m.System, m.Code); m.System == SystemRxNorm && isRxCUI(code) {
		if _, ok := d.ingredients[code]; ok {
			return append(dst, code)
		}
		if p, ok := d.products[code]; ok && len(p.Ingredients) > 0 {
			return append(dst, p.Ingredients...) // sorted and compacted by NewDrugs
		}
	}
	start := len(dst)
	for _, mention := range d.FindInText(m.Display) {
		dst = append(dst, mention.Key)
	}
	found := dst[start:]
	slices.Sort(found)
	return dst[:start+len(slices.Compact(found))]
}

// Mention is an ingredient named in free text: its RxCUI and the byte span
// text[Start:End] that names it, and its key. For an ingredient known by
// name only, RxCUI is "" and Key is its name key.
type Mention struct {
	RxCUI      string
	Start, End int
	Key        string
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
	type word struct{ start, end int }
	var wordsArr [64]word
	words := wordsArr[:0]
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
	var bufArr [128]byte
	buf := bufArr[:0]
	for i := 0; i < len(words); {
		matched := 1
		// Only words that start a name can start a mention: one lookup
		// rules most words out.
		buf = appendLower(buf[:0], text[words[i].start:words[i].end])
		longest := d.firstWords[string(buf)]
		for n := min(longest, len(words)-i); n >= 1; n-- {
			buf = buf[:0]
			for j := i; j < i+n; j++ {
				if j > i {
					buf = append(buf, ' ')
				}
				buf = appendLower(buf, text[words[j].start:words[j].end])
			}
			if k, ok := d.names[string(buf)]; ok {
				rx := k
				if IsNameKey(k) {
					rx = ""
				}
				out = append(out, Mention{RxCUI: rx, Start: words[i].start, End: words[i+n-1].end, Key: k})
				matched = n
				break
			}
		}
		i += matched
	}
	return out
}

// appendLower appends w in lower case, rune by rune as normalizeName
// lower-cases names. w holds only letters and digits, so only valid UTF-8.
func appendLower(buf []byte, w string) []byte {
	for _, r := range w {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			buf = append(buf, byte(r))
			continue
		}
		buf = utf8.AppendRune(buf, unicode.ToLower(r))
	}
	return buf
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
