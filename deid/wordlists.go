package deid

// The word lists below are constants; newLexicon turns them into maps for
// each Pseudonymizer. They were written for this package: common English
// and clinical words, eponyms, common US given names and the US states.

// stopWords are words that are never taken for a name, even capitalized
// after a cue ("Daughter Reports ...", "PT SEEN BY DR ON CALL").
const stopWords = `
a an the this that these those there here it its he she him her his hers they them their theirs we us our you your
i me my mine myself himself herself themselves who whom whose which what when where why how all any both each
every few more most other some such no nor not only own same so than too very can will just should now also
and or but if then else because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further once per via vs versus
is am are was were be been being have has had having do does did doing would could may might must shall
ok okay yes yeah none nothing something anything everything someone anyone everyone nobody
patient patients pt pts pt's client resident member family families relative relatives friends
reports reported reporting report states stated stating says said notes noted note denies denied deny
complains complained presents presented presenting returns returned arrives arrived came come comes
called calls calling call spoke speaks seen sees saw visit visited visits visiting admitted discharged
transferred referred consulted evaluated examined reviewed discussed agreed agrees declined declines
refused refuses wants wanted would like needs needed requires required requested requests asked asks
helps helped help assists assisted manages managed gives gave given takes took taken brings brought
lives lived living stays stayed staying works worked working drives drove driving picks picked
present absent available unavailable here there home house apartment bedside room phone office clinic
hospital hospice pharmacy lab laboratory er ed icu ccu pacu ward unit floor desk front staff team
nurse nursing doctor physician provider providers attending resident intern fellow student therapist
pharmacist dietitian social worker case manager coordinator chaplain interpreter aide tech technician
scheduler receptionist secretary volunteer service services department dept center centre program
primary care urgent emergency outpatient inpatient telehealth video virtual portal message messages
history exam assessment plan impression diagnosis problem problems medication medications meds med
allergy allergies vitals labs imaging results result review reviewed orders order ordered refill refills
follow followup follow-up appointment appt appointments today tomorrow yesterday tonight morning afternoon
evening night week weeks month months year years day days hour hours minute minutes daily weekly monthly
new old prior previous last next current recent recently again still already never always often usually
stable improved improving worse worsening better unchanged normal abnormal positive negative mild moderate
severe acute chronic left right bilateral upper lower high low good poor fair well unwell sick
pain fever cough nausea vomiting diarrhea constipation fatigue weakness dizziness headache shortness breath
chest abdomen abdominal back leg legs arm arms head neck heart lung lungs kidney kidneys liver skin eye eyes
blood pressure sugar glucose insulin diet exercise weight bp hr rr spo2 temp bmi a1c hba1c egfr ldl
diabetes hypertension ckd chf copd cad afib dm htn mi cva tia uti dvt pe
mg mcg ml units unit tablet tablets tab tabs capsule capsules dose doses bid tid qid qd prn po iv im sc
start started stop stopped continue continued hold held increase increased decrease decreased change changed
resume resumed taper titrate monitor monitored check checked recheck repeat obtain obtained send sent
consider considered recommend recommended advised advise educated education counseled counseling
instructed instructions instruction explained understands understood verbalized agreed
signed sign dictated transcribed cosigned electronically authored author addendum amended addended
subjective objective hpi ros pmh psh fh sh cc re attn regarding subject summary note notes
alert oriented awake calm anxious tired sleepy confused cooperative pleasant
male female man woman men women boy girl baby infant child children adult adults elderly
mr mrs ms miss dr prof sir madam
jan feb mar apr jun jul aug sep sept oct nov dec
january february march april june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
north south east west northern southern eastern western central
english spanish french chinese portuguese russian arabic vietnamese korean haitian creole
american african asian hispanic latino latina white black caucasian
medicare medicaid insurance covid coronavirus flu influenza vaccine vaccination shot shots booster
ambulance ems fire police court school church work job
return returning schedule scheduled email e-mail fax text please thanks thank dear hi hello regards sincerely
cancer carcinoma breast colon prostate ovarian pancreatic stroke hld hyperlipidemia dementia depression anxiety
asthma emphysema arthritis osteoporosis glaucoma cataracts obesity alcoholism alcohol tobacco smoker leukemia
melanoma renal thyroid cirrhosis seizures epilepsy migraine migraines bipolar schizophrenia deceased died passed
alive healthy unknown adopted noncontributory hx dx sx tx fhx n/a na
accompanied escorted transported brought presented requested type lupus sle gout anemia hepatitis hiv aids
tuberculosis tb pneumonia sepsis neuropathy retinopathy nephropathy gerd ibs ms als copd ckd esrd pad pvd
afib aflutter chf hfref hfpef mvp cabg pci stent pacemaker icd dialysis transplant amputation
`

