package fhir

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/careguard/careguard/patient"
	"github.com/careguard/careguard/terminology"
)

// DecodeOptions configures decoding. AsOf is required; every other field
// has the default noted on it when zero.
type DecodeOptions struct {
	// AsOf is the date the record describes. Required: decoding never
	// reads the wall clock. Resources dated after it are left out and
	// reported (see Result.Notices), or rejected with RejectAfterAsOf.
	AsOf time.Time
	// RejectAfterAsOf makes a resource dated after AsOf an error
	// (ErrAfterAsOf) instead of a notice.
	RejectAfterAsOf bool
	// MaxBytes bounds the size of each document. Default 64 MiB.
	MaxBytes int
	// MaxDepth bounds how deeply objects and arrays nest. Default 64.
	MaxDepth int
	// MaxErrors bounds how many problems are collected before decoding
	// stops. Default 20.
	MaxErrors int
	// ExtraCodeSystems lists code system URIs to keep besides those the
	// terminology package knows; codes from other systems are kept as
	// their display text only.
	ExtraCodeSystems []string
}

const (
	defaultMaxBytes  = 64 << 20
	defaultMaxDepth  = 64
	defaultMaxErrors = 20
)

// Result is a decoded record and everything decoding did not turn into
// facts, so that nothing is dropped silently.
type Result struct {
	// Record is the patient record. Each fact's SourceID is the reference
	// of the resource it came from: "Type/id" when the resource has an
	// id, otherwise its fullUrl.
	Record *patient.Record
	// Patient is the reference of the Patient resource, in the same form.
	Patient string
	// Other holds every resource that is not turned into facts
	// (Organization, Practitioner, Medication, Claim, CarePlan, ...), as
	// raw JSON, in input order.
	Other []RawResource
	// Notices lists resources left out of the record and resources kept
	// with a change, and why, in input order.
	Notices []Notice
}

// RawResource is a resource kept as raw JSON.
type RawResource struct {
	Doc, Entry   int
	Pointer      string
	FullURL      string
	ResourceType string
	ID           string
	JSON         json.RawMessage
}

// Notice says that a resource was left out of the record, or kept with a
// change, and why.
type Notice struct {
	Doc, Entry   int
	Pointer      string
	ResourceType string
	ID           string
	// Excluded is true when the resource is not in the record, false
	// when it is, changed as Reason says.
	Excluded bool
	Reason   Reason
}

// Reason says why a resource was left out or changed.
type Reason string

// The reasons.
const (
	// Left out.
	ReasonAfterAsOf      Reason = "after-as-of"      // dated after the as-of date
	ReasonRefuted        Reason = "refuted"          // verification status refuted
	ReasonEnteredInError Reason = "entered-in-error" // status or verification entered-in-error
	ReasonNotTaken       Reason = "not-taken"        // MedicationStatement not-taken
	ReasonDoNotPerform   Reason = "do-not-perform"   // MedicationRequest doNotPerform: a prohibition, not a medication taken
	ReasonCancelled      Reason = "cancelled"        // cancelled before it happened
	ReasonNotDone        Reason = "not-done"         // a procedure, immunization or encounter that did not happen (yet)
	ReasonNoValue        Reason = "no-value"         // an observation without a value or components
	ReasonNoDate         Reason = "no-date"          // no date careguard can place it at
	ReasonNoText         Reason = "no-inline-text"   // a document without inline text/plain content
	ReasonDuplicate      Reason = "duplicate"        // the same Type/id seen before
	ReasonInactive       Reason = "inactive"         // an inactive care team
	ReasonNoResource     Reason = "no-resource"      // a Bundle entry without a resource (a DELETE or GET)

	// Kept, changed.
	ReasonAbatedAfterAsOf Reason = "abated-after-as-of"         // abatement after the as-of date: active at the as-of date
	ReasonStatusInferred  Reason = "status-inferred"            // no clinical status: resolved if abated, else active
	ReasonComponentNoData Reason = "component-without-value"    // a component without a value was dropped
	ReasonStatusUnknown   Reason = "observation-status-unknown" // status "unknown": kept as a final result
	ReasonCodeUnknown     Reason = "code-system-unknown"        // a code from an unknown system kept as text
)

