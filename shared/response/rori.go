package response

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// RORIInputs are the four figures of the return on response investment,
// in the site's currency.
type RORIInputs struct {
	// ALE is the expected loss of the incident without a response (the
	// annual loss expectancy with a rate of occurrence of 1).
	ALE float64 `json:"ale"`
	// RM is the risk mitigation, coverage × effectiveness, from 0 to 1.
	RM float64 `json:"rm"`
	// ARC is the response's cost: its deployment cost plus its negative
	// business side effects.
	ARC float64 `json:"arc"`
	// AIV is the annual infrastructure value.
	AIV float64 `json:"aiv"`
}

// RORI returns ((ALE × RM) − ARC) / (ARC + AIV) × 100, the return on
// response investment of Gonzalez-Granadillo et al., in percent. It fails
// on negative figures, RM outside [0, 1] and ARC + AIV = 0, where the
// ratio means nothing.
func RORI(in RORIInputs) (float64, error) {
	for _, v := range []float64{in.ALE, in.RM, in.ARC, in.AIV} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("rori: inputs must be finite numbers: %+v", in)
		}
	}
	switch {
	case in.ALE < 0 || in.ARC < 0 || in.AIV < 0:
		return 0, fmt.Errorf("rori: ALE, ARC and AIV must not be negative: %+v", in)
	case in.RM < 0 || in.RM > 1:
		return 0, fmt.Errorf("rori: RM %g is outside 0 to 1", in.RM)
	case in.ARC+in.AIV == 0:
		return 0, errors.New("rori: ARC + AIV is 0: give the response a cost or the infrastructure a value")
	}
	return (in.ALE*in.RM - in.ARC) / (in.ARC + in.AIV) * 100, nil
}

// Cost is one row of the cost table: what a kind of CoA costs and how well
// and how fast it works.
type Cost struct {
	// Cost is the money one deployment costs (staff time, licences).
	Cost float64 `json:"cost"`
	// DeployHours is the time from the decision until the response takes
	// effect; the attacker keeps going meanwhile.
	DeployHours float64 `json:"deploy_hours"`
	// Effectiveness is the share of the attacker's onward progress the
	// response stops once in effect, from 0 to 1.
	Effectiveness float64 `json:"effectiveness"`
}

// DefaultCosts is the cost table when the site gives none. The figures
// are the project's assumptions, not measurements: isolating a host
// through the EDR is nearly complete but takes an analyst's approval;
// denying addresses or names is cheap and quick but an attacker can move
// to other addresses or names.
var DefaultCosts = map[Kind]Cost{
	KindContainHost:  {Cost: 500, DeployHours: 1, Effectiveness: 0.95},
	KindDenyAttacker: {Cost: 200, DeployHours: 0.5, Effectiveness: 0.6},
	KindBlockC2Name:  {Cost: 200, DeployHours: 0.5, Effectiveness: 0.7},
}

// ParseCosts reads cost table lines "kind=cost,deploy_hours,effectiveness"
// ("contain_host=800,2,0.9") over DefaultCosts: kinds not listed keep
// their defaults.
func ParseCosts(lines []string) (map[Kind]Cost, error) {
	out := make(map[Kind]Cost, len(DefaultCosts))
	for k, c := range DefaultCosts {
		out[k] = c
	}
	for _, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		k, c, err := parseCost(line)
		if err != nil {
			return nil, fmt.Errorf("cost table line %q: %w", line, err)
		}
		out[k] = c
	}
	return out, nil
}

func parseCost(line string) (Kind, Cost, error) {
	name, rest, ok := strings.Cut(line, "=")
	k := Kind(strings.TrimSpace(name))
	if _, known := DefaultCosts[k]; !known {
		return "", Cost{}, fmt.Errorf("kind %q is not contain_host, deny_attacker or block_c2_name", k)
	}
	fields := strings.Split(rest, ",")
	if !ok || len(fields) != 3 {
		return "", Cost{}, errors.New("want kind=cost,deploy_hours,effectiveness")
	}
	var v [3]float64
	for i, f := range fields {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || x < 0 || math.IsInf(x, 0) || math.IsNaN(x) {
			return "", Cost{}, fmt.Errorf("%q is not a number of 0 or more", strings.TrimSpace(f))
		}
		v[i] = x
	}
	if v[2] > 1 {
		return "", Cost{}, fmt.Errorf("effectiveness %g is above 1", v[2])
	}
	return k, Cost{Cost: v[0], DeployHours: v[1], Effectiveness: v[2]}, nil
}

// coverage is the share of the attacker's successes within the horizon
// that come after delay: the ones a response in effect by then prevents.
// times are the sorted sample times of the samples that reached the
// target; with none there is nothing to cover and the answer is 1.
func coverage(times []float64, delay float64) float64 {
	if len(times) == 0 {
		return 1
	}
	before := sort.Search(len(times), func(i int) bool { return times[i] > delay })
	return 1 - float64(before)/float64(len(times))
}

// rankCoAs orders the CoAs by RORI, highest first; those without one keep
// their planned order after the others. It sets each CoA's Rank.
func rankCoAs(coas []CoA) {
	score := func(c CoA) (float64, bool) {
		if c.RORI == nil || c.RORI.RORI == nil {
			return 0, false
		}
		return *c.RORI.RORI, true
	}
	sort.SliceStable(coas, func(i, j int) bool {
		a, okA := score(coas[i])
		b, okB := score(coas[j])
		if okA != okB {
			return okA
		}
		return okA && a > b
	})
	for i := range coas {
		coas[i].Rank = i + 1
	}
}
