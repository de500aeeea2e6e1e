package fhir

import "encoding/json"

// Bundle is a collection of resources. Entry resources are kept as raw JSON;
// [ParseResource] decodes one.
type Bundle struct {
	Base
	Type      string        `json:"type"`
	Timestamp string        `json:"timestamp,omitempty"`
	Total     *int          `json:"total,omitempty"`
	Entry     []BundleEntry `json:"entry,omitempty"`
}

// BundleEntry is one entry of a Bundle.
type BundleEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource,omitempty"`
	Search   *BundleSearch   `json:"search,omitempty"`
	Request  *BundleRequest  `json:"request,omitempty"`
}

// BundleSearch says why an entry is in a searchset.
type BundleSearch struct {
	Mode string `json:"mode,omitempty"`
}

// BundleRequest is the request of a transaction or batch entry.
type BundleRequest struct {
	Method string `json:"method"`
	URL    string `json:"url"`
}

// The bundle types [Decode] accepts.
const (
	BundleTransaction = "transaction"
	BundleBatch       = "batch"
	BundleCollection  = "collection"
	BundleSearchset   = "searchset"
	BundleDocument    = "document"
)
