package terminology_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/careguard/careguard/terminology"
)

// FuzzFindInText checks that FindInText never panics on any text, that
// every mention's span lies within the text, in order and without overlap,
// that spans start and end on whole runes (the separators inside a
// multi-word name may be any bytes), and that the span's own text names the
// same ingredient and nothing else: it normalises to a known name.
func FuzzFindInText(f *testing.F) {
	for _, s := range []string{
		"", "metformin", "METFORMIN 500 mg BID", "metforminX", "insulin glargine 10 units qHS",
		"Naproxen sodium 220 MG Oral Tablet", "Diazepam [Valium]", "pt on warfarin;aspirin;clopidogrel",
		"Ärzte: lisinopril ÿ", "\xff\xfemetformin\xff", "insulin\n\tglargine", "İnsulin GLARGİNE",
		"24 HR Metformin hydrochloride 500 MG Extended Release Oral Tablet",
	} {
		f.Add(s)
	}
	d := terminology.DefaultDrugs()
	f.Fuzz(func(t *testing.T, text string) {
		ms := d.FindInText(text)
		prevEnd := 0
		for _, m := range ms {
			if m.Start < prevEnd || m.Start >= m.End || m.End > len(text) {
				t.Fatalf("mention %+v out of order or outside text of %d bytes (previous end %d)", m, len(text), prevEnd)
			}
			prevEnd = m.End
			span := text[m.Start:m.End]
			if r, _ := utf8.DecodeRuneInString(span); r == utf8.RuneError {
				t.Fatalf("mention %+v starts inside or at an invalid rune: %q", m, span)
			}
			if r, _ := utf8.DecodeLastRuneInString(span); r == utf8.RuneError {
				t.Fatalf("mention %+v ends inside or at an invalid rune: %q", m, span)
			}
			again := d.FindInText(span)
			if len(again) != 1 || again[0] != (terminology.Mention{RxCUI: m.RxCUI, Start: 0, End: len(span), Key: m.Key}) {
				t.Fatalf("span %q of mention %+v does not name %s alone: %+v", span, m, m.Key, again)
			}
		}
	})
}

// FuzzLoadRxNorm checks that the RRF loader never panics, that it fails
// only with an *RRFError, and that every product it returns maps to
// ingredients it also returns.
func FuzzLoadRxNorm(f *testing.F) {
	conso, _ := os.ReadFile(filepath.Join("testdata", "rxnorm", "RXNCONSO.RRF"))
	rel, _ := os.ReadFile(filepath.Join("testdata", "rxnorm", "RXNREL.RRF"))
	f.Add(string(conso), string(rel))
	f.Add("", "")
	f.Add("1|ENG||||||A|||1|RXNORM|IN|1|x||N||\n2|ENG||||||B|||2|RXNORM|SCD|2|x 1 MG||N||", "1||CUI|RO|2||CUI|ingredient_of|||RXNORM|||||||")
	f.Add("|||||||||||||||||", "||||||||||||||||")
	f.Fuzz(func(t *testing.T, conso, rel string) {
		r, err := terminology.LoadRxNorm(t.Context(), strings.NewReader(conso), strings.NewReader(rel), &terminology.RxNormOptions{MaxLineBytes: 4096})
		if err != nil {
			var re *terminology.RRFError
			if !errors.As(err, &re) {
				t.Fatalf("not an *RRFError: %v", err)
			}
			return
		}
		ins := map[string]bool{}
		for _, in := range r.Ingredients {
			ins[in.RxCUI] = true
		}
		for _, p := range r.Products {
			if len(p.Ingredients) == 0 {
				t.Fatalf("product %s without ingredients", p.RxCUI)
			}
			for _, in := range p.Ingredients {
				if !ins[in] {
					t.Fatalf("product %s names %s, which is not an ingredient of the release", p.RxCUI, in)
				}
			}
		}
		for _, in := range r.Synonyms {
			if !ins[in] {
				t.Fatalf("synonym for %s, which is not an ingredient", in)
			}
		}
		_ = terminology.DefaultDrugs().Extend(r.Ingredients, r.Products, nil, r.Synonyms)
	})
}