// Decode decodes one FHIR R4 document (a Bundle of type transaction, batch,
// collection, searchset or document, or a single resource) into a patient
// record. It is DecodeAll with one document, and returns the same errors.
func Decode(ctx context.Context, data []byte, opts *DecodeOptions) (*Result, error) {
	return DecodeAll(ctx, [][]byte{data}, opts)
}

// DecodeAll decodes several documents describing one patient (for example a
// Patient resource and searchset Bundles of its conditions and
// observations, as CDS Hooks prefetch delivers them) into one record.
// References resolve across documents.
//
// Errors: [ErrNoAsOf] when opts has no as-of date; otherwise every problem
// found (up to MaxErrors), joined, each a [*DecodeError] naming the
// document, entry and JSON pointer, and wrapping [ErrTooLarge],
// [ErrTooDeep], [ErrSyntax], [ErrResourceType], [ErrBundleType],
// [ErrDanglingReference], [ErrNoPatient], [ErrMultiplePatients],
// [ErrDuplicate], [ErrMissing], [ErrInvalid] or
// [ErrAfterAsOf], or a [*patient.FieldError] from the record builder; and
// ctx.Err() if ctx ends.
func DecodeAll(ctx context.Context, docs [][]byte, opts *DecodeOptions) (*Result, error) {
	var o DecodeOptions
	if opts != nil {
		o = *opts
	}
	if o.AsOf.IsZero() {
		return nil, ErrNoAsOf
	}
	return decodeDocs(ctx, docs, o)
}

// LatestClinicalDate returns the latest date of any fact in the document
// that may not lie after a record's as-of date (onsets, starts, results,
// visits, procedures, vaccinations, notes). It is meant for test data such
// as Synthea bundles, whose dates are historical: a live service uses the
// current date. Errors are those of Decode; ErrMissing when no fact has a
// date.
func LatestClinicalDate(ctx context.Context, data []byte, opts *DecodeOptions) (time.Time, error) {
	var o DecodeOptions
	if opts != nil {
		o = *opts
	}
	o.AsOf = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	o.RejectAfterAsOf = false
	res, err := decodeDocs(ctx, [][]byte{data}, o)
	if err != nil {
		return time.Time{}, err
	}
	var latest time.Time
	see := func(t time.Time) {
		if t.After(latest) {
			latest = t
		}
	}
	r := res.Record
	for _, c := range r.Conditions() {
		see(c.Onset)
		see(c.Abatement)
	}
	for _, m := range r.Medications() {
		if m.Status != patient.MedicationIntended {
			see(m.Start)
		}
	}
	for _, a := range r.Allergies() {
		see(a.Recorded)
	}
	for _, ob := range r.Observations() {
		see(ob.Effective)
	}
	for _, e := range r.Encounters() {
		see(e.Start)
	}
	for _, p := range r.Procedures() {
		see(p.Performed)
	}
	for _, i := range r.Immunizations() {
		see(i.Date)
	}
	for _, n := range r.Notes() {
		see(n.Time)
	}
	if latest.IsZero() {
		return time.Time{}, &DecodeError{Entry: -1, Err: wrapf(ErrMissing, "no dated fact")}
	}
	return latest, nil
}

// entry is one resource of the input.
type entry struct {
	doc, idx  int
	ptr       string // pointer of the resource within its document
	fullURL   string
	typ, id   string
	raw       json.RawMessage
	dup       bool
	checked   bool // raw is known to be valid JSON
	contained map[string]json.RawMessage
}

func (e *entry) ref() string {
	if e.id != "" {
		return e.typ + "/" + e.id
	}
	return e.fullURL
}

