// Package caregap computes a patient's care gaps from the record at its
// as-of date: what guidelines say is due, and whether the record shows it
// done, overdue, or cannot tell.
//
// An [Engine] evaluates seventeen rules and returns one [Gap] per rule, in
// the order of [Engine.Rules]:
//
//   - type 2 diabetes: HbA1c every 6 months at goal and every 3 months
//     above it ([GoalFor] gives the goal, shared with the guideline drafter);
//     eGFR and urine albumin-to-creatinine ratio within 12 months; a retinal
//     or dilated eye exam within 12 months; a statin from 40 to 75; an ACE
//     inhibitor or ARB with hypertension and UACR of 30 mg/g or more or eGFR
//     below 60 (ADA 2025, 11.4a); a prescriber's review of metformin when
//     eGFR is below 45 (FDA 2016);
//   - hypertension: a reading within 12 months; the latest reading below
//     130/80 mmHg (the guideline goal) and, as a separate rule, below 140/90
//     mmHg (the CMS165 quality-measure threshold);
//   - the diabetes and hypertension rules follow adult guidelines and are
//     not applicable before [AdultAge] (18): children's targets and
//     intervals differ and are not covered;
//   - prevention (USPSTF): colorectal (45-75), breast (women 40-74,
//     biennial), cervical (women 21-65, by age band and method), lung (50-80,
//     20 pack-years, current or recent smokers), osteoporosis (women 65 and
//     older), abdominal aortic aneurysm (men 65-75 who ever smoked),
//     hepatitis C (18-79, once), and a statin for primary prevention (40-75
//     with a risk factor and a recorded 10-year risk of 10 % or more).
//
// Each gap names its rule, the guideline it follows ([Gap.Source]), the
// record facts its status rests on ([Gap.Facts]), a due date, and which plan
// items would address it ([Closure]).
//
// A gap is [StatusOpen] when the service is due or the target missed,
// [StatusMet] when the record shows it within its interval, [StatusUnknown]
// when the record lacks what the rule needs (a smoking history, a result,
// the patient's sex, a risk estimate careguard does not compute, or a code
// set careguard could not verify) and [StatusNotApplicable] when the patient
// is outside the rule's population or excluded from it. Missing data never
// gives met. Not-applicable gaps are reported rather than left out, so that
// a result says what was checked.
//
// The codes the rules read come from the CMS eCQM value sets (VSAC
// expansions, as mirrored in canvas-medical/canvas-plugins), HL7 US Core and
// the Synthea sample data, each cited in [Rule.Codes]; no CPT code is
// shipped. Nothing here is an NCQA HEDIS rate: the rules follow public
// guideline text and CMS eCQM value sets.
//
// # Errors
//
// [Engine.Evaluate] returns [ErrNoRecord] for a nil record and [ErrDeceased]
// for a patient who has died. [New] returns an error wrapping
// [ErrUnknownRule] when [Options].Evidence names a rule the engine lacks.
//
// # Concurrency
//
// An [Engine] is immutable and safe for concurrent use by multiple
// goroutines. [Gap] and [Rule] are plain values.
package caregap
