package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
)

func (s *suite) analyzeCmd(c *cli.Context) error {
	if err := usageError(c, 4); err != nil {
		return err
	}
	worker, dataType, observable, dir := c.Args().Get(0), c.Args().Get(1), c.Args().Get(2), c.Args().Get(3)

	// The observable is resolved before the folder is cleared: it may refer to this very folder.
	value, resolveErr := observableValue(observable)
	if err := prepareJobDir(dir, true); err != nil {
		return s.failEarly(err)
	}
	logf, logger, err := stepLog(dir, "verb", "analyze", "worker", worker, "data_type", dataType, "job_dir", dir)
	if err != nil {
		return s.failEarly(err)
	}
	defer logf.Close()
	if resolveErr != nil {
		return s.failStep(logger, resolveErr)
	}

	ctx, cancel := s.stepContext(c.Context)
	defer cancel()
	r, err := s.runJob(ctx, worker, dir, logf, logger, func(cfg json.RawMessage) (jobInput, error) {
		return analyzerInput(dir, dataType, value, cfg)
	})
	if err != nil {
		return s.failStep(logger, err)
	}
	token := analyzerToken(r)
	logger.Info("step done", "token", token)
	s.printToken(token)
	return nil
}

// analyzerInput builds input.json for an analyzer; a file observable is copied into the job.
func analyzerInput(dir, dataType string, value any, cfg json.RawMessage) (jobInput, error) {
	text, err := valueText(value)
	if err != nil {
		return jobInput{}, fmt.Errorf("observable: %w", err)
	}
	in := newJobInput(dataType, text, cfg)
	if dataType == "file" {
		if err := addAttachment(dir, text, &in); err != nil {
			return jobInput{}, err
		}
	}
	return in, nil
}

// runJob locates the worker, writes the job's input, runs the worker and reads back a success report.
func (s *suite) runJob(ctx context.Context, worker, dir string, log io.Writer, logger *slog.Logger,
	input func(json.RawMessage) (jobInput, error)) (*report, error) {
	path, err := locateWorker(worker, s.binDir, s.cfg.Executable)
	if err != nil {
		return nil, err
	}
	cfg, err := workerConfig(s.configArg, worker)
	if err != nil {
		return nil, err
	}
	in, err := input(cfg)
	if err != nil {
		return nil, err
	}
	if err := writeJobInput(dir, in); err != nil {
		return nil, err
	}
	logger.Info("worker started", "path", path)
	if err := runWorker(ctx, path, dir, log, logger); err != nil {
		return nil, err
	}
	r, err := readReport(dir)
	if err != nil {
		return nil, fmt.Errorf("worker %s: %w", worker, err)
	}
	if !r.success {
		return nil, fmt.Errorf("worker %s reported a failure: %s", worker, r.errorMessage)
	}
	return r, nil
}

func (s *suite) respondCmd(c *cli.Context) error {
	if err := usageError(c, 4); err != nil {
		return err
	}
	worker, artifactType, observable, dir := c.Args().Get(0), c.Args().Get(1), c.Args().Get(2), c.Args().Get(3)
	value, resolveErr := observableValue(observable)
	list, isList := value.([]any)
	if err := prepareJobDir(dir, !isList); err != nil {
		return s.failEarly(err)
	}
	logf, logger, err := stepLog(dir, "verb", "respond", "worker", worker, "job_dir", dir)
	if err != nil {
		return s.failEarly(err)
	}
	defer logf.Close()
	if resolveErr != nil {
		return s.failStep(logger, resolveErr)
	}

	ctx, cancel := s.stepContext(c.Context)
	defer cancel()
	if !isList {
		mode, err := s.respondOne(ctx, worker, artifactType, value, dir, logf, logger)
		if err != nil {
			return s.failStep(logger, err)
		}
		return s.finishRespond(logger, []string{mode})
	}
	modes, err := s.respondEach(ctx, worker, artifactType, list, dir, logger)
	if err != nil {
		return s.failStep(logger, err)
	}
	return s.finishRespond(logger, modes)
}

