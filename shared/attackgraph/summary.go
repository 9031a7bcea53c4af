package attackgraph

import (
	"math"
	"slices"
	"sort"
)

// summarise merges the workers' counters and turns the sample times into the Result.
func (s *Simulator) summarise(p *plan, times [][]float32) *Result {
	res := &Result{Samples: s.cfg.Samples, Seed: s.cfg.Seed, Horizon: s.cfg.Horizon, Live: p.live}
	n := float64(s.cfg.Samples)
	for ti, t := range p.targets {
		tr := TargetResult{Step: StepID(t), Ref: s.ref(t)}
		sorted := make([]float64, len(times[ti]))
		for i, v := range times[ti] {
			sorted[i] = float64(v)
		}
		sort.Float64s(sorted)
		reached, sum := 0, 0.0
		for _, v := range sorted {
			if !math.IsInf(v, 1) {
				reached++
				sum += v
			}
		}
		tr.Probability = float64(reached) / n
		tr.MeanReached = math.NaN()
		if reached > 0 {
			tr.MeanReached = sum / float64(reached)
		}
		tr.P5, tr.P50, tr.P95 = quantile(sorted, 0.05), quantile(sorted, 0.5), quantile(sorted, 0.95)
		if s.cfg.KeepTimes {
			tr.Times = sorted
		}
		if !s.cfg.SkipPaths {
			tr.CriticalPath = s.criticalPath(ti, t)
		}
		res.Targets = append(res.Targets, tr)
	}
	if !s.cfg.SkipPaths {
		res.HotSteps = s.hotSteps(p)
	}
	return res
}

// quantile is the nearest-rank quantile of sorted values.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.Inf(1)
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// criticalPath starts at the target and follows, step by step, the predecessor that most
// often set the step's time on the target's fastest path. Ties go to the lower step id.
func (s *Simulator) criticalPath(ti int, target int32) []StepShare {
	best := map[int32]int32{}
	bestCount := map[int32]uint32{}
	onPath := map[int32]uint32{}
	reached := 0
	for _, w := range s.workers[:s.usedWorkers()] {
		reached += w.count[ti]
	}
	merged := map[uint64]uint32{}
	for _, w := range s.workers[:s.usedWorkers()] {
		for k, v := range w.edges[ti] {
			merged[k] += v
		}
	}
	for k, v := range merged {
		u, pr := int32(k>>32), int32(uint32(k))
		onPath[u] += v
		if c, ok := bestCount[u]; !ok || v > c || v == c && pr < best[u] {
			best[u], bestCount[u] = pr, v
		}
	}
	if reached == 0 {
		return nil
	}
	var path []StepShare
	seen := map[int32]bool{}
	for u := target; u >= 0 && !seen[u]; u = best[u] {
		seen[u] = true
		path = append(path, StepShare{Step: StepID(u), Ref: s.ref(u), Share: float64(onPath[u]) / float64(reached)})
	}
	slices.Reverse(path)
	return path
}

// hotSteps lists the attack steps on most fastest paths, leaving out entry points (on every
// path by definition), defences and conditions (not attacker actions), and steps tagged
// hidden (MAL's intermediate steps, which have no meaning of their own).
func (s *Simulator) hotSteps(p *plan) []StepShare {
	total := make([]uint32, s.g.Len())
	for _, w := range s.workers[:s.usedWorkers()] {
		for i, v := range w.hot {
			total[i] += v
		}
	}
	entry := map[int32]bool{}
	for _, e := range s.cfg.Entries {
		entry[int32(e)] = true
	}
	var out []StepShare
	for i, v := range total {
		if v > 0 && !entry[int32(i)] && s.g.steps[i].Kind <= And && !hidden(&s.g.steps[i]) {
			out = append(out, StepShare{Step: StepID(i), Ref: s.ref(int32(i)), Share: float64(v) / float64(s.cfg.Samples)})
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Share != out[b].Share {
			return out[a].Share > out[b].Share
		}
		return out[a].Step < out[b].Step
	})
	if len(out) > s.cfg.TopSteps {
		out = out[:s.cfg.TopSteps]
	}
	return out
}

func (s *Simulator) usedWorkers() int {
	const chunk = 16
	return min(s.cfg.Workers, (s.cfg.Samples+chunk-1)/chunk, len(s.workers))
}

func hidden(s *Step) bool {
	for _, t := range s.Tags {
		if t == "hidden" {
			return true
		}
	}
	return false
}
