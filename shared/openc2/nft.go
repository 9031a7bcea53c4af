package openc2

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// NftFamily and NftTable name the nftables table the suite owns; it never
// touches rules outside it.
const (
	NftFamily = "inet"
	NftTable  = "soccrates"
)

// nftCommentPrefix marks the suite's rules; the request id follows it.
const nftCommentPrefix = "soccrates:"

// NftComment is the comment RenderNft puts on every rule of requestID.
func NftComment(requestID string) string { return nftCommentPrefix + requestID }

// nftSetup creates the table and its chains; "add" leaves existing ones
// alone, so the lines can open every script.
var nftSetup = []string{
	"add table inet soccrates",
	"add chain inet soccrates input { type filter hook input priority 0; policy accept; }",
	"add chain inet soccrates output { type filter hook output priority 0; policy accept; }",
	"add chain inet soccrates forward { type filter hook forward priority 0; policy accept; }",
}

// RenderNft returns the nft(8) script lines (for `nft -f -`) that enforce
// an SLPF deny or allow of a connection or net, every rule commented with
// the request id. Allow rules are inserted at the head of their chains so
// they win over earlier denies; deny rules are appended.
func RenderNft(cmd Command, requestID string) ([]string, error) {
	if err := CheckRequestID(requestID); err != nil {
		return nil, fmt.Errorf("render nft: %w", err)
	}
	if err := cmd.Check(); err != nil {
		return nil, fmt.Errorf("render nft: %w", err)
	}
	verb, verdict, err := nftVerdict(cmd)
	if err != nil {
		return nil, fmt.Errorf("render nft: %w", err)
	}
	matches, err := nftMatches(cmd)
	if err != nil {
		return nil, fmt.Errorf("render nft: %w", err)
	}
	lines := append([]string(nil), nftSetup...)
	for _, m := range matches {
		lines = append(lines, fmt.Sprintf("%s rule inet soccrates %s %s %s comment %q",
			verb, m.chain, m.expr, verdict, NftComment(requestID)))
	}
	return lines, nil
}

func nftVerdict(cmd Command) (verb, verdict string, err error) {
	if cmd.Args != nil && cmd.Args.SLPF != nil && cmd.Args.SLPF.InsertRule != nil {
		return "", "", errors.New("insert_rule cannot be mapped onto nftables handles")
	}
	switch cmd.Action {
	case ActionAllow:
		return "insert", "accept", nil
	case ActionDeny:
	default:
		return "", "", fmt.Errorf("%s %s is not a packet-filter rule (undo uses RenderNftUndo)",
			cmd.Action, cmd.TargetName())
	}
	var drop DropProcess
	if cmd.Args != nil && cmd.Args.SLPF != nil {
		drop = cmd.Args.SLPF.DropProcess
	}
	switch drop {
	case "", DropNone:
		return "add", "drop", nil
	case DropReject:
		return "add", "reject", nil
	}
	return "", "", fmt.Errorf("drop_process %q has no nftables equivalent", drop)
}

type nftMatch struct{ chain, expr string }

func nftMatches(cmd Command) ([]nftMatch, error) {
	d := slpfDirection(cmd)
	t := cmd.Target
	switch {
	case t.IPv4Connection != nil || t.IPv6Connection != nil:
		expr := nftConnection(t)
		var ms []nftMatch
		for _, ch := range nftChains(d) {
			ms = append(ms, nftMatch{ch, expr})
		}
		return ms, nil
	case t.IPv4Net != "" || t.IPv6Net != "":
		return nftNet(t, d), nil
	}
	return nil, fmt.Errorf("target %s is not a packet-filter target", cmd.TargetName())
}

func slpfDirection(cmd Command) Direction {
	if cmd.Args != nil && cmd.Args.SLPF != nil {
		return cmd.Args.SLPF.Direction
	}
	return DirectionBoth
}

// nftChains maps the SLPF direction onto the chains: ingress is traffic
// arriving (input) or passing inwards (forward), egress the reverse.
func nftChains(d Direction) []string {
	switch d {
	case DirectionIngress:
		return []string{"input", "forward"}
	case DirectionEgress:
		return []string{"output", "forward"}
	}
	return []string{"input", "output", "forward"}
}