// respondEach runs the responder once per list element in <dir>/1, <dir>/2, ... All elements are tried,
// so that one refused target does not hide what the others did.
func (s *suite) respondEach(ctx context.Context, worker, artifactType string, list []any, dir string,
	logger *slog.Logger) ([]string, error) {
	var modes []string
	var errs []error
	for i, v := range list {
		sub := filepath.Join(dir, strconv.Itoa(i+1))
		mode, err := s.respondSub(ctx, worker, artifactType, v, sub)
		if err != nil {
			logger.Error("element failed", "job_dir", sub, "err", err)
			errs = append(errs, fmt.Errorf("element %d: %w", i+1, err))
			continue
		}
		logger.Info("element done", "job_dir", sub, "mode", mode)
		modes = append(modes, mode)
	}
	return modes, errors.Join(errs...)
}

// respondSub runs one element of a list in its own job folder, with its own log.
func (s *suite) respondSub(ctx context.Context, worker, artifactType string, value any, sub string) (string, error) {
	if err := prepareJobDir(sub, true); err != nil {
		return "", err
	}
	logf, logger, err := stepLog(sub, "verb", "respond", "worker", worker, "job_dir", sub)
	if err != nil {
		return "", err
	}
	defer logf.Close()
	mode, err := s.respondOne(ctx, worker, artifactType, value, sub, logf, logger)
	if err != nil {
		logger.Error("step failed", "err", err)
	}
	return mode, err
}

// respondOne runs the responder on one value wrapped as a TheHive case artifact and returns full.mode.
func (s *suite) respondOne(ctx context.Context, worker, artifactType string, value any, dir string,
	log io.Writer, logger *slog.Logger) (string, error) {
	text, err := valueText(value)
	if err != nil {
		return "", fmt.Errorf("observable: %w", err)
	}
	r, err := s.runJob(ctx, worker, dir, log, logger, func(cfg json.RawMessage) (jobInput, error) {
		return newJobInput("thehive:case_artifact", s.caseArtifact(artifactType, text), cfg), nil
	})
	if err != nil {
		return "", err
	}
	mode, _ := r.full["mode"].(string)
	return mode, nil
}

func (s *suite) finishRespond(logger *slog.Logger, modes []string) error {
	token := respondToken(modes)
	logger.Info("step done", "token", token, "runs", len(modes))
	s.printToken(token)
	return nil
}

// respondToken summarises the modes of successful runs: none for no run, dryrun when all were dry runs.
func respondToken(modes []string) string {
	if len(modes) == 0 {
		return "none"
	}
	for _, m := range modes {
		if m != "dry-run" {
			return "done"
		}
	}
	return "dryrun"
}

// caseArtifact is the TheHive 4 observable object a responder receives, with a synthetic parent case.
func (s *suite) caseArtifact(artifactType, data string) map[string]any {
	if artifactType == "auto" {
		artifactType = autoDataType(data)
	}
	return map[string]any{
		"_type": "case_artifact", "dataType": artifactType, "data": data, "tlp": 2,
		"tags": []string{"soccrates"}, "ioc": true, "sighted": true, "message": "from a soccrates process step",
		"case": map[string]any{
			"_type": "case", "title": s.caseTitle, "description": "case of a soccrates process run",
			"severity": 2, "tlp": 2, "pap": 2, "status": "Open", "tags": []string{"soccrates"},
			"customFields": map[string]any{},
		},
	}
}

// autoDataType picks a TheHive data type for a value: ip for an address or network, fqdn for a name
// with at least two dots, domain otherwise.
func autoDataType(v string) string {
	if _, err := netip.ParseAddr(v); err == nil {
		return "ip"
	}
	if _, err := netip.ParsePrefix(v); err == nil {
		return "ip"
	}
	if strings.Count(strings.TrimSuffix(v, "."), ".") >= 2 {
		return "fqdn"
	}
	return "domain"
}

func (s *suite) getCmd(c *cli.Context) error {
	if err := usageError(c, 2); err != nil {
		return err
	}
	r, err := readReport(c.Args().Get(0))
	if err != nil {
		return s.failEarly(err)
	}
	v, err := reportValue(r, c.Args().Get(1))
	if err != nil {
		return s.failEarly(err)
	}
	text, err := scalarText(v)
	if err != nil {
		return s.failEarly(fmt.Errorf("get %s: %w", c.Args().Get(1), err))
	}
	s.printToken(text)
	return nil
}
