package providertest

import (
	"context"
	"errors"
	"testing"

	"github.com/careguard/careguard/providers"
)

// Run runs the conformance checks against providers made by newProvider,
// each check in its own subtest (for example "Context/Canceled") with a
// fresh provider. newProvider may use t for setup, t.Cleanup and t.Fatal;
// it must return a provider that answers every well-formed request with a
// successful reply.
func Run(t *testing.T, newProvider func(t *testing.T) providers.Provider) {
	t.Helper()
	runChecks(t, checks(), newProvider)
}

func runChecks(t *testing.T, cs []check, newProvider func(t *testing.T) providers.Provider) {
	t.Helper()
	for _, c := range cs {
		t.Run(c.name, func(t *testing.T) {
			if c.sub != nil {
				runChecks(t, c.sub, newProvider)
				return
			}
			p := newProvider(t)
			if p == nil {
				t.Fatal("providertest: newProvider returned a nil Provider")
			}
			for _, err := range c.run(t.Context(), p) {
				t.Error(err)
			}
		})
	}
}

// Check runs the same checks as [Run] against providers made by newProvider,
// a fresh one per check, and returns nil if the provider kept every rule, or
// the [errors.Join] of a *[Violation] for each rule it broke. All calls use
// contexts derived from ctx.
func Check(ctx context.Context, newProvider func() providers.Provider) error {
	var errs []error
	walk(checks(), "", func(name string, run checkFunc) {
		p := newProvider()
		if p == nil {
			errs = append(errs, &Violation{Check: name, Err: errors.New("newProvider returned a nil Provider")})
			return
		}
		for _, err := range run(ctx, p) {
			errs = append(errs, &Violation{Check: name, Err: err})
		}
	})
	return errors.Join(errs...)
}

func walk(cs []check, prefix string, f func(name string, run checkFunc)) {
	for _, c := range cs {
		name := prefix + c.name
		if c.sub != nil {
			walk(c.sub, name+"/", f)
			continue
		}
		f(name, c.run)
	}
}

// Violation is a rule of the [providers.Provider] contract that a provider
// broke, as reported by [Check].
type Violation struct {
	// Check names the check as the subtest path [Run] uses, for example
	// "Context/Canceled".
	Check string
	// Err says what the provider did. It wraps the provider's own error
	// when there was one.
	Err error
}

func (v *Violation) Error() string {
	return "providertest: " + v.Check + ": " + v.Err.Error()
}

// Unwrap returns v.Err.
func (v *Violation) Unwrap() error { return v.Err }
