package terminology

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Errors from LoadRxNorm.
var (
	// ErrRRFFormat: a row of an RRF file is malformed: too few fields, a
	// non-numeric RXCUI, an over-long line.
	ErrRRFFormat = errors.New("terminology: malformed RRF row")
	// ErrRRFLimit: a file has more rows than RxNormOptions.MaxRows.
	ErrRRFLimit = errors.New("terminology: RRF file exceeds the row limit")
)

// RRFError is a problem at one line of an RRF file.
type RRFError struct {
	File string // "RXNCONSO.RRF" or "RXNREL.RRF"
	Line int    // 1-based
	Err  error
}

func (e *RRFError) Error() string {
	return "terminology: " + e.File + " line " + strconv.Itoa(e.Line) + ": " + strings.TrimPrefix(e.Err.Error(), "terminology: ")
}

func (e *RRFError) Unwrap() error { return e.Err }

// RxNormOptions configures LoadRxNorm. The zero value (or nil) gives the
// defaults noted on each field.
type RxNormOptions struct {
	// Citation names the release in every entry's Source, e.g. "RxNorm
	// full release 2025-11-03". Default "RxNorm release (RXNCONSO.RRF,
	// RXNREL.RRF) supplied by the deployer".
	Citation string
	// MaxLineBytes bounds one line. Default 64 KiB (RxNorm lines are a few
	// hundred bytes).
	MaxLineBytes int
	// MaxRows bounds the rows read from each file; 0 means no bound.
	MaxRows int
	// IncludeSuppressed keeps concepts whose SUPPRESS flag is not N.
	IncludeSuppressed bool
}

// RxNormRelease is what LoadRxNorm read from a release: ingredients (term
// type IN), products (SCD, SBD, GPCK, BPCK) with the ingredients reached
// through RxNorm's relationships, and synonyms (precise-ingredient and
// single-ingredient brand names) for [Drugs.Extend].
type RxNormRelease struct {
	Ingredients []Ingredient
	Products    []Product
	Synonyms    map[string]string
}

// The RRF columns used (RxNorm Technical Documentation, section 12).
const (
	consoRXCUI, consoLAT, consoSAB, consoTTY, consoSTR, consoSUPPRESS, consoFields      = 0, 1, 11, 12, 14, 16, 18
	relRXCUI1, relSTYPE1, relRXCUI2, relSTYPE2, relRELA, relSAB, relSUPPRESS, relFields = 0, 2, 4, 6, 7, 10, 14, 16
)

