package deid

import "strings"

// wflag classifies a word (lower case) for the detectors.
type wflag uint32

const (
	wTitle          wflag = 1 << iota // Mr, Mrs, Ms, Miss, Mx
	wDrTitle                          // Dr, Doctor, Prof, Professor
	wRelation                         // wife, son, neighbor...
	wCredential                       // MD, RN, NP...
	wMonth                            // January, Jan, Sept...
	wStop                             // a common word that is never taken for a name
	wEponym                           // Parkinson, Crohn...: a name inside a disease
	wMedicalNext                      // disease, syndrome...: makes the word before it an eponym
	wFirstName                        // a common given name, safe on its own
	wAmbiguousFirst                   // a given name that is also a common word ("Will", "Hope")
	wStreet                           // street, st, avenue...
	wUnit                             // apt, unit, suite...
	wState                            // a US state or territory name, or its two-letter code
	wParticle                         // van, de, la...: lower-case parts of surnames
	wSuffix                           // jr, sr, ii, iii
	wDateCue                          // on, since, until...: a bare m/d after it is a date
	wMonthCue                         // in, since, during...: a bare month name after it is a date
	wCue                              // starts a phrase in lexicon.cues
	wAgeUnit                          // yo, year, years, yr, yrs
	wOrdinal                          // st, nd, rd, th
	wWeekday                          // Monday...
	wMisc                             // age, aged, box, http, https, ftp, www: words some detector starts at
	wRole                             // interpreter, pharmacist...: "Nadia Kim (interpreter)"
	wCommon                           // an English word that is also a name ("young", "walker"): no lower-case name matching
)

// cue is a phrase that introduces a name, place or number, and what it
// introduces.
type cue struct {
	words []string // lower case; the first is the map key
	punct []bool   // punct[k]: words[k] holds punctuation ("mr#", "s/n") and spans tokens
	kind  Kind     // KindClinician, KindRelative, KindPerson, KindPatient (a name); KindLocation; an identifier kind
	// name is true for name cues, false for place and number cues.
	name bool
}

// lexicon is the word knowledge of the detectors. It is built by
// newLexicon for each Pseudonymizer and never changes afterwards.
type lexicon struct {
	words  map[string]wflag
	cues   map[string][]cue
	months map[string]int // january, jan, sept... -> 1..12
}

