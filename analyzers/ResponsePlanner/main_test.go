package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/cortextest"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
)

// schemas validates playbooks with the bundled CACAO/ER schemas and the OASIS SLPF/LS ones.
func schemas(t *testing.T) *cacao.Validator {
	t.Helper()
	v, err := cacao.NewValidator(cacao.SchemaSource{
		Bundled: os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas")),
		OpenC2:  os.DirFS(testenv.Outside(t, testenv.OASISOpenC2Schemas)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func input(dataType, data, config string) []byte {
	b, _ := json.Marshal(data)
	return []byte(fmt.Sprintf(`{"data":%s,"dataType":%q,"tlp":2,"pap":2,"message":"","parameters":{},"config":{%s}}`, b, dataType, config))
}

func TestPlansValidateAndCarryTheirTargets(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/ResponsePlanner")
	v := schemas(t)
	victim := `{"ip":"10.0.0.101","stage":{"id":"TA0008","shortname":"lateral-movement","name":"Lateral Movement","order":10},` +
		`"attackers":["10.0.254.30","10.0.254.31"],"c2_names":["c2.evil.example"]}`
	tests := []struct {
		name      string
		job       []byte
		wantKinds []string
		wantDeny  []string
	}{
		{"victim_from_detection", input("other", victim, ""), []string{"contain_host", "deny_attacker", "block_c2_name"},
			[]string{"10.0.254.30", "10.0.254.31"}},
		{"bare_ip_with_config", input("ip", "10.0.0.23", `"stage":"reconnaissance","attackers":["10.0.254.34"]`),
			[]string{"deny_attacker", "contain_host"}, []string{"10.0.254.34"}},
		{"protected_attacker_refused", input("other", victim, `"protected_networks":["10.0.254.31/32 soc-scanner"]`),
			[]string{"contain_host", "deny_attacker", "block_c2_name"}, []string{"10.0.254.30"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run := cortextest.RunProcess(t, bin, cortextest.Job{Input: tt.job})
			rep := run.Check(t, cortextest.Analyzer)
			if !rep.Success {
				t.Fatalf("error report: %s", rep.ErrorMessage)
			}
			var kinds []string
			for _, c := range rep.Full["coas"].([]any) {
				kinds = append(kinds, c.(map[string]any)["kind"].(string))
			}
			if strings.Join(kinds, ",") != strings.Join(tt.wantKinds, ",") {
				t.Errorf("CoAs %v, want %v", kinds, tt.wantKinds)
			}
			var deny []string
			var playbook *cortextest.Artifact
			for i, a := range rep.Artifacts {
				switch {
				case a.DataType == "ip":
					deny = append(deny, a.Data)
				case a.DataType == "file":
					playbook = &rep.Artifacts[i]
				}
			}
			if strings.Join(deny, ",") != strings.Join(tt.wantDeny, ",") {
				t.Errorf("deny artifacts %v, want %v", deny, tt.wantDeny)
			}
			if playbook == nil {
				t.Fatal("no playbook file artifact")
			}
			pb, err := os.ReadFile(playbook.Path)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Validate(pb); err != nil {
				t.Errorf("the playbook does not validate: %v", err)
			}
			inFull, _ := json.Marshal(rep.Full["playbook"])
			if err := v.Validate(inFull); err != nil {
				t.Errorf("the playbook in full does not validate: %v", err)
			}
		})
	}
}

func TestProtectedTargetIsReported(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/ResponsePlanner")
	victim := `{"ip":"10.0.0.101","stage":{"shortname":"exfiltration"},"attackers":["10.0.254.31","127.0.0.1"]}`
	rep := cortextest.RunStdin(t, bin, cortextest.Job{Input: input("other", victim, `"protected_networks":["10.0.254.0/24 red-team-range"]`)}).
		Check(t, cortextest.Analyzer)
	if !rep.Success {
		t.Fatalf("error report: %s", rep.ErrorMessage)
	}
	refused, _ := json.Marshal(rep.Full["refused"])
	for _, want := range []string{"10.0.254.31", "red-team-range", "127.0.0.1"} {
		if !strings.Contains(string(refused), want) {
			t.Errorf("refused %s does not mention %s", refused, want)
		}
	}
	if deny := rep.Full["deny_addresses"].([]any); len(deny) != 0 {
		t.Errorf("protected or loopback addresses would be denied: %v", deny)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	bin := cortextest.Build(t, "./analyzers/ResponsePlanner")
	tests := []struct {
		name string
		job  []byte
		want string
	}{
		{"other_is_not_a_victim", input("other", `{"host":"x"}`, ""), "one victim from a SOCCRATES_AttackDetection report"},
		{"unknown_stage", input("ip", "10.0.0.5", `"stage":"world-domination"`), "plan the response for 10.0.0.5"},
		{"not_an_address", input("ip", "server-17", ""), "plan the response for server-17"},
		{"bad_protected_network", input("ip", "10.0.0.5", `"protected_networks":["10.0.0/8"]`), "protected_networks"},
		{"tlp_above_max", []byte(`{"data":"10.0.0.5","dataType":"ip","tlp":3,"config":{"check_tlp":true,"max_tlp":2}}`), "TLP is higher than allowed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := cortextest.RunProcess(t, bin, cortextest.Job{Input: tt.job}).Check(t, cortextest.Analyzer)
			if rep.Success || !strings.Contains(rep.ErrorMessage, tt.want) {
				t.Errorf("success=%v errorMessage=%q, want it to say %q", rep.Success, rep.ErrorMessage, tt.want)
			}
		})
	}
}
