package terminology_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/terminology"
)

func TestDefaultDrugsIntegrity(t *testing.T) {
	d := terminology.DefaultDrugs()
	ings := d.Ingredients()
	require.NotEmpty(t, ings)
	seenName := map[string]string{}
	for _, in := range ings {
		key := in.Key()
		assert.NotEmpty(t, key)
		assert.NotEmpty(t, in.Name, key)
		assert.NotEmpty(t, in.Source.Citation, "ingredient %s (%s) cites its source", key, in.Name)
		if in.RxCUI != "" {
			assert.NotEmpty(t, in.Source.URL, "a coded ingredient links to RxNav: %s", key)
		} else {
			assert.Contains(t, in.Source.Citation, "not verified", "a name-keyed ingredient says why it has no code: %s", in.Name)
		}
		got, ok := d.Ingredient(key)
		assert.True(t, ok)
		assert.Equal(t, in, got)
		prev, dup := seenName[in.Name]
		assert.False(t, dup, "%s is named twice (%s and %s)", in.Name, prev, key)
		seenName[in.Name] = key
		// Every ingredient's own name finds it, whole.
		ms := d.FindInText(in.Name)
		if assert.Len(t, ms, 1, in.Name) {
			assert.Equal(t, terminology.Mention{RxCUI: in.RxCUI, Start: 0, End: len(in.Name), Key: key}, ms[0])
		}
		k, ok := d.KeyOf(in.Name)
		assert.True(t, ok, in.Name)
		assert.Equal(t, key, k, "KeyOf resolves %s", in.Name)
	}
	assert.True(t, slices.IsSortedFunc(ings, func(a, b terminology.Ingredient) int {
		return cmpKey(a.Key(), b.Key())
	}), "Ingredients is sorted by key: RxCUIs numerically, then name keys")

	prods := d.Products()
	require.NotEmpty(t, prods)
	for _, p := range prods {
		assert.NotEmpty(t, p.Name, p.RxCUI)
		assert.NotEmpty(t, p.Source.Citation, "product %s cites its source", p.RxCUI)
		require.NotEmpty(t, p.Ingredients, "product %s has ingredients", p.RxCUI)
		for _, in := range p.Ingredients {
			_, ok := d.Ingredient(in)
			assert.True(t, ok, "product %s names ingredient %s, which the table holds", p.RxCUI, in)
		}
		// The product's own name resolves to the same ingredients, so a
		// record whose code is unknown but whose display is the RxNorm name
		// still resolves.
		assert.Equal(t, p.Ingredients, d.IngredientsOf(terminology.MedicationCode{Display: p.Name}),
			"product %s: its name names its ingredients", p.RxCUI)
		_, isIngredient := d.Ingredient(p.RxCUI)
		assert.False(t, isIngredient, "product code %s is not also an ingredient code", p.RxCUI)
	}

	classes := d.Classes()
	require.NotEmpty(t, classes)
	ids := map[string]bool{}
	for _, c := range classes {
		assert.False(t, ids[c.ID], "class ID %s is unique", c.ID)
		ids[c.ID] = true
		assert.NotEmpty(t, c.Name, c.ID)
		assert.NotEmpty(t, c.Source.Citation, "class %s cites its source", c.ID)
		assert.NotEmpty(t, c.Source.Citation, "class %s names where its grouping comes from", c.ID)
		require.NotEmpty(t, c.Members, c.ID)
		assert.True(t, slices.IsSorted(c.Members), "class %s members are sorted", c.ID)
		for _, m := range c.Members {
			_, ok := d.Ingredient(m)
			assert.True(t, ok, "class %s member %s is an ingredient in the table", c.ID, m)
			assert.True(t, c.Has(m))
			assert.True(t, slices.ContainsFunc(d.ClassesOf(m), func(x *terminology.DrugClass) bool { return x.ID == c.ID }),
				"ClassesOf(%s) includes %s", m, c.ID)
		}
		got, ok := d.Class(c.ID)
		require.True(t, ok)
		assert.Equal(t, c, got)
	}
	assert.True(t, slices.IsSortedFunc(classes, func(a, b *terminology.DrugClass) int { return strings.Compare(a.ID, b.ID) }))
}

