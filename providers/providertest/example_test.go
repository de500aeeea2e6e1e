package providertest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/providers/providertest"
)

// Check returns nil for a provider that keeps the contract. In a test, call
// Run instead:
//
//	func TestConformance(t *testing.T) {
//		providertest.Run(t, func(*testing.T) providers.Provider { return fake.NewFunc(fake.Echo) })
//	}
func ExampleCheck() {
	err := providertest.Check(context.Background(), func() providers.Provider {
		return fake.NewFunc(fake.Echo)
	})
	fmt.Println("violations:", err)
	// Output:
	// violations: <nil>
}

// stubborn answers even when its caller has given up.
type stubborn struct{}

func (stubborn) Generate(_ context.Context, req *providers.Request) (*providers.Response, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return &providers.Response{Text: "ok", FinishReason: providers.FinishStop, Provider: "stubborn"}, nil
}

// Listing the checks a provider fails.
func ExampleViolation() {
	err := providertest.Check(context.Background(), func() providers.Provider { return stubborn{} })
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var v *providertest.Violation
		if errors.As(e, &v) {
			fmt.Println(v.Check)
		}
	}
	// Output:
	// Context/Canceled
	// Context/DeadlineExceeded
}
