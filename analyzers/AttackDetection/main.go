// Command AttackDetection is the Cortex analyzer SOCCRATES_AttackDetection: it reads a file of
// alerts (Suricata EVE, Wazuh, AIT CSV, or a tar or zip of them), or for an ip or hostname the
// alerts of that host from the configured alert source, and reports per victim host the ATT&CK
// stage reached, the decoded stage sequence, the episodes left to read, and a summary per alert
// kind and host of the episodes suppressed as background.
// The analysis lives in package detect; this file only connects it to the Cortex job.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
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
// max_victims and the background list to max_background so that TheHive stays responsive (the
// episode list is cut to max_episodes by package detect, which counts the rest in its stats).
type report struct {
	*detect.Result
	VictimsOmitted    int `json:"victims_omitted"`
	BackgroundOmitted int `json:"background_omitted"`
}

func analyze(ctx context.Context, j *job.Job) (*job.Report, error) {
	cfg, err := config(j)
	if err != nil {
		return nil, err
	}
	res, err := detectJob(ctx, j, cfg)
	if err != nil {
		return nil, err
	}
	tax := taxonomies(res)
	full := report{Result: res}
	res.Victims, full.VictimsOmitted = cut(res.Victims, j.Config.Int("max_victims", 50))
	res.Background, full.BackgroundOmitted = cut(res.Background, j.Config.Int("max_background", 100))
	return &job.Report{Taxonomies: tax, Artifacts: artifacts(res), Full: full}, nil
}

func config(j *job.Job) (detect.Config, error) {
	home, err := detect.ParseHomeNet(j.Config.Strings("home_networks"))
	if err != nil {
		return detect.Config{}, fmt.Errorf("configuration item home_networks: %w", err)
	}
	cfg := detect.Config{
		HomeNet:        home,
		Gap:            time.Duration(j.Config.Float("episode_gap_minutes", 60) * float64(time.Minute)),
		NoiseAddresses: append([]string{}, j.Config.Strings("ignore_addresses")...),
		MaxEpisodes:    j.Config.Int("max_episodes", 500),
		Logger:         j.Log,
	}
	if !j.Config.Bool("suppress_background", true) {
		cfg.SuppressAt = -1
	}
	return cfg, nil
}

// detectJob analyses the job's file, or for an ip or hostname the alerts of that host in the
// configured alert source.
func detectJob(ctx context.Context, j *job.Job, cfg detect.Config) (*detect.Result, error) {
	if path, _, _ := j.File(); path != "" {
		f, err := j.OpenFile()
		if err != nil {
			return nil, err
		}
		defer f.Close()
		res, err := detect.Analyze(ctx, f, cfg)
		if err != nil {
			return nil, explain(err, j.Data())
		}
		return res, nil
	}
	src := j.Config.String("alert_source")
	if src == "" {
		return nil, errors.New("configuration item alert_source is empty: set it to the alert file or folder to search for the host")
	}
	cfg.Host = j.Data()
	if j.DataType == "ip" {
		a, err := netip.ParseAddr(cfg.Host)
		if err != nil {
			return nil, fmt.Errorf("observable %q is not an IP address", cfg.Host)
		}
		cfg.Host = a.String()
	}
	res, err := detect.AnalyzePath(ctx, src, cfg)
	if err != nil {
		return nil, explain(err, "alert source "+src)
	}
	return res, nil
}

// cut keeps the first limit items (all of them for a negative limit) and says how many it left
// out.
func cut[T any](items []T, limit int) ([]T, int) {
	if limit < 0 || len(items) <= limit {
		return items, 0
	}
	return items[:limit], len(items) - limit
}

// explain turns a reading error into a message that tells the analyst what to submit instead.
func explain(err error, what string) error {
	switch {
	case errors.Is(err, alerts.ErrUnknownFormat):
		return fmt.Errorf("%s is not an alert file (%v); submit Suricata eve.json alerts (JSON lines, array, Splunk export), Wazuh alerts.json, AIT alert CSV, or gzip, tar or zip of them", what, err)
	case errors.Is(err, alerts.ErrNoAlerts):
		return fmt.Errorf("%s holds no alerts (%v); submit a file with Suricata event_type \"alert\" records, Wazuh alerts or AIT CSV rows", what, err)
	}
	return fmt.Errorf("read alerts from %s: %w", what, err)
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
		{Level: job.Info, Namespace: "SOCCRATES", Predicate: "Episodes", Value: res.Stats.EpisodesShown},
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