// TestDefaultDrugsCodes pins the ingredient codes CLINICAL.md §1.4 lists.
func TestDefaultDrugsCodes(t *testing.T) {
	d := terminology.DefaultDrugs()
	want := map[string]string{
		"metformin": "6809", "lisinopril": "29046", "enalapril": "3827", "captopril": "1998", "ramipril": "35296",
		"benazepril": "18867", "quinapril": "35208", "losartan": "52175", "valsartan": "69749", "olmesartan": "321064",
		"irbesartan": "83818", "telmisartan": "73494", "candesartan": "214354", "sacubitril": "1656328",
		"metoprolol": "6918", "carvedilol": "20352", "atenolol": "1202", "propranolol": "8787", "omeprazole": "7646",
		"sertraline": "36437", "tramadol": "10689", "ciprofloxacin": "2551", "amlodipine": "17767",
		"empagliflozin": "1545653", "acetaminophen": "161", "levothyroxine": "10582", "warfarin": "11289",
		"apixaban": "1364430", "rivaroxaban": "1114195", "edoxaban": "1599538", "clopidogrel": "32968",
		"aspirin": "1191", "atorvastatin": "83367", "simvastatin": "36567", "rosuvastatin": "301542",
		"pravastatin": "42463", "lovastatin": "6472", "hydrochlorothiazide": "5487", "furosemide": "4603",
		"spironolactone": "9997", "digoxin": "3407", "glipizide": "4821", "glyburide": "4815", "glimepiride": "25789",
		"pantoprazole": "40790", "citalopram": "2556", "diazepam": "3322", "methotrexate": "6851",
		"insulin glargine": "274783", "ibuprofen": "5640", "diphenhydramine": "3498", "naproxen": "7258",
		// CPIC drug table (cpicpgx/cpic-schema drug.sql @05f9b09c).
		"carbamazepine": "2002", "donepezil": "135447", "galantamine": "4637", "nitrofurantoin": "7454",
		"phenazopyridine": "8120", "fluticasone propionate": "50121", "salmeterol": "36117", "dextromethorphan": "3289",
		"atazanavir": "343047", "atomoxetine": "38400", "amitriptyline": "704", "clomipramine": "2597",
		"desipramine": "3247", "doxepin": "3638", "imipramine": "5691", "nortriptyline": "7531", "protriptyline": "8886",
		"trimipramine": "10834", "fluoxetine": "4493", "paroxetine": "32937", "escitalopram": "321988",
		"fluvoxamine": "42355", "duloxetine": "72625", "venlafaxine": "39786", "methadone": "6813", "fentanyl": "4337",
		"methylphenidate": "6901", "methylene blue": "6878", "azathioprine": "1256", "mercaptopurine": "103",
		"irinotecan": "51499", "erythromycin": "4053", "voriconazole": "121243", "lansoprazole": "17128",
		"esomeprazole": "283742", "rabeprazole": "114979", "dexlansoprazole": "816346", "chloroquine": "2393",
		"flecainide": "4441", "haloperidol": "5093", "moxifloxacin": "139462", "ondansetron": "26225", "pimozide": "8331",
		"quinidine": "9068", "propafenone": "8754", "sevoflurane": "36453", "thioridazine": "10502",
		"tacrolimus": "42316", "sirolimus": "35302", "cyclosporine": "3008", "diclofenac": "3355",
		// eCQM Beta Blocker Therapy Ingredient (OID 2.16.840.1.113883.3.526.3.1493).
		"sotalol": "9947",
	}
	// Added with the medication-safety rules: eCQM ACE Inhibitor or ARB or
	// ARNI Ingredient, Beta Blocker Therapy Ingredient and Statin Allergen
	// (2025 expansions), the HL7 PDDI-CDS value sets, the CDC MME table and
	// the CPIC drug table.
	for name, rxcui := range map[string]string{
		"moexipril": "30131", "trandolapril": "38454", "fosinopril": "50166", "perindopril": "54552",
		"azilsartan": "1091643", "eprosartan": "83515", "timolol": "10600", "metipranolol": "10824", "acebutolol": "149",
		"betaxolol": "1520", "levobunolol": "1813", "bisoprolol": "19484", "carteolol": "2116", "nebivolol": "31555",
		"esmolol": "49737", "labetalol": "6185", "nadolol": "7226", "pindolol": "8332", "fluvastatin": "41127",
		"pitavastatin": "861634", "eplerenone": "298869", "misoprostol": "42331", "prednisone": "8640",
		"hydrocodone": "5489", "hydromorphone": "3423", "oxymorphone": "7814", "tapentadol": "787390",
		"codeine": "2670", "morphine": "7052", "oxycodone": "7804", "celecoxib": "140587", "flurbiprofen": "4502",
		"triamcinolone": "10759", "levofloxacin": "82122", "norfloxacin": "7517", "midazolam": "6960",
		"oxazepam": "7781", "clobazam": "21241", "chlorpropamide": "2404", "carisoprodol": "2101",
	} {
		want[name] = rxcui
	}
	coded := 0
	for name, rxcui := range want {
		in, ok := d.Ingredient(rxcui)
		if assert.True(t, ok, "%s %s", name, rxcui) {
			assert.Equal(t, name, in.Name, rxcui)
		}
	}
	for _, in := range d.Ingredients() {
		if in.RxCUI != "" {
			coded++
			assert.Equal(t, in.RxCUI, want[in.Name], "%s: every shipped RxCUI is pinned here", in.Name)
		}
	}
	assert.Equal(t, len(want), coded, "every shipped RxCUI is pinned here")
}

