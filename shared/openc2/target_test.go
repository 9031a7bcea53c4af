package openc2

import (
	"net/netip"
	"testing"
)

func TestCheckTarget(t *testing.T) {
	t.Parallel()
	protected := []ProtectedNet{
		{Prefix: netip.MustParsePrefix("10.0.0.53/32"), Name: "dns"},
		{Prefix: netip.MustParsePrefix("10.10.0.0/16"), Name: "domain controllers"},
		{Prefix: netip.MustParsePrefix("2001:db8:aa::/48"), Name: "core"},
		{Prefix: netip.MustParsePrefix("192.0.2.0/24")},
	}
	cases := []struct {
		name, addr, wantErr string
	}{
		{"ipv4_public_ok", "198.51.100.23/32", ""},
		{"ipv4_net_ok", "198.51.100.0/24", ""},
		{"ipv6_ok", "2001:db8:bb::1/128", ""},
		{"protected_exact", "10.0.0.53/32", "refusing to block 10.0.0.53/32: inside protected network 10.0.0.53/32 (dns)"},
		{"protected_inside", "10.10.3.4/32", "refusing to block 10.10.3.4/32: inside protected network 10.10.0.0/16 (domain controllers)"},
		{"protected_contains", "10.0.0.0/8", "refusing to block 10.0.0.0/8: contains protected network 10.0.0.53/32 (dns)"},
		{"protected_unnamed", "192.0.2.9/32", "refusing to block 192.0.2.9/32: inside protected network 192.0.2.0/24"},
		{"protected_ipv6", "2001:db8:aa:1::/64", "refusing to block 2001:db8:aa:1::/64: inside protected network 2001:db8:aa::/48 (core)"},
		{"protected_ipv6_contains", "2001:db8::/32", "refusing to block 2001:db8::/32: contains protected network 2001:db8:aa::/48 (core)"},
		{"loopback_v4", "127.0.0.1/32", "refusing to block 127.0.0.1/32: inside loopback (127.0.0.0/8)"},
		{"loopback_v6", "::1/128", "refusing to block ::1/128: inside loopback (::1/128)"},
		{"mapped_loopback", "::ffff:127.0.0.1/128", "refusing to block 127.0.0.1/32: inside loopback (127.0.0.0/8)"},
		{"link_local_v4", "169.254.10.1/32", "refusing to block 169.254.10.1/32: inside link-local (169.254.0.0/16)"},
		{"link_local_v6", "fe80::1/128", "refusing to block fe80::1/128: inside link-local (fe80::/10)"},
		{"unspecified_v4", "0.0.0.0/32", "refusing to block 0.0.0.0/32: inside the unspecified address (0.0.0.0/32)"},
		{"default_route_v4", "0.0.0.0/0", "refusing to block 0.0.0.0/0: contains the unspecified address (0.0.0.0/32)"},
		{"unspecified_v6", "::/128", "refusing to block ::/128: inside the unspecified address (::/128)"},
		{"multicast_v4", "239.1.2.3/32", "refusing to block 239.1.2.3/32: inside multicast (224.0.0.0/4)"},
		{"multicast_v6", "ff02::1/128", "refusing to block ff02::1/128: inside multicast (ff00::/8)"},
		{"broadcast", "255.255.255.255/32", "refusing to block 255.255.255.255/32: inside broadcast (255.255.255.255/32)"},
		{"wide_overlaps_multicast", "192.0.0.0/2", "refusing to block 192.0.0.0/2: contains multicast (224.0.0.0/4)"},
		{"host_bits_masked", "198.51.100.77/24", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckTargetNamed(netip.MustParsePrefix(tc.addr), protected)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected refusal: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("err = %v\nwant  %s", err, tc.wantErr)
			}
		})
	}
}

func TestCheckTargetUnnamed(t *testing.T) {
	t.Parallel()
	protected := []netip.Prefix{netip.MustParsePrefix("10.0.0.53/32")}
	err := CheckTarget(netip.MustParsePrefix("10.0.0.53/32"), protected)
	want := "refusing to block 10.0.0.53/32: inside protected network 10.0.0.53/32"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if err := CheckTarget(netip.MustParsePrefix("10.0.0.54/32"), protected); err != nil {
		t.Fatalf("neighbour refused: %v", err)
	}
	if err := CheckTarget(netip.Prefix{}, nil); err == nil {
		t.Fatal("the zero prefix was accepted")
	}
}
