package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/cortextest"
)

const attachment = "attachment4406"

// shop is a small model with known answers: a shop served by two redundant web nodes, whose
// customer records live in a file on a database server.
const shop = `<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="id-shop">
  <name xml:lang="en">Shop</name>
  <elements>
    <element identifier="id-n1" xsi:type="Node"><name xml:lang="en">Web 1</name>
      <properties><property propertyDefinitionRef="pd-ip"><value>10.0.0.11</value></property></properties></element>
    <element identifier="id-n2" xsi:type="Node"><name xml:lang="en">Web 2</name>
      <properties><property propertyDefinitionRef="pd-ip"><value>10.0.0.12</value></property></properties></element>
    <element identifier="id-db" xsi:type="Device"><name xml:lang="en">Database server</name>
      <properties><property propertyDefinitionRef="pd-host"><value>db.test.internal</value></property></properties></element>
    <element identifier="id-art" xsi:type="Artifact"><name xml:lang="en">customer.db</name></element>
    <element identifier="id-ts" xsi:type="TechnologyService"><name xml:lang="en">Web hosting</name></element>
    <element identifier="id-app" xsi:type="ApplicationComponent"><name xml:lang="en">Shop</name></element>
    <element identifier="id-as" xsi:type="ApplicationService"><name xml:lang="en">Online ordering</name></element>
    <element identifier="id-d" xsi:type="DataObject"><name xml:lang="en">Customer records</name></element>
    <element identifier="id-bp" xsi:type="BusinessProcess"><name xml:lang="en">Take orders</name>
      <properties><property propertyDefinitionRef="pd-loss"><value>2000</value></property>
        <property propertyDefinitionRef="pd-crit"><value>high</value></property></properties></element>
    <element identifier="id-bp2" xsi:type="BusinessProcess"><name xml:lang="en">Invoice</name>
      <properties><property propertyDefinitionRef="pd-loss"><value>500</value></property>
        <property propertyDefinitionRef="pd-crit"><value>2</value></property></properties></element>
  </elements>
  <relationships>
    <relationship identifier="id-r1" source="id-n1" target="id-ts" xsi:type="Realization"/>
    <relationship identifier="id-r2" source="id-n2" target="id-ts" xsi:type="Realization"/>
    <relationship identifier="id-r3" source="id-ts" target="id-app" xsi:type="Serving"/>
    <relationship identifier="id-r4" source="id-app" target="id-as" xsi:type="Realization"/>
    <relationship identifier="id-r5" source="id-as" target="id-bp" xsi:type="Serving"/>
    <relationship identifier="id-r6" source="id-app" target="id-d" xsi:type="Access" accessType="ReadWrite"/>
    <relationship identifier="id-r7" source="id-bp2" target="id-d" xsi:type="Access" accessType="Read"/>
    <relationship identifier="id-r8" source="id-db" target="id-art" xsi:type="Assignment"/>
    <relationship identifier="id-r9" source="id-art" target="id-d" xsi:type="Realization"/>
  </relationships>
  <propertyDefinitions>
    <propertyDefinition identifier="pd-ip" type="string"><name>ip</name></propertyDefinition>
    <propertyDefinition identifier="pd-host" type="string"><name>hostname</name></propertyDefinition>
    <propertyDefinition identifier="pd-loss" type="currency"><name>loss_per_hour</name></propertyDefinition>
    <propertyDefinition identifier="pd-crit" type="string"><name>criticality</name></propertyDefinition>
  </propertyDefinitions>
</model>`

func config(store, extra string) string {
	return fmt.Sprintf(`"store":%q%s`, store, extra)
}

func fileJob(filename string, content []byte, cfg string) cortextest.Job {
	input := fmt.Sprintf(`{"file":%q,"filename":%q,"contentType":"application/xml","dataType":"file","tlp":2,"pap":2,
		"message":"","parameters":{},"config":{"auto_extract_artifacts":false,%s}}`, attachment, filename, cfg)
	return cortextest.Job{Input: []byte(input), Attachments: map[string][]byte{attachment: content}}
}

