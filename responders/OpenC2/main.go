// Command OpenC2 is the Cortex responder SOCCRATES_OpenC2: it turns an ip, domain or fqdn
// observable into OpenC2 deny commands. This version is dry-run only: the report shows the OpenC2
// JSON and the nftables rules it would apply, and nothing touches any network.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	spec := job.Spec{Manifest: manifests.Must("SOCCRATES_OpenC2"), Respond: respond}
	return job.Run(ctx, spec, args, stdin, stdout, stderr)
}

// result is the responder's full report.
type result struct {
	Mode     string           `json:"mode"`
	DataType string           `json:"data_type"`
	Target   string           `json:"target"`
	Commands []openc2.Message `json:"commands"`
	Nft      []string         `json:"nft"`
	Note     string           `json:"note"`
}

const dnsNote = "An SLPF packet filter cannot enforce a name: this domain_name deny is for a DNS-layer actuator " +
	"(resolver policy zone, DNS firewall). No nftables rule is rendered for it."

func respond(_ context.Context, j *job.Job) (*job.ResponderReport, error) {
	if !j.Config.Bool("dry_run", true) {
		return nil, errors.New("this version of SOCCRATES_OpenC2 runs in dry-run only; set dry_run to true (enforcement comes with the actuator support)")
	}
	artifactType, _ := j.Object()["dataType"].(string)
	value, _ := j.Object()["data"].(string)
	value = strings.TrimSpace(value)
	if value == "" {
		return nil, errors.New("the observable has no value; run this responder on an ip, domain or fqdn observable")
	}
	protected, err := openc2.ParseProtected(j.Config.Strings("protected_networks"))
	if err != nil {
		return nil, fmt.Errorf("configuration item protected_networks: %w", err)
	}
	res := result{Mode: "dry-run", DataType: artifactType, Target: value}
	switch artifactType {
	case "ip":
		err = denyAddress(&res, value, protected)
	case "domain", "fqdn":
		err = denyName(&res, value)
	default:
		return nil, fmt.Errorf("SOCCRATES_OpenC2 blocks ip, domain and fqdn observables, not %q", artifactType)
	}
	if err != nil {
		return nil, err
	}
	return &job.ResponderReport{Full: res, Operations: []job.Operation{job.AddTagToArtifact("soccrates:openc2-dry-run")}}, nil
}

// denyAddress denies traffic from and to an address or network at the packet filter.
func denyAddress(res *result, value string, protected []openc2.ProtectedNet) error {
	prefix, err := parsePrefix(value)
	if err != nil {
		return err
	}
	if err := openc2.CheckTargetNamed(prefix, protected); err != nil {
		return err
	}
	cmd, err := openc2.DenyNet(prefix, openc2.SLPFOptions{Direction: openc2.Direction("both")})
	if err != nil {
		return fmt.Errorf("build the OpenC2 deny for %s: %w", prefix, err)
	}
	id := cacao.NewUUID()
	lines, err := openc2.RenderNft(cmd, id)
	if err != nil {
		return fmt.Errorf("render nftables rules for %s: %w", prefix, err)
	}
	msg, err := openc2.NewMessage(cmd, id, time.Now().UTC(), "soccrates", []string{"slpf"})
	if err != nil {
		return fmt.Errorf("wrap the OpenC2 command: %w", err)
	}
	res.Commands, res.Nft = []openc2.Message{msg}, lines
	res.Note = "Dry run: these nftables rules were not applied. Undo deletes the rules whose comment carries the request id " + id + "."
	return nil
}

func denyName(res *result, value string) error {
	cmd, err := openc2.DenyDomain(value, openc2.Options{})
	if err != nil {
		return fmt.Errorf("build the OpenC2 deny for %s: %w", value, err)
	}
	msg, err := openc2.NewMessage(cmd, cacao.NewUUID(), time.Now().UTC(), "soccrates", []string{"dns"})
	if err != nil {
		return fmt.Errorf("wrap the OpenC2 command: %w", err)
	}
	res.Commands, res.Nft, res.Note = []openc2.Message{msg}, []string{}, dnsNote
	return nil
}

// parsePrefix reads an address (a one-address prefix) or a CIDR network.
func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address or network", s)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