// eponyms are surnames that name diseases, signs and tests. Without a
// strong cue (a title, a relation, a credential, a label) they are never
// taken for names.
const eponyms = `
parkinson parkinson's parkinsons hodgkin hodgkin's hodgkins non-hodgkin crohn crohn's crohns addison addison's addisons
graves graves' bell bell's alzheimer alzheimer's alzheimers huntington huntington's cushing cushing's hashimoto
hashimoto's raynaud raynaud's sjogren sjogren's sjögren sjögren's tourette tourette's marfan marfan's down down's
guillain barre barré kawasaki wilms meniere meniere's ménière paget paget's peyronie dupuytren osgood schlatter
legg calve perthes kaposi kaposi's burkitt burkitt's ewing ewing's hirschsprung tay sachs gaucher fabry pompe
niemann pick lewy creutzfeldt jakob asperger asperger's munchausen reye reye's klinefelter noonan prader willi
angelman rett bartter gitelman conn behcet behçet buerger colles dubin horner lyme mallory meckel menetrier
osler rendu plummer vinson whipple whipple's wernicke korsakoff zollinger ellison gehrig apgar babinski
brudzinski kernig mcburney rovsing trendelenburg valsalva heimlich glasgow framingham gleason breslow
cockcroft gault friedewald coombs gram giemsa papanicolaou pap holter doppler bence epstein cheyne kussmaul
korotkoff hallpike dix romberg phalen tinel finkelstein lachman mcmurray homans chvostek trousseau
cullen levine grey-turner virchow schilling weil bowen baker's barrett's gilbert's wilson's turner's
williams' stevens-johnson fournier ludwig ludwig's charcot charcot-marie-tooth marie tooth duchenne becker
erb erb's bowman henoch schonlein schönlein takayasu wegener wegener's churg strauss goodpasture
goodpasture's alport waldenstrom waldenström kimmelstiel wilson-kimmelstiel hunner lichtenstein nissen
roux billroth whipple's heberden bouchard bouchard's heberden's osler's janeway roth quincke de quervain
quervain sheehan sheehan's stein leventhal brown-sequard brown-séquard bell-palsy foley coumadin
`