// TestDefaultDrugsNameKeyed pins the ingredients shipped without an RxNorm
// code: each is keyed by its name.
func TestDefaultDrugsNameKeyed(t *testing.T) {
	d := terminology.DefaultDrugs()
	for _, name := range []string{"verapamil", "clarithromycin", "amiodarone", "tranylcypromine", "sumatriptan",
		"St. John's wort", "ferrous sulfate", "meperidine", "dofetilide", "penicillin V", "cephalexin"} {
		k, ok := d.KeyOf(name)
		if assert.True(t, ok, name) {
			assert.True(t, terminology.IsNameKey(k), "%s is keyed by name: %s", name, k)
			in, _ := d.Ingredient(k)
			assert.Empty(t, in.RxCUI, name)
		}
	}
}

func TestIngredientsOf(t *testing.T) {
	d := terminology.DefaultDrugs()
	rx := func(code, display string) terminology.MedicationCode {
		return terminology.MedicationCode{System: terminology.SystemRxNorm, Code: code, Display: display}
	}
	tests := []struct {
		name   string
		in     terminology.MedicationCode
		want   []string
		reason string
	}{
		{"ingredient code", rx("6809", ""), []string{"6809"}, "an ingredient code is itself"},
		{"ingredient code beats display", rx("6809", "lisinopril"), []string{"6809"}, "the code is authoritative"},
		{"product metformin", rx("860975", ""), []string{"6809"}, "SCD 860975 (metformin ER 500 mg) has ingredient metformin"},
		{"product lisinopril", rx("314076", ""), []string{"29046"}, "SCD 314076 (lisinopril 10 mg) has ingredient lisinopril"},
		{"product simvastatin", rx("316672", "Simvistatin 10 MG"), []string{"36567"},
			"SCD 316672 is Synthea's misspelled simvastatin 10 mg"},
		{"product code spaced", rx(" 314076 ", ""), []string{"29046"}, "white space around a code is ignored"},
		{"display naproxen sodium", terminology.MedicationCode{Display: "Naproxen sodium 220 MG Oral Tablet"}, []string{"7258"},
			"without a code, the salt name in the display resolves to the ingredient"},
		{"display brand", terminology.MedicationCode{Display: "Diazepam [Valium]"}, []string{"3322"},
			"ingredient and brand both name diazepam; it is listed once"},
		{"display misspelling", terminology.MedicationCode{Display: "Simvistatin 10 MG"}, []string{"36567"},
			"Synthea's misspelling is a synonym"},
		{"unknown code falls back to display", rx("999999999", "Metformin 500 MG Oral Tablet"), []string{"6809"},
			"a code the table does not hold is resolved by its display"},
		{"non-rxnorm code uses display", terminology.MedicationCode{System: terminology.SystemNDC, Code: "6809", Display: "warfarin"},
			[]string{"11289"}, "only RxNorm codes are looked up as RxCUIs"},
		{"combination text", terminology.MedicationCode{Display: "lisinopril / hydrochlorothiazide 20/12.5"}, []string{"29046", "5487"},
			"a combination names both ingredients, sorted by RxCUI string"},
		{"name-keyed", terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "897718", Display: "Verapamil Hydrochloride 40 MG"},
			[]string{"name:verapamil"}, "an ingredient known by name only resolves to its name key"},
		{"name-keyed display", terminology.MedicationCode{Display: "verapamil 80 mg / simvastatin 20 mg"},
			[]string{"36567", "name:verapamil"}, "RxCUIs sort before name keys"},
		{"name key is no RxNorm code", terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "name:verapamil"},
			nil, "a name key given as a code is not an RxNorm code"},
		{"nothing", terminology.MedicationCode{Display: "Vitamin D3 1000 unit"}, nil, "nothing recognised gives nothing"},
		{"empty", terminology.MedicationCode{}, nil, "an empty medication gives nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.IngredientsOf(tt.in)
			if tt.want == nil {
				assert.Empty(t, got, tt.reason)
				return
			}
			assert.Equal(t, tt.want, got, tt.reason)
		})
	}
}

