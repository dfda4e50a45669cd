package app

import (
	"slices"
	"strings"
)

// 就近申领 (domain.md §1 row 15): the service points where a resident can do a business, nearest
// first. The catalogue (platform-api §4.6) gives each point a name, an address and a kind, but no
// coordinates and no district or street of its own, so "nearest" is what the counter can know:
// its own hall first, then the other halls, the bank branches that make cards on the spot
// (即时制卡), the other bank branches and the community centres.

// NearbyPoint is a service point in the order shown, with what the counter knows about it.
type NearbyPoint struct {
	ServicePoint
	Here         bool // the counter's own hall
	InstantIssue bool // a branch of a bank that makes cards on the spot (即时制卡)
}

// NearbyPoints returns the service points offering business, the hall hallCode first; located is
// false while the catalogue gives no location, so the screen says the order is by type.
func NearbyPoints(c Catalog, business, hallCode string) (points []NearbyPoint, located bool) {
	for _, sp := range c.ServicePoints {
		if business != "" && !slices.Contains(sp.Businesses, business) {
			continue
		}
		points = append(points, NearbyPoint{ServicePoint: sp, Here: sp.Code == hallCode, InstantIssue: instantIssueAt(c, sp)})
	}
	slices.SortStableFunc(points, func(a, b NearbyPoint) int { return pointRank(a) - pointRank(b) })
	return points, false
}

// pointRank orders points by what a resident would go to first.
func pointRank(p NearbyPoint) int {
	switch {
	case p.Here:
		return 0
	case p.Kind == "HALL":
		return 1
	case p.Kind == "BANK" && p.InstantIssue:
		return 2
	case p.Kind == "BANK":
		return 3
	case p.Kind == "COMMUNITY":
		return 4
	}
	return 5
}

// instantIssueAt reports whether a bank branch belongs to a bank of the catalogue that makes
// cards on the spot; the catalogue names the branch, not its bank, so the bank's name is the
// branch's prefix (中国工商银行重庆沙坪坝支行).
func instantIssueAt(c Catalog, sp ServicePoint) bool {
	if sp.Kind != "BANK" {
		return false
	}
	for _, b := range c.Banks {
		if b.Name != "" && strings.HasPrefix(sp.Name, b.Name) {
			return b.InstantIssue
		}
	}
	return false
}

// BusinessOf returns the catalogue's entry of a business code, or nil.
func (c *Catalog) BusinessOf(code string) *Business {
	if c == nil {
		return nil
	}
	for i := range c.Businesses {
		if c.Businesses[i].Code == code {
			return &c.Businesses[i]
		}
	}
	return nil
}

// NeedsNearbyPoints reports whether a business is one a resident may do at another service
// point (申领, 补领, 换领: 就近申领).
func NeedsNearbyPoints(business string) bool {
	switch business {
	case "CARD_APPLICATION", "CARD_REPLACE", "CARD_RENEW":
		return true
	}
	return false
}