// firstNames are common US given names that are not also common English
// words: one capitalized on its own is taken for a person's name.
const firstNames = `
aaron abigail adam adrian aidan aiden alan albert alberto alejandro alex alexa alexander alexandra alexis alfred
alice alicia alison allison alyssa amanda amber amelia amy ana andre andrea andres andrew angela angelica
anita ann anna anne annette anthony antonio arianna arthur ashley audrey austin ava barbara beatrice benjamin
bernard beth betty beverly bianca blake bonnie brad bradley brandon brenda brendan brian brianna bridget
brittany brooke bruce bryan caleb cameron camila carl carla carlos carmen carol caroline carolyn carrie
casey catherine cecilia chad charles charlene charlotte chelsea cheryl chloe chris christian christina
christine christopher cindy claire clara claudia clifford colin connie connor corey courtney craig
crystal cynthia daisy dale dalton damian dana daniel daniela danielle darlene darren david deanna debbie
deborah debra denise dennis derek diana diane dolores dominic donald donna doris dorothy douglas dustin
dylan edgar edith eduardo edward edwin eileen elaine eleanor elena elijah elizabeth ella ellen emily
emma enrique eric erica erik erin ernest esther ethan eugene evan evelyn felicia fernando florence
frances francisco francis gabriel gabriela gabriella gail gary gavin gene geoffrey george georgia gerald
gilbert gina gladys glen glenn gloria gordon gregory guadalupe gwendolyn hailey haley hannah harold
harriet harry hazel heather hector helen henry herbert hilda howard hugo ian irene isaac isabel
isabella isabelle jack jackson jacob jacqueline jaime jake james jamie jane janet janice jared jasmine
jason javier jean jeanette jeanne jeffrey jennifer jenny jeremy jerome jerry jesse jessica jesus jill
joan joanne joel johanna john johnny jonathan jordan jorge jose joseph josephine joshua joyce juan
judith judy julia julian julie justin kaitlyn karen karl katherine kathleen kathryn kathy katie kayla
keith kelly kelsey kenneth kevin kimberly kristen kristin kristina kurt kyle laura lauren lawrence
leah leonard leslie lillian linda lisa logan lois lorraine louis louise lucas lucia lucy luis luke
lydia lynn mackenzie madeline madison manuel marcus margaret maria marian marie marilyn marion marjorie
marlene martha martin marvin mary mason matthew maureen megan melanie melinda melissa melvin michael
michele michelle miguel mildred miranda mitchell molly monica morgan nancy naomi natalie nathan nathaniel
nicholas nicole noah norma norman olivia oscar pamela patricia patrick paul paula pauline peggy philip
phillip phyllis priscilla rachel ralph ramon randall randy raymond rebecca regina renee rhonda ricardo
richard rita robert roberta roberto rodney roger ronald ronnie rosa rosemary ruth ryan samantha samuel
sandra sara sarah scott sean sebastian sergio seth shannon sharon shawn sheila shelby shirley sofia sophia
stacy stanley stephanie stephen steven susan suzanne sydney tamara tammy tanya taylor teresa terri
terry theodore theresa thomas timothy tina todd tracy travis tyler valerie vanessa vernon veronica
victor victoria vincent virginia vivian walter wanda warren wayne wendy wesley whitney william willie
xavier yolanda yvonne zachary zoe
`

// ambiguousFirstNames are given names that are also common words, months
// or eponyms; they are names only after a cue or next to a known name.
const ambiguousFirstNames = `
will hope grace faith joy dawn rose art pat sue frank max bob bill mark may june april august summer autumn
penny ruby pearl iris ivy holly heather jade sky rusty buck chase hunter mason carter parker grant wade
sandy misty bud sunny star crystal amber jewel destiny harmony melody lily daisy violet olive ginger
ray guy earl don ron dick rich sonny royal king prince duke baron jack gene miles rich drew lane
`

// states are the US states and territories, by name and two-letter code.
const states = `
alabama al alaska ak arizona az arkansas ar california ca colorado co connecticut ct delaware de florida fl
georgia ga hawaii hi idaho id illinois il indiana in iowa ia kansas ks kentucky ky louisiana la maine me
maryland md massachusetts ma michigan mi minnesota mn mississippi ms missouri mo montana mt nebraska ne
nevada nv hampshire nh jersey nj mexico nm york ny carolina nc dakota nd ohio oh oklahoma ok oregon or
pennsylvania pa rhode ri sc sd tennessee tn texas tx utah ut vermont vt virginia va washington wa wv
wisconsin wi wyoming wy dc pr guam gu vi
`

