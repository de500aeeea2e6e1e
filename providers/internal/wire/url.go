package wire

import (
	"errors"
	"net/url"
)

// CheckURL reports why raw cannot be a vendor's base URL, or nil. The
// reasons never quote the URL, which may carry credentials.
func CheckURL(raw string) error {
	if raw == "" {
		return errors.New("empty URL")
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return errors.New("scheme must be http or https")
	case u.Host == "":
		return errors.New("URL has no host")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("URL must not have a query or a fragment")
	}
	return nil
}
