package validate

import (
	"strconv"

	"github.com/careguard/careguard/terminology"
)

// The shipped interaction knowledge: the ONC high-priority drug–drug
// interactions (Phansalkar 2012, Table 2), which must interrupt, and the ONC
// non-interruptive list (Phansalkar 2013), which must not. Both are re-keyed
// here from the papers' class pairs and member lists (as transcribed in
// CLINICAL.md §1.1-§1.2); the summaries, mechanisms and advice are
// careguard's own words. Nothing is copied from a licensed interaction
// database.

const (
	oncHPCitation = "ONC high-priority drug-drug interactions: Phansalkar S et al. High-priority drug-drug interactions for use in electronic health records. J Am Med Inform Assoc 2012;19(5):735-43, Table 2"
	oncHPURL      = "https://pmc.ncbi.nlm.nih.gov/articles/PMC3422823/"
	oncNICitation = "ONC non-interruptive drug-drug interactions: Phansalkar S et al. Drug-drug interactions that should be non-interruptive in order to reduce alert fatigue in electronic health records. J Am Med Inform Assoc 2013;20(3):489-93"
	oncNIURL      = "https://pmc.ncbi.nlm.nih.gov/articles/PMC3628052/"
)

// QTSet names the drugs that the QT × QT interaction rule (ONC
// high-priority #21) treats as prolonging the QT interval, and where the
// list comes from. Ingredients may be names, synonyms or keys of the drug
// table in use.
type QTSet struct {
	Ingredients []string
	Source      terminology.Source
}