// commonWords are English words that are also surnames or given names
// ("Young", "Walker", "Price"), words of clinical notes and devices that
// are also names ("cane", "rash", "bolus"), and the words of careplan's
// prompt. A name of the record made of such a word is matched in lower case
// only after a title ("mrs young"); capitalized it is matched as before.
// The list guards lower-case matching only: it is not a dictionary, and a
// name that is a word it lacks is still matched in lower case.
const commonWords = `
young old long short small little large big tall high low strong weak sharp swift quick slow fast bright dark
light fair good best better goodman newman freeman truman noble rich poor free wise savage wild gentle kind proud
sweet bitter merry jolly gay moody hardy hale well wells sick ill pain payne paine hurt cure care cares
black brown green gray grey white blue red redd rose golden gold silver steel iron copper tin lead brass glass
hall halls wood woods stone stones king kings rice cook cooke baker hill hills field fields lane lanes walker
fox hunt hunter hunters price cash bush banks bank page case bond bonds mason carter parker turner cooper porter
fisher butler miller taylor bishop church chase rivers river lake lakes marsh moore moor moon day days knight
night frost snow winter winters summer summers spring springs bird birds crane swan wolf wolfe lamb bull hart
hare finch sparrow robin crow hawk drake duck fish salmon bass pike trout herring crabb
power powers pope dean abbott monk friend friends love early late noon morning evening dawn star stars sky sun
cloud storm rain gale wind winds cole marks mark burns burn blood heart bone bones hand hands foot feet head
back side sides arm arms legg leg legs hair chin tooth lip lips neck skin salt pepper sugar honey moss
person people wise gross gates gate bridges bridge street streets brook brooks ford forest grove groves park
parks meadow meadows dale vale valley shore shores beach bay cliff rock rocks waters water fountain pool poole
dye fuller weaver carpenter wright archer fowler fletcher farmer gardner gardener shepherd painter barber
butcher brewer draper glover hooper potter sawyer tanner thatcher tucker ward wards warden marshall sergeant
steward chamberlain chancellor judge justice sheriff constable bailey castle tower towers temple chapel
faith joy grace charity patience prudence constance honor mercy trust chance luck fortune penny pound money
beard bacon ham bean beans pickles cherry apple plum lemon lime olive almond vine bloom blossom root roots
stem branch leaf thorn thorne holly ivy heather lily daisy violet fern reed reeds rush oak oakes ash elm pine
birch maple hazel alder willow thistle clay sand sands dust flint marble slate cross major minor bent crook
strange stranger darling dear child bride groom kin neighbor neighbour home house room rooms kitchen garden
yard porch stairs step steps door window floor wall walls roof fence road way path ferry port harbor dock
mill mills farm barn mount mountain creek pond coast cave
cane canes brace braces crutch crutches sling splint cast stent drain drip pump scope probe needle bolus fever
chill chills rash cough ache cramp spasm sore swelling bruise lump mass node stool gas bleed cut cuts fall
falls faint dizzy blind deaf lame mute stroke fit fits shock coma aid aids heal pill pills tablet powder salve
balm tonic drug drugs dosage meal meals weight height pulse beat rate rhythm strip strips meter scale scales
bath bed beds chair wheel wheeler mask gown glove gloves patch patches wrap tape gauze bandage
about action affects alone appear appears applies approved behind between brackets calendar change changes
chart citations cite cites citing clinical clinician compute condition conditions contact contain copied
copy current data date dates decide diagnostic document documented draft education else empty encounters
end every exactly example existing fact facts female fields first follow follows free give gives goals
guess guideline health identifiers ids immunizations impression inactive information instructions
interventions intolerances invent item json label language last latest leaves let licensed limited literacy
marker markers match matches measurable mention monitoring names need needs newest number numbers paper past
placeholder placeholders places plans preferred prefers problem procedures prompt proposes put recent record
recorded referrals relative replaced reply requests rests reviews roles rules same schema shifted shown
signs social source square stands state status string suspected task tasks team test text timing untrusted
use vaccine value vital withheld write written year year-old aged older begin care-team
`