func newLexicon() *lexicon {
	lx := &lexicon{words: map[string]wflag{}, cues: map[string][]cue{}, months: map[string]int{}}
	add := func(f wflag, list string) {
		for _, w := range strings.Fields(list) {
			lx.words[w] |= f
		}
	}
	add(wTitle, "mr mrs ms miss mx mister messrs")
	add(wDrTitle, "dr doctor prof professor")
	add(wRelation, `wife husband spouse partner fiance fiancee boyfriend girlfriend son sons daughter daughters
		child mother father mom mum dad mommy daddy parent parents brother sister sibling sib bro sis aunt uncle niece nephew
		cousin grandson granddaughter grandchild grandmother grandfather grandma grandpa granny nana papa stepson
		stepdaughter stepmother stepfather stepbrother stepsister son-in-law daughter-in-law mother-in-law father-in-law
		brother-in-law sister-in-law friend neighbor neighbour roommate caregiver carer guardian landlord employer
		boss coworker co-worker widow widower ex-wife ex-husband godmother godfather`)
	add(wCredential, `md do rn np pa pa-c aprn fnp dnp lpn lvn cna pharmd rph phd lcsw lmsw msw rd rdn
		cnm crna dds dmd dpm od psyd lpc lmft mph bsn msn ccm cde cdces`)
	for i, names := range []string{"january jan", "february feb", "march mar", "april apr", "may", "june jun",
		"july jul", "august aug", "september sep sept", "october oct", "november nov", "december dec"} {
		for _, m := range strings.Fields(names) {
			lx.months[m] = i + 1
			lx.words[m] |= wMonth
		}
	}
	add(wWeekday, "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun")
	add(wStop, stopWords)
	add(wEponym, eponyms)
	add(wMedicalNext, `disease diseases syndrome syndromes palsy lymphoma sarcoma tumor tumour disorder sign signs
		phenomenon reflex test maneuver manoeuvre procedure operation fracture ulcer thyroiditis encephalopathy
		dystrophy ataxia chorea dementia node nodes nodules cell cells cyst duct canal triad classification scale
		criteria score equation formula method technique body bodies arteritis angina anomaly aneurysm neuralgia
		neuroma hernia contracture deformity esophagus anemia disease's law effect rule type stage virus point
		catheter catheters monitor position sounds respirations respiration breathing tear fundoplication foot joint
		fistula gland glands space line lines bypass shunt valve syndrome's sarcoma's protein proteins`)
	add(wFirstName, firstNames)
	add(wAmbiguousFirst, ambiguousFirstNames)
	add(wStreet, `street st avenue ave av road rd boulevard blvd lane ln drive dr way court ct place pl terrace ter
		circle cir parkway pkwy highway hwy route rte square sq trail trl crescent cres alley row plaza loop path
		pike turnpike crossing crossroad common commons mews arcade spur rest key lodge manor rue union ramp orchard
		corner view heights park ridge run walk green point landing`)
	add(wUnit, "apt apartment unit suite ste room rm floor fl bldg building lot")
	add(wState, states)
	add(wParticle, "van von de der den da del della di du la le st ter ten dos das bin ibn al el mac")
	add(wSuffix, "jr sr ii iii iv")
	add(wDateCue, `on since from until till til by dated dos doa dod dob seen before after starting started
		through thru to effective visit admitted discharged due`)
	add(wMonthCue, "in since during until till by of early late mid last next this from through before after")
	add(wAgeUnit, "yo yrs yr year years yoa")
	add(wOrdinal, "st nd rd th")
	add(wMisc, "age aged box http https ftp www")
	add(wCommon, commonWords)
	add(wRole, "interpreter translator pharmacist nurse aide chaplain dietitian volunteer therapist doula midwife companion sitter")

	addCue := func(kind Kind, name bool, phrases ...string) {
		for _, p := range phrases {
			ws := strings.Fields(p)
			pu := make([]bool, len(ws))
			for k, w := range ws {
				pu[k] = strings.ContainsAny(w, "#'/.-")
			}
			lx.cues[ws[0]] = append(lx.cues[ws[0]], cue{words: ws, punct: pu, kind: kind, name: name})
			lx.words[ws[0]] |= wCue
		}
	}
	addCue(KindClinician, true, "attending", "pcp", "provider", "physician", "surgeon", "cardiologist", "nephrologist",
		"endocrinologist", "consultant", "resident", "intern", "referring", "referred by", "signed by",
		"electronically signed by", "e-signed by", "cosigned by", "co-signed by", "dictated by", "transcribed by",
		"author", "authored by", "cc", "seen by", "evaluated by", "examined by", "reviewed by", "ordered by",
		"prescribed by", "covering", "hospitalist", "nurse", "therapist", "pharmacist", "dietitian", "social worker",
		"case manager", "care manager", "np", "pa", "rn")
	addCue(KindRelative, true, "emergency contact", "next of kin", "nok", "health care proxy", "healthcare proxy",
		"health care agent", "hcp", "poa", "power of attorney", "surrogate", "contact person")
	addCue(KindPerson, true, "spoke with", "spoke to", "talked with", "talked to", "discussed with", "accompanied by",
		"called", "call from", "message from", "message for", "visited by", "visit from", "interpreter",
		"left message for", "per")
	addCue(KindPatient, true, "patient name", "pt name", "patient", "pt", "name", "re")
	addCue(KindLocation, false, "lives in", "living in", "resides in", "residing in", "moved to", "moved from",
		"relocated to", "relocated from", "resident of", "visiting from", "home in", "born in", "raised in",
		"grew up in", "travelled to", "traveled to", "trip to", "city of", "town of", "county of", "city", "town", "county")
	addCue(KindMRN, false, "mrn", "mr#", "medical record number", "medical record no", "medical record",
		"med rec", "record number", "record no", "chart number", "chart no", "chart", "patient id", "pt id", "pid", "hospital number")
	addCue(KindAccount, false, "account", "acct", "account number", "account no", "billing number", "fin", "encounter number", "visit number", "har")
	addCue(KindHealthPlan, false, "member id", "member number", "member no", "member", "subscriber id", "subscriber",
		"policy", "policy number", "policy no", "plan id", "plan number", "group number", "group no", "group id", "insurance id",
		"insurance number", "medicaid", "medicaid id", "medicaid number", "medicare", "medicare number", "medicare id",
		"mbi", "hicn", "beneficiary id", "beneficiary number", "beneficiary")
	addCue(KindLicense, false, "license", "licence", "license number", "licence number", "lic", "dl", "driver's license",
		"drivers license", "driver license", "dea", "npi", "certificate", "certificate number", "cert", "passport",
		"passport number", "permit")
	addCue(KindDevice, false, "serial", "serial number", "serial no", "s/n", "sn", "device id", "device identifier",
		"device serial", "udi", "imei", "mac address", "model number")
	addCue(KindVehicle, false, "vin", "license plate", "licence plate", "plate", "plate number", "vehicle id")
	addCue(KindSSN, false, "ssn", "ss#", "ss", "social security", "social security number", "social security no", "soc sec")
	addCue(KindID, false, "id", "id#", "identifier", "case number", "case no", "claim", "claim number", "claim no",
		"reference number", "ref", "ref no", "confirmation number", "confirmation", "tracking number", "ticket", "badge", "employee id")
	addCue(KindPhone, false, "phone", "tel", "telephone", "cell", "cellphone", "mobile", "ph", "home phone", "work phone",
		"cell phone", "pager", "beeper", "contact number", "callback", "call back", "call", "reached at", "text", "whatsapp")
	addCue(KindFax, false, "fax", "facsimile", "fax number", "fax no", "f")
	addCue(KindZip, false, "zip", "zip code", "zipcode", "postal code", "postcode")
	addCue(KindEmail, false, "email", "e-mail")
	addCue(KindDate, false, "dob", "d.o.b", "date of birth", "birth date", "birthdate", "born")
	return lx
}

// flags returns the flags of a word, given in any case.
func (lx *lexicon) flags(w string) wflag {
	var scratch [48]byte
	if b, ok := lowerASCII(w, scratch[:]); ok {
		return lx.words[string(b)]
	}
	return lx.words[strings.ToLower(w)]
}

// lowerASCII writes w in lower case into scratch and returns it, or false
// when w is not ASCII or longer than scratch.
func lowerASCII(w string, scratch []byte) ([]byte, bool) {
	if len(w) > len(scratch) {
		return nil, false
	}
	b := scratch[:len(w)]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 {
			return nil, false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b, true
}
