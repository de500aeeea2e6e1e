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

	srcECQMBeta = vsacUpdate + ": Beta Blocker Therapy Ingredient (OID 2.16.840.1.113883.3.526.3.1493), RxNorm ingredient"

	// srcSynthea cites the Synthea R4 sample bundles for a product code and
	// its name; the product's ingredients are those its name states.
	srcSynthea = "RxNorm code and name as recorded in the Synthea R4 sample bundles (smart-on-fhir/generated-sample-data @25ac8089, R4/SYNTHEA); ingredients as the name states"
)

type ingredientRow struct {
	rxcui, name, citation string
}

type productRow struct {
	rxcui, name string
	ingredients []string
	citation    string // "" for the original rows: the RxNorm name itself
}

type classRow struct {
	id, name, atc string
	members       []string
}

// DefaultDrugs returns the shipped drug table. Each call builds a new table;
// build it once and share it.
//
// It maps 21 of the 39 RxNorm drug codes in the Synthea R4 sample bundles
// to ingredients. The other 18 are left out because an ingredient code they
// need could not be checked against the sources cited here (CPIC, the CMS
// eCQM value sets): 106892 (insulin isophane and regular human), 310325
// (ferrous sulfate), 477045 (chlorpheniramine), 562251 (amoxicillin and
// clavulanate), 705129 (nitroglycerin), 748962, 757594 and 831533
// (norethindrone), 807283 and 1605257 (levonorgestrel), 834102 (penicillin
// V), 861467 (meperidine), 897718 (verapamil), 904419 (alendronate),
// 1043400 (acetaminophen, dextromethorphan and doxylamine), 1310197
// (acetaminophen and hydrocodone), 1599803 (donepezil and memantine) and
// 1804799 (alteplase).
// A deployer's RxNorm release ([LoadRxNorm], [Drugs.Extend]) covers them.
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
		// Added for the Synthea products and the drugs CLINICAL.md names;
		// each code is in the CPIC drug table at the commit cited, or (sotalol)
		// in the eCQM Beta Blocker Therapy Ingredient value set.
		{"2002", "carbamazepine", srcCPIC},
		{"135447", "donepezil", srcCPIC},
		{"4637", "galantamine", srcCPIC},
		{"7454", "nitrofurantoin", srcCPIC},
		{"8120", "phenazopyridine", srcCPIC},
		{"50121", "fluticasone propionate", srcCPIC},
		{"36117", "salmeterol", srcCPIC},
		{"3289", "dextromethorphan", srcCPIC},
		{"343047", "atazanavir", srcCPIC},
		{"38400", "atomoxetine", srcCPIC},
		{"704", "amitriptyline", srcCPIC},
		{"2597", "clomipramine", srcCPIC},
		{"3247", "desipramine", srcCPIC},
		{"3638", "doxepin", srcCPIC},
		{"5691", "imipramine", srcCPIC},
		{"7531", "nortriptyline", srcCPIC},
		{"8886", "protriptyline", srcCPIC},
		{"10834", "trimipramine", srcCPIC},
		{"4493", "fluoxetine", srcCPIC},
		{"32937", "paroxetine", srcCPIC},
		{"321988", "escitalopram", srcCPIC},
		{"42355", "fluvoxamine", srcCPIC},
		{"72625", "duloxetine", srcCPIC},
		{"39786", "venlafaxine", srcCPIC},
		{"6813", "methadone", srcCPIC},
		{"4337", "fentanyl", srcCPIC},
		{"6901", "methylphenidate", srcCPIC},
		{"6878", "methylene blue", srcCPIC},
		{"1256", "azathioprine", srcCPIC},
		{"103", "mercaptopurine", srcCPIC},
		{"51499", "irinotecan", srcCPIC},
		{"4053", "erythromycin", srcCPIC},
		{"121243", "voriconazole", srcCPIC},
		{"17128", "lansoprazole", srcCPIC},
		{"283742", "esomeprazole", srcCPIC},
		{"114979", "rabeprazole", srcCPIC},
		{"816346", "dexlansoprazole", srcCPIC},
		{"2393", "chloroquine", srcCPIC},
		{"4441", "flecainide", srcCPIC},
		{"5093", "haloperidol", srcCPIC},
		{"139462", "moxifloxacin", srcCPIC},
		{"26225", "ondansetron", srcCPIC},
		{"8331", "pimozide", srcCPIC},
		{"9068", "quinidine", srcCPIC},
		{"8754", "propafenone", srcCPIC},
		{"36453", "sevoflurane", srcCPIC},
		{"10502", "thioridazine", srcCPIC},
		{"42316", "tacrolimus", srcCPIC},
		{"35302", "sirolimus", srcCPIC},
		{"3008", "cyclosporine", srcCPIC},
		{"3355", "diclofenac", srcCPIC},
		{"9947", "sotalol", srcECQMBeta},
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
		"lasix":                   "4603",  // brand of furosemide, in Synthea's product display
		"tegretol":                "2002",  // brand of carbamazepine, in Synthea's product display
	}
	// productRows are RxNorm drug concepts (clinical drugs, and the branded
	// 866414 and 563026) whose names state their single ingredient. Source:
	// the RxNorm name itself, as recorded in the Synthea R4 sample bundles and
	// in RxNorm.
	productRows := [...]productRow{
		{"860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", []string{"6809"}, ""},
		{"314076", "lisinopril 10 MG Oral Tablet", []string{"29046"}, ""},
		{"855332", "Warfarin Sodium 5 MG Oral Tablet", []string{"11289"}, ""},
		{"316049", "Hydrochlorothiazide 25 MG", []string{"5487"}, ""},
		{"849574", "Naproxen sodium 220 MG Oral Tablet", []string{"7258"}, ""},
		{"309362", "Clopidogrel 75 MG Oral Tablet", []string{"32968"}, ""},
		{"197604", "Digoxin 0.125 MG Oral Tablet", []string{"3407"}, ""},
		{"197361", "Amlodipine 5 MG Oral Tablet", []string{"17767"}, ""},
		{"312961", "Simvastatin 20 MG Oral Tablet", []string{"36567"}, ""},
		{"316672", "Simvastatin 10 MG", []string{"36567"}, ""},
		{"310965", "Ibuprofen 200 MG Oral Tablet", []string{"5640"}, ""},
		{"313782", "Acetaminophen 325 MG Oral Tablet", []string{"161"}, ""},
		{"1049630", "diphenhydrAMINE Hydrochloride 25 MG Oral Tablet", []string{"3498"}, ""},
		{"966222", "Levothyroxine Sodium 0.075 MG Oral Tablet", []string{"10582"}, ""},
		{"563026", "Diazepam [Valium]", []string{"3322"}, ""},
		{"866414", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]", []string{"6918"}, ""},
		// The other Synthea products whose every ingredient code is verified
		// (see DefaultDrugs' doc for those left out).
		{"308971", "Carbamazepine[Tegretol]", []string{"2002"}, srcSynthea},
		{"310436", "Galantamine 4 MG Oral Tablet", []string{"4637"}, srcSynthea + "; also in " + vsacUpdate + ": Dementia Medications (OID 2.16.840.1.113883.3.464.1003.196.12.1510)"},
		{"311989", "Nitrofurantoin 5 MG/ML Oral Suspension", []string{"7454"}, srcSynthea},
		{"315971", "Lasix 40mg", []string{"4603"}, srcSynthea + " (Lasix is a brand of furosemide)"},
		{"896209", "60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler", []string{"36117", "50121"}, srcSynthea},
		{"1094107", "Phenazopyridine hydrochloride 100 MG Oral Tablet", []string{"8120"}, srcSynthea},
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
		{"beta-blocker", "Beta-blocking agents", "C07A", []string{"6918", "20352", "1202", "8787", "9947"}},
		{"dihydropyridine-ccb", "Dihydropyridine calcium channel blockers", "C08CA", []string{"17767"}},
		{"thiazide", "Thiazide diuretics", "C03AA", []string{"5487"}},
		{"loop-diuretic", "Loop diuretics (sulfonamides, high-ceiling)", "C03CA", []string{"4603"}},
		{"aldosterone-antagonist", "Aldosterone antagonists", "C03DA", []string{"9997"}},
		{"vitamin-k-antagonist", "Vitamin K antagonists", "B01AA", []string{"11289"}},
		{"factor-xa-inhibitor", "Direct factor Xa inhibitors", "B01AF", []string{"1364430", "1114195", "1599538"}},
		{"anticoagulant", "Anticoagulants (vitamin K antagonists and direct factor Xa inhibitors)", "B01AA, B01AF", []string{"11289", "1364430", "1114195", "1599538"}},
		{"antiplatelet", "Platelet aggregation inhibitors excl. heparin", "B01AC", []string{"32968", "1191"}},
		{"nsaid", "Non-steroidal anti-inflammatory drugs", "M01A", []string{"5640", "7258", "3355"}},
		{"ppi", "Proton pump inhibitors", "A02BC", []string{"7646", "40790", "17128", "283742", "114979", "816346"}},
		{"ssri", "Selective serotonin reuptake inhibitors", "N06AB", []string{"36437", "2556", "4493", "32937", "321988", "42355"}},
		{"tca", "Non-selective monoamine reuptake inhibitors (tricyclic antidepressants)", "N06AA", []string{"704", "2597", "3247", "3638", "5691", "7531", "8886", "10834"}},
		{"benzodiazepine", "Benzodiazepine derivatives", "N05BA", []string{"3322"}},
		{"cardiac-glycoside", "Digitalis glycosides", "C01AA", []string{"3407"}},
		{"thyroid-hormone", "Thyroid hormones", "H03AA", []string{"10582"}},
		{"fluoroquinolone", "Fluoroquinolones", "J01MA", []string{"2551", "139462"}},
		{"opioid", "Opioids", "N02A", []string{"10689", "4337"}},
		{"first-gen-antihistamine", "Aminoalkyl ethers (first-generation antihistamines)", "R06AA", []string{"3498"}},
	}
	ings := make([]Ingredient, len(ingredientRows))
	for i, r := range ingredientRows {
		ings[i] = Ingredient{RxCUI: r.rxcui, Name: r.name, Source: Source{Citation: r.citation, URL: rxnav(r.rxcui)}}
	}
	prods := make([]Product, len(productRows))
	for i, r := range productRows {
		cite := r.citation
		if cite == "" {
			cite = "RxNorm drug " + r.rxcui + " (ingredient named in the drug name)"
		}
		prods[i] = Product{RxCUI: r.rxcui, Name: r.name, Ingredients: r.ingredients,
			Source: Source{Citation: cite, URL: rxnav(r.rxcui)}}
	}
	classes := make([]DrugClass, len(classRows))
	for i, r := range classRows {
		classes[i] = DrugClass{ID: r.id, Name: r.name, Members: r.members,
			Source: Source{Citation: "WHO ATC classification " + r.atc, URL: "https://atcddd.fhi.no/atc_ddd_index/"}}
	}
	return NewDrugs(ings, prods, classes, synonymRows)
}