func TestFindInText(t *testing.T) {
	d := terminology.DefaultDrugs()
	m := func(rxcui string, start, end int) terminology.Mention {
		return terminology.Mention{RxCUI: rxcui, Start: start, End: end, Key: rxcui}
	}
	type mention = terminology.Mention
	tests := []struct {
		name   string
		text   string
		want   []mention
		reason string
	}{
		{"plain", "takes metformin daily", []mention{m("6809", 6, 15)}, "a name as a whole word"},
		{"case", "METFORMIN", []mention{m("6809", 0, 9)}, "matching ignores case"},
		{"suffix letters", "metforminX", nil, "a name inside a longer word is not a mention"},
		{"prefix letters", "xmetformin", nil, "nor at the end of a longer word"},
		{"digits join words", "metformin500", nil, "digits are part of a word"},
		{"punctuation splits", "(metformin-500mg)", []mention{m("6809", 1, 10)}, "punctuation separates words"},
		{"multi-word", "insulin glargine 10 units", []mention{m("274783", 0, 16)}, "a two-word name is found whole"},
		{"multi-word odd spacing", "Insulin\n  Glargine", []mention{m("274783", 0, 18)}, "any run of non-word characters separates words"},
		{"longer synonym wins", "naproxen sodium 220", []mention{m("7258", 0, 15)}, "the longest name starting at a word wins"},
		{"synonym", "paracetamol and glibenclamide", []mention{m("161", 0, 11), m("4815", 16, 29)}, "synonyms are names too, in order"},
		{"order", "warfarin then aspirin then warfarin", []mention{m("11289", 0, 8), m("1191", 14, 21), m("11289", 27, 35)},
			"every mention in order of appearance, repeats included"},
		{"unicode", "Ärzte: lisinopril ÿ", []mention{m("29046", 8, 18)}, "byte spans in text with multi-byte runes (Ä is two bytes)"},
		{"name-keyed", "on verapamil", []mention{{RxCUI: "", Start: 3, End: 12, Key: "name:verapamil"}},
			"an ingredient known by name only has no RxCUI, only its name key"},
		{"unicode letter joins", "lisinoprilé", nil, "a non-ASCII letter is a word character"},
		{"empty", "", nil, "empty text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.FindInText(tt.text)
			if tt.want == nil {
				assert.Empty(t, got, tt.reason)
				return
			}
			assert.Equal(t, tt.want, got, tt.reason)
			for _, g := range got {
				assert.NotEmpty(t, tt.text[g.Start:g.End])
			}
		})
	}
}

func TestFindInTextOverlap(t *testing.T) {
	// A table where "insulin" is a name of its own: "insulin glargine" is
	// still one mention, and "insulin" alone is found elsewhere.
	d := terminology.NewDrugs([]terminology.Ingredient{
		{RxCUI: "5856", Name: "insulin"},
		{RxCUI: "274783", Name: "insulin glargine"},
		{RxCUI: "1", Name: "glargine"},
	}, nil, nil, nil)
	got := d.FindInText("insulin glargine, then insulin or glargine")
	assert.Equal(t, []terminology.Mention{{"274783", 0, 16, "274783"}, {"5856", 23, 30, "5856"}, {"1", 34, 42, "1"}}, got,
		"the longer name wins over the shorter names it overlaps")
}

