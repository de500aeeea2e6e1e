package providers

// Locality is an optional interface a [Provider] implements to say where
// its requests go. Code that sends patient data checks for it with
// [IsLocal] and treats every provider that does not implement it as remote.
//
// Implementations must be safe for concurrent use by multiple goroutines,
// and Local must always return the same answer for the same provider.
type Locality interface {
	// Local reports whether every request is served on this machine (a
	// server on a loopback address, or no server at all), so that prompts
	// never leave the host.
	Local() bool
}

// IsLocal reports whether p says, through [Locality], that its requests
// never leave this machine. A provider that does not implement Locality,
// a wrapper that does not pass it on, and a nil provider are remote.
func IsLocal(p Provider) bool {
	l, ok := p.(Locality)
	return ok && l.Local()
}
