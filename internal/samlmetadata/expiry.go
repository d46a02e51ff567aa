package samlmetadata

import "time"

// Expired returns the certificates whose NotAfter is before now.
func Expired(certs []Certificate, now time.Time) []Certificate {
	var out []Certificate
	for _, c := range certs {
		if now.After(c.NotAfter) {
			out = append(out, c)
		}
	}
	return out
}

// ExpiringWithin returns the certificates not yet expired at now whose
// NotAfter falls before now+d, for "renew soon" warnings.
func ExpiringWithin(certs []Certificate, now time.Time, d time.Duration) []Certificate {
	var out []Certificate
	limit := now.Add(d)
	for _, c := range certs {
		if !now.After(c.NotAfter) && c.NotAfter.Before(limit) {
			out = append(out, c)
		}
	}
	return out
}
