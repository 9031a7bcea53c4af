// Command AttackGraph is the Cortex analyzer SOCCRATES_AttackGraph: for a host it compiles the
// infrastructure model into a coreLang attack graph and estimates by Monte Carlo simulation how
// fast an attacker reaches what: onward from the host (UC1), towards the critical assets from
// the entry zones (UC3–5), or the same restricted to one adversary's ATT&CK techniques (UC2).
// The logic lives in packages attackgraph and attackgraph/infragraph; this file only connects
// it to the Cortex job.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/infragraph"
	"github.com/soccrates-cortex/soccrates/shared/job"
	"github.com/soccrates-cortex/soccrates/shared/workerstore"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	spec := job.Spec{Manifest: manifests.Must("SOCCRATES_AttackGraph"), Analyze: analyze}
	return job.Run(ctx, spec, args, stdin, stdout, stderr)
}

func analyze(ctx context.Context, j *job.Job) (*job.Report, error) {
	cfg, err := config(j)
	if err != nil {
		return nil, err
	}
	m, err := workerstore.InfraModel(ctx, j)
	if err != nil {
		return nil, err
	}
	rep, err := infragraph.Analyze(ctx, m, cfg)
	if errors.Is(err, infragraph.ErrUnknownAsset) {
		return nil, fmt.Errorf("%s is not a host of the infrastructure model (%d hosts); run SOCCRATES_InfraModel on a scan that covers it first", j.Data(), len(m.Hosts))
	}
	if err != nil {
		return nil, err
	}
	j.Log.Info("attack graph simulated", "mode", string(rep.Mode), "steps", rep.Steps, "live_steps", rep.Live, "duration", rep.Duration)
	return &job.Report{Taxonomies: taxonomies(rep), Artifacts: artifacts(rep, j.Data()), Full: rep}, nil
}

// config reads the mode and the simulation settings; a job parameter overrides the
// configuration item of the same name.
func config(j *job.Job) (infragraph.Config, error) {
	pick := j.Setting
	cfg := infragraph.Config{Mode: infragraph.Mode(pick("mode")), EntryZones: j.Config.Strings("entry_zones"),
		Techniques: j.Config.Strings("techniques"), Critical: j.Config.Int("critical_level", 4),
		MaxTargets: j.Config.Int("max_targets", 10), Logger: j.Log,
		Sim: attackgraph.Config{Samples: j.Config.Int("samples", 1000), Seed: uint64(j.Config.Int("seed", 1)),
			Horizon: j.Config.Float("horizon_days", 100)}}
	if p := j.Parameter("techniques"); p != "" {
		cfg.Techniques = strings.Split(p, ",")
	}
	if d := strings.TrimSpace(j.Data()); d != "*" {
		cfg.Asset = d
	}
	switch cfg.Mode {
	case infragraph.Onward, infragraph.Towards:
	case infragraph.Adversary:
		if len(cfg.Techniques) == 0 {
			return cfg, errors.New("adversary mode needs the adversary's ATT&CK techniques: set the techniques parameter or configuration item (e.g. T1190,T1078)")
		}
	default:
		return cfg, fmt.Errorf("mode %q is not onward, towards or adversary", cfg.Mode)
	}
	if cfg.Mode == infragraph.Onward && cfg.Asset == "" {
		return cfg, errors.New("onward mode needs the compromised host as the observable")
	}
	if cfg.Sim.Samples > 100000 || cfg.Sim.Samples < 1 {
		return cfg, fmt.Errorf("configuration item samples: %d is outside 1 to 100000", cfg.Sim.Samples)
	}
	return cfg, nil
}

// model reads the infrastructure from model_file when set (a JSON infra.Model, for tests and
// offline use), else from the knowledge store as of as_of (default now).

// level grades the fastest target: within a week malicious, within the horizon suspicious.
func level(t *infragraph.Target) job.Level {
	switch {
	case t == nil || t.P50 == nil && t.Probability == 0:
		return job.Safe
	case t.P50 != nil && *t.P50 <= 7:
		return job.Malicious
	}
	return job.Suspicious
}

func taxonomies(rep *infragraph.Report) []job.Taxonomy {
	var top *infragraph.Target
	for i := range rep.Targets {
		if rep.Targets[i].Probability > 0 {
			top = &rep.Targets[i]
			break
		}
	}
	lvl := level(top)
	verdict := "nothing reached within " + fmt.Sprint(rep.Horizon) + " days"
	if top != nil {
		verdict = fmt.Sprintf("%s %s, p=%.2f", top.Step, days(top.P50), top.Probability)
	}
	return []job.Taxonomy{
		{Level: lvl, Namespace: "SOCCRATES", Predicate: "TTC", Value: verdict},
		{Level: lvl, Namespace: "SOCCRATES", Predicate: "Reachable", Value: fmt.Sprintf("%d/%d", rep.Reached, len(rep.Targets)+rep.Omitted)},
	}
}

func days(p *float64) string {
	if p == nil {
		return "median beyond horizon"
	}
	return fmt.Sprintf("median %.1f d", *p)
}

// artifacts are the hosts on critical paths, except the observable itself.
func artifacts(rep *infragraph.Report, observable string) []job.Artifact {
	out := []job.Artifact{}
	seen := map[string]bool{observable: true, "": true}
	for _, t := range rep.Targets {
		for _, s := range t.CriticalPath {
			if seen[s.Host] {
				continue
			}
			seen[s.Host] = true
			typ := "hostname"
			if _, err := netip.ParseAddr(s.Host); err == nil {
				typ = "ip"
			}
			out = append(out, job.NewArtifact(typ, s.Host).WithTags("soccrates:attack-path").
				WithMessage("Host on a critical attack path found by SOCCRATES_AttackGraph ("+string(rep.Mode)+")"))
		}
	}
	return out
}