func TestNewDrugsNames(t *testing.T) {
	tests := []struct {
		name     string
		ings     []terminology.Ingredient
		synonyms map[string]string
		text     string
		want     string
		reason   string
	}{
		{"ingredient beats synonym", []terminology.Ingredient{{RxCUI: "1", Name: "alpha"}}, map[string]string{"ALPHA": "2"},
			"alpha", "1", "an ingredient's own name wins over a synonym that normalises alike"},
		{"first synonym wins", nil, map[string]string{"beta-x": "2", "beta x": "3", "Beta X": "4"},
			"beta x", "4", "among synonyms that normalise alike, the first in byte order wins, whatever the map order"},
		{"punctuation in name", []terminology.Ingredient{{RxCUI: "1", Name: "  Gamma--Delta "}}, nil,
			"gamma delta", "1", "names are normalised like text"},
		{"synonym to unknown ingredient", nil, map[string]string{"epsilon": "99"},
			"epsilon", "99", "a synonym may name an ingredient the table does not hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // map order varies between runs
				d := terminology.NewDrugs(tt.ings, nil, nil, tt.synonyms)
				got := d.FindInText(tt.text)
				require.Len(t, got, 1, tt.reason)
				assert.Equal(t, tt.want, got[0].RxCUI, tt.reason)
			}
		})
	}
	d := terminology.NewDrugs([]terminology.Ingredient{{RxCUI: "1", Name: "!!!"}}, nil, nil, map[string]string{"": "2"})
	assert.Empty(t, d.FindInText("!!! anything"), "a name with no letters or digits matches nothing")
}

func TestClassesOf(t *testing.T) {
	d := terminology.DefaultDrugs()
	got := d.ClassesOf("11289")
	ids := make([]string, len(got))
	for i, c := range got {
		ids[i] = c.ID
	}
	assert.Equal(t, []string{"anticoagulant", "vitamin-k-antagonist"}, ids, "warfarin's classes, sorted by ID")
	got = d.ClassesOf("name:verapamil")
	assert.Empty(t, got, "verapamil, known by name only, is in no shipped class")
	got = d.ClassesOf("name:tranylcypromine")
	if assert.Len(t, got, 1) {
		assert.Equal(t, "maoi", got[0].ID, "a class may hold name-keyed ingredients")
	}
	assert.Empty(t, d.ClassesOf("161"), "acetaminophen is in no shipped class")
	assert.Empty(t, d.ClassesOf("nope"))

	c, ok := d.Class("statin")
	require.True(t, ok)
	assert.True(t, c.Has("36567"))
	assert.False(t, c.Has("6809"))
	_, ok = d.Class("nope")
	assert.False(t, ok)
	var nilClass *terminology.DrugClass
	assert.False(t, nilClass.Has("36567"), "a nil class has no members")
}

func TestNewDrugsCopiesAndDedupes(t *testing.T) {
	ings := []terminology.Ingredient{{RxCUI: "1", Name: "alpha"}, {RxCUI: "2", Name: "beta"}}
	prods := []terminology.Product{{RxCUI: "10", Name: "alpha 5 MG", Ingredients: []string{"1"}}}
	classes := []terminology.DrugClass{{ID: "k", Name: "K", Members: []string{"2", "1", "2"}}}
	d := terminology.NewDrugs(ings, prods, classes, nil)
	prods[0].Ingredients[0] = "2"
	classes[0].Members[0] = "1"
	ings[0].Name = "changed"

	p, _ := d.Product("10")
	assert.Equal(t, []string{"1"}, p.Ingredients, "NewDrugs copies product ingredients")
	c, _ := d.Class("k")
	assert.Equal(t, []string{"1", "2"}, c.Members, "NewDrugs copies, sorts and dedupes class members")
	assert.Len(t, d.ClassesOf("2"), 1, "a duplicated member lists its class once")
	in, _ := d.Ingredient("1")
	assert.Equal(t, "alpha", in.Name)
}

