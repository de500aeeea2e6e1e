package validate

import (
	"errors"

	"github.com/careguard/careguard/terminology"
)

// roleSet is a set of the roles a medication plays in the contextual,
// kidney, allergy and older-adult rules. Roles are resolved from the drug
// table's classes and ingredient names once, when the validator is built,
// so a check costs one map lookup per ingredient.
type roleSet uint64

const (
	roleWarfarin roleSet = 1 << iota
	roleNSAID
	roleCOX2
	roleDiclofenac
	roleGastroprotective // proton pump inhibitor or misoprostol
	rolePPI
	roleSystemicSteroid
	roleAldosteroneAntagonist
	roleACEInhibitor
	roleARB
	roleDiuretic
	roleSimvastatin
	roleAmlodipine
	roleClopidogrel
	roleMetformin
	roleNitrofurantoin
	roleDigoxin
	roleAspirin
	roleRivaroxaban
	roleDabigatran
	roleSulfonylurea
	roleGlipizide
	roleSGLT2
	roleAntihistamine
	roleSedativeHypnotic
	roleAlpha1Blocker
	roleNifedipine
	roleMeperidine
	roleMuscleRelaxant
	roleTertiaryTCA
	roleDoxepin
)

// roleDef names the classes and ingredients that play a role.
type roleDef struct {
	role        roleSet
	classes     []string
	ingredients []string
}

func roleDefs() []roleDef {
	return []roleDef{
		{roleWarfarin, nil, []string{"warfarin"}},
		{roleNSAID, []string{"nsaid"}, nil},
		{roleCOX2, []string{"cox2-inhibitor"}, nil},
		{roleDiclofenac, nil, []string{"diclofenac"}},
		{roleGastroprotective, []string{"ppi"}, []string{"misoprostol"}},
		{rolePPI, []string{"ppi"}, nil},
		{roleSystemicSteroid, []string{"systemic-corticosteroid"}, nil},
		{roleAldosteroneAntagonist, []string{"aldosterone-antagonist"}, nil},
		{roleACEInhibitor, []string{"ace-inhibitor"}, nil},
		{roleARB, []string{"arb"}, nil},
		{roleDiuretic, []string{"diuretic"}, nil},
		{roleSimvastatin, nil, []string{"simvastatin"}},
		{roleAmlodipine, nil, []string{"amlodipine"}},
		{roleClopidogrel, nil, []string{"clopidogrel"}},
		{roleMetformin, nil, []string{"metformin"}},
		{roleNitrofurantoin, nil, []string{"nitrofurantoin"}},
		{roleDigoxin, nil, []string{"digoxin"}},
		{roleAspirin, nil, []string{"aspirin"}},
		{roleRivaroxaban, nil, []string{"rivaroxaban"}},
		{roleDabigatran, nil, []string{"dabigatran"}},
		{roleSulfonylurea, []string{"sulfonylurea"}, nil},
		{roleGlipizide, nil, []string{"glipizide"}},
		{roleSGLT2, []string{"sglt2-inhibitor"}, nil},
		{roleAntihistamine, []string{"first-gen-antihistamine"}, nil},
		{roleSedativeHypnotic, []string{"benzodiazepine", "z-drug"}, nil},
		{roleAlpha1Blocker, []string{"alpha1-blocker"}, nil},
		{roleNifedipine, nil, []string{"nifedipine"}},
		{roleMeperidine, nil, []string{"meperidine"}},
		{roleMuscleRelaxant, []string{"skeletal-muscle-relaxant"}, nil},
		// Tertiary-amine tricyclics, as the Beers row names them.
		{roleTertiaryTCA, nil, []string{"amitriptyline", "clomipramine", "doxepin", "imipramine", "trimipramine"}},
		{roleDoxepin, nil, []string{"doxepin"}},
	}
}

// buildRoles resolves every role against drugs.
func buildRoles(drugs *terminology.Drugs) (map[string]roleSet, error) {
	out := map[string]roleSet{}
	var errs []error
	for _, d := range roleDefs() {
		keys, err := resolveDrugSet(drugs, "medication-safety roles", DrugSet{Classes: d.classes, Ingredients: d.ingredients})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, k := range keys {
			out[k] |= d.role
		}
	}
	return out, errors.Join(errs...)
}