type decoder struct {
	ctx      context.Context
	opts     DecodeOptions
	extra    map[string]bool
	entries  []*entry
	byURL    map[string]*entry
	byTypeID map[string]*entry
	patient  *entry
	errs     []error
	res      *Result
	b        *patient.Builder
	srcs     map[string][]*entry // builder list name -> entries, in the order added
}

// errStop ends decoding once MaxErrors problems are collected.
var errStop = errors.New("fhir: too many errors")

func decodeDocs(ctx context.Context, docs [][]byte, o DecodeOptions) (*Result, error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultMaxBytes
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = defaultMaxDepth
	}
	if o.MaxErrors <= 0 {
		o.MaxErrors = defaultMaxErrors
	}
	d := &decoder{
		ctx: ctx, opts: o, res: &Result{},
		byURL: map[string]*entry{}, byTypeID: map[string]*entry{}, srcs: map[string][]*entry{},
		b: patient.NewBuilder(o.AsOf, &patient.BuilderOptions{ExtraCodeSystems: o.ExtraCodeSystems}),
	}
	if len(o.ExtraCodeSystems) > 0 {
		d.extra = make(map[string]bool, len(o.ExtraCodeSystems))
		for _, s := range o.ExtraCodeSystems {
			d.extra[s] = true
		}
	}
	err := d.run(docs)
	if err != nil && !errors.Is(err, errStop) {
		return nil, err
	}
	if len(d.errs) > 0 {
		return nil, errors.Join(d.errs...)
	}
	return d.res, nil
}

func (d *decoder) fail(e *DecodeError) error {
	d.errs = append(d.errs, e)
	if len(d.errs) >= d.opts.MaxErrors {
		return errStop
	}
	return nil
}

func (d *decoder) run(docs [][]byte) error {
	for i, data := range docs {
		if err := d.ctx.Err(); err != nil {
			return err
		}
		if err := d.load(i, data); err != nil {
			return err
		}
	}
	if len(d.errs) > 0 {
		return nil // structural problems: stop before reading resources
	}
	if err := d.findPatient(); err != nil || len(d.errs) > 0 {
		return err
	}
	for n, e := range d.entries {
		if n%64 == 0 {
			if err := d.ctx.Err(); err != nil {
				return err
			}
		}
		if err := d.convert(e); err != nil {
			return err
		}
	}
	if len(d.errs) > 0 {
		return nil
	}
	rec, err := d.b.Build()
	if err != nil {
		return d.builderErrors(err)
	}
	d.res.Record = rec
	return nil
}