func TestDrugsResultsCannotMutateTable(t *testing.T) {
	d := terminology.DefaultDrugs()

	c, ok := d.Class("statin")
	require.True(t, ok)
	c.Members[0] = "6809"
	c.Members = append(c.Members, "6809")
	c.ID, c.Name = "x", "x"
	c2, _ := d.Class("statin")
	assert.False(t, c2.Has("6809"), "mutating a returned class leaves the table alone")
	assert.Equal(t, "statin", c2.ID)

	for _, cl := range d.ClassesOf("36567") {
		cl.Members[0] = "6809"
		cl.Name = "x"
	}
	for _, cl := range d.ClassesOf("36567") {
		assert.False(t, cl.Has("6809"), "mutating ClassesOf results leaves the table alone")
		assert.NotEqual(t, "x", cl.Name)
	}
	for _, cl := range d.Classes() {
		cl.Members[0] = "0"
	}
	statin, _ := d.Class("statin")
	assert.NotContains(t, statin.Members, "0")

	p, ok := d.Product("860975")
	require.True(t, ok)
	p.Ingredients[0] = "29046"
	for _, p := range d.Products() {
		p.Ingredients[0] = "29046"
	}
	assert.Equal(t, []string{"6809"}, d.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "860975"}),
		"mutating a returned product leaves the table alone")

	got := d.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "860975"})
	got[0] = "29046"
	assert.Equal(t, []string{"6809"}, d.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "860975"}))
	got = d.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "6809"})
	got[0] = "29046"
	assert.Equal(t, []string{"6809"}, d.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "6809"}))

	ings := d.Ingredients()
	ings[0].Name = "changed"
	in, _ := d.Ingredient(ings[0].RxCUI)
	assert.NotEqual(t, "changed", in.Name)
}

func TestDefaultDrugsFresh(t *testing.T) {
	a, b := terminology.DefaultDrugs(), terminology.DefaultDrugs()
	assert.NotSame(t, a, b, "each call builds a new table: there is no package state")
}

func TestDrugsConcurrent(t *testing.T) {
	d := terminology.DefaultDrugs()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 100 {
				assert.Equal(t, []string{"7258"}, d.IngredientsOf(terminology.MedicationCode{Display: "Naproxen sodium 220 MG Oral Tablet"}))
				assert.Len(t, d.ClassesOf("11289"), 2)
				_ = d.Classes()
				_ = d.FindInText("warfarin and aspirin")
			}
		})
	}
	wg.Wait()
}

func cmpRxCUI(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func cmpKey(a, b string) int {
	an, bn := terminology.IsNameKey(a), terminology.IsNameKey(b)
	switch {
	case an && bn:
		return strings.Compare(a, b)
	case an:
		return 1
	case bn:
		return -1
	}
	return cmpRxCUI(a, b)
}

// TestSyntheaProducts pins how every RxNorm drug code in the 16 Synthea
// bundles (listed from the bundles with Python's json module) resolves:
// to the ingredients its name states, or to nothing by code for the
// branded packs and devices whose names do not state their ingredient (see
// DefaultDrugs).
func TestSyntheaProducts(t *testing.T) {
	d := terminology.DefaultDrugs()
	mapped := map[string][]string{
		"197361": {"17767"}, "197604": {"3407"}, "308971": {"2002"}, "309362": {"32968"}, "310436": {"4637"},
		"310965": {"5640"}, "311989": {"7454"}, "312961": {"36567"}, "313782": {"161"}, "315971": {"4603"},
		"316049": {"5487"}, "316672": {"36567"}, "563026": {"3322"}, "849574": {"7258"}, "855332": {"11289"},
		"860975": {"6809"}, "866414": {"6918"}, "896209": {"36117", "50121"}, "966222": {"10582"},
		"1049630": {"3498"}, "1094107": {"8120"},
		// Ingredients known by name only.
		"106892":  {"name:insulin isophane human", "name:insulin regular human"},
		"310325":  {"name:ferrous sulfate"},
		"477045":  {"name:chlorpheniramine"},
		"562251":  {"name:amoxicillin", "name:clavulanate"},
		"705129":  {"name:nitroglycerin"},
		"807283":  {"name:levonorgestrel"},
		"834102":  {"name:penicillin v"},
		"861467":  {"name:meperidine"},
		"897718":  {"name:verapamil"},
		"904419":  {"name:alendronate"},
		"1043400": {"161", "3289", "name:doxylamine"},
		"1310197": {"161", "5489"},
		"1599803": {"135447", "name:memantine"},
		"1804799": {"name:alteplase"},
	}
	leftOut := []string{"748962", "757594", "831533", "1605257"}
	assert.Len(t, mapped, 35)
	assert.Len(t, leftOut, 4)
	for code, want := range mapped {
		got := d.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: code})
		assert.Equal(t, want, got, "product %s", code)
		p, ok := d.Product(code)
		if assert.True(t, ok, code) {
			assert.NotEmpty(t, p.Source.Citation)
		}
	}
	for _, code := range leftOut {
		_, ok := d.Product(code)
		assert.False(t, ok, "product %s is left out: its name does not state its ingredient", code)
	}
}

