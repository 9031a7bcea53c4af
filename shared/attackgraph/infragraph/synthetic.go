package infragraph

import (
	"fmt"
	"net/netip"

	"github.com/soccrates-cortex/soccrates/shared/infra"
)

// Synthetic returns a made-up enterprise of n hosts for benchmarks and scale tests: a DMZ
// of web servers open to the internet, a server zone (databases, file and application
// servers) and client LANs of 250 hosts, with findings drawn from a small set of CVSS
// vectors. The same n and seed give the same model. It is no test fixture: nothing about it
// is real.
func Synthetic(n int, seed uint64) infra.Model {
	r := seed*0x9e3779b97f4a7c15 + 1
	next := func(k int) int {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		return int(r % uint64(k))
	}
	vectors := []string{
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N",
		"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
		"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N",
		"CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
	}
	m := infra.Model{}
	rules := []infra.Rule{{From: "internet", To: "dmz", Ports: portSet("tcp:80,443")},
		{From: "dmz", To: "servers", Ports: portSet("tcp:5432,8080")}}
	m.Config.Zones = []infra.Zone{{Name: "dmz", Subnets: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}},
		{Name: "servers", Subnets: []netip.Prefix{netip.MustParsePrefix("10.2.0.0/16")}}}
	for i := 0; i < n; i++ {
		m.Hosts = append(m.Hosts, syntheticHost(i, next, vectors))
	}
	for l := 0; l*250 < n; l++ {
		lan := fmt.Sprintf("lan%d", l)
		m.Config.Zones = append(m.Config.Zones, infra.Zone{Name: lan})
		rules = append(rules, infra.Rule{From: lan, To: "servers", Ports: portSet("tcp:445,3389,8080")},
			infra.Rule{From: "servers", To: lan, Ports: portSet("tcp:445")})
	}
	m.Config.Zones = append(m.Config.Zones, infra.Zone{Name: "internet"})
	m.Config.Policy.Rules = rules
	return m
}

func portSet(s string) infra.PortSet {
	p, err := infra.ParsePortSet(s)
	if err != nil {
		panic(err)
	}
	return p
}

// syntheticHost makes host i: one in 20 a web server in the DMZ, one in 10 a server, the
// rest clients in LANs of 250, each with up to two findings.
func syntheticHost(i int, next func(int) int, vectors []string) infra.Host {
	h := infra.Host{State: infra.StateUp}
	var ports []int
	switch {
	case i%20 == 0:
		h.Zone, ports = "dmz", []int{80, 443}
		h.Key = fmt.Sprintf("10.1.%d.%d", i/250, i%250+1)
	case i%10 == 1:
		h.Zone, ports = "servers", []int{[]int{5432, 445, 8080}[next(3)], 3389}
		h.Key = fmt.Sprintf("10.2.%d.%d", i/250, i%250+1)
		if ports[0] == 5432 {
			h.Properties.Confidentiality, h.Properties.Role = 5, infra.RoleDatabaseServer
		}
	default:
		h.Zone, ports = fmt.Sprintf("lan%d", i/250), []int{445}
		h.Key = fmt.Sprintf("10.%d.%d.%d", 10+i/62500, i/250%250, i%250+1)
	}
	for _, p := range ports {
		h.Services = append(h.Services, infra.Service{Protocol: "tcp", Port: p, State: "open"})
	}
	for v := next(3); v > 0; v-- {
		port := ports[next(len(ports))]
		h.Vulns = append(h.Vulns, infra.Vuln{Scanner: "synthetic", Plugin: fmt.Sprint(v), Protocol: "tcp", Port: port,
			CVSS3Vector: vectors[next(len(vectors))]})
	}
	return h
}
