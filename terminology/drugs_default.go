package terminology

// The shipped drug knowledge: ingredients with RxNorm ingredient (IN) codes,
// the RxNorm products the bundled fixtures and Synthea records use, and drug
// classes keyed on WHO ATC groups. Every entry carries its source. Nothing
// here is copied from a licensed drug-knowledge base.

func rxnav(rxcui string) string {
	return "https://mor.nlm.nih.gov/RxNav/search?searchBy=RXCUI&searchTerm=" + rxcui
}

const (
	srcCPIC = "CPIC drug table (cpicpgx/cpic-schema drug.sql @05f9b09c), RxNorm ingredient"
	srcECQM = vsacUpdate + ", RxNorm ingredient"
	srcNLM  = "NLM RxNorm ingredient concept (TTY=IN)"
)

type ingredientRow struct {
	rxcui, name, citation string
}

type productRow struct {
	rxcui, name string
	ingredients []string
}

type classRow struct {
	id, name, atc string
	members       []string
}

// DefaultDrugs returns the shipped drug table. Each call builds a new table;
// build it once and share it.
func DefaultDrugs() *Drugs {
	// ingredientRows lists ingredient codes. Each was taken from the CPIC drug
	// table or the CMS eCQM ingredient value sets, or, where neither lists it,
	// from RxNorm itself; the RxNav link lets a reader check it.
	ingredientRows := [...]ingredientRow{
		{"6809", "metformin", srcCPIC},
		{"29046", "lisinopril", srcECQM},
		{"3827", "enalapril", srcECQM},
		{"1998", "captopril", srcECQM},
		{"35296", "ramipril", srcECQM},
		{"18867", "benazepril", srcECQM},
		{"35208", "quinapril", srcECQM},
		{"52175", "losartan", srcECQM},
		{"69749", "valsartan", srcECQM},
		{"321064", "olmesartan", srcECQM},
		{"83818", "irbesartan", srcECQM},
		{"73494", "telmisartan", srcECQM},
		{"214354", "candesartan", srcECQM},
		{"1656328", "sacubitril", srcECQM},
		{"6918", "metoprolol", srcCPIC},
		{"20352", "carvedilol", srcCPIC},
		{"1202", "atenolol", srcECQM},
		{"8787", "propranolol", srcCPIC},
		{"7646", "omeprazole", srcCPIC},
		{"40790", "pantoprazole", srcCPIC},
		{"36437", "sertraline", srcCPIC},
		{"2556", "citalopram", srcCPIC},
		{"10689", "tramadol", srcCPIC},
		{"3322", "diazepam", srcCPIC},
		{"2551", "ciprofloxacin", srcCPIC},
		{"6851", "methotrexate", srcCPIC},
		{"11289", "warfarin", srcCPIC},
		{"1364430", "apixaban", srcECQM},
		{"1114195", "rivaroxaban", srcECQM},
		{"1599538", "edoxaban", srcECQM},
		{"32968", "clopidogrel", srcCPIC},
		{"1191", "aspirin", srcCPIC},
		{"83367", "atorvastatin", srcCPIC},
		{"36567", "simvastatin", srcCPIC},
		{"301542", "rosuvastatin", srcCPIC},
		{"42463", "pravastatin", srcCPIC},
		{"6472", "lovastatin", srcECQM},
		{"5487", "hydrochlorothiazide", srcCPIC},
		{"4603", "furosemide", srcCPIC},
		{"9997", "spironolactone", srcCPIC},
		{"3407", "digoxin", srcCPIC},
		{"4821", "glipizide", srcCPIC},
		{"4815", "glyburide", srcCPIC},
		{"25789", "glimepiride", srcCPIC},
		{"17767", "amlodipine", srcNLM},
		{"274783", "insulin glargine", srcNLM},
		{"1545653", "empagliflozin", srcNLM},
		{"5640", "ibuprofen", srcNLM},
		{"161", "acetaminophen", srcNLM},
		{"3498", "diphenhydramine", srcNLM},
		{"10582", "levothyroxine", srcNLM},
		{"7258", "naproxen", srcNLM},
	}
	// synonymRows are other names for ingredients: the glibenclamide INN, and
	// the salt and brand names that appear in RxNorm product names used by the
	// fixtures.
	synonymRows := map[string]string{
		"glibenclamide":           "4815",
		"paracetamol":             "161",
		"metformin hydrochloride": "6809",
		"naproxen sodium":         "7258",
		"warfarin sodium":         "11289",
		"levothyroxine sodium":    "10582",
		"valium":                  "3322",
		"simvistatin":             "36567", // misspelling used in Synthea's product display
	}
	// productRows are RxNorm drug concepts (clinical drugs, and the branded
	// 866414 and 563026) whose names state their single ingredient. Source:
	// the RxNorm name itself, as recorded in the Synthea R4 sample bundles and
	// in RxNorm.
	productRows := [...]productRow{
		{"860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", []string{"6809"}},
		{"314076", "lisinopril 10 MG Oral Tablet", []string{"29046"}},
		{"855332", "Warfarin Sodium 5 MG Oral Tablet", []string{"11289"}},
		{"316049", "Hydrochlorothiazide 25 MG", []string{"5487"}},
		{"849574", "Naproxen sodium 220 MG Oral Tablet", []string{"7258"}},
		{"309362", "Clopidogrel 75 MG Oral Tablet", []string{"32968"}},
		{"197604", "Digoxin 0.125 MG Oral Tablet", []string{"3407"}},
		{"197361", "Amlodipine 5 MG Oral Tablet", []string{"17767"}},
		{"312961", "Simvastatin 20 MG Oral Tablet", []string{"36567"}},
		{"316672", "Simvastatin 10 MG", []string{"36567"}},
		{"310965", "Ibuprofen 200 MG Oral Tablet", []string{"5640"}},
		{"313782", "Acetaminophen 325 MG Oral Tablet", []string{"161"}},
		{"1049630", "diphenhydrAMINE Hydrochloride 25 MG Oral Tablet", []string{"3498"}},
		{"966222", "Levothyroxine Sodium 0.075 MG Oral Tablet", []string{"10582"}},
		{"563026", "Diazepam [Valium]", []string{"3322"}},
		{"866414", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]", []string{"6918"}},
	}
	// classRows group ingredients by WHO ATC class (the source of each class);
	// membership is limited to the ingredients above.
	classRows := [...]classRow{
		{"ace-inhibitor", "ACE inhibitors", "C09AA", []string{"29046", "3827", "1998", "35296", "18867", "35208"}},
		{"arb", "Angiotensin II receptor blockers", "C09CA", []string{"52175", "69749", "321064", "83818", "73494", "214354"}},
		{"statin", "HMG-CoA reductase inhibitors (statins)", "C10AA", []string{"83367", "36567", "301542", "42463", "6472"}},
		{"biguanide", "Biguanides", "A10BA", []string{"6809"}},
		{"sulfonylurea", "Sulfonylureas", "A10BB", []string{"4821", "4815", "25789"}},
		{"sglt2-inhibitor", "SGLT2 inhibitors", "A10BK", []string{"1545653"}},
		{"insulin", "Insulins and analogues", "A10A", []string{"274783"}},
		{"beta-blocker", "Beta-blocking agents", "C07A", []string{"6918", "20352", "1202", "8787"}},
		{"dihydropyridine-ccb", "Dihydropyridine calcium channel blockers", "C08CA", []string{"17767"}},
		{"thiazide", "Thiazide diuretics", "C03AA", []string{"5487"}},
		{"loop-diuretic", "Loop diuretics (sulfonamides, high-ceiling)", "C03CA", []string{"4603"}},
		{"aldosterone-antagonist", "Aldosterone antagonists", "C03DA", []string{"9997"}},
		{"vitamin-k-antagonist", "Vitamin K antagonists", "B01AA", []string{"11289"}},
		{"factor-xa-inhibitor", "Direct factor Xa inhibitors", "B01AF", []string{"1364430", "1114195", "1599538"}},
		{"anticoagulant", "Anticoagulants (vitamin K antagonists and direct factor Xa inhibitors)", "B01AA, B01AF", []string{"11289", "1364430", "1114195", "1599538"}},
		{"antiplatelet", "Platelet aggregation inhibitors excl. heparin", "B01AC", []string{"32968", "1191"}},
		{"nsaid", "Non-steroidal anti-inflammatory drugs", "M01A", []string{"5640", "7258"}},
		{"ppi", "Proton pump inhibitors", "A02BC", []string{"7646", "40790"}},
		{"ssri", "Selective serotonin reuptake inhibitors", "N06AB", []string{"36437", "2556"}},
		{"benzodiazepine", "Benzodiazepine derivatives", "N05BA", []string{"3322"}},
		{"cardiac-glycoside", "Digitalis glycosides", "C01AA", []string{"3407"}},
		{"thyroid-hormone", "Thyroid hormones", "H03AA", []string{"10582"}},
		{"fluoroquinolone", "Fluoroquinolones", "J01MA", []string{"2551"}},
		{"opioid", "Opioids", "N02A", []string{"10689"}},
		{"first-gen-antihistamine", "Aminoalkyl ethers (first-generation antihistamines)", "R06AA", []string{"3498"}},
	}
	ings := make([]Ingredient, len(ingredientRows))
	for i, r := range ingredientRows {
		ings[i] = Ingredient{RxCUI: r.rxcui, Name: r.name, Source: Source{Citation: r.citation, URL: rxnav(r.rxcui)}}
	}
	prods := make([]Product, len(productRows))
	for i, r := range productRows {
		prods[i] = Product{RxCUI: r.rxcui, Name: r.name, Ingredients: r.ingredients,
			Source: Source{Citation: "RxNorm drug " + r.rxcui + " (ingredient named in the drug name)", URL: rxnav(r.rxcui)}}
	}
	classes := make([]DrugClass, len(classRows))
	for i, r := range classRows {
		classes[i] = DrugClass{ID: r.id, Name: r.name, Members: r.members,
			Source: Source{Citation: "WHO ATC classification " + r.atc, URL: "https://atcddd.fhi.no/atc_ddd_index/"}}
	}
	return NewDrugs(ings, prods, classes, synonymRows)
}
