package attackgraph

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Config says what to simulate. Entries, Targets and Forbidden refer to steps of the Graph.
type Config struct {
	Samples int     // Monte Carlo samples; default 1,000
	Seed    uint64  // the same seed gives the same result, whatever the number of workers
	Horizon float64 // days; a step reached later counts as not reached; default 100
	Workers int     // goroutines; default GOMAXPROCS
	// Entries are where the attacker starts: reached at time 0, whatever their kind and TTC.
	Entries []StepID
	Targets []StepID
	// Forbidden steps are impossible for this attacker (used to restrict to an adversary).
	Forbidden []StepID
	TopSteps  int  // how many steps Result.HotSteps lists; default 10
	SkipPaths bool // no critical paths or hot steps: only probabilities and percentiles
	KeepTimes bool // keep every target's sorted sample times in TargetResult.Times
}

// Result is the outcome of one run.
type Result struct {
	Samples  int
	Seed     uint64
	Horizon  float64
	Targets  []TargetResult
	HotSteps []StepShare // attack steps most often on a fastest path to any target
	Live     int         // steps left after pruning what no sample can use
	Duration time.Duration
}

// TargetResult is what the simulation found for one target step. The percentiles are taken
// over all samples, a sample that did not reach the target within the horizon counting as
// infinitely slow: P50 is +Inf when the probability is below one half.
type TargetResult struct {
	Step         StepID
	Ref          string
	Probability  float64
	P5, P50, P95 float64
	MeanReached  float64 // mean TTC of the samples that reached it; NaN when none did
	CriticalPath []StepShare
	Times        []float64
}

// StepShare is a step with the share of samples in which it was on the fastest path.
type StepShare struct {
	Step  StepID
	Ref   string
	Share float64
}

// ErrNoTargets is returned when Config.Targets is empty.
var ErrNoTargets = errors.New("no target steps")

// Simulator runs Monte Carlo simulations over one Graph and Config. Its set-up (the TTC
// table, the worker buffers) is done once; Run can then be called many times with different
// defence sets, cheaply. A Simulator runs one Run at a time.
type Simulator struct {
	g       *Graph
	cfg     Config
	dists   []TTC
	ttcOf   []int32
	mu      sync.Mutex
	workers []*worker
}

// Simulate runs one simulation with the defences' defaults.
func Simulate(ctx context.Context, g *Graph, cfg Config) (*Result, error) {
	s, err := NewSimulator(g, cfg)
	if err != nil {
		return nil, err
	}
	return s.Run(ctx, nil)
}

// NewSimulator checks cfg, fills its defaults, and prepares the simulation.
func NewSimulator(g *Graph, cfg Config) (*Simulator, error) {
	if cfg.Samples <= 0 {
		cfg.Samples = 1000
	}
	if cfg.Horizon <= 0 {
		cfg.Horizon = 100
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.TopSteps <= 0 {
		cfg.TopSteps = 10
	}
	if len(cfg.Targets) == 0 {
		return nil, ErrNoTargets
	}
	for _, set := range [][]StepID{cfg.Entries, cfg.Targets, cfg.Forbidden} {
		for _, id := range set {
			if id < 0 || int(id) >= g.Len() {
				return nil, fmt.Errorf("step id %d out of range (graph has %d steps)", id, g.Len())
			}
		}
	}
	cfg.Targets = unique(cfg.Targets)
	s := &Simulator{g: g, cfg: cfg, ttcOf: make([]int32, g.Len())}
	index := map[string]int32{}
	for i := range g.steps {
		t := g.steps[i].TTC
		if t.Instantaneous() || g.steps[i].Kind > And {
			s.ttcOf[i] = -1
			continue
		}
		k, ok := index[t.String()]
		if !ok {
			k = int32(len(s.dists))
			index[t.String()] = k
			s.dists = append(s.dists, t)
		}
		s.ttcOf[i] = k
	}
	return s, nil
}

// Run simulates with the given defences switched on or off (nil: the defaults).
func (s *Simulator) Run(ctx context.Context, def Defences) (*Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	p := s.newPlan(def)
	times := make([][]float32, len(p.targets))
	for ti := range times {
		times[ti] = make([]float32, s.cfg.Samples)
	}
	if err := s.sampleAll(ctx, p, times); err != nil {
		return nil, err
	}
	res := s.summarise(p, times)
	res.Duration = time.Since(start)
	return res, nil
}

// sampleAll spreads the samples over the workers in chunks; each sample writes only its own
// slot of times, and the counters are per worker, so the result does not depend on the split.
func (s *Simulator) sampleAll(ctx context.Context, p *plan, times [][]float32) error {
	const chunk = 16
	nw := min(s.cfg.Workers, (s.cfg.Samples+chunk-1)/chunk)
	for len(s.workers) < nw {
		s.workers = append(s.workers, newWorker(s.g.Len()))
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := 0; k < nw; k++ {
		w := s.workers[k]
		w.reset(s, p)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				lo := int(next.Add(chunk)) - chunk
				if lo >= s.cfg.Samples {
					return
				}
				for i := lo; i < min(lo+chunk, s.cfg.Samples); i++ {
					w.sample(p, i, times, !s.cfg.SkipPaths)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("simulate: %w", err)
	}
	return nil
}

func (s *Simulator) ref(id int32) string { return s.g.steps[id].Ref() }

func unique(ids []StepID) []StepID {
	seen := map[StepID]bool{}
	var out []StepID
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
