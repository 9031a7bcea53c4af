// Command AttackDetection is the Cortex analyzer SOCCRATES_AttackDetection: it reads a file of
// Suricata EVE alerts and reports, per victim host, the most advanced ATT&CK stage reached.
// The analysis lives in package detect; this file only connects it to the Cortex job.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/soccrates-cortex/soccrates/manifests"
	"github.com/soccrates-cortex/soccrates/shared/alerts"
	"github.com/soccrates-cortex/soccrates/shared/detect"
	"github.com/soccrates-cortex/soccrates/shared/job"
)

func main() {
	os.Exit(run(context.Background(), os.Args, os.Stdin, os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	spec := job.Spec{Manifest: manifests.Must("SOCCRATES_AttackDetection"), Analyze: analyze}
	return job.Run(ctx, spec, args, stdin, stdout, stderr)
}

// report is the analyzer's full report: the detection result, with the victim list cut to
// max_victims so that TheHive stays responsive on large files.
type report struct {
	*detect.Result
	VictimsOmitted int `json:"victims_omitted"`
}

func analyze(ctx context.Context, j *job.Job) (*job.Report, error) {
	f, err := j.OpenFile()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	home, err := detect.ParseHomeNet(j.Config.Strings("home_networks"))
	if err != nil {
		return nil, fmt.Errorf("configuration item home_networks: %w", err)
	}
	cfg := detect.Config{
		HomeNet:        home,
		Gap:            time.Duration(j.Config.Float("episode_gap_minutes", 10) * float64(time.Minute)),
		NoiseAddresses: append([]string{}, j.Config.Strings("ignore_addresses")...),
		Logger:         j.Log,
	}
	res, err := detect.Analyze(ctx, f, cfg)
	if err != nil {
		return nil, explain(err, j.Data())
	}
	tax := taxonomies(res)
	full := report{Result: res}
	if limit := j.Config.Int("max_victims", 50); limit >= 0 && len(res.Victims) > limit {
		full.VictimsOmitted = len(res.Victims) - limit
		res.Victims = res.Victims[:limit]
	}
	return &job.Report{Taxonomies: tax, Artifacts: artifacts(res), Full: full}, nil
}

// explain turns a reading error into a message that tells the analyst what to submit instead.
func explain(err error, filename string) error {
	switch {
	case errors.Is(err, alerts.ErrNotEVE):
		return fmt.Errorf("%s is not a Suricata EVE alert file (%v); submit eve.json alerts as JSON lines, a JSON array, gzip of either, or a Splunk export", filename, err)
	case errors.Is(err, alerts.ErrNoAlerts):
		return fmt.Errorf("%s holds no Suricata alerts (%v); submit a file with event_type \"alert\" records", filename, err)
	}
	return fmt.Errorf("read alerts from %s: %w", filename, err)
}

// level says how alarming a stage is: scanning and discovery are suspicious, anything from
// initial access on is malicious.
func level(t detect.Tactic) job.Level {
	switch t.Shortname {
	case "":
		return job.Safe
	case "reconnaissance", "resource-development", "discovery":
		return job.Suspicious
	}
	return job.Malicious
}

func taxonomies(res *detect.Result) []job.Taxonomy {
	if len(res.Victims) == 0 {
		return []job.Taxonomy{
			{Level: job.Safe, Namespace: "SOCCRATES", Predicate: "Stage", Value: "none"},
			{Level: job.Info, Namespace: "SOCCRATES", Predicate: "Alerts", Value: res.Stats.AlertsRead},
		}
	}
	top := res.Victims[0]
	lvl := level(top.Stage)
	return []job.Taxonomy{
		{Level: lvl, Namespace: "SOCCRATES", Predicate: "Stage", Value: top.Stage.Shortname + " on " + top.IP},
		{Level: lvl, Namespace: "SOCCRATES", Predicate: "Victims", Value: len(res.Victims)},
		{Level: lvl, Namespace: "SOCCRATES", Predicate: "Attackers", Value: len(res.Attackers)},
		{Level: job.Info, Namespace: "SOCCRATES", Predicate: "Episodes", Value: len(res.Episodes)},
	}
}

func artifacts(res *detect.Result) []job.Artifact {
	out := []job.Artifact{}
	for _, a := range res.Attackers {
		out = append(out, job.NewArtifact("ip", a).WithTags("soccrates:attacker").
			WithMessage("Attacker address seen by SOCCRATES_AttackDetection"))
	}
	for _, v := range res.Victims {
		out = append(out, job.NewArtifact("ip", v.IP).
			WithTags("soccrates:victim", "attack-stage:"+v.Stage.Shortname).
			WithMessage(fmt.Sprintf("Victim host; most advanced stage %s (%s), %d alerts", v.Stage.Name, v.Stage.ID, v.Alerts)))
	}
	return out
}
