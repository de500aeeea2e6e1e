package terminology_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/careguard/careguard/terminology"
)

func ExampleValueSet_Contains() {
	diabetes := terminology.Diabetes()
	fmt.Println(diabetes.Contains(terminology.SystemICD10CM, "E11.65")) // under the E11 prefix
	fmt.Println(diabetes.Contains(terminology.SystemICD10CM, "e1165"))  // dot and case do not matter
	fmt.Println(diabetes.Contains(terminology.SystemSNOMED, "44054006"))
	fmt.Println(diabetes.Contains(terminology.SystemICD10CM, "O24.410")) // gestational: left out
	// Output:
	// true
	// true
	// true
	// false
}

func ExampleDrugs_IngredientsOf() {
	drugs := terminology.DefaultDrugs()
	for _, m := range []terminology.MedicationCode{
		{System: terminology.SystemRxNorm, Code: "860975"}, // a product code
		{Display: "Naproxen sodium 220 MG Oral Tablet"},    // a name only
		{Display: "lisinopril 20 MG / hydrochlorothiazide 12.5 MG"},
	} {
		for _, rxcui := range drugs.IngredientsOf(m) {
			in, _ := drugs.Ingredient(rxcui)
			var classes []string
			for _, c := range drugs.ClassesOf(rxcui) {
				classes = append(classes, c.ID)
			}
			fmt.Println(rxcui, in.Name, classes)
		}
	}
	// Output:
	// 6809 metformin [biguanide]
	// 7258 naproxen [nsaid]
	// 29046 lisinopril [ace-inhibitor]
	// 5487 hydrochlorothiazide [diuretic thiazide]
}

func ExampleDrugs_FindInText() {
	drugs := terminology.DefaultDrugs()
	text := "Started insulin glargine; stopped Glyburide."
	for _, m := range drugs.FindInText(text) {
		fmt.Printf("%s %q\n", m.RxCUI, text[m.Start:m.End])
	}
	// Output:
	// 274783 "insulin glargine"
	// 4815 "Glyburide"
}

func ExampleLoadRxNorm() {
	conso, err := os.Open(filepath.Join("testdata", "rxnorm", "RXNCONSO.RRF"))
	if err != nil {
		log.Fatal(err)
	}
	defer conso.Close()
	rel, err := os.Open(filepath.Join("testdata", "rxnorm", "RXNREL.RRF"))
	if err != nil {
		log.Fatal(err)
	}
	defer rel.Close()
	release, err := terminology.LoadRxNorm(context.Background(), conso, rel, &terminology.RxNormOptions{Citation: "fixture release"})
	if err != nil {
		log.Fatal(err)
	}
	drugs := terminology.DefaultDrugs().Extend(release.Ingredients, release.Products, nil, release.Synonyms)
	pack := terminology.MedicationCode{System: terminology.SystemRxNorm, Code: "90000016"}
	for _, rxcui := range drugs.IngredientsOf(pack) {
		in, _ := drugs.Ingredient(rxcui)
		fmt.Println(rxcui, in.Name, "-", in.Source.Citation)
	}
	// Output:
	// 90000010 alphazine - fixture release
	// 90000011 betazol - fixture release
}
