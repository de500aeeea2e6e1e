package ollamachat_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/careguard/careguard/providers"
	"github.com/careguard/careguard/providers/ollamachat"
)

func TestLocal(t *testing.T) {
	tests := []struct {
		base   string
		want   bool
		reason string
	}{
		{base: "", want: true, reason: "the default base URL is 127.0.0.1"},
		{base: "http://localhost:11434", want: true, reason: "localhost is this machine"},
		{base: "http://127.3.4.5:8080", want: true, reason: "all of 127.0.0.0/8 is loopback"},
		{base: "http://[::1]:11434", want: true, reason: "IPv6 loopback"},
		{base: "http://10.0.0.7:11434", want: false, reason: "a private address is another machine"},
		{base: "https://ollama.example.org", want: false, reason: "a host name other than localhost may resolve anywhere"},
		{base: "http://localhost.example.org", want: false, reason: "only localhost itself counts"},
		{base: "http://0.0.0.0:11434", want: false, reason: "the unspecified address is not loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			var opts *ollamachat.Options
			if tt.base != "" {
				opts = &ollamachat.Options{BaseURL: tt.base}
			}
			c, err := ollamachat.New("llama3.1:8b", opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Local(), tt.reason)
			assert.Equal(t, tt.want, providers.IsLocal(c), tt.reason)
		})
	}
}
