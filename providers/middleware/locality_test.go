package middleware_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
	"github.com/careguard/careguard/providers/middleware"
)

func TestLocalityPassesThrough(t *testing.T) {
	local := fake.NewWithOptions(&fake.Options{Local: true})
	remote := fake.New()
	stack := func(p providers.Provider) providers.Provider {
		return middleware.NewBreaker(middleware.NewRetry(middleware.NewRateLimit(middleware.NewTimeout(p, 0), nil), nil), nil)
	}
	tests := []struct {
		name   string
		p      providers.Provider
		want   bool
		reason string
	}{
		{"local behind every wrapper", stack(local), true, "a wrapper sends where its provider sends"},
		{"remote behind every wrapper", stack(remote), false, "wrapping never makes a provider local"},
		{"fallback local to local", middleware.NewFallback(stack(local), local, nil), true, "both sides stay on the machine"},
		{"fallback local to remote", middleware.NewFallback(stack(local), remote, nil), false, "the fallback may send to the remote side"},
		{"fallback remote to local", middleware.NewFallback(remote, local, nil), false, "the primary is remote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, providers.IsLocal(tt.p), tt.reason)
		})
	}
}
