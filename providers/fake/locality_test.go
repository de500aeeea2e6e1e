package fake_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/fake"
)

func TestLocal(t *testing.T) {
	tests := []struct {
		name   string
		m      *fake.Model
		want   bool
		reason string
	}{
		{name: "New", m: fake.New(), want: false, reason: "the fake stands in for a vendor's API by default"},
		{name: "NewFunc", m: fake.NewFunc(fake.Echo), want: false, reason: "likewise"},
		{name: "options without Local", m: fake.NewWithOptions(&fake.Options{Model: "m"}), want: false, reason: "Local is opt-in"},
		{name: "Local", m: fake.NewWithOptions(&fake.Options{Local: true}), want: true, reason: "a stand-in for a local model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.m.Local(), tt.reason)
			assert.Equal(t, tt.want, providers.IsLocal(tt.m), tt.reason)
		})
	}
}
