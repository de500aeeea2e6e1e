package caregap

import "github.com/careguard/careguard/terminology"

// HbA1cGoal is the glycemic goal careguard proposes for an adult with
// diabetes: a result below Value percent.
type HbA1cGoal struct {
	// Value is the goal in percent (NGSP): results below it meet the goal.
	Value float64
	// Source is the guideline section the goal follows.
	Source terminology.Source
	// Rationale explains the choice to the reviewing clinician.
	Rationale string
}

// OlderAdultAge is the age from which careguard treats a patient as an older
// adult (ADA Standards of Care 2025, Section 13).
const OlderAdultAge = 65

// GoalFor returns the HbA1c goal for a patient of the given age: below 8.0 %
// from 65 (ADA 2025 Section 13: <7.0-7.5 % for healthy older adults, <8.0 %
// for those with multiple chronic illnesses or functional or cognitive
// impairment; careguard cannot judge overall health, so it proposes the
// less stringent goal to avoid hypoglycemia), otherwise below 7 % (ADA 2025
// Section 6). The care-gap HbA1c rule and the guideline drafter both use it,
// so the testing interval and the drafted goal always agree.
func GoalFor(age int) HbA1cGoal {
	if age >= OlderAdultAge {
		return HbA1cGoal{Value: 8.0, Source: src(CitationADA13, doi("10.2337/dc25-S013")),
			Rationale: "ADA 2025 Section 13 sets <7.0-7.5% for healthy older adults and <8.0% for those with multiple chronic illnesses or functional or cognitive impairment. The drafter cannot judge overall health, so it proposes the less stringent goal to avoid hypoglycemia; the reviewer should individualize it."}
	}
	return HbA1cGoal{Value: 7.0, Source: src(CitationADA6, doi("10.2337/dc25-S006")),
		Rationale: "ADA 2025 Section 6: <7% is appropriate for many nonpregnant adults without significant hypoglycemia; individualize."}
}