// load reads one document's envelope and indexes its resources.
func (d *decoder) load(doc int, data []byte) error {
	whole := func(err error) error { return d.fail(&DecodeError{Doc: doc, Entry: -1, Err: err}) }
	if len(data) > d.opts.MaxBytes {
		return whole(wrapf(ErrTooLarge, strconv.Itoa(len(data))+" bytes, limit "+strconv.Itoa(d.opts.MaxBytes)))
	}
	typ, ok := peekType(data)
	id := ""
	if ok && typ != "Bundle" {
		_, id, _ = peekHeader(data)
	}
	if !ok || typ != "Bundle" {
		if at := checkDepth(data, d.opts.MaxDepth); at >= 0 {
			return d.fail(&DecodeError{Doc: doc, Entry: -1, Pointer: pointerAt(data, int64(at)+1),
				Err: wrapf(ErrTooDeep, "limit "+strconv.Itoa(d.opts.MaxDepth))})
		}
		if !json.Valid(data) {
			var v any
			return d.fail(jsonError(doc, -1, "", data, json.Unmarshal(data, &v)))
		}
	}
	switch {
	case !ok:
		return whole(wrapf(ErrResourceType, "document is not a JSON object"))
	case typ == "":
		return d.fail(&DecodeError{Doc: doc, Entry: -1, Pointer: "/resourceType", Err: ErrResourceType})
	case typ != "Bundle":
		return d.add(&entry{doc: doc, idx: -1, typ: typ, id: id, raw: data, checked: true})
	}
	b, serr := splitBundle(data, d.opts.MaxDepth)
	if serr != nil {
		return d.fail(splitFailure(doc, data, serr, d.opts.MaxDepth))
	}
	switch b.typ {
	case BundleTransaction, BundleBatch, BundleCollection, BundleSearchset, BundleDocument:
	case "":
		return d.fail(&DecodeError{Doc: doc, Entry: -1, Pointer: "/type", Err: ErrMissing})
	default:
		return d.fail(&DecodeError{Doc: doc, Entry: -1, Pointer: "/type", Err: wrapf(ErrBundleType, "only transaction, batch, collection, searchset and document bundles are decoded")})
	}
	urls := make(map[string]int, len(b.entries))
	for i, be := range b.entries {
		base := "/entry/" + strconv.Itoa(i)
		if be.fullURL != "" {
			if _, dup := urls[be.fullURL]; dup {
				if err := d.fail(&DecodeError{Doc: doc, Entry: i, Pointer: base + "/fullUrl", Err: ErrDuplicate}); err != nil {
					return err
				}
				continue
			}
			urls[be.fullURL] = i
		}
		if be.resource == nil {
			d.res.Notices = append(d.res.Notices, Notice{Doc: doc, Entry: i, Pointer: base, Excluded: true, Reason: ReasonNoResource})
			continue
		}
		rt, rid, ok := peekHeader(be.resource)
		if !ok {
			if err := d.fail(&DecodeError{Doc: doc, Entry: i, Pointer: base + "/resource", Err: wrapf(ErrResourceType, "resource is not a JSON object")}); err != nil {
				return err
			}
			continue
		}
		if rt == "" {
			if err := d.fail(&DecodeError{Doc: doc, Entry: i, Pointer: base + "/resource/resourceType", Err: ErrResourceType}); err != nil {
				return err
			}
			continue
		}
		if err := d.add(&entry{doc: doc, idx: i, ptr: base + "/resource", fullURL: be.fullURL, typ: rt, id: rid, raw: be.resource}); err != nil {
			return err
		}
	}
	return nil
}

// add indexes an entry. A second resource with the same Type/id (the same
// Patient in two prefetch documents, say) is kept out of the record.
func (d *decoder) add(e *entry) error {
	if e.id != "" {
		key := e.typ + "/" + e.id
		if _, seen := d.byTypeID[key]; seen {
			e.dup = true
		} else {
			d.byTypeID[key] = e
		}
	}
	if e.fullURL != "" {
		if _, seen := d.byURL[e.fullURL]; !seen {
			d.byURL[e.fullURL] = e
		}
	}
	d.entries = append(d.entries, e)
	return nil
}

func (d *decoder) findPatient() error {
	for _, e := range d.entries {
		if e.typ != "Patient" || e.dup {
			continue
		}
		if d.patient != nil {
			return d.fail(&DecodeError{Doc: e.doc, Entry: e.idx, Pointer: e.ptr, Err: ErrMultiplePatients})
		}
		d.patient = e
	}
	if d.patient == nil {
		return d.fail(&DecodeError{Entry: -1, Err: ErrNoPatient})
	}
	d.res.Patient = d.patient.ref()
	return nil
}

