package app

import (
	"strings"
	"testing"
)

func TestNearbyPoints(t *testing.T) {
	c := Catalog{
		Banks: []CatalogBank{{Code: "ICBC", Name: "中国工商银行", InstantIssue: true}, {Code: "ABC", Name: "中国农业银行"}},
		ServicePoints: []ServicePoint{
			{Code: "C1", Name: "天星桥街道便民服务中心", Kind: "COMMUNITY", Businesses: []string{"CARD_APPLICATION"}},
			{Code: "B2", Name: "中国农业银行沙坪坝支行", Kind: "BANK", Businesses: []string{"CARD_APPLICATION"}},
			{Code: "B1", Name: "中国工商银行沙坪坝支行", Kind: "BANK", Businesses: []string{"CARD_APPLICATION"}},
			{Code: "H2", Name: "大学城政务服务中心", Kind: "HALL", Businesses: []string{"CARD_APPLICATION"}},
			{Code: "H1", Name: "沙坪坝区政务服务中心", Kind: "HALL", Businesses: []string{"CARD_APPLICATION", "PIN_RESET"}},
			{Code: "X", Name: "只查询", Kind: "COMMUNITY", Businesses: []string{"PAYMENT_QUERY"}},
		},
	}
	for _, tt := range []struct {
		name, business, hall string
		want                 string
	}{
		{"own hall first, then by kind", "CARD_APPLICATION", "H1", "H1 H2 B1 B2 C1"},
		{"another hall's counter", "CARD_APPLICATION", "H2", "H2 H1 B1 B2 C1"},
		{"only points offering the business", "PIN_RESET", "H2", "H1"},
		{"a hall not in the catalogue", "CARD_APPLICATION", "ZZ", "H2 H1 B1 B2 C1"},
		{"nothing offers it", "CARD_ENABLE", "H1", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ps, located := NearbyPoints(c, tt.business, tt.hall)
			var codes []string
			for _, p := range ps {
				codes = append(codes, p.Code)
			}
			if got := strings.Join(codes, " "); got != tt.want || located {
				t.Errorf("got %q (located %v), want %q", got, located, tt.want)
			}
		})
	}
	ps, _ := NearbyPoints(c, "CARD_APPLICATION", "H1")
	for _, p := range ps {
		if p.InstantIssue != (p.Code == "B1") || p.Here != (p.Code == "H1") {
			t.Errorf("%s: instant %v here %v", p.Code, p.InstantIssue, p.Here)
		}
	}
}

func TestBusinessOf(t *testing.T) {
	c := &Catalog{Businesses: []Business{{Code: "CARD_TEMP_LOSS", Guide: "7 天"}}}
	if b := c.BusinessOf("CARD_TEMP_LOSS"); b == nil || b.Guide != "7 天" {
		t.Errorf("got %+v", b)
	}
	if c.BusinessOf("NONE") != nil || (*Catalog)(nil).BusinessOf("CARD_TEMP_LOSS") != nil {
		t.Error("found what is not there")
	}
	if !NeedsNearbyPoints("CARD_REPLACE") || NeedsNearbyPoints("PIN_RESET") {
		t.Error("NeedsNearbyPoints")
	}
}