func lookupJob(dataType, data, params, cfg string) cortextest.Job {
	b, _ := json.Marshal(data)
	return cortextest.Job{Input: []byte(fmt.Sprintf(`{"data":%s,"dataType":%q,"tlp":2,"pap":2,"message":"",
		"parameters":{%s},"config":{%s}}`, b, dataType, params, cfg))}
}

func mustSucceed(t *testing.T, rep *cortextest.Report) {
	t.Helper()
	if !rep.Success {
		t.Fatalf("error report: %s", rep.ErrorMessage)
	}
}

func importShop(t *testing.T, bin string) string {
	t.Helper()
	store := filepath.Join(t.TempDir(), "knowledge.db")
	rep := cortextest.RunProcess(t, bin, fileJob("shop.xml", []byte(shop), config(store, ""))).Check(t, cortextest.Analyzer)
	mustSucceed(t, rep)
	if rep.Full["elements"].(float64) != 10 || len(rep.Full["mapped"].([]any)) != 3 || len(rep.Full["unmapped"].([]any)) != 1 {
		t.Fatalf("import report %v", rep.Full)
	}
	return store
}

// processes renders the affected processes as "name:loss" sorted.
func processes(rep *cortextest.Report) string {
	var out []string
	for _, p := range rep.Full["processes"].([]any) {
		m := p.(map[string]any)
		out = append(out, fmt.Sprintf("%s:%g", m["name"], m["loss"]))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestShopImpact(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/BusinessImpact")
	store := importShop(t, bin)
	tests := []struct {
		name      string
		dataType  string
		data      string
		params    string
		want      string
		wantLevel string
	}{
		// Web 1 is one of two nodes realising Web hosting: an outage changes nothing...
		{"redundant_node_outage", "ip", "10.0.0.11", `"aspects":"A","horizon_hours":"10"`, "", "safe"},
		// ...but its compromise leaks and corrupts through the shop into both processes.
		{"redundant_node_compromise", "ip", "10.0.0.11", `"horizon_hours":"10"`, "Invoice:5000 Take orders:20000", "malicious"},
		// The database server's outage takes the customer records and, through them, the shop.
		{"database_outage", "hostname", "DB.test.internal", `"aspects":"availability","horizon_hours":"2"`, "Invoice:1000 Take orders:4000", "malicious"},
		{"element_by_name", "other", "Online ordering", `"aspects":"A","horizon_hours":"1"`, "Take orders:2000", "malicious"},
		// An outage of a reading process does not take the data it reads, nor its other users.
		{"element_by_id", "other", "id-bp2", `"aspects":"A","horizon_hours":"1"`, "", "safe"},
		{"unmapped_host", "ip", "10.9.9.9", ``, "", "info"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, lookupJob(tt.dataType, tt.data, tt.params, config(store, ""))).Check(t, cortextest.Analyzer)
			mustSucceed(t, rep)
			got := ""
			if _, ok := rep.Full["processes"]; ok {
				got = processes(rep)
			}
			if got != tt.want {
				t.Errorf("processes %q, want %q", got, tt.want)
			}
			if lvl := rep.Summary.Taxonomies[0].Level; lvl != tt.wantLevel {
				t.Errorf("level %s, want %s (%+v)", lvl, tt.wantLevel, rep.Summary.Taxonomies)
			}
		})
	}
}

func TestShopReportCarriesPaths(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/BusinessImpact")
	store := importShop(t, bin)
	rep := cortextest.RunStdin(t, bin, lookupJob("hostname", "db.test.internal", `"aspects":"A"`, config(store, `,"horizon_hours":3`))).
		Check(t, cortextest.Analyzer)
	mustSucceed(t, rep)
	if rep.Full["total_loss"].(float64) != 7500 || rep.Full["horizon_hours"].(float64) != 3 {
		t.Errorf("total %v over %v h, want 7500 over the configured 3 h", rep.Full["total_loss"], rep.Full["horizon_hours"])
	}
	worst := rep.Full["worst"].(map[string]any)
	want := "Database server (Device) -[Assignment]-> customer.db (Artifact) -[Realization]-> Customer records (DataObject) " +
		"-[Access]-> Shop (ApplicationComponent) -[Realization]-> Online ordering (ApplicationService) -[Serving]-> Take orders (BusinessProcess)"
	if worst["name"] != "Take orders" || worst["path_text"] != want {
		t.Errorf("worst %v\npath %v\nwant %s", worst["name"], worst["path_text"], want)
	}
}

