// Command ResponsePlanner is the Cortex analyzer SOCCRATES_ResponsePlanner: for a compromised host
// and its attack stage it proposes containment courses of action and a CACAO 2.0 playbook carrying
// their OpenC2 commands. The planning lives in package response; this file connects it to the job.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
	"github.com/soccrates-cortex/soccrates/shared/response"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	spec := job.Spec{Manifest: manifests.Must("SOCCRATES_ResponsePlanner"), Analyze: analyze}
	return job.Run(ctx, spec, args, stdin, stdout, stderr)
}

func analyze(ctx context.Context, j *job.Job) (*job.Report, error) {
	in, err := incident(j)
	if err != nil {
		return nil, err
	}
	protected, err := openc2.ParseProtected(j.Config.Strings("protected_networks"))
	if err != nil {
		return nil, fmt.Errorf("configuration item protected_networks: %w", err)
	}
	plan, err := response.Plan(ctx, in, response.Config{
		Protected:   protected,
		ActuatorURL: j.Config.String("openc2_endpoint"),
		Logger:      j.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("plan the response for %s: %w", in.Host, err)
	}
	if err := rank(ctx, j, plan); err != nil {
		return nil, fmt.Errorf("rank the responses for %s: %w", in.Host, err)
	}
	arts, err := artifacts(j, plan)
	if err != nil {
		return nil, err
	}
	return &job.Report{Taxonomies: taxonomies(plan), Artifacts: arts, Full: plan}, nil
}

// victim is the part of one SOCCRATES_AttackDetection victim the planner reads.
type victim struct {
	IP    string `json:"ip"`
	Stage struct {
		Shortname string `json:"shortname"`
	} `json:"stage"`
	Attackers []string `json:"attackers"`
	// C2Names are names the victim itself contacted in command-and-control episodes.
	C2Names []string `json:"c2_names"`
}

// incident reads the compromised host from the observable: a bare ip (stage and attackers from
// parameters or config) or an 'other' holding one victim of an AttackDetection report.
func incident(j *job.Job) (response.Incident, error) {
	if j.DataType == "ip" {
		stage := j.Setting("stage")
		attackers := j.Config.Strings("attackers")
		if p := j.Parameter("attackers"); p != "" {
			attackers = strings.FieldsFunc(p, func(r rune) bool { return r == ',' || r == ' ' })
		}
		return response.Incident{Host: strings.TrimSpace(j.Data()), Stage: stage, Attackers: attackers}, nil
	}
	var v victim
	dec := json.NewDecoder(bytes.NewReader([]byte(j.Data())))
	if err := dec.Decode(&v); err != nil || v.IP == "" || v.Stage.Shortname == "" {
		return response.Incident{}, fmt.Errorf("the 'other' observable must be one victim from a SOCCRATES_AttackDetection report, " +
			`a JSON object like {"ip":"10.0.0.5","stage":{"shortname":"lateral-movement"},"attackers":["10.0.254.30"]}`)
	}
	return response.Incident{Host: v.IP, Stage: v.Stage.Shortname, Attackers: v.Attackers, C2Names: v.C2Names}, nil
}

func taxonomies(plan *response.Result) []job.Taxonomy {
	tax := []job.Taxonomy{
		{Level: job.Info, Namespace: "SOCCRATES", Predicate: "CoAs", Value: len(plan.CoAs)},
		{Level: job.Info, Namespace: "SOCCRATES", Predicate: "Deny", Value: len(plan.DenyAddresses) + len(plan.BlockNames)},
	}
	if plan.RORI != nil && plan.RORI.Computed && len(plan.CoAs) > 0 && plan.CoAs[0].RORI.RORI != nil {
		best := plan.CoAs[0]
		tax = append(tax, job.Taxonomy{Level: job.Info, Namespace: "SOCCRATES", Predicate: "RORI",
			Value: fmt.Sprintf("%s %.0f%%", best.Kind, *best.RORI.RORI)})
	}
	if len(plan.Refused) > 0 {
		tax = append(tax, job.Taxonomy{Level: job.Suspicious, Namespace: "SOCCRATES", Predicate: "Refused", Value: len(plan.Refused)})
	}
	return tax
}

// artifacts proposes the accepted deny targets and, in a job folder, the playbook as a file.
func artifacts(j *job.Job, plan *response.Result) ([]job.Artifact, error) {
	out := []job.Artifact{}
	for _, a := range plan.DenyAddresses {
		out = append(out, job.NewArtifact("ip", hostAddress(a)).WithTags("soccrates:deny").WithMessage("Address the containment plan denies"))
	}
	for _, n := range plan.BlockNames {
		out = append(out, job.NewArtifact("fqdn", n).WithTags("soccrates:block").WithMessage("C2 name the containment plan blocks"))
	}
	if j.Dir == "" {
		return out, nil
	}
	pb, err := j.FileArtifact(bytes.NewReader(plan.Playbook), "cacao-playbook-"+plan.Host+".json", "application/json")
	if err != nil {
		return nil, err
	}
	return append(out, pb.WithTags("soccrates:cacao-playbook")), nil
}

// hostAddress writes a one-address prefix as the bare address TheHive expects of an ip observable.
func hostAddress(s string) string {
	if p, err := netip.ParsePrefix(s); err == nil && p.IsSingleIP() {
		return p.Addr().String()
	}
	return s
}
