package terminology_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/terminology"
)

func openRRF(t *testing.T) (conso, rel *os.File) {
	t.Helper()
	c, err := os.Open(filepath.Join("testdata", "rxnorm", "RXNCONSO.RRF"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	r, err := os.Open(filepath.Join("testdata", "rxnorm", "RXNREL.RRF"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close() })
	return c, r
}

func TestLoadRxNorm(t *testing.T) {
	conso, rel := openRRF(t)
	r, err := terminology.LoadRxNorm(t.Context(), conso, rel, &terminology.RxNormOptions{Citation: "fixture release"})
	require.NoError(t, err)

	var ins []string
	for _, in := range r.Ingredients {
		ins = append(ins, in.RxCUI+" "+in.Name)
		assert.Equal(t, "fixture release", in.Source.Citation, "every entry cites the release")
		assert.NotEmpty(t, in.Source.URL)
	}
	assert.Equal(t, []string{"6809 metformin", "90000010 alphazine", "90000011 betazol"}, ins,
		"IN concepts only: the synonym, the other source and the suppressed ingredient are left out")

	got := map[string][]string{}
	for _, p := range r.Products {
		got[p.RxCUI] = p.Ingredients
	}
	assert.Equal(t, map[string][]string{
		"860975":   {"6809"},                 // SCD -> SCDC -> IN, and SCDC -> PIN -> IN
		"90000004": {"6809"},                 // SBD -> SCD, and SBD -> BN -> IN
		"90000015": {"90000010", "90000011"}, // two components, and the MIN's parts
		"90000016": {"90000010", "90000011"}, // a pack -> the drug it contains
	}, got, "products map to the ingredients their relationships reach; the orphan reaches none and is left out")

	assert.Equal(t, map[string]string{"metformin hydrochloride": "6809", "Glucofake": "6809"}, r.Synonyms,
		"a precise ingredient and a single-ingredient brand name their ingredient; the two-ingredient MIN does not")
}

func TestLoadRxNormSuppressed(t *testing.T) {
	conso, rel := openRRF(t)
	r, err := terminology.LoadRxNorm(t.Context(), conso, rel, &terminology.RxNormOptions{IncludeSuppressed: true})
	require.NoError(t, err)
	found := false
	for _, p := range r.Products {
		if p.RxCUI == "90000021" {
			found = true
			assert.Equal(t, []string{"90000020"}, p.Ingredients, "with suppressed concepts, the orphan reaches oldazine")
		}
	}
	assert.True(t, found)
}

func TestLoadRxNormErrors(t *testing.T) {
	good := "6809|ENG||||||A1|||6809|RXNORM|IN|6809|metformin||N|4096|\n"
	goodRel := "6809||CUI|RO|860975||CUI|ingredient_of|R||RXNORM|RXNORM||||N||\n"
	tests := []struct {
		name     string
		conso    string
		rel      string
		opts     *terminology.RxNormOptions
		want     error
		wantFile string
		wantLine int
		reason   string
	}{
		{"short conso row", good + "6809|ENG|x\n", goodRel, nil, terminology.ErrRRFFormat, "RXNCONSO.RRF", 2, "a row must have every column"},
		{"bad conso rxcui", "abc|ENG||||||A1|||6809|RXNORM|IN|6809|metformin||N|4096|\n", goodRel, nil,
			terminology.ErrRRFFormat, "RXNCONSO.RRF", 1, "an RXCUI is a number"},
		{"short rel row", good, "6809|x\n", nil, terminology.ErrRRFFormat, "RXNREL.RRF", 1, "relationship rows too"},
		{"bad rel rxcui", good, "6809||CUI|RO|86x||CUI|ingredient_of|R||RXNORM|RXNORM||||N||\n", nil,
			terminology.ErrRRFFormat, "RXNREL.RRF", 1, "concept-level relationships name RXCUIs"},
		{"row limit", good + good, goodRel, &terminology.RxNormOptions{MaxRows: 1}, terminology.ErrRRFLimit, "RXNCONSO.RRF", 2,
			"the row bound stops an oversized file"},
		{"line too long", good + strings.Repeat("9", 200) + "\n", goodRel, &terminology.RxNormOptions{MaxLineBytes: 100},
			terminology.ErrRRFFormat, "RXNCONSO.RRF", 2, "the line bound"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := terminology.LoadRxNorm(t.Context(), strings.NewReader(tt.conso), strings.NewReader(tt.rel), tt.opts)
			require.ErrorIs(t, err, tt.want, tt.reason)
			var re *terminology.RRFError
			require.ErrorAs(t, err, &re, tt.reason)
			assert.Equal(t, tt.wantFile, re.File, tt.reason)
			assert.Equal(t, tt.wantLine, re.Line, tt.reason)
		})
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := terminology.LoadRxNorm(ctx, strings.NewReader(good), strings.NewReader(goodRel), nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestDrugsExtend(t *testing.T) {
	conso, rel := openRRF(t)
	r, err := terminology.LoadRxNorm(t.Context(), conso, rel, nil)
	require.NoError(t, err)
	base := terminology.DefaultDrugs()
	d := base.Extend(r.Ingredients, r.Products, nil, r.Synonyms)

	rx := func(code string) terminology.MedicationCode {
		return terminology.MedicationCode{System: terminology.SystemRxNorm, Code: code}
	}
	assert.Equal(t, []string{"90000010", "90000011"}, d.IngredientsOf(rx("90000016")), "a release's pack resolves")
	assert.Empty(t, base.IngredientsOf(rx("90000016")), "the table extended is unchanged")
	assert.Equal(t, []string{"6809"}, d.IngredientsOf(terminology.MedicationCode{Display: "Glucofake 500"}), "a release's brand name is found in text")
	assert.Equal(t, []string{"6809"}, d.IngredientsOf(rx("860975")), "shipped products still resolve")
	assert.Equal(t, []string{"3322"}, d.IngredientsOf(terminology.MedicationCode{Display: "Valium"}), "shipped synonyms are kept")
	c, ok := d.Class("biguanide")
	require.True(t, ok, "shipped classes are kept")
	assert.True(t, c.Has("6809"))
	in, _ := d.Ingredient("6809")
	assert.Equal(t, "RxNorm release (RXNCONSO.RRF, RXNREL.RRF) supplied by the deployer", in.Source.Citation,
		"the release wins where it shares an RxCUI with the table")
}
