package caregap

import "github.com/careguard/careguard/terminology"

// The guideline and measure texts the rules follow. Citations are strings so
// that a plan item can carry one as its source verbatim.
const (
	CitationADA6     = "ADA Standards of Care in Diabetes—2025, Section 6 (Glycemic Goals and Hypoglycemia), Diabetes Care 48(Suppl 1), doi:10.2337/dc25-S006"
	CitationADA13    = "ADA Standards of Care in Diabetes—2025, Section 13 (Older Adults), doi:10.2337/dc25-S013"
	CitationADA11    = "ADA Standards of Care in Diabetes—2025, Section 11 (Chronic Kidney Disease), rec. 11.1a-b, doi:10.2337/dc25-S011"
	CitationADA11ACE = "ADA Standards of Care in Diabetes—2025, Section 11 (Chronic Kidney Disease), rec. 11.4a, doi:10.2337/dc25-S011"
	CitationADA12    = "ADA Standards of Care in Diabetes—2025, Section 12 (Retinopathy, Neuropathy, and Foot Care), doi:10.2337/dc25-S012; CMS131 eCQM Diabetes: Eye Exam (Retinal or Dilated Eye Exam value set)"
	CitationADA10    = "ADA Standards of Care in Diabetes—2025, Section 10 (Cardiovascular Disease and Risk Management), doi:10.2337/dc25-S010; 2018 AHA/ACC cholesterol guideline"
	CitationFDAMet   = "FDA Drug Safety Communication, 8 Apr 2016: metformin in reduced kidney function (labeling revision)"
	CitationACCAHA   = "Whelton PK et al. 2017 ACC/AHA high blood pressure guideline, Hypertension 2018;71:e13; ADA Standards of Care 2025, Sections 10-11 (<130/80 mmHg)"
	CitationBPFollow = "Whelton PK et al. 2017 ACC/AHA high blood pressure guideline, Hypertension 2018;71:e13 (monitoring and follow-up of treated hypertension); CMS165 eCQM Controlling High Blood Pressure (most recent reading in the measurement year)"
	CitationCMS165   = "CMS165 eCQM Controlling High Blood Pressure: most recent blood pressure below 140/90 mmHg, ages 18-85 with hypertension (quality-measure threshold; the guideline goal is <130/80)"

	CitationUSPSTFColorectal   = "USPSTF 2021, Colorectal Cancer: Screening (ages 50-75 grade A, 45-49 grade B; colonoscopy every 10 years, CT colonography or flexible sigmoidoscopy every 5 years, stool DNA-FIT every 1-3 years, FIT or gFOBT every year), JAMA 2021;325(19):1965"
	CitationUSPSTFBreast       = "USPSTF 2024, Breast Cancer: Screening (biennial mammography, women 40-74, grade B), JAMA 2024;331(22):1918"
	CitationUSPSTFCervical     = "USPSTF 2018, Cervical Cancer: Screening (grade A: ages 21-29 cytology every 3 years; 30-65 cytology every 3 years, hrHPV every 5 years, or co-testing every 5 years), JAMA 2018;320(7):674"
	CitationUSPSTFLung         = "USPSTF 2021, Lung Cancer: Screening (annual low-dose CT, ages 50-80 with at least 20 pack-years who smoke now or quit within the past 15 years, grade B), JAMA 2021;325(10):962"
	CitationUSPSTFOsteoporosis = "USPSTF 2025, Osteoporosis to Prevent Fractures: Screening (women 65 and older, grade B; no repeat interval established), 14 Jan 2025"
	CitationUSPSTFAAA          = "USPSTF 2019, Abdominal Aortic Aneurysm: Screening (one-time ultrasound, men 65-75 who have ever smoked, grade B), JAMA 2019;322(22):2211"
	CitationUSPSTFHepatitisC   = "USPSTF 2020, Hepatitis C Virus Infection in Adolescents and Adults: Screening (adults 18-79, grade B), JAMA 2020;323(10):970"
	CitationUSPSTFStatin       = "USPSTF 2022, Statin Use for the Primary Prevention of Cardiovascular Disease in Adults (ages 40-75, at least one risk factor and 10-year risk of 10% or more, grade B), JAMA 2022;328(8):746"
)

const uspstf = "https://www.uspreventiveservicestaskforce.org/uspstf/recommendation/"

func src(citation, url string) terminology.Source {
	return terminology.Source{Citation: citation, URL: url}
}

func doi(d string) string { return "https://doi.org/" + d }