func TestNameKey(t *testing.T) {
	tests := []struct {
		name, in, want string
		reason         string
	}{
		{"plain", "verapamil", "name:verapamil", "a name in lower case"},
		{"punctuation", "St. John's  Wort", "name:st john s wort", "case and punctuation fold as names match"},
		{"empty", "--", "", "a name without letters or digits has no key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, terminology.NameKey(tt.in), tt.reason)
			if tt.want != "" {
				assert.True(t, terminology.IsNameKey(tt.want))
			}
		})
	}
	assert.False(t, terminology.IsNameKey("11170"), "an RxCUI is not a name key")
	assert.Equal(t, "11170", terminology.Ingredient{RxCUI: "11170", Name: "verapamil"}.Key())
	assert.Equal(t, "name:verapamil", terminology.Ingredient{Name: "Verapamil"}.Key())
}

// TestNameKeyedPromotion checks that an ingredient known by name only takes
// the RxCUI of an ingredient of the same name that an extension (a
// deployer's RxNorm release) brings, in products, classes and synonyms.
func TestNameKeyedPromotion(t *testing.T) {
	base := terminology.NewDrugs(
		[]terminology.Ingredient{{Name: "Verapamil", Source: terminology.Source{Citation: "by name"}}, {RxCUI: "36567", Name: "simvastatin"}},
		[]terminology.Product{{RxCUI: "897718", Name: "Verapamil Hydrochloride 40 MG", Ingredients: []string{"name:verapamil"}}},
		[]terminology.DrugClass{{ID: "ccb", Name: "CCB", Members: []string{"name:verapamil"}}},
		map[string]string{"calan": "name:verapamil"})
	require.Equal(t, []string{"name:verapamil"}, base.IngredientsOf(terminology.MedicationCode{Display: "Calan 40"}))
	k, ok := base.KeyOf("VERAPAMIL")
	require.True(t, ok)
	assert.Equal(t, "name:verapamil", k)
	k, ok = base.KeyOf("name:verapamil")
	require.True(t, ok, "a key resolves to itself")
	assert.Equal(t, "name:verapamil", k)

	ext := base.Extend([]terminology.Ingredient{{RxCUI: "11170", Name: "verapamil", Source: terminology.Source{Citation: "release"}}}, nil, nil, nil)
	tests := []struct {
		name   string
		got    any
		want   any
		reason string
	}{
		{"product", ext.IngredientsOf(terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "897718"}), []string{"11170"},
			"the product now names the RxCUI"},
		{"synonym", ext.IngredientsOf(terminology.MedicationCode{Display: "Calan 40"}), []string{"11170"}, "so does the synonym"},
		{"name", ext.IngredientsOf(terminology.MedicationCode{Display: "verapamil"}), []string{"11170"}, "and the name"},
		{"class", func() []string { c, _ := ext.Class("ccb"); return c.Members }(), []string{"11170"}, "the class member is the RxCUI"},
		{"old key gone", func() bool { _, ok := ext.Ingredient("name:verapamil"); return ok }(), false, "the name-keyed ingredient is replaced"},
		{"key of name", func() string { k, _ := ext.KeyOf("verapamil"); return k }(), "11170", "KeyOf gives the RxCUI"},
		{"key of old key", func() string { k, _ := ext.KeyOf("name:verapamil"); return k }(), "11170",
			"a rule written against the old name key still finds the ingredient"},
		{"base unchanged", base.IngredientsOf(terminology.MedicationCode{Display: "verapamil"}), []string{"name:verapamil"}, "Extend leaves d alone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.got, tt.reason)
		})
	}
	in, ok := ext.Ingredient("11170")
	require.True(t, ok)
	assert.Equal(t, "release", in.Source.Citation)
	assert.Len(t, ext.ClassesOf("11170"), 1)
}
