package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/infragraph"
	"github.com/soccrates-cortex/soccrates/shared/attackgraph/mal"
)

// setup is what a row simulates: a graph, a configuration and the defences to switch on.
type setup struct {
	g       *attackgraph.Graph
	objects int
	cfg     attackgraph.Config
	def     attackgraph.Defences
}

func measure(ctx context.Context, spec, dir string, samples int, out io.Writer) error {
	kind, p, _ := strings.Cut(spec, ":")
	param, err := strconv.Atoi(p)
	if err != nil {
		return fmt.Errorf("row %q: %w", spec, err)
	}
	start := time.Now()
	var s setup
	switch kind {
	case "kth", "kthr":
		s, err = kth(dir, param, kind == "kthr")
	case "synthetic":
		s, err = synthetic(param)
	case "random":
		s, err = random(param)
	default:
		err = fmt.Errorf("unknown row kind %q", kind)
	}
	if err != nil {
		return err
	}
	build := time.Since(start)
	s.cfg.Samples, s.cfg.Seed = samples, 1
	sim, err := attackgraph.NewSimulator(s.g, s.cfg)
	if err != nil {
		return err
	}
	start = time.Now()
	res, err := sim.Run(ctx, s.def)
	if err != nil {
		return err
	}
	d := time.Since(start).Seconds()
	fmt.Fprintf(out, "%d\t%d\t%d\t%d\t%.2f\t%d\t%.3f\t%.0f\t%.3g", s.objects, s.g.Len(), s.g.Edges(), res.Live,
		build.Seconds(), samples, d, float64(samples)/d, float64(res.Live)*float64(samples)/d)
	return nil
}

func kth(dir string, nodes int, restricted bool) (setup, error) {
	f, err := os.Open(filepath.Join(dir, fmt.Sprintf("corelang010_scalability_%d.json.gz", nodes)))
	if err != nil {
		return setup{}, err
	}
	defer f.Close()
	k, err := mal.ReadKTH(f)
	if err != nil {
		return setup{}, err
	}
	lang, err := mal.CoreLang()
	if err != nil {
		return setup{}, err
	}
	g, _, err := mal.Instantiate(lang, k.Model)
	if err != nil {
		return setup{}, err
	}
	s := setup{g: g, objects: len(k.Model.Objects)}
	for _, set := range []struct {
		refs []mal.StepRef
		ids  *[]attackgraph.StepID
	}{{k.Entries, &s.cfg.Entries}, {k.Targets, &s.cfg.Targets}} {
		for _, r := range set.refs {
			id, ok := g.Lookup(r.Object, r.Step)
			if !ok {
				return setup{}, fmt.Errorf("kth %d: no step %s.%s", nodes, r.Object, r.Step)
			}
			*set.ids = append(*set.ids, id)
		}
	}
	if restricted {
		s.def = attackgraph.Defences{}
		for _, id := range g.Find("", "restricted") {
			s.def[id] = true
		}
	}
	return s, nil
}

// synthetic compiles the made-up enterprise and attacks its databases from the internet. It
// measures the sampling pass over all targets; the analyzer adds a second pass for the
// critical paths of the fastest few (max_targets).
func synthetic(hosts int) (setup, error) {
	m := infragraph.Synthetic(hosts, 1)
	c, err := infragraph.Compile(m)
	if err != nil {
		return setup{}, err
	}
	s := setup{g: c.Graph, objects: len(c.Model.Objects)}
	entry, _ := c.ZoneStep("internet", "accessUninspected")
	s.cfg.Entries = []attackgraph.StepID{entry}
	for _, h := range m.Hosts {
		if id, ok := c.DataStep(h.Key, "read"); ok {
			s.cfg.Targets = append(s.cfg.Targets, id)
		}
	}
	s.cfg.SkipPaths = true
	return s, nil
}

// random builds n steps in layers of 100, each step with two or three parents in the layer
// above (an And step one time in four), every TTC Exponential(2): nothing is instantaneous,
// so every live step is drawn and queued in every sample.
func random(n int) (setup, error) {
	b := attackgraph.NewBuilder()
	ttc := attackgraph.Exponential(2)
	r := uint64(12345)
	next := func(k int) int {
		r ^= r << 13
		r ^= r >> 7
		r ^= r << 17
		return int(r % uint64(k))
	}
	const width = 100
	for i := 0; i < n; i++ {
		kind := attackgraph.Or
		if i >= width && next(4) == 0 {
			kind = attackgraph.And
		}
		id := b.Add(attackgraph.Step{Asset: "r", Name: strconv.Itoa(i), Kind: kind, TTC: ttc})
		if layer := i / width; layer > 0 {
			for k := 0; k < 2+next(2); k++ {
				b.Connect(attackgraph.StepID((layer-1)*width+next(width)), id)
			}
		}
	}
	g, err := b.Build()
	if err != nil {
		return setup{}, err
	}
	s := setup{g: g, objects: 0}
	for i := 0; i < width; i++ {
		s.cfg.Entries = append(s.cfg.Entries, attackgraph.StepID(i))
	}
	s.cfg.Targets = []attackgraph.StepID{attackgraph.StepID(n - 1)}
	s.cfg.Horizon = math.Inf(1)
	s.cfg.SkipPaths = true
	return s, nil
}
