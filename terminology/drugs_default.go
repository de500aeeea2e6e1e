package terminology

// The shipped drug knowledge: ingredients with RxNorm ingredient (IN) codes,
// ingredients known by name only, the RxNorm products the bundled fixtures
// and Synthea records use, and drug classes. Every entry carries its source.
// Nothing here is copied from a licensed drug-knowledge base.

func rxnav(rxcui string) string {
	return "https://mor.nlm.nih.gov/RxNav/search?searchBy=RXCUI&searchTerm=" + rxcui
}

// Where the ingredient codes come from. Each code was read from the file
// cited, at the commit cited.
const (
	srcCPIC = "CPIC drug table (cpicpgx/cpic-schema drug.sql @05f9b09c), RxNorm ingredient"
	srcECQM = vsacUpdate + ", RxNorm ingredient"
	srcNLM  = "NLM RxNorm ingredient concept (TTY=IN)"

	srcECQMBeta = vsacUpdate + ": Beta Blocker Therapy Ingredient (OID 2.16.840.1.113883.3.526.3.1493), RxNorm ingredient"
	// The 2025 expansions of the eCQM ingredient value sets, as mirrored in
	// canvas-medical/canvas-plugins canvas_sdk/value_set/v2026/allergy.py
	// @6ba63e2d.
	srcECQMRAS    = vsacUpdate + ": ACE Inhibitor or ARB or ARNI Ingredient (OID 2.16.840.1.113883.3.526.3.1489; canvas-medical/canvas-plugins v2026/allergy.py @6ba63e2d), RxNorm ingredient"
	srcECQMBeta25 = vsacUpdate + ": Beta Blocker Therapy Ingredient (OID 2.16.840.1.113883.3.526.3.1493; canvas-medical/canvas-plugins v2026/allergy.py @6ba63e2d), RxNorm ingredient"
	srcECQMStatin = vsacUpdate + ": Statin Allergen (OID 2.16.840.1.113762.1.4.1110.42; canvas-medical/canvas-plugins v2026/allergy.py @6ba63e2d), RxNorm ingredient"
	// The HL7 PDDI-CDS implementation guide's value sets (HL7/PDDI-CDS
	// input/vocabulary), which list each ingredient concept.
	srcPDDI = "HL7 PDDI-CDS IG value set (HL7/PDDI-CDS input/vocabulary @1d1fbd6d/0838cdd8), RxNorm ingredient concept"
	// The CDC MME conversion-factor code system, keyed on RxNorm
	// ingredients.
	srcMME = "CDC MME Clinical Conversion Factors code system (cqframework/opioid-mme-r4 @82ce8040), RxNorm ingredient"

	// srcSynthea cites the Synthea R4 sample bundles for a product code and
	// its name; the product's ingredients are those its name states.
	srcSynthea = "RxNorm code and name as recorded in the Synthea R4 sample bundles (smart-on-fhir/generated-sample-data @25ac8089, R4/SYNTHEA); ingredients as the name states"

	// Name-keyed ingredients: the name is from the source cited; the RxNorm
	// code could not be verified against a checkable source, so the
	// ingredient is keyed by name (see Ingredient).
	unverified   = "; RxNorm code not verified, keyed by name"
	srcONC       = "ONC high-priority DDI list, Phansalkar S et al. JAMIA 2012;19(5):735-43, Table 2 (PMC3422823)" + unverified
	srcONCNI     = "ONC non-interruptive DDI list, Phansalkar S et al. JAMIA 2013;20(3):489-93 (PMC3628052), class member" + unverified
	srcBeers     = "2023 AGS Beers Criteria (J Am Geriatr Soc 2023, doi:10.1111/jgs.18372), drug named in the criterion" + unverified
	srcSyntheaIN = "ingredient named in an RxNorm product name recorded in the Synthea R4 sample bundles" + unverified
	srcClassIN   = "member of the WHO ATC group of the drug class it belongs to" + unverified
	srcLabelIN   = "FDA-approved labeling with a boxed warning for QT prolongation or torsade de pointes" + unverified
)

type ingredientRow struct {
	rxcui, name, citation string // rxcui "" for an ingredient known by name only
}

type productRow struct {
	rxcui, name string
	ingredients []string // ingredient names
	citation    string   // "" for the original rows: the RxNorm name itself
}

type classRow struct {
	id, name string
	citation string
	members  []string // ingredient names
}

func atc(groups string) string { return "WHO ATC classification " + groups }

const atcURL = "https://atcddd.fhi.no/atc_ddd_index/"

