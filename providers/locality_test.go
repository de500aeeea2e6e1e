package providers_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
)

type remote struct{}

func (remote) Generate(context.Context, *providers.Request) (*providers.Response, error) {
	return &providers.Response{FinishReason: providers.FinishStop}, nil
}

type located struct {
	remote
	local bool
}

func (l located) Local() bool { return l.local }

func TestIsLocal(t *testing.T) {
	tests := []struct {
		name   string
		p      providers.Provider
		want   bool
		reason string
	}{
		{name: "nil", p: nil, want: false, reason: "no provider is not a local one"},
		{name: "no locality", p: remote{}, want: false, reason: "a provider that does not say is remote"},
		{name: "says remote", p: located{local: false}, want: false, reason: "it says so"},
		{name: "says local", p: located{local: true}, want: true, reason: "it says so"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, providers.IsLocal(tt.p), tt.reason)
		})
	}
}

// IsLocal decides whether prompts must be de-identified: the fake model
// stands in for a vendor's API unless told it is local.
func ExampleIsLocal() {
	fmt.Println(providers.IsLocal(fake.New()))
	fmt.Println(providers.IsLocal(fake.NewWithOptions(&fake.Options{Local: true})))
	// Output:
	// false
	// true
}