func nftConnection(t Target) string {
	fam, cn, icmp := "ip", t.IPv4Connection, "icmp"
	if cn == nil {
		fam, cn, icmp = "ip6", t.IPv6Connection, "ipv6-icmp"
	}
	var parts []string
	if cn.SrcAddr != "" {
		parts = append(parts, fam+" saddr "+nftAddr(cn.SrcAddr))
	}
	if cn.DstAddr != "" {
		parts = append(parts, fam+" daddr "+nftAddr(cn.DstAddr))
	}
	hasPorts := cn.SrcPort != 0 || cn.DstPort != 0
	switch {
	case cn.Protocol == ProtocolICMP:
		parts = append(parts, "meta l4proto "+icmp)
	case cn.Protocol != "" && hasPorts:
		parts = append(parts, nftPorts(string(cn.Protocol), cn.SrcPort, cn.DstPort))
	case cn.Protocol != "":
		parts = append(parts, "meta l4proto "+string(cn.Protocol))
	case hasPorts:
		// OpenC2 allows ports without a protocol; match every protocol
		// that has ports rather than guess one.
		parts = append(parts, "meta l4proto { tcp, udp, sctp } "+nftPorts("th", cn.SrcPort, cn.DstPort))
	}
	return strings.Join(parts, " ")
}

// nftPorts repeats the protocol before each port match, as nft requires.
func nftPorts(proto string, src, dst uint16) string {
	var p []string
	if src != 0 {
		p = append(p, fmt.Sprintf("%s sport %d", proto, src))
	}
	if dst != 0 {
		p = append(p, fmt.Sprintf("%s dport %d", proto, dst))
	}
	return strings.Join(p, " ")
}

// nftNet matches a net as source on the way in and as destination on the
// way out; forward sees both ways.
func nftNet(t Target, d Direction) []nftMatch {
	fam, n := "ip", t.IPv4Net
	if n == "" {
		fam, n = "ip6", t.IPv6Net
	}
	src, dst := fam+" saddr "+nftAddr(n), fam+" daddr "+nftAddr(n)
	switch d {
	case DirectionIngress:
		return []nftMatch{{"input", src}, {"forward", src}}
	case DirectionEgress:
		return []nftMatch{{"output", dst}, {"forward", dst}}
	}
	return []nftMatch{{"input", src}, {"output", dst}, {"forward", src}, {"forward", dst}}
}

// nftAddr writes a single-host prefix as a bare address, as nft lists it.
func nftAddr(s string) string {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.IsSingleIP() {
		return s
	}
	return p.Addr().String()
}

// RenderNftUndo finds the rules of requestID in listing, the output of
// `nft -j list table inet soccrates`, and returns the nft lines that
// delete them, ordered by chain and handle. No matching rule gives an
// empty result: the rules may have been removed already.
func RenderNftUndo(listing []byte, requestID string) ([]string, error) {
	if err := CheckRequestID(requestID); err != nil {
		return nil, fmt.Errorf("render nft undo: %w", err)
	}
	refs, err := nftRuleRefs(listing, NftComment(requestID))
	if err != nil {
		return nil, fmt.Errorf("render nft undo: %w", err)
	}
	lines := make([]string, 0, len(refs))
	for _, r := range refs {
		lines = append(lines, fmt.Sprintf("delete rule inet soccrates %s handle %d", r.chain, r.handle))
	}
	return lines, nil
}

type nftRuleRef struct {
	chain  string
	handle int64
}

// nftRuleRefs lists the rules of the suite's table that carry comment,
// sorted by chain and handle.
func nftRuleRefs(listing []byte, comment string) ([]nftRuleRef, error) {
	var doc struct {
		Nftables []struct {
			Rule *struct {
				Family  string `json:"family"`
				Table   string `json:"table"`
				Chain   string `json:"chain"`
				Handle  int64  `json:"handle"`
				Comment string `json:"comment"`
			} `json:"rule"`
		} `json:"nftables"`
	}
	if err := json.Unmarshal(listing, &doc); err != nil {
		return nil, fmt.Errorf("read nft listing: %w", err)
	}
	var refs []nftRuleRef
	for _, o := range doc.Nftables {
		r := o.Rule
		if r == nil || r.Family != NftFamily || r.Table != NftTable || r.Comment != comment {
			continue
		}
		if !nftChainName(r.Chain) || r.Handle <= 0 {
			return nil, fmt.Errorf("rule %q has chain %q handle %d", comment, r.Chain, r.Handle)
		}
		refs = append(refs, nftRuleRef{r.Chain, r.Handle})
	}
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].chain != refs[j].chain {
			return refs[i].chain < refs[j].chain
		}
		return refs[i].handle < refs[j].handle
	})
	return refs, nil
}

// nftChainName keeps a hostile listing from smuggling text into the
// delete lines.
func nftChainName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