// DefaultDrugs returns the shipped drug table. Each call builds a new table;
// build it once and share it.
//
// Ingredients carry RxNorm codes taken from the CPIC drug table, the CMS
// eCQM ingredient value sets, the HL7 PDDI-CDS value sets or the CDC MME
// conversion table, each cited in the row. Ingredients that interaction,
// prescribing and allergy rules need but whose code none of those sources
// lists are known by name only (see [Ingredient]); a deployer's RxNorm
// release ([LoadRxNorm], [Drugs.Extend]) gives them their codes.
//
// It maps 35 of the 39 RxNorm drug codes in the Synthea R4 sample bundles
// to ingredients. The other four are branded packs and devices whose names
// do not state their ingredient and whose ingredient could not be checked
// against a cited source: 748962 (Camila), 757594 (Jolivette), 831533
// (Errin) and 1605257 (Liletta).
func DefaultDrugs() *Drugs {
	ingredientRows := [...]ingredientRow{
		{"6809", "metformin", srcCPIC},
		{"29046", "lisinopril", srcECQM},
		{"3827", "enalapril", srcECQM},
		{"1998", "captopril", srcECQM},
		{"35296", "ramipril", srcECQM},
		{"18867", "benazepril", srcECQM},
		{"35208", "quinapril", srcECQM},
		{"30131", "moexipril", srcECQMRAS},
		{"38454", "trandolapril", srcECQMRAS},
		{"50166", "fosinopril", srcECQMRAS},
		{"54552", "perindopril", srcECQMRAS},
		{"52175", "losartan", srcECQM},
		{"69749", "valsartan", srcECQM},
		{"321064", "olmesartan", srcECQM},
		{"83818", "irbesartan", srcECQM},
		{"73494", "telmisartan", srcECQM},
		{"214354", "candesartan", srcECQM},
		{"1091643", "azilsartan", srcECQMRAS},
		{"83515", "eprosartan", srcECQMRAS},
		{"1656328", "sacubitril", srcECQM},
		{"6918", "metoprolol", srcCPIC},
		{"20352", "carvedilol", srcCPIC},
		{"1202", "atenolol", srcECQM},
		{"8787", "propranolol", srcCPIC},
		{"9947", "sotalol", srcECQMBeta},
		{"10600", "timolol", srcCPIC + "; also " + srcECQMBeta25},
		{"10824", "metipranolol", srcECQMBeta25},
		{"149", "acebutolol", srcECQMBeta25},
		{"1520", "betaxolol", srcECQMBeta25},
		{"1813", "levobunolol", srcECQMBeta25},
		{"19484", "bisoprolol", srcECQMBeta25},
		{"2116", "carteolol", srcECQMBeta25},
		{"31555", "nebivolol", srcECQMBeta25},
		{"49737", "esmolol", srcECQMBeta25},
		{"6185", "labetalol", srcECQMBeta25},
		{"7226", "nadolol", srcECQMBeta25},
		{"8332", "pindolol", srcECQMBeta25},
		{"7646", "omeprazole", srcCPIC},
		{"40790", "pantoprazole", srcCPIC},
		{"36437", "sertraline", srcCPIC},
		{"2556", "citalopram", srcCPIC},
		{"10689", "tramadol", srcCPIC + "; also " + srcMME},
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
		{"41127", "fluvastatin", srcECQMStatin},
		{"861634", "pitavastatin", srcECQMStatin},
		{"5487", "hydrochlorothiazide", srcCPIC},
		{"4603", "furosemide", srcCPIC},
		{"9997", "spironolactone", srcCPIC},
		{"298869", "eplerenone", srcPDDI + " (valueset-eplerenone)"},
		{"3407", "digoxin", srcCPIC},
		{"4821", "glipizide", srcCPIC},
		{"4815", "glyburide", srcCPIC},
		{"25789", "glimepiride", srcCPIC},
		{"2404", "chlorpropamide", srcCPIC},
		{"17767", "amlodipine", srcNLM},
		{"274783", "insulin glargine", srcNLM},
		{"1545653", "empagliflozin", srcNLM},
		{"5640", "ibuprofen", srcPDDI + " (valueset-ibuprofen)"},
		{"161", "acetaminophen", srcNLM},
		{"3498", "diphenhydramine", srcNLM},
		{"10582", "levothyroxine", srcNLM},
		{"7258", "naproxen", srcPDDI + " (valueset-naproxen)"},
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
		{"6813", "methadone", srcCPIC + "; also " + srcMME},
		{"4337", "fentanyl", srcCPIC + "; also " + srcMME},
		{"2670", "codeine", srcCPIC + "; also " + srcMME},
		{"7052", "morphine", srcCPIC + "; also " + srcMME},
		{"7804", "oxycodone", srcCPIC + "; also " + srcMME},
		{"5489", "hydrocodone", srcMME},
		{"3423", "hydromorphone", srcMME},
		{"7814", "oxymorphone", srcMME},
		{"787390", "tapentadol", srcMME},
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
		{"82122", "levofloxacin", srcCPIC},
		{"7517", "norfloxacin", srcCPIC},
		{"26225", "ondansetron", srcCPIC},
		{"8331", "pimozide", srcCPIC},
		{"9068", "quinidine", srcCPIC},
		{"8754", "propafenone", srcCPIC},
		{"36453", "sevoflurane", srcCPIC},
		{"10502", "thioridazine", srcCPIC},
		{"42316", "tacrolimus", srcCPIC},
		{"35302", "sirolimus", srcCPIC},
		{"3008", "cyclosporine", srcCPIC},
		{"3355", "diclofenac", srcCPIC + "; also " + srcPDDI + " (valueset-diclofenac)"},
		{"140587", "celecoxib", srcCPIC},
		{"4502", "flurbiprofen", srcCPIC},
		{"8640", "prednisone", srcPDDI + " (valueset-prednisone)"},
		{"10759", "triamcinolone", srcCPIC},
		{"42331", "misoprostol", srcPDDI + " (valueset-misoprostol)"},
		{"6960", "midazolam", srcCPIC},
		{"7781", "oxazepam", srcCPIC},
		{"21241", "clobazam", srcCPIC},
		{"2101", "carisoprodol", srcCPIC},

		// Known by name only: the RxNorm code could not be verified.
		// ONC high-priority list members (Table 2).
		{"", "dexmethylphenidate", srcONC},
		{"", "dextroamphetamine", srcONC},
		{"", "lisdexamfetamine", srcONC},
		{"", "methamphetamine", srcONC},
		{"", "phendimetrazine", srcONC},
		{"", "pseudoephedrine", srcONC},
		{"", "amphetamine", srcONC},
		{"", "benzphetamine", srcONC},
		{"", "diethylpropion", srcONC},
		{"", "phentermine", srcONC},
		{"", "tranylcypromine", srcONC},
		{"", "phenelzine", srcONC},
		{"", "isocarboxazid", srcONC},
		{"", "procarbazine", srcONC},
		{"", "selegiline", srcONC},
		{"", "moclobamide", srcONC},
		{"", "febuxostat", srcONC},
		{"", "nefazodone", srcONC},
		{"", "desvenlafaxine", srcONC},
		{"", "milnacipran", srcONC},
		{"", "ritonavir", srcONC},
		{"", "nelfinavir", srcONC},
		{"", "indinavir", srcONC},
		{"", "saquinavir", srcONC},
		{"", "amprenavir", srcONC},
		{"", "darunavir", srcONC},
		{"", "lopinavir", srcONC},
		{"", "tipranavir", srcONC},
		{"", "fosamprenavir", srcONC},
		{"", "clarithromycin", srcONC},
		{"", "telithromycin", srcONC},
		{"", "amiodarone", srcONC},
		{"", "verapamil", srcONC + "; also in Synthea product 897718"},
		{"", "diltiazem", srcONC},
		{"", "ketoconazole", srcONC},
		{"", "itraconazole", srcONC},
		{"", "fluconazole", srcONC},
		{"", "aprepitant", srcONC},
		{"", "cimetidine", srcONC},
		{"", "meperidine", srcONC + "; also in Synthea product 861467"},
		{"", "ramelteon", srcONC},
		{"", "ticlopidine", srcONC},
		{"", "bosentan", srcONC},
		{"", "rifapentine", srcONC},
		{"", "rifabutin", srcONC},
		{"", "rifampin", srcONC},
		{"", "St. John's wort", srcONC},
		{"", "ergotamine", srcONC},
		{"", "methylergonovine", srcONC},
		{"", "dihydroergotamine", srcONC},
		{"", "ergonovine", srcONC},
		{"", "tizanidine", srcONC},
		{"", "mexiletine", srcONC},
		{"", "zileuton", srcONC},
		{"", "sumatriptan", srcONC},
		{"", "zolmitriptan", srcONC},
		{"", "rizatriptan", srcONC},
		// FDA-labelled QT risk (the default QT set of the interaction rules).
		{"", "dofetilide", srcLabelIN},
		// ONC non-interruptive list class members.
		{"", "niacin", srcONCNI},
		{"", "liothyronine", srcONCNI},
		{"", "iron sucrose", srcONCNI},
		{"", "sodium ferric gluconate complex", srcONCNI},
		{"", "iron dextran", srcONCNI},
		{"", "ferumoxytol", srcONCNI},
		{"", "ferric carboxymaltose", srcONCNI},
		{"", "ferrous sulfate", srcONCNI + "; also in Synthea product 310325"},
		{"", "ferrous gluconate", srcONCNI},
		{"", "ferrous fumarate", srcONCNI},
		{"", "calcium carbonate", srcONCNI},
		{"", "calcium citrate", srcONCNI},
		{"", "calcium acetate", srcONCNI},
		{"", "aluminum hydroxide", srcONCNI},
		{"", "magnesium hydroxide", srcONCNI},
		{"", "prednisolone", srcONCNI},
		{"", "methylprednisolone", srcONCNI},
		{"", "dexamethasone", srcONCNI},
		{"", "hydrocortisone", srcONCNI},
		{"", "betamethasone", srcONCNI},
		{"", "cortisone", srcONCNI},
		{"", "fludrocortisone", srcONCNI},
		{"", "deflazacort", srcONCNI},
		{"", "corticotropin", srcONCNI},
		{"", "everolimus", srcONCNI},
		{"", "alendronate", srcONCNI + "; also in Synthea product 904419"},
		{"", "risedronate", srcONCNI},
		{"", "ibandronate", srcONCNI},
		{"", "zoledronic acid", srcONCNI},
		{"", "cyanocobalamin", srcONCNI},
		{"", "folic acid", srcONCNI},
		{"", "miconazole", srcONCNI},
		{"", "clotrimazole", srcONCNI},
		{"", "alprazolam", srcONCNI},
		{"", "lorazepam", srcONCNI},
		{"", "clonazepam", srcONCNI},
		{"", "temazepam", srcONCNI},
		{"", "chlordiazepoxide", srcONCNI},
		{"", "triazolam", srcONCNI},
		{"", "vitamin E", srcONCNI},
		{"", "zinc sulfate", srcONCNI},
		{"", "zinc gluconate", srcONCNI},
		{"", "ofloxacin", srcONCNI},
		{"", "ethinyl estradiol", srcONCNI},
		{"", "norethindrone", srcONCNI},
		{"", "levonorgestrel", srcONCNI + "; also in Synthea product 807283"},
		{"", "drospirenone", srcONCNI},
		{"", "norgestimate", srcONCNI},
		{"", "desogestrel", srcONCNI},
		{"", "nifedipine", srcONCNI},
		{"", "felodipine", srcONCNI},
		{"", "nicardipine", srcONCNI},
		{"", "isradipine", srcONCNI},
		{"", "nisoldipine", srcONCNI},
		{"", "rivastigmine", srcONCNI},
		{"", "pyridostigmine", srcONCNI},
		{"", "neostigmine", srcONCNI},
		{"", "chlorthalidone", srcONCNI},
		{"", "chlorothiazide", srcONCNI},
		{"", "indapamide", srcONCNI},
		{"", "metolazone", srcONCNI},
		{"", "dabigatran", srcONCNI + "; also " + srcBeers},
		{"", "heparin", srcONCNI},
		{"", "enoxaparin", srcONCNI},
		{"", "dalteparin", srcONCNI},
		{"", "fondaparinux", srcONCNI},
		{"", "meloxicam", srcONCNI},
		{"", "indomethacin", srcONCNI},
		{"", "ketorolac", srcONCNI},
		{"", "etodolac", srcONCNI},
		{"", "nabumetone", srcONCNI},
		{"", "piroxicam", srcONCNI},
		{"", "sulindac", srcONCNI},
		{"", "ketoprofen", srcONCNI},
		{"", "oxaprozin", srcONCNI},
		{"", "diflunisal", srcONCNI},
		// 2023 AGS Beers Criteria drugs.
		{"", "chlorpheniramine", srcBeers + "; also in Synthea product 477045"},
		{"", "hydroxyzine", srcBeers},
		{"", "meclizine", srcBeers},
		{"", "promethazine", srcBeers},
		{"", "doxylamine", srcBeers + "; also in Synthea product 1043400"},
		{"", "zolpidem", srcBeers},
		{"", "eszopiclone", srcBeers},
		{"", "zaleplon", srcBeers},
		{"", "doxazosin", srcBeers},
		{"", "prazosin", srcBeers},
		{"", "terazosin", srcBeers},
		{"", "cyclobenzaprine", srcBeers},
		{"", "methocarbamol", srcBeers},
		{"", "metaxalone", srcBeers},
		{"", "chlorzoxazone", srcBeers},
		{"", "orphenadrine", srcBeers},
		// Class members needed by the allergy and diuretic rules.
		{"", "bumetanide", srcClassIN},
		{"", "torsemide", srcClassIN},
		{"", "amiloride", srcClassIN},
		{"", "triamterene", srcClassIN},
		{"", "penicillin V", srcClassIN + "; also in Synthea product 834102"},
		{"", "penicillin G", srcClassIN},
		{"", "amoxicillin", srcClassIN + "; also in Synthea product 562251"},
		{"", "ampicillin", srcClassIN},
		{"", "dicloxacillin", srcClassIN},
		{"", "nafcillin", srcClassIN},
		{"", "oxacillin", srcClassIN},
		{"", "piperacillin", srcClassIN},
		{"", "cephalexin", srcClassIN},
		{"", "cefadroxil", srcClassIN},
		{"", "cefazolin", srcClassIN},
		{"", "cefuroxime", srcClassIN},
		{"", "cefprozil", srcClassIN},
		{"", "cefaclor", srcClassIN},
		{"", "cefdinir", srcClassIN},
		{"", "cefpodoxime", srcClassIN},
		{"", "cefixime", srcClassIN},
		{"", "ceftriaxone", srcClassIN},
		{"", "cefotaxime", srcClassIN},
		{"", "ceftazidime", srcClassIN},
		{"", "cefepime", srcClassIN},
		{"", "ceftaroline", srcClassIN},
		// Other ingredients of the Synthea products.
		{"", "insulin isophane, human", srcSyntheaIN + " (product 106892)"},
		{"", "insulin regular, human", srcSyntheaIN + " (product 106892)"},
		{"", "clavulanate", srcSyntheaIN + " (product 562251)"},
		{"", "nitroglycerin", srcSyntheaIN + " (product 705129)"},
		{"", "memantine", srcSyntheaIN + " (product 1599803)"},
		{"", "alteplase", srcSyntheaIN + " (product 1804799)"},
	}
	// synonymRows are other names for ingredients: international names, and
	// the salt and brand names that appear in RxNorm product names used by
	// the fixtures. Each maps to the ingredient's name.
	synonymRows := map[string]string{
		"glibenclamide":           "glyburide",
		"paracetamol":             "acetaminophen",
		"acetylsalicylic acid":    "aspirin",
		"pethidine":               "meperidine",
		"metformin hydrochloride": "metformin",
		"naproxen sodium":         "naproxen",
		"warfarin sodium":         "warfarin",
		"levothyroxine sodium":    "levothyroxine",
		"valium":                  "diazepam",
		"simvistatin":             "simvastatin",   // misspelling used in Synthea's product display
		"lasix":                   "furosemide",    // brand of furosemide, in Synthea's product display
		"tegretol":                "carbamazepine", // brand of carbamazepine, in Synthea's product display
		"alendronic acid":         "alendronate",   // in Synthea's product display
		"clavulanic acid":         "clavulanate",
		"insulin human isophane":  "insulin isophane, human", // as Synthea's product 106892 words it
		"regular insulin human":   "insulin regular, human",  // as Synthea's product 106892 words it
		"mirena":                  "levonorgestrel",          // levonorgestrel 52 mg intrauterine system (Synthea product 807283)
		"vitamin b12":             "cyanocobalamin",
		"ferric gluconate":        "sodium ferric gluconate complex",
		"hypericum perforatum":    "St. John's wort",
	}
	// productRows are RxNorm drug concepts whose ingredients their names
	// state (and 807283, whose brand names its ingredient). Source: the
	// RxNorm name itself, as recorded in the Synthea R4 sample bundles and
	// in RxNorm.
	productRows := [...]productRow{
		{"860975", "24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet", []string{"metformin"}, ""},
		{"314076", "lisinopril 10 MG Oral Tablet", []string{"lisinopril"}, ""},
		{"855332", "Warfarin Sodium 5 MG Oral Tablet", []string{"warfarin"}, srcSynthea + "; also in " + vsacUpdate + ": Anticoagulants for All Indications (OID 2.16.840.1.113762.1.4.1248.22)"},
		{"316049", "Hydrochlorothiazide 25 MG", []string{"hydrochlorothiazide"}, ""},
		{"849574", "Naproxen sodium 220 MG Oral Tablet", []string{"naproxen"}, srcSynthea + "; also in the HL7 PDDI-CDS naproxen value set"},
		{"309362", "Clopidogrel 75 MG Oral Tablet", []string{"clopidogrel"}, ""},
		{"197604", "Digoxin 0.125 MG Oral Tablet", []string{"digoxin"}, ""},
		{"197361", "Amlodipine 5 MG Oral Tablet", []string{"amlodipine"}, ""},
		{"312961", "Simvastatin 20 MG Oral Tablet", []string{"simvastatin"}, ""},
		{"316672", "Simvastatin 10 MG", []string{"simvastatin"}, ""},
		{"310965", "Ibuprofen 200 MG Oral Tablet", []string{"ibuprofen"}, ""},
		{"313782", "Acetaminophen 325 MG Oral Tablet", []string{"acetaminophen"}, ""},
		{"1049630", "diphenhydrAMINE Hydrochloride 25 MG Oral Tablet", []string{"diphenhydramine"}, ""},
		{"966222", "Levothyroxine Sodium 0.075 MG Oral Tablet", []string{"levothyroxine"}, ""},
		{"563026", "Diazepam [Valium]", []string{"diazepam"}, ""},
		{"866414", "24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]", []string{"metoprolol"}, ""},
		{"308971", "Carbamazepine[Tegretol]", []string{"carbamazepine"}, srcSynthea},
		{"310436", "Galantamine 4 MG Oral Tablet", []string{"galantamine"}, srcSynthea + "; also in " + vsacUpdate + ": Dementia Medications (OID 2.16.840.1.113883.3.464.1003.196.12.1510)"},
		{"311989", "Nitrofurantoin 5 MG/ML Oral Suspension", []string{"nitrofurantoin"}, srcSynthea},
		{"315971", "Lasix 40mg", []string{"furosemide"}, srcSynthea + " (Lasix is a brand of furosemide)"},
		{"896209", "60 ACTUAT Fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler", []string{"salmeterol", "fluticasone propionate"}, srcSynthea},
		{"1094107", "Phenazopyridine hydrochloride 100 MG Oral Tablet", []string{"phenazopyridine"}, srcSynthea},
		// Synthea products with an ingredient known by name only.
		{"106892", "insulin human, isophane 70 UNT/ML / Regular Insulin, Human 30 UNT/ML Injectable Suspension [Humulin]", []string{"insulin isophane, human", "insulin regular, human"}, srcSynthea},
		{"310325", "ferrous sulfate 325 MG Oral Tablet", []string{"ferrous sulfate"}, srcSynthea},
		{"477045", "Chlorpheniramine Maleate 2 MG/ML Oral Solution", []string{"chlorpheniramine"}, srcSynthea},
		{"562251", "Amoxicillin 250 MG / Clavulanate 125 MG Oral Tablet", []string{"amoxicillin", "clavulanate"}, srcSynthea},
		{"705129", "Nitroglycerin 0.4 MG/ACTUAT Mucosal Spray", []string{"nitroglycerin"}, srcSynthea},
		{"807283", "Mirena 52 MG Intrauterine System", []string{"levonorgestrel"}, srcSynthea + " (Mirena is a levonorgestrel 52 mg intrauterine system)"},
		{"834102", "Penicillin V Potassium 500 MG Oral Tablet", []string{"penicillin V"}, srcSynthea},
		{"861467", "Meperidine Hydrochloride 50 MG Oral Tablet", []string{"meperidine"}, srcSynthea},
		{"897718", "Verapamil Hydrochloride 40 MG", []string{"verapamil"}, srcSynthea},
		{"904419", "Alendronic acid 10 MG Oral Tablet", []string{"alendronate"}, srcSynthea + " (alendronic acid is alendronate)"},
		{"1043400", "Acetaminophen 21.7 MG/ML / Dextromethorphan Hydrobromide 1 MG/ML / doxylamine succinate 0.417 MG/ML Oral Solution", []string{"acetaminophen", "dextromethorphan", "doxylamine"}, srcSynthea},
		{"1310197", "Acetaminophen 300 MG / HYDROcodone Bitartrate 5 MG [Vicodin]", []string{"acetaminophen", "hydrocodone"}, srcSynthea},
		{"1599803", "24 HR Donepezil hydrochloride 10 MG / Memantine hydrochloride 28 MG Extended Release Oral Capsule", []string{"donepezil", "memantine"}, srcSynthea + "; also in " + vsacUpdate + ": Dementia Medications (OID 2.16.840.1.113883.3.464.1003.196.12.1510)"},
		{"1804799", "Alteplase 100 MG Injection", []string{"alteplase"}, srcSynthea},
	}
	// classRows group ingredients; each class cites where its grouping comes
	// from (a WHO ATC group unless stated). Membership is limited to the
	// ingredients above.
	classRows := [...]classRow{
		{"ace-inhibitor", "ACE inhibitors", atc("C09AA"), []string{"lisinopril", "enalapril", "captopril", "ramipril", "benazepril", "quinapril", "moexipril", "trandolapril", "fosinopril", "perindopril"}},
		{"arb", "Angiotensin II receptor blockers", atc("C09CA"), []string{"losartan", "valsartan", "olmesartan", "irbesartan", "telmisartan", "candesartan", "azilsartan", "eprosartan"}},
		{"statin", "HMG-CoA reductase inhibitors (statins)", atc("C10AA"), []string{"atorvastatin", "simvastatin", "rosuvastatin", "pravastatin", "lovastatin", "fluvastatin", "pitavastatin"}},
		{"niacin", "Nicotinic acid and derivatives", atc("C10AD"), []string{"niacin"}},
		{"biguanide", "Biguanides", atc("A10BA"), []string{"metformin"}},
		{"sulfonylurea", "Sulfonylureas", atc("A10BB"), []string{"glipizide", "glyburide", "glimepiride", "chlorpropamide"}},
		{"sglt2-inhibitor", "SGLT2 inhibitors", atc("A10BK"), []string{"empagliflozin"}},
		{"insulin", "Insulins and analogues", atc("A10A"), []string{"insulin glargine", "insulin isophane, human", "insulin regular, human"}},
		{"beta-blocker", "Beta-blocking agents", atc("C07A"), []string{"metoprolol", "carvedilol", "atenolol", "propranolol", "sotalol", "timolol", "metipranolol", "acebutolol", "betaxolol", "levobunolol", "bisoprolol", "carteolol", "nebivolol", "esmolol", "labetalol", "nadolol", "pindolol"}},
		{"dihydropyridine-ccb", "Dihydropyridine calcium channel blockers", atc("C08CA"), []string{"amlodipine", "nifedipine", "felodipine", "nicardipine", "isradipine", "nisoldipine"}},
		{"alpha1-blocker", "Peripheral alpha-1 adrenoreceptor antagonists", atc("C02CA"), []string{"doxazosin", "prazosin", "terazosin"}},
		{"thiazide", "Thiazide and thiazide-like diuretics", atc("C03AA, C03BA"), []string{"hydrochlorothiazide", "chlorothiazide", "chlorthalidone", "indapamide", "metolazone"}},
		{"loop-diuretic", "Loop diuretics (sulfonamides, high-ceiling)", atc("C03CA"), []string{"furosemide", "bumetanide", "torsemide"}},
		{"aldosterone-antagonist", "Aldosterone antagonists", atc("C03DA") + "; HL7 PDDI-CDS aldosterone antagonist value set (valueset-AAS-example: eplerenone, spironolactone)", []string{"spironolactone", "eplerenone"}},
		{"diuretic", "Diuretics (thiazide and thiazide-like, loop, potassium-sparing)", atc("C03A, C03B, C03C, C03D"), []string{"hydrochlorothiazide", "chlorothiazide", "chlorthalidone", "indapamide", "metolazone", "furosemide", "bumetanide", "torsemide", "spironolactone", "eplerenone", "amiloride", "triamterene"}},
		{"vitamin-k-antagonist", "Vitamin K antagonists", atc("B01AA"), []string{"warfarin"}},
		{"factor-xa-inhibitor", "Direct factor Xa inhibitors", atc("B01AF"), []string{"apixaban", "rivaroxaban", "edoxaban"}},
		{"anticoagulant", "Anticoagulants (vitamin K antagonists, heparins, direct thrombin and factor Xa inhibitors)", atc("B01AA, B01AB, B01AE, B01AF"), []string{"warfarin", "apixaban", "rivaroxaban", "edoxaban", "dabigatran", "heparin", "enoxaparin", "dalteparin", "fondaparinux"}},
		{"antiplatelet", "Platelet aggregation inhibitors excl. heparin", atc("B01AC"), []string{"clopidogrel", "aspirin", "ticlopidine"}},
		{"salicylate", "Salicylates (aspirin)", atc("N02BA01, B01AC06") + "; ONC non-interruptive list salicylates, read as aspirin (CLINICAL.md §1.2)", []string{"aspirin"}},
		{"nsaid", "Non-steroidal anti-inflammatory drugs", atc("M01A, and diflunisal N02BA11") + "; as the HL7 PDDI-CDS NSAID value sets group them", []string{"ibuprofen", "naproxen", "diclofenac", "celecoxib", "flurbiprofen", "meloxicam", "indomethacin", "ketorolac", "etodolac", "nabumetone", "piroxicam", "sulindac", "ketoprofen", "oxaprozin", "diflunisal"}},
		{"cox2-inhibitor", "Coxibs (COX-2 selective NSAIDs)", atc("M01AH"), []string{"celecoxib"}},
		{"ppi", "Proton pump inhibitors", atc("A02BC"), []string{"omeprazole", "pantoprazole", "lansoprazole", "esomeprazole", "rabeprazole", "dexlansoprazole"}},
		{"antacid", "Antacids", atc("A02A"), []string{"aluminum hydroxide", "magnesium hydroxide", "calcium carbonate"}},
		{"ssri", "Selective serotonin reuptake inhibitors", atc("N06AB"), []string{"sertraline", "citalopram", "fluoxetine", "paroxetine", "escitalopram", "fluvoxamine"}},
		{"tca", "Non-selective monoamine reuptake inhibitors (tricyclic antidepressants)", atc("N06AA"), []string{"amitriptyline", "clomipramine", "desipramine", "doxepin", "imipramine", "nortriptyline", "protriptyline", "trimipramine"}},
		{"maoi", "Monoamine oxidase inhibitors", "ONC high-priority DDI list (Phansalkar 2012, Table 2) MAO inhibitors, #3, #8, #16, #20, #31; " + atc("N06AF, N06AG, N04BD01, L01XB01"), []string{"tranylcypromine", "phenelzine", "isocarboxazid", "procarbazine", "selegiline", "moclobamide"}},
		{"benzodiazepine", "Benzodiazepine derivatives", atc("N05BA, N05CD, N03AE"), []string{"diazepam", "alprazolam", "lorazepam", "clonazepam", "temazepam", "chlordiazepoxide", "triazolam", "midazolam", "oxazepam", "clobazam"}},
		{"z-drug", "Benzodiazepine-related hypnotics (Z-drugs)", atc("N05CF"), []string{"zolpidem", "eszopiclone", "zaleplon"}},
		{"cardiac-glycoside", "Digitalis glycosides", atc("C01AA"), []string{"digoxin"}},
		{"thyroid-hormone", "Thyroid hormones", atc("H03AA"), []string{"levothyroxine", "liothyronine"}},
		{"fluoroquinolone", "Fluoroquinolones", atc("J01MA"), []string{"ciprofloxacin", "levofloxacin", "moxifloxacin", "ofloxacin", "norfloxacin"}},
		{"opioid", "Opioids", atc("N02A, N07BC02 (methadone)"), []string{"tramadol", "fentanyl", "codeine", "morphine", "oxycodone", "hydrocodone", "hydromorphone", "oxymorphone", "tapentadol", "methadone", "meperidine"}},
		{"first-gen-antihistamine", "First-generation antihistamines", atc("R06AA, R06AB, R06AD, R06AE") + "; members as the 2023 AGS Beers Criteria names them (CLINICAL.md §2.3)", []string{"diphenhydramine", "chlorpheniramine", "doxylamine", "hydroxyzine", "meclizine", "promethazine"}},
		{"systemic-corticosteroid", "Corticosteroids for systemic use", atc("H02A") + "; HL7 PDDI-CDS systemic corticosteroid value set (valueset-SCS-example)", []string{"prednisone", "prednisolone", "methylprednisolone", "dexamethasone", "hydrocortisone", "triamcinolone", "betamethasone", "cortisone", "fludrocortisone", "deflazacort"}},
		{"bisphosphonate", "Bisphosphonates", atc("M05BA") + "; also the CPIC drug table class ATC:M05BA", []string{"alendronate", "risedronate", "ibandronate", "zoledronic acid"}},
		{"calcium-salt", "Calcium salts (oral)", atc("A12AA"), []string{"calcium carbonate", "calcium citrate", "calcium acetate"}},
		{"iron-oral", "Iron preparations, oral (iron salts)", atc("B03AA"), []string{"ferrous sulfate", "ferrous gluconate", "ferrous fumarate"}},
		{"iron-parenteral", "Iron preparations, parenteral", atc("B03AC"), []string{"iron sucrose", "sodium ferric gluconate complex", "iron dextran", "ferumoxytol", "ferric carboxymaltose"}},
		{"iron-salt", "Iron preparations", atc("B03A"), []string{"ferrous sulfate", "ferrous gluconate", "ferrous fumarate", "iron sucrose", "sodium ferric gluconate complex", "iron dextran", "ferumoxytol", "ferric carboxymaltose"}},
		{"vitamin-b12", "Vitamin B12 (cyanocobalamin)", atc("B03BA"), []string{"cyanocobalamin"}},
		{"folic-acid", "Folic acid", atc("B03BB"), []string{"folic acid"}},
		{"imidazole-antifungal", "Imidazole antifungals", atc("J02AB, D01AC"), []string{"ketoconazole", "miconazole", "clotrimazole"}},
		{"vitamin-e", "Vitamin E (tocopherol)", atc("A11HA03"), []string{"vitamin E"}},
		{"zinc-salt", "Zinc salts (oral)", atc("A12CB"), []string{"zinc sulfate", "zinc gluconate"}},
		{"hormonal-contraceptive", "Hormonal contraceptives for systemic use", atc("G03A") + "; also the CPIC drug table class ATC:G03A", []string{"ethinyl estradiol", "norethindrone", "levonorgestrel", "drospirenone", "norgestimate", "desogestrel"}},
		{"anticholinesterase", "Anticholinesterases", atc("N06DA, N07AA"), []string{"donepezil", "rivastigmine", "galantamine", "pyridostigmine", "neostigmine"}},
		{"triptan", "Selective serotonin (5HT1) agonists (triptans)", atc("N02CC"), []string{"sumatriptan", "zolmitriptan", "rizatriptan"}},
		{"ergot-alkaloid", "Ergot alkaloids", atc("N02CA, G02AB") + "; members as the ONC high-priority list #27 names them", []string{"ergotamine", "dihydroergotamine", "methylergonovine", "ergonovine"}},
		{"protease-inhibitor", "HIV protease inhibitors", atc("J05AE"), []string{"ritonavir", "amprenavir", "atazanavir", "darunavir", "fosamprenavir", "indinavir", "lopinavir", "nelfinavir", "saquinavir", "tipranavir"}},
		{"amphetamine-derivative", "Amphetamine derivatives and other sympathomimetics", "ONC high-priority DDI list (Phansalkar 2012, Table 2) #3 object class", []string{"dexmethylphenidate", "dextroamphetamine", "methylphenidate", "lisdexamfetamine", "methamphetamine", "phendimetrazine", "pseudoephedrine", "amphetamine", "benzphetamine", "diethylpropion", "phentermine", "atomoxetine"}},
		{"skeletal-muscle-relaxant", "Centrally acting skeletal muscle relaxants", atc("M03B") + "; members as the 2023 AGS Beers Criteria names them", []string{"carisoprodol", "cyclobenzaprine", "methocarbamol", "metaxalone", "chlorzoxazone", "orphenadrine"}},
		{"penicillin", "Penicillins", atc("J01C"), []string{"penicillin V", "penicillin G", "amoxicillin", "ampicillin", "dicloxacillin", "nafcillin", "oxacillin", "piperacillin"}},
		{"cephalosporin", "Cephalosporins", atc("J01DB, J01DC, J01DD, J01DE, J01DI"), []string{"cephalexin", "cefadroxil", "cefazolin", "cefuroxime", "cefprozil", "cefaclor", "cefdinir", "cefpodoxime", "cefixime", "ceftriaxone", "cefotaxime", "ceftazidime", "cefepime", "ceftaroline"}},
	}

	keys := make(map[string]string, len(ingredientRows)) // name -> key
	ings := make([]Ingredient, len(ingredientRows))
	for i, r := range ingredientRows {
		in := Ingredient{RxCUI: r.rxcui, Name: r.name, Source: Source{Citation: r.citation}}
		if r.rxcui != "" {
			in.Source.URL = rxnav(r.rxcui)
		}
		ings[i] = in
		keys[r.name] = in.Key()
	}
	key := func(name string) string {
		if k, ok := keys[name]; ok {
			return k
		}
		return NameKey(name) // not in the table: the tests catch it
	}
	keysOf := func(names []string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = key(n)
		}
		return out
	}
	prods := make([]Product, len(productRows))
	for i, r := range productRows {
		cite := r.citation
		if cite == "" {
			cite = "RxNorm drug " + r.rxcui + " (ingredient named in the drug name)"
		}
		prods[i] = Product{RxCUI: r.rxcui, Name: r.name, Ingredients: keysOf(r.ingredients),
			Source: Source{Citation: cite, URL: rxnav(r.rxcui)}}
	}
	classes := make([]DrugClass, len(classRows))
	for i, r := range classRows {
		src := Source{Citation: r.citation}
		if len(r.citation) >= len("WHO ATC") && r.citation[:len("WHO ATC")] == "WHO ATC" {
			src.URL = atcURL
		}
		classes[i] = DrugClass{ID: r.id, Name: r.name, Members: keysOf(r.members), Source: src}
	}
	synonyms := make(map[string]string, len(synonymRows))
	for name, target := range synonymRows {
		synonyms[name] = key(target)
	}
	return NewDrugs(ings, prods, classes, synonyms)
}