// resolve finds the resource a reference names: "#id" among from's
// contained resources; "urn:uuid:..." and absolute URLs by fullUrl;
// "Type/id" (optionally with a version) by type and id, or against the base
// of from's fullUrl. It returns the target's raw JSON, its entry (nil for a
// contained resource) and whether it was found. A reference that cannot
// resolve anywhere but in the input ("#", "urn:") is reported by the
// caller as dangling; others only when careguard needs the target.
func (d *decoder) resolve(from *entry, ref string) (json.RawMessage, *entry, bool) {
	switch {
	case ref == "":
		return nil, nil, false
	case strings.HasPrefix(ref, "#"):
		raw, ok := d.containedOf(from)[ref[1:]]
		return raw, nil, ok
	}
	if e, ok := d.byURL[ref]; ok {
		return e.raw, e, true
	}
	if strings.HasPrefix(ref, "urn:") {
		return nil, nil, false
	}
	key := ref
	if i := strings.Index(key, "/_history/"); i >= 0 {
		key = key[:i]
	}
	if strings.Contains(key, "://") {
		// An absolute URL that is no fullUrl: match its last Type/id.
		parts := strings.Split(key, "/")
		if len(parts) < 2 {
			return nil, nil, false
		}
		key = parts[len(parts)-2] + "/" + parts[len(parts)-1]
	} else if base, ok := urlBase(from.fullURL); ok {
		if e, ok := d.byURL[base+key]; ok {
			return e.raw, e, true
		}
	}
	if e, ok := d.byTypeID[key]; ok {
		return e.raw, e, true
	}
	return nil, nil, false
}

// urlBase returns the service base of an absolute fullUrl ending in
// Type/id: "http://x/fhir/Patient/1" -> "http://x/fhir/".
func urlBase(fullURL string) (string, bool) {
	if !strings.Contains(fullURL, "://") {
		return "", false
	}
	i := strings.LastIndexByte(fullURL, '/')
	if i < 0 {
		return "", false
	}
	j := strings.LastIndexByte(fullURL[:i], '/')
	if j < 0 {
		return "", false
	}
	return fullURL[:j+1], true
}

func (d *decoder) containedOf(e *entry) map[string]json.RawMessage {
	if e == nil {
		return nil
	}
	if e.contained == nil {
		e.contained = map[string]json.RawMessage{}
		var c struct {
			Contained []json.RawMessage `json:"contained"`
		}
		if json.Unmarshal(e.raw, &c) == nil {
			for _, raw := range c.Contained {
				if _, id, ok := peekHeader(raw); ok && id != "" {
					e.contained[id] = raw
				}
			}
		}
	}
	return e.contained
}

// builderErrors locates the record builder's field errors in the input.
func (d *decoder) builderErrors(err error) error {
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	for _, e := range list {
		de := &DecodeError{Entry: -1, Err: e}
		var fe *patient.FieldError
		if errors.As(e, &fe) {
			d.locate(de, fe.Field)
		}
		if ferr := d.fail(de); ferr != nil {
			return ferr
		}
	}
	return nil
}

// locate fills in where a builder field path ("conditions[2].code") came
// from.
func (d *decoder) locate(de *DecodeError, field string) {
	name, rest, _ := strings.Cut(field, ".")
	if name == "demographics" || name == "identity" {
		if d.patient != nil {
			de.Doc, de.Entry, de.Pointer = d.patient.doc, d.patient.idx, d.patient.ptr
		}
		return
	}
	list, idx, ok := strings.Cut(name, "[")
	if !ok {
		return
	}
	i, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
	srcs := d.srcs[list]
	if err != nil || i < 0 || i >= len(srcs) {
		return
	}
	e := srcs[i]
	de.Doc, de.Entry, de.Pointer = e.doc, e.idx, e.ptr+fieldPointer(rest)
}

// fieldPointer maps the first part of a builder field path to the FHIR
// element it came from, where that is unambiguous.
func fieldPointer(rest string) string {
	name, _, _ := strings.Cut(rest, ".")
	switch {
	case name == "code":
		return "/code"
	case name == "substance":
		return "/code"
	case name == "vaccine":
		return "/vaccineCode"
	case name == "clinical_status":
		return "/clinicalStatus"
	case name == "verification":
		return "/verificationStatus"
	case name == "type":
		return "/type"
	}
	return ""
}

// known reports whether codes from system are kept.
func (d *decoder) known(system string) bool {
	return terminology.KnownSystem(system) || d.extra[system]
}
