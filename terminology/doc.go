// Package terminology holds the clinical code systems careguard understands
// and the small, cited knowledge it ships: value sets for the conditions and
// tests its rules need, and a drug table.
//
// # Codes
//
// A [Code] is a code system URI, a code and a display. Systems are named by
// their FHIR R4 URIs ([SystemRxNorm], [SystemSNOMED], [SystemICD10CM],
// [SystemLOINC] and others); [KnownSystem] reports whether a URI is one of
// them. ICD-10 codes compare equal with and without their dot and in any
// case ([Code.Is]).
//
// # Value sets
//
// A [ValueSet] is a named set of codes with the [Source] that defines it.
// Its members are exact codes or, for ICD-10, prefixes that cover a category
// and its descendants: "E11" covers E11.9 and E11.65. The shipped sets
// ([Diabetes], [Type2Diabetes], [Hypertension], [ChronicKidneyDisease],
// [ChronicKidneyDiseaseStage], [HbA1c], [EGFR], [UACR], [SystolicBP], [DiastolicBP],
// [BloodPressurePanel], [LDL]) follow the CMS eCQM value sets (VSAC
// expansion "eCQM Update 2025-05-08") where one exists, plus codes that
// Synthea and US EHRs use and those sets omit, such as SNOMED CT 38341003
// for hypertension and LOINC 33914-3 for eGFR; each set's source says which.
//
// # Drugs
//
// A [Drugs] table holds ingredients ([Ingredient]), products mapped to
// their ingredients ([Product]) and drug classes, each citing where its
// grouping comes from, mostly WHO ATC groups ([DrugClass]). Ingredients are
// identified by key ([Ingredient.Key]): the RxNorm ingredient RxCUI, or,
// for an ingredient whose RxCUI could not be verified against a checkable
// source, a name key ([NameKey], "name:verapamil"). Name-keyed ingredients
// take part in products, classes and lookups like any other, and when a
// table built with [NewDrugs] or [Drugs.Extend] also holds an RxNorm-coded
// ingredient of the same name (from a deployer's RxNorm release), that
// ingredient replaces the name-keyed one everywhere.
// [Drugs.IngredientsOf] and [Drugs.AppendIngredientsOf] resolve a
// medication to ingredient keys by its ingredient code, its product code or
// the names in its display text; [Drugs.KeyOf] resolves one name;
// [Drugs.FindInText] finds ingredient names and synonyms in free text.
// [DefaultDrugs] is a small table of common chronic-disease drugs, the
// drugs the interaction, allergy, kidney and older-adult rules name, and
// the RxNorm products of the Synthea sample records, whose ingredient codes
// come from the CPIC drug table, the CMS eCQM ingredient value sets, the
// HL7 PDDI-CDS value sets, the CDC MME conversion table or RxNorm itself;
// [NewDrugs] builds a deployer's own. [LoadRxNorm] reads a
// deployer's RxNorm release (RXNCONSO.RRF and RXNREL.RRF, the full release
// or the freely distributable prescribable subset), mapping every clinical
// and branded drug and pack to its ingredients through RxNorm's
// relationships, and [Drugs.Extend] adds it to a table.
//
// Every shipped value set, ingredient, product and class carries its
// [Source]. Nothing licensed is shipped: no CPT codes, nothing from
// commercial drug-knowledge bases, no NCQA HEDIS specification text.
//
// # Errors
//
// Only [LoadRxNorm] returns errors: a [*RRFError] naming the file and line
// and wrapping [ErrRRFFormat] or [ErrRRFLimit], a read error, or the
// context's error. Constructors accept any input, lookups report a miss
// with false or an empty result, and a nil [*ValueSet] is the empty set.
//
// # Concurrency
//
// The package has no state. [DefaultDrugs] and the value-set functions
// build a fresh value on every call: build what you need once and share it.
// [ValueSet] and [Drugs] are immutable and safe for concurrent use by
// multiple goroutines, and their methods return copies.
package terminology