// LoadRxNorm reads a deployer's RxNorm release: RXNCONSO.RRF (concept
// names) and RXNREL.RRF (relationships), pipe-delimited, as NLM
// distributes them (the full release, or the prescribable subset, which
// needs no UMLS licence). Only rows with SAB=RXNORM and, unless
// IncludeSuppressed, SUPPRESS=N are used.
//
// A row (RXCUI1, RELA, RXCUI2) of RXNREL states "RXCUI2 RELA RXCUI1". A
// product's ingredients are the IN concepts reached from it by following
// consists_of, has_ingredient, has_precise_ingredient, has_ingredients,
// has_part, form_of, tradename_of, contains and isa (and the inverse
// names read backwards), so SCD -> SCDC -> IN, SBD -> SCD -> ... and
// packs -> their drugs all resolve.
//
// Errors: a *[RRFError] wrapping [ErrRRFFormat] or [ErrRRFLimit]; an error
// from reading either file; ctx.Err() if ctx ends.
func LoadRxNorm(ctx context.Context, conso, rel io.Reader, opts *RxNormOptions) (*RxNormRelease, error) {
	var o RxNormOptions
	if opts != nil {
		o = *opts
	}
	if o.Citation == "" {
		o.Citation = "RxNorm release (RXNCONSO.RRF, RXNREL.RRF) supplied by the deployer"
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 64 << 10
	}

	tty := map[string]string{}  // RXCUI -> term type of its RXNORM name
	name := map[string]string{} // RXCUI -> its RXNORM name
	err := readRRF(ctx, conso, "RXNCONSO.RRF", consoFields, o, func(f []string) error {
		if f[consoSAB] != "RXNORM" || f[consoLAT] != "ENG" || (!o.IncludeSuppressed && f[consoSUPPRESS] != "N") {
			return nil
		}
		cui := f[consoRXCUI]
		if !isRxCUI(cui) {
			return errNotRxCUI
		}
		t := f[consoTTY]
		switch t {
		case "IN", "PIN", "MIN", "BN", "SCD", "SBD", "GPCK", "BPCK", "SCDC", "SBDC", "SCDF", "SBDF", "SCDG", "SBDG":
		default:
			return nil // synonyms (SY, TMSY, PSN) and other term types
		}
		tty[cui], name[cui] = t, f[consoSTR]
		return nil
	})
	if err != nil {
		return nil, err
	}

	down := map[string][]string{} // X -> Y for "X rela Y" pointing towards ingredients
	err = readRRF(ctx, rel, "RXNREL.RRF", relFields, o, func(f []string) error {
		if f[relSAB] != "RXNORM" || f[relSTYPE1] != "CUI" || f[relSTYPE2] != "CUI" ||
			(!o.IncludeSuppressed && f[relSUPPRESS] != "" && f[relSUPPRESS] != "N") {
			return nil
		}
		c1, c2 := f[relRXCUI1], f[relRXCUI2]
		if !isRxCUI(c1) || !isRxCUI(c2) {
			return errNotRxCUI
		}
		// The row states "c2 RELA c1".
		switch f[relRELA] {
		case "consists_of", "has_ingredient", "has_precise_ingredient", "has_ingredients", "has_part",
			"form_of", "tradename_of", "contains", "isa":
			down[c2] = append(down[c2], c1)
		case "constitutes", "ingredient_of", "precise_ingredient_of", "ingredients_of", "part_of",
			"has_form", "has_tradename", "contained_in", "inverse_isa":
			down[c1] = append(down[c1], c2)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	r := &RxNormRelease{Synonyms: map[string]string{}}
	ingredientsOf := func(start string) []string {
		seen := map[string]bool{start: true}
		queue := []string{start}
		var out []string
		for len(queue) > 0 {
			c := queue[0]
			queue = queue[1:]
			for _, n := range down[c] {
				if seen[n] {
					continue
				}
				seen[n] = true
				if tty[n] == "IN" {
					out = append(out, n)
					continue // ingredients are leaves
				}
				if _, known := tty[n]; known {
					queue = append(queue, n)
				}
			}
		}
		slices.SortFunc(out, compareRxCUI)
		return out
	}
	src := func(cui string) Source { return Source{Citation: o.Citation, URL: rxnav(cui)} }
	for _, cui := range slices.SortedFunc(maps.Keys(tty), compareRxCUI) {
		switch tty[cui] {
		case "IN":
			r.Ingredients = append(r.Ingredients, Ingredient{RxCUI: cui, Name: strings.ToLower(name[cui]), Source: src(cui)})
		case "SCD", "SBD", "GPCK", "BPCK":
			if ins := ingredientsOf(cui); len(ins) > 0 {
				r.Products = append(r.Products, Product{RxCUI: cui, Name: name[cui], Ingredients: ins, Source: src(cui)})
			}
		case "PIN", "BN":
			// A precise ingredient ("metformin hydrochloride") or a brand
			// of one ingredient names that ingredient.
			if ins := ingredientsOf(cui); len(ins) == 1 {
				r.Synonyms[name[cui]] = ins[0]
			}
		}
	}
	return r, nil
}

var errNotRxCUI = errors.New("RXCUI is not a number")

func isRxCUI(s string) bool {
	if s == "" || len(s) > 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// readRRF calls row for every line of an RRF file with its fields.
func readRRF(ctx context.Context, in io.Reader, file string, fields int, o RxNormOptions, row func([]string) error) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, min(o.MaxLineBytes, 64<<10)), o.MaxLineBytes)
	line := 0
	buf := make([]string, 0, fields+2)
	for sc.Scan() {
		line++
		if line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if o.MaxRows > 0 && line > o.MaxRows {
			return &RRFError{File: file, Line: line, Err: ErrRRFLimit}
		}
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			continue
		}
		buf = buf[:0]
		for s := range strings.SplitSeq(text, "|") {
			buf = append(buf, s)
		}
		if len(buf) < fields {
			return &RRFError{File: file, Line: line, Err: fmt.Errorf("%w: expected %d fields, got %d", ErrRRFFormat, fields, len(buf))}
		}
		if err := row(buf); err != nil {
			return &RRFError{File: file, Line: line, Err: fmt.Errorf("%w: %w", ErrRRFFormat, err)}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &RRFError{File: file, Line: line + 1, Err: fmt.Errorf("%w: line longer than MaxLineBytes", ErrRRFFormat)}
		}
		return err
	}
	return ctx.Err()
}
