package mal

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/soccrates-cortex/soccrates/shared/attackgraph"
)

//go:embed corelang-1.0.0.json
var coreLangSpec []byte

// Language is a MAL language: assets with their steps after inheritance, variables and the
// association fields each asset has.
type Language struct {
	ID     string
	assets map[string]*Asset
}

// Asset is one asset type with its effective steps (inherited ones included).
type Asset struct {
	Name     string
	Extends  string
	Abstract bool
	Steps    map[string]*StepDef
	vars     map[string]*expr
	fields   map[string]string // field name -> asset type it points to
	order    []string          // step names in declaration order, inherited first
	pos      map[string]int32  // step name -> index in order
}

// StepDef is a step as the language declares it.
type StepDef struct {
	Name     string
	Kind     attackgraph.Kind
	TTC      attackgraph.TTC
	Tags     []string
	reaches  []reach
	requires []*expr
}

// CoreLang returns coreLang 1.0.0, embedded in the package. The Language is parsed once and
// shared: it is immutable.
func CoreLang() (*Language, error) { return coreLang() }

var coreLang = sync.OnceValues(func() (*Language, error) {
	l, err := ParseLanguage(coreLangSpec)
	if err != nil {
		return nil, fmt.Errorf("embedded coreLang: %w", err)
	}
	l.ID = "org.mal-lang.coreLang 1.0.0"
	return l, nil
})

type specFile struct {
	Assets       []specAsset `json:"assets"`
	Associations []struct {
		LeftAsset  string `json:"leftAsset"`
		LeftField  string `json:"leftField"`
		RightField string `json:"rightField"`
		RightAsset string `json:"rightAsset"`
	} `json:"associations"`
}

type specAsset struct {
	Name      string   `json:"name"`
	Extends   *string  `json:"extends"`
	Abstract  bool     `json:"abstract"`
	Variables []string `json:"variables"`
	Steps     []struct {
		Name        string   `json:"name"`
		Type        string   `json:"type"`
		Tags        []string `json:"tags"`
		TTC         *string  `json:"ttc"`
		Reaches     []string `json:"reaches"`
		ReachesMode *string  `json:"reachesMode"`
		Requires    []string `json:"requires"`
	} `json:"steps"`
}

// ParseLanguage reads a language in the JSON layout of the project's coreLang table
// (assets with steps, reaches as MAL text, associations).
func ParseLanguage(data []byte) (*Language, error) {
	var spec specFile
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("parse language: %w", err)
	}
	own := map[string]*Asset{}
	modes := map[string]map[string]string{}
	for i := range spec.Assets {
		as, m, err := parseAsset(&spec.Assets[i])
		if err != nil {
			return nil, fmt.Errorf("parse language: asset %s: %w", spec.Assets[i].Name, err)
		}
		own[as.Name], modes[as.Name] = as, m
	}
	for _, as := range spec.Associations {
		l, lok := own[as.LeftAsset]
		r, rok := own[as.RightAsset]
		if !lok || !rok {
			return nil, fmt.Errorf("parse language: association %s-%s: unknown asset", as.LeftAsset, as.RightAsset)
		}
		l.fields[as.RightField] = as.RightAsset
		r.fields[as.LeftField] = as.LeftAsset
	}
	return inherit(own, modes)
}

// parseAsset reads one asset's own steps and variables, and the +>/-> mode of each step.
func parseAsset(a *specAsset) (*Asset, map[string]string, error) {
	as := &Asset{Name: a.Name, Abstract: a.Abstract, Steps: map[string]*StepDef{}, vars: map[string]*expr{}, fields: map[string]string{}}
	if a.Extends != nil {
		as.Extends = *a.Extends
	}
	modes := map[string]string{}
	for _, v := range a.Variables {
		name, text, ok := strings.Cut(v, "=")
		if !ok {
			return nil, nil, fmt.Errorf("variable %q", v)
		}
		e, err := parseSet(strings.TrimSpace(text))
		if err != nil {
			return nil, nil, fmt.Errorf("variable %w", err)
		}
		as.vars[strings.TrimSpace(name)] = e
	}
	for _, st := range a.Steps {
		d, err := parseStep(st.Name, st.Type, st.TTC, st.Tags, st.Reaches, st.Requires)
		if err != nil {
			return nil, nil, err
		}
		as.Steps[st.Name] = d
		as.order = append(as.order, st.Name)
		if st.ReachesMode != nil {
			modes[st.Name] = *st.ReachesMode
		}
	}
	return as, modes, nil
}