func TestArchisuranceImport(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/BusinessImpact")
	dir := t.TempDir()
	store := filepath.Join(dir, "knowledge.db")
	mapping := filepath.Join(dir, "mapping.csv")
	if err := os.WriteFile(mapping, []byte("element,host\nMainframe,10.0.0.10\nFirewall,10.0.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	model, err := os.ReadFile(filepath.Join("..", "..", "testdata", "archimate", "archisurance.xml"))
	if err != nil {
		t.Fatal(err)
	}
	rep := cortextest.RunProcess(t, bin, fileJob("archisurance.xml", model, config(store, fmt.Sprintf(`,"mapping_file":%q`, mapping)))).
		Check(t, cortextest.Analyzer)
	mustSucceed(t, rep)
	warnings, _ := json.Marshal(rep.Full["warnings"])
	if rep.Full["relations"].(float64) != 178 || len(rep.Full["mapped"].([]any)) != 1 || !strings.Contains(string(warnings), "belongs to 2 elements") {
		t.Errorf("import: %v relations, mapped %v, warnings %s", rep.Full["relations"], rep.Full["mapped"], warnings)
	}
	// Archisurance has no loss figures: the processes are named, the loss is zero.
	rep = cortextest.RunProcess(t, bin, lookupJob("ip", "10.0.0.10", `"aspects":"A"`, config(store, ""))).Check(t, cortextest.Analyzer)
	mustSucceed(t, rep)
	if got := processes(rep); got != "Check and  Sign Contract:0 Create Contract:0 Formalise Request:0 Register:0" {
		t.Errorf("processes of the Mainframe: %s", got)
	}
	rep = cortextest.RunProcess(t, bin, lookupJob("other", "Firewall", "", config(store, ""))).Check(t, cortextest.Analyzer)
	if rep.Success || !strings.Contains(rep.ErrorMessage, "id-998") || !strings.Contains(rep.ErrorMessage, "give the identifier") {
		t.Errorf("ambiguous name: success=%v %q", rep.Success, rep.ErrorMessage)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/BusinessImpact")
	empty := filepath.Join(t.TempDir(), "knowledge.db")
	legacy := `<model xmlns="http://www.opengroup.org/xsd/archimate" identifier="m"><label>x</label></model>`
	tests := []struct {
		name string
		job  cortextest.Job
		want string
	}{
		{"legacy_format", fileJob("old.xml", []byte(legacy), config(empty, "")), "export the model again as ArchiMate 3.x"},
		{"not_archimate", fileJob("scan.xml", []byte(`<nmaprun/>`), config(empty, "")), "scan.xml is not an ArchiMate model"},
		{"truncated", fileJob("cut.xml", []byte(shop[:900]), config(empty, "")), "read ArchiMate model cut.xml: line"},
		{"missing_mapping_file", fileJob("shop.xml", []byte(shop), config(empty, `,"mapping_file":"/nonexistent/map.csv"`)), "mapping_file"},
		{"no_model_yet", lookupJob("ip", "10.0.0.1", "", config(empty, "")), "holds no business model yet"},
		{"bad_aspects", lookupJob("ip", "10.0.0.1", `"aspects":"money"`, config(empty, "")), `unknown aspect "money"`},
		{"bad_horizon", lookupJob("ip", "10.0.0.1", `"horizon_hours":"soon"`, config(empty, "")), "parameter horizon_hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, tt.job).Check(t, cortextest.Analyzer)
			if rep.Success || !strings.Contains(rep.ErrorMessage, tt.want) {
				t.Errorf("success=%v errorMessage=%q, want it to say %q", rep.Success, rep.ErrorMessage, tt.want)
			}
		})
	}
}