// DefaultQTSet returns the QT set careguard ships: only drugs whose
// FDA-approved labeling carries a boxed warning for QT prolongation or
// torsade de pointes (methadone, sotalol, dofetilide, thioridazine). It is
// deliberately small. The ONC panel expanded #21 with the CredibleMeds
// "known risk of TdP" list, which is licensed for non-commercial use only
// and so is not shipped; a deployer with a CredibleMeds licence passes
// its list as a QTSet to [DefaultInteractionRules].
func DefaultQTSet() QTSet {
	return QTSet{
		Ingredients: []string{"methadone", "sotalol", "dofetilide", "thioridazine"},
		Source: terminology.Source{
			Citation: "FDA-approved prescribing information, boxed warnings: methadone (life-threatening QT prolongation), sotalol (life-threatening proarrhythmia with QT prolongation), dofetilide (induced ventricular arrhythmia, torsade de pointes), thioridazine (dose-related QTc prolongation, torsade de pointes, sudden death)",
			URL:      "https://dailymed.nlm.nih.gov/dailymed/",
		},
	}
}

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// DefaultInteractionRules returns the shipped rules: the 15 ONC
// high-priority interactions as critical and the 33 ONC non-interruptive
// interactions as info. Rule IDs are "interaction.onc-hp-N" and
// "interaction.onc-ni-N", where N is the number the papers give the pair.
//
// qt sets the members of the QT × QT rule (#21); nil means [DefaultQTSet],
// and a QTSet without ingredients leaves the rule out. Each call returns new
// slices.
func DefaultInteractionRules(qt *QTSet) []InteractionRule {
	q := DefaultQTSet()
	if qt != nil {
		q = QTSet{Ingredients: append([]string(nil), qt.Ingredients...), Source: qt.Source}
	}
	hpSrc := func(n int) terminology.Source {
		return terminology.Source{Citation: oncHPCitation + " (#" + strconv.Itoa(n) + ")", URL: oncHPURL}
	}
	ing := func(names ...string) DrugSet { return DrugSet{Ingredients: names} }
	cls := func(ids ...string) DrugSet { return DrugSet{Classes: ids} }

	// The members the ONC table lists for each precipitant group. They
	// differ from rule to rule, so each rule names its own.
	oncMAOIs := []string{"tranylcypromine", "phenelzine", "isocarboxazid", "procarbazine", "selegiline"}
	oncPIs := []string{"ritonavir", "nelfinavir", "atazanavir", "indinavir", "saquinavir", "amprenavir", "darunavir",
		"lopinavir", "tipranavir", "fosamprenavir"}

	// CYP3A4 inhibitors as #11 and #25 list them.
	cyp3a4For11 := join(oncPIs, []string{"clarithromycin", "erythromycin", "telithromycin", "amiodarone", "verapamil",
		"diltiazem", "ketoconazole", "itraconazole", "fluconazole", "voriconazole", "nefazodone", "aprepitant", "cimetidine"})
	cyp3a4For25 := join(oncPIs, []string{"clarithromycin", "erythromycin", "telithromycin", "amiodarone", "verapamil",
		"diltiazem", "ketoconazole", "itraconazole", "fluconazole", "voriconazole", "nefazodone"})
	cyp3a4For27 := []string{"indinavir", "saquinavir", "tipranavir", "ritonavir", "nelfinavir", "atazanavir", "amprenavir",
		"darunavir", "lopinavir", "clarithromycin", "erythromycin", "telithromycin", "ketoconazole", "itraconazole", "voriconazole"}

	hp := func(n int, a, b DrugSet, summary, mechanism, management string) InteractionRule {
		return InteractionRule{ID: "interaction.onc-hp-" + strconv.Itoa(n), Severity: SeverityCritical, A: a, B: b,
			Summary: summary, Mechanism: mechanism, Management: management, Source: hpSrc(n)}
	}
	rules := []InteractionRule{
		hp(3, cls("amphetamine-derivative"), ing(oncMAOIs...),
			"an amphetamine derivative or related sympathomimetic with an MAO inhibitor",
			"MAO inhibition magnifies the release of noradrenaline: risk of hypertensive crisis",
			"Do not combine; allow at least two weeks after stopping the MAO inhibitor before starting the stimulant."),
		hp(4, ing("atazanavir"), cls("ppi"),
			"atazanavir with a proton pump inhibitor",
			"acid suppression lowers atazanavir absorption: risk of losing viral suppression",
			"Avoid the combination; choose another antiretroviral or another way to treat acid-related symptoms."),
		hp(6, ing("febuxostat"), ing("azathioprine", "mercaptopurine"),
			"febuxostat with azathioprine or mercaptopurine",
			"xanthine oxidase inhibition blocks thiopurine breakdown: risk of severe bone-marrow suppression",
			"Do not combine; review the gout or immunosuppression plan."),
		hp(8, ing("fluoxetine", "paroxetine", "citalopram", "escitalopram", "sertraline", "fluvoxamine", "duloxetine",
			"nefazodone", "desvenlafaxine", "milnacipran", "venlafaxine"), ing(oncMAOIs...),
			"a serotonergic antidepressant with an MAO inhibitor",
			"additive serotonergic effect: risk of serotonin syndrome",
			"Do not combine; observe the washout periods in both drugs' labels before switching."),
		hp(11, ing("irinotecan"), ing(cyp3a4For11...),
			"irinotecan with a strong CYP3A4 inhibitor",
			"CYP3A4 inhibition raises exposure to irinotecan's active metabolite: risk of severe neutropenia and diarrhoea",
			"Avoid the inhibitor during irinotecan therapy; involve the oncology team."),
		hp(16, ing("meperidine", "methadone", "tapentadol", "fentanyl", "tramadol", "dextromethorphan"), ing(oncMAOIs...),
			"a serotonergic opioid or dextromethorphan with an MAO inhibitor",
			"serotonin syndrome and opioid toxicity have followed this combination",
			"Do not combine; choose a non-serotonergic analgesic or stop the MAO inhibitor first."),
		hp(20, cls("tca"), ing(oncMAOIs...),
			"a tricyclic antidepressant with an MAO inhibitor",
			"risk of serotonin syndrome and hypertensive reactions",
			"Do not combine; observe washout periods when switching."),
		hp(22, ing("ramelteon"), ing("fluvoxamine", "amiodarone", "ticlopidine", "ciprofloxacin"),
			"ramelteon with a CYP1A2 inhibitor",
			"CYP1A2 inhibition multiplies ramelteon exposure: excessive sedation",
			"Avoid the combination; choose another hypnotic or another precipitant."),
		hp(23, ing(oncPIs...), ing("bosentan", "rifapentine", "carbamazepine", "rifabutin", "rifampin", "St. John's wort"),
			"an HIV protease inhibitor with a strong CYP3A4 inducer",
			"enzyme induction lowers protease-inhibitor levels: risk of virological failure and resistance",
			"Avoid the inducer; involve the HIV specialist."),
		hp(25, ing("simvastatin", "lovastatin"), ing(cyp3a4For25...),
			"simvastatin or lovastatin with a CYP3A4 inhibitor",
			"CYP3A4 inhibition raises statin levels: risk of myopathy and rhabdomyolysis",
			"Use a statin not metabolised by CYP3A4 (pravastatin, rosuvastatin), or avoid the inhibitor, as the statin's label directs."),
		hp(27, cls("ergot-alkaloid"), ing(cyp3a4For27...),
			"an ergot alkaloid with a CYP3A4 inhibitor",
			"raised ergot levels: risk of ergotism with vasospasm and limb or organ ischaemia",
			"Do not combine."),
		hp(28, ing("tizanidine"), ing("ciprofloxacin", "fluvoxamine", "mexiletine", "propafenone", "zileuton", "amiodarone", "ticlopidine"),
			"tizanidine with a CYP1A2 inhibitor",
			"CYP1A2 inhibition multiplies tizanidine exposure: severe hypotension and sedation",
			"Do not combine; choose another muscle relaxant or another precipitant."),
		hp(30, ing("tranylcypromine"), ing("procarbazine"),
			"tranylcypromine with procarbazine",
			"two MAO inhibitors: risk of hypertensive crisis and serotonin toxicity",
			"Do not combine."),
		hp(31, cls("triptan"), ing("tranylcypromine", "phenelzine", "isocarboxazid", "moclobamide", "methylene blue"),
			"a triptan with an MAO inhibitor",
			"MAO-A inhibition raises triptan levels and adds serotonergic effect: risk of serotonin syndrome",
			"Do not combine; choose a migraine treatment not metabolised by MAO-A, or stop the MAO inhibitor first."),
	}
	if len(q.Ingredients) > 0 {
		src := hpSrc(21)
		src.Citation += "; QT-prolonging drugs: " + q.Source.Citation
		if q.Source.URL != "" {
			src.URL = q.Source.URL
		}
		rules = append(rules, InteractionRule{ID: "interaction.onc-hp-21", Severity: SeverityCritical,
			A: ing(q.Ingredients...), B: ing(q.Ingredients...),
			Summary:    "two drugs that prolong the QT interval",
			Mechanism:  "additive QT prolongation: risk of torsade de pointes and sudden death",
			Management: "Avoid the combination, or obtain a baseline ECG and correct potassium and magnesium before starting; monitor the QTc.",
			Source:     src})
	}

	ni := func(n int, a, b DrugSet, summary string) InteractionRule {
		return InteractionRule{ID: "interaction.onc-ni-" + strconv.Itoa(n), Severity: SeverityInfo, A: a, B: b,
			Summary:    summary,
			Mechanism:  "a known, usually manageable interaction that the ONC panel judged should not interrupt prescribers",
			Management: "No change needed for this pair alone; monitor as usual.",
			Source:     terminology.Source{Citation: oncNICitation + " (#" + strconv.Itoa(n) + ")", URL: oncNIURL}}
	}
	rules = append(rules,
		ni(1, cls("ace-inhibitor"), cls("salicylate"), "an ACE inhibitor with a salicylate"),
		ni(2, cls("niacin"), cls("statin"), "niacin with a statin"),
		ni(3, cls("beta-blocker"), cls("ssri"), "a beta-blocker with an SSRI"),
		ni(4, cls("iron-parenteral"), cls("ppi"), "parenteral iron with a proton pump inhibitor"),
		ni(5, cls("thiazide"), cls("ace-inhibitor"), "a thiazide-type diuretic with an ACE inhibitor"),
		ni(6, cls("thyroid-hormone"), cls("calcium-salt"), "a thyroid hormone with a calcium salt"),
		ni(7, cls("thyroid-hormone"), cls("statin"), "a thyroid hormone with a statin"),
		ni(8, cls("thiazide"), cls("nsaid"), "a thiazide-type diuretic with an NSAID"),
		ni(9, cls("beta-blocker"), cls("thyroid-hormone"), "a beta-blocker with a thyroid hormone"),
		ni(10, ing("tacrolimus", "sirolimus", "everolimus"), cls("systemic-corticosteroid"), "tacrolimus, sirolimus or everolimus with a corticosteroid"),
		ni(11, cls("antacid"), cls("systemic-corticosteroid"), "an antacid with an oral corticosteroid"),
		ni(12, cls("bisphosphonate"), cls("calcium-salt"), "a bisphosphonate with a calcium salt"),
		ni(13, cls("vitamin-b12"), ing("omeprazole"), "vitamin B12 with omeprazole"),
		ni(14, cls("folic-acid"), ing("methotrexate"), "folic acid with methotrexate"),
		ni(15, cls("sulfonylurea"), cls("ace-inhibitor"), "a sulfonylurea with an ACE inhibitor"),
		ni(16, cls("iron-salt"), cls("thyroid-hormone"), "an iron salt with a thyroid hormone"),
		ni(17, cls("anticoagulant"), cls("systemic-corticosteroid"), "an anticoagulant with a corticosteroid"),
		ni(18, cls("anticoagulant"), ing("acetaminophen"), "an anticoagulant with acetaminophen"),
		ni(19, cls("antacid"), cls("iron-oral"), "an antacid with an oral iron salt"),
		ni(20, cls("anticoagulant"), cls("ppi"), "an anticoagulant with a proton pump inhibitor"),
		ni(21, cls("ppi"), cls("imidazole-antifungal"), "a proton pump inhibitor with an imidazole antifungal"),
		ni(22, cls("beta-blocker"), cls("calcium-salt"), "a beta-blocker with an oral calcium salt"),
		ni(23, cls("ace-inhibitor"), cls("arb"), "an ACE inhibitor with an angiotensin receptor blocker"),
		ni(24, cls("anticoagulant"), cls("statin"), "an anticoagulant with a statin"),
		ni(25, ing("omeprazole"), cls("benzodiazepine"), "omeprazole with a benzodiazepine"),
		ni(26, cls("anticoagulant"), cls("vitamin-e"), "an anticoagulant with vitamin E"),
		ni(27, cls("zinc-salt"), cls("fluoroquinolone"), "an oral zinc salt with an oral quinolone"),
		ni(28, cls("nsaid"), cls("beta-blocker"), "an NSAID with a beta-blocker"),
		ni(29, ing("clopidogrel"), cls("salicylate"), "clopidogrel with a salicylate"),
		ni(30, cls("hormonal-contraceptive"), cls("systemic-corticosteroid"), "an oral contraceptive with a corticosteroid"),
		ni(31, cls("beta-blocker"), cls("dihydropyridine-ccb"), "a beta-blocker with a dihydropyridine calcium channel blocker"),
		ni(32, DrugSet{Classes: []string{"systemic-corticosteroid"}, Ingredients: []string{"corticotropin"}}, cls("anticholinesterase"),
			"a corticosteroid or corticotropin with an anticholinesterase"),
		ni(33, cls("ace-inhibitor"), cls("nsaid"), "an ACE inhibitor with an NSAID"),
	)
	return rules
}

// DefaultInteractionTable builds the shipped rules ([DefaultInteractionRules]
// with the default QT set) against drugs (nil means
// terminology.DefaultDrugs()). It fails only when drugs lacks an
// ingredient or class the rules name; see [NewInteractionTable].
func DefaultInteractionTable(drugs *terminology.Drugs) (*InteractionTable, error) {
	return NewInteractionTable(drugs, DefaultInteractionRules(nil))
}