func parseStep(name, kind string, ttc *string, tags, reaches, requires []string) (*StepDef, error) {
	k, err := attackgraph.ParseKind(kind)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", name, err)
	}
	d := &StepDef{Name: name, Kind: k, Tags: tags}
	if ttc != nil {
		if d.TTC, err = attackgraph.ParseTTC(*ttc); err != nil {
			return nil, fmt.Errorf("step %s: %w", name, err)
		}
	}
	for _, r := range reaches {
		rc, err := parseReach(r)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", name, err)
		}
		d.reaches = append(d.reaches, rc)
	}
	for _, r := range requires {
		e, err := parseSet(r)
		if err != nil {
			return nil, fmt.Errorf("step %s: requires %w", name, err)
		}
		d.requires = append(d.requires, e)
	}
	return d, nil
}

// inherit merges each asset with its ancestors: a step redeclared with +> appends to the
// parent's reaches, with -> replaces them, and without either keeps them; its type and TTC
// are the child's (the TTC the parent's when the child declares none).
func inherit(own map[string]*Asset, modes map[string]map[string]string) (*Language, error) {
	l := &Language{assets: map[string]*Asset{}}
	var resolve func(name string, depth int) (*Asset, error)
	resolve = func(name string, depth int) (*Asset, error) {
		if a, ok := l.assets[name]; ok {
			return a, nil
		}
		a, ok := own[name]
		if !ok || depth > 20 {
			return nil, fmt.Errorf("parse language: asset %q unknown or in an inheritance cycle", name)
		}
		if a.Extends == "" {
			l.assets[name] = a
			return a, nil
		}
		parent, err := resolve(a.Extends, depth+1)
		if err != nil {
			return nil, err
		}
		merged := merge(parent, a, modes[a.Name])
		l.assets[name] = merged
		return merged, nil
	}
	for name := range own {
		if _, err := resolve(name, 0); err != nil {
			return nil, err
		}
	}
	for _, a := range l.assets {
		a.pos = make(map[string]int32, len(a.order))
		for i, n := range a.order {
			a.pos[n] = int32(i)
		}
	}
	return l, nil
}

// merge makes the effective asset a from its resolved parent and its own declarations.
func merge(parent, a *Asset, modes map[string]string) *Asset {
	merged := &Asset{Name: a.Name, Extends: a.Extends, Abstract: a.Abstract, Steps: map[string]*StepDef{},
		vars: map[string]*expr{}, fields: map[string]string{}}
	for _, src := range []*Asset{parent, a} {
		for k, v := range src.vars {
			merged.vars[k] = v
		}
		for k, v := range src.fields {
			merged.fields[k] = v
		}
	}
	for _, n := range parent.order {
		merged.Steps[n] = parent.Steps[n]
		merged.order = append(merged.order, n)
	}
	for _, n := range a.order {
		merged.addOwn(a.Steps[n], modes[n])
	}
	return merged
}

func (a *Asset) addOwn(d *StepDef, mode string) {
	base, ok := a.Steps[d.Name]
	if !ok {
		a.Steps[d.Name] = d
		a.order = append(a.order, d.Name)
		return
	}
	merged := *d
	switch mode {
	case "append":
		merged.reaches = append(append([]reach(nil), base.reaches...), d.reaches...)
	case "override":
	default:
		merged.reaches = base.reaches
	}
	if d.TTC.String() == "Zero" {
		merged.TTC = base.TTC
	}
	a.Steps[d.Name] = &merged
}

// Asset returns an asset type by name.
func (l *Language) Asset(name string) (*Asset, bool) {
	a, ok := l.assets[name]
	return a, ok
}

// isA says whether asset type sub is typ or extends it.
func (l *Language) isA(sub, typ string) bool {
	for depth := 0; sub != "" && depth < 20; depth++ {
		if sub == typ {
			return true
		}
		a, ok := l.assets[sub]
		if !ok {
			return false
		}
		sub = a.Extends
	}
	return false
}

// HasField says whether the asset type has the association field.
func (a *Asset) HasField(field string) bool {
	_, ok := a.fields[field]
	return ok
}

// StepNames lists the asset's steps in declaration order, inherited ones first.
func (a *Asset) StepNames() []string { return a.order }
