package middleware

import "github.com/careguard/careguard/providers"

// Each wrapper passes on where its requests go (providers.Locality): a
// wrapper sends exactly where the provider it wraps sends, and a fallback
// is local only when both its providers are. Without this, a local model
// behind middleware would be treated as remote.

// Local reports whether the wrapped provider is local.
func (r *Retry) Local() bool { return providers.IsLocal(r.p) }

// Local reports whether the wrapped provider is local.
func (t *Timeout) Local() bool { return providers.IsLocal(t.p) }

// Local reports whether the wrapped provider is local.
func (r *RateLimit) Local() bool { return providers.IsLocal(r.p) }

// Local reports whether the wrapped provider is local.
func (b *Breaker) Local() bool { return providers.IsLocal(b.p) }

// Local reports whether both the primary and the secondary provider are
// local: a fallback may send to either.
func (f *Fallback) Local() bool {
	return providers.IsLocal(f.primary) && providers.IsLocal(f.secondary)
}

var (
	_ providers.Locality = (*Retry)(nil)
	_ providers.Locality = (*Timeout)(nil)
	_ providers.Locality = (*RateLimit)(nil)
	_ providers.Locality = (*Breaker)(nil)
	_ providers.Locality = (*Fallback)(nil)
)
