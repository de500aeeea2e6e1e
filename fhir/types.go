package fhir

// The R4 datatypes careguard reads and writes: a hand-written subset. Every
// optional element is omitted when empty (omitempty, or a nil pointer), so
// nothing written here holds null, "", [] or {} for an element that is
// absent. Elements this package does not model are ignored on input.

// Coding is a code from a code system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Version string `json:"version,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept as codings and/or text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// IsZero reports whether the concept has neither codings nor text.
func (c *CodeableConcept) IsZero() bool { return c == nil || (len(c.Coding) == 0 && c.Text == "") }

// Reference points at another resource: a literal reference ("Patient/1",
// "urn:uuid:...", "#contained-id"), or only an identifier or a display.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Identifier is a business identifier.
type Identifier struct {
	Use    string           `json:"use,omitempty"`
	Type   *CodeableConcept `json:"type,omitempty"`
	System string           `json:"system,omitempty"`
	Value  string           `json:"value,omitempty"`
}

// HumanName is a person's name.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
	Prefix []string `json:"prefix,omitempty"`
	Suffix []string `json:"suffix,omitempty"`
}

// Address is a postal address.
type Address struct {
	Use        string   `json:"use,omitempty"`
	Type       string   `json:"type,omitempty"`
	Text       string   `json:"text,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	District   string   `json:"district,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Country    string   `json:"country,omitempty"`
}

// ContactPoint is a phone number, e-mail address or the like.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"`
}

// Quantity is a measured amount. Value is a pointer so that an absent value
// is omitted and a zero value is written.
type Quantity struct {
	Value      *float64 `json:"value,omitempty"`
	Comparator string   `json:"comparator,omitempty"`
	Unit       string   `json:"unit,omitempty"`
	System     string   `json:"system,omitempty"`
	Code       string   `json:"code,omitempty"`
}

// Period is a time range; Start and End are FHIR dateTime strings.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Range is a low and high quantity.
type Range struct {
	Low  *Quantity `json:"low,omitempty"`
	High *Quantity `json:"high,omitempty"`
}

// Ratio is a numerator over a denominator.
type Ratio struct {
	Numerator   *Quantity `json:"numerator,omitempty"`
	Denominator *Quantity `json:"denominator,omitempty"`
}

// Annotation is a note with optional author and time.
type Annotation struct {
	AuthorString    string     `json:"authorString,omitempty"`
	AuthorReference *Reference `json:"authorReference,omitempty"`
	Time            string     `json:"time,omitempty"`
	Text            string     `json:"text"`
}

// Attachment is content held inline (Data, base64) or by URL.
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	Language    string `json:"language,omitempty"`
	Data        string `json:"data,omitempty"`
	URL         string `json:"url,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// Meta is resource metadata; Security carries security labels such as the
// AI-asserted label.
type Meta struct {
	VersionID   string   `json:"versionId,omitempty"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
	Security    []Coding `json:"security,omitempty"`
	Tag         []Coding `json:"tag,omitempty"`
}

// Narrative is a resource's human-readable XHTML summary.
type Narrative struct {
	Status string `json:"status"`
	Div    string `json:"div"`
}

// Timing is when something happens, as a repeating pattern.
type Timing struct {
	Event  []string         `json:"event,omitempty"`
	Repeat *TimingRepeat    `json:"repeat,omitempty"`
	Code   *CodeableConcept `json:"code,omitempty"`
}

// TimingRepeat is a Timing's repetition.
type TimingRepeat struct {
	BoundsPeriod *Period `json:"boundsPeriod,omitempty"`
	Count        int     `json:"count,omitempty"`
	Frequency    int     `json:"frequency,omitempty"`
	Period       float64 `json:"period,omitempty"`
	PeriodUnit   string  `json:"periodUnit,omitempty"`
}

// Dosage is how a medication is taken.
type Dosage struct {
	Sequence        int              `json:"sequence,omitempty"`
	Text            string           `json:"text,omitempty"`
	Timing          *Timing          `json:"timing,omitempty"`
	AsNeededBoolean *bool            `json:"asNeededBoolean,omitempty"`
	Route           *CodeableConcept `json:"route,omitempty"`
	DoseAndRate     []DoseAndRate    `json:"doseAndRate,omitempty"`
}

// DoseAndRate is an amount of medication per dose.
type DoseAndRate struct {
	Type         *CodeableConcept `json:"type,omitempty"`
	DoseQuantity *Quantity        `json:"doseQuantity,omitempty"`
	DoseRange    *Range           `json:"doseRange,omitempty"`
}
