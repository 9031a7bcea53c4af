package openc2

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestParseProtected(t *testing.T) {
	t.Parallel()
	got, err := ParseProtected([]string{"10.0.0.53/32 dns", "10.1.0.0/16", "2001:db8::1 edr manager", " ", "192.168.7.9/24 soc"})
	if err != nil {
		t.Fatal(err)
	}
	want := []ProtectedNet{
		{netip.MustParsePrefix("10.0.0.53/32"), "dns"},
		{netip.MustParsePrefix("10.1.0.0/16"), ""},
		{netip.MustParsePrefix("2001:db8::1/128"), "edr manager"},
		{netip.MustParsePrefix("192.168.7.0/24"), "soc"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseProtected = %v, want %v", got, want)
	}
	for _, bad := range []string{"10.0.0/8", "dns 10.0.0.53", "::g"} {
		if _, err := ParseProtected([]string{bad}); err == nil {
			t.Errorf("ParseProtected(%q) accepted it", bad)
		}
	}
}
