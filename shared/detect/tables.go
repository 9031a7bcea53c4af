package detect

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/*.csv
var dataFS embed.FS

// Tactic is one MITRE ATT&CK Enterprise tactic; Order is its column in the
// Enterprise matrix (1 = reconnaissance, 14 = impact).
type Tactic struct {
	ID        string `json:"id"`
	Shortname string `json:"shortname"`
	Name      string `json:"name"`
	Order     int    `json:"order"`
}

// Tactics returns the ATT&CK Enterprise tactics in matrix order.
func Tactics() []Tactic {
	t := mustTables()
	return append([]Tactic(nil), t.tactics...)
}

// How a mapping was found; also the keys of Stats.MappedBy.
const (
	viaOverride  = "signature_override"
	viaSAGE      = "sage_signature"
	viaPrefix    = "prefix"
	viaClasstype = "classtype"
)

// noTactic marks a benign alert; unmapped one no table knows.
const (
	noTactic = -1
	unmapped = -2
)

// dirRule is one row of direction.csv.
type dirRule struct {
	match, pattern string
	victimIsSrc    bool
}

// sageEntry is SAGE's micro stage for one signature and our tactic for it.
type sageEntry struct {
	stage  string
	tactic int
}

// tables holds the embedded crosswalk tables, parsed once.
type tables struct {
	tactics   []Tactic
	byShort   map[string]int // shortname -> index into tactics
	override  map[string]int // exact signature -> tactic
	sage      map[string]sageEntry
	prefix    map[string]int
	classtype map[string]int
	direction []dirRule
	rules     []ruleRow
	byName    map[string]int // lower-case tactic name ("credential access") -> index
}

// ruleRow is one row of rule_tactic.csv.
type ruleRow struct {
	tool, match, pattern string
	tactic               int    // the first tactic of the row
	also                 uint32 // all of them, as mapping.also
}

var loadTables = sync.OnceValues(parseTables)

func mustTables() *tables {
	t, err := loadTables()
	if err != nil {
		// The tables are embedded and checked by the tests: failing here
		// means the binary was built from a broken tree.
		panic(err)
	}
	return t
}

func parseTables() (*tables, error) {
	t := &tables{byShort: map[string]int{}}
	if err := t.parseTactics(); err != nil {
		return nil, err
	}
	stages, err := t.tacticTable("stage_tactic.csv")
	if err != nil {
		return nil, err
	}
	if t.sage, err = t.parseSAGE(stages); err != nil {
		return nil, err
	}
	if t.override, err = t.tacticTable("signature_tactic.csv"); err != nil {
		return nil, err
	}
	if t.prefix, err = t.tacticTable("prefix_tactic.csv"); err != nil {
		return nil, err
	}
	if t.classtype, err = t.tacticTable("classtype_tactic.csv"); err != nil {
		return nil, err
	}
	if t.direction, err = parseDirection(); err != nil {
		return nil, err
	}
	if t.rules, err = t.parseRules(); err != nil {
		return nil, err
	}
	return t, nil
}

// readCSV returns the rows of an embedded table without its header; a
// row may have more fields than minFields (a "why" text with commas).
func readCSV(name string, minFields int) ([][]string, error) {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("read table %s: %w", name, err)
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.Comment = '#'
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read table %s: %w", name, err)
		}
		if len(row) < minFields {
			line, _ := r.FieldPos(0)
			return nil, fmt.Errorf("read table %s: line %d: %d fields, want %d", name, line, len(row), minFields)
		}
		rows = append(rows, row)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("read table %s: no rows", name)
	}
	return rows[1:], nil
}

func (t *tables) parseTactics() error {
	rows, err := readCSV("attack_tactics.csv", 4)
	if err != nil {
		return err
	}
	for _, row := range rows {
		order, err := strconv.Atoi(row[3])
		if err != nil {
			return fmt.Errorf("read table attack_tactics.csv: tactic %s: order %q", row[0], row[3])
		}
		t.tactics = append(t.tactics, Tactic{ID: row[0], Shortname: row[1], Name: row[2], Order: order})
	}
	// The matrix order, not the file order, ranks stages.
	for i := 1; i < len(t.tactics); i++ {
		if t.tactics[i].Order <= t.tactics[i-1].Order {
			return errors.New("read table attack_tactics.csv: rows not in matrix order")
		}
	}
	t.byName = map[string]int{}
	for i, tc := range t.tactics {
		t.byShort[tc.Shortname] = i
		t.byName[strings.ToLower(tc.Name)] = i
	}
	return nil
}

func (t *tables) parseRules() ([]ruleRow, error) {
	rows, err := readCSV("rule_tactic.csv", 4)
	if err != nil {
		return nil, err
	}
	var out []ruleRow
	for _, row := range rows {
		if !slices.Contains([]string{"exact", "prefix", "contains"}, row[1]) {
			return nil, fmt.Errorf("read table rule_tactic.csv: %q: match %q", row[2], row[1])
		}
		r := ruleRow{tool: row[0], match: row[1], pattern: row[2]}
		names := strings.Fields(row[3])
		if len(names) == 0 {
			return nil, fmt.Errorf("read table rule_tactic.csv: %q: no tactic", row[2])
		}
		for i, short := range names {
			idx, err := t.tacticIndex(short)
			if err != nil {
				return nil, fmt.Errorf("read table rule_tactic.csv: %q: %w", row[2], err)
			}
			if idx < 0 && len(names) > 1 {
				return nil, fmt.Errorf("read table rule_tactic.csv: %q: %q in a list of tactics", row[2], short)
			}
			if i == 0 {
				r.tactic = idx
			}
			if idx >= 0 {
				r.also |= 1 << idx
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// tacticTable reads a two-column key -> tactic table.
func (t *tables) tacticTable(name string) (map[string]int, error) {
	rows, err := readCSV(name, 2)
	if err != nil {
		return nil, err
	}
	m := make(map[string]int, len(rows))
	for _, row := range rows {
		idx, err := t.tacticIndex(row[1])
		if err != nil {
			return nil, fmt.Errorf("read table %s: %q: %w", name, row[0], err)
		}
		m[row[0]] = idx
	}
	return m, nil
}

func (t *tables) tacticIndex(short string) (int, error) {
	if short == "none" {
		return noTactic, nil
	}
	idx, ok := t.byShort[short]
	if !ok {
		return 0, fmt.Errorf("unknown tactic %q", short)
	}
	return idx, nil
}

func (t *tables) parseSAGE(stages map[string]int) (map[string]sageEntry, error) {
	rows, err := readCSV("sage_signature_to_stage.csv", 3)
	if err != nil {
		return nil, err
	}
	m := make(map[string]sageEntry, len(rows))
	for _, row := range rows {
		idx, ok := stages[row[2]]
		if !ok {
			return nil, fmt.Errorf("read table sage_signature_to_stage.csv: %q: stage %s not in stage_tactic.csv", row[0], row[2])
		}
		m[row[0]] = sageEntry{stage: row[2], tactic: idx}
	}
	return m, nil
}

func parseDirection() ([]dirRule, error) {
	rows, err := readCSV("direction.csv", 3)
	if err != nil {
		return nil, err
	}
	var rules []dirRule
	for _, row := range rows {
		switch {
		case row[0] != "prefix" && row[0] != "contains" && row[0] != "exact":
			return nil, fmt.Errorf("read table direction.csv: %q: match %q", row[1], row[0])
		case row[2] != "src" && row[2] != "dest":
			return nil, fmt.Errorf("read table direction.csv: %q: victim %q", row[1], row[2])
		}
		rules = append(rules, dirRule{match: row[0], pattern: row[1], victimIsSrc: row[2] == "src"})
	}
	return rules, nil
}

// categoryWord returns the rule-set category of a signature: the word after
// "ET ", "ETPRO " or "GPL ", or the first word for Snort 3 style names.
func categoryWord(sig string) string {
	rest := sig
	for _, tag := range []string{"ET ", "ETPRO ", "GPL "} {
		if strings.HasPrefix(sig, tag) {
			rest = sig[len(tag):]
			break
		}
	}
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		return rest[:i]
	}
	return rest
}
