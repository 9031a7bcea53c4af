package response

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/soccrates-cortex/soccrates/shared/cacao"
	"github.com/soccrates-cortex/soccrates/shared/openc2"
)

const oasisSchemaDir = "../shared/reference/schemas/openc2/oasis-tcs-openc2-usecases/" +
	"PlugFests/2020.01.27-CyberCom-Plugfest/Schemas/Separate/JSON-Schema"

// validator checks plans with the bundled schemas and, when present, the
// OASIS SLPF/LS ones; without them (and CI unset) SLPF and domain_name
// bodies get the structural check only, which the log says.
func validator(t testing.TB) *cacao.Validator {
	t.Helper()
	root := testenv.RepoRoot(t)
	src := cacao.SchemaSource{Bundled: os.DirFS(filepath.Join(root, "testdata", "schemas"))}
	oasis := filepath.Join(root, oasisSchemaDir)
	switch _, err := os.Stat(oasis); {
	case err == nil:
		src.OpenC2 = os.DirFS(oasis)
	case os.Getenv("CI") == "true":
		t.Fatalf("OASIS OpenC2 schemas missing at %s (CI=true)", oasis)
	default:
		t.Logf("OASIS OpenC2 schemas not found at %s: SLPF/LS bodies checked structurally only", oasis)
	}
	v, err := cacao.NewValidator(src)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func testConfig() Config {
	n := 0
	return Config{
		Protected: []openc2.ProtectedNet{
			{Prefix: netip.MustParsePrefix("10.0.0.53/32"), Name: "dns"},
			{Prefix: netip.MustParsePrefix("10.20.0.0/16"), Name: "servers"},
		},
		ProtectedDomains: []string{"corp.example"},
		Permitted:        []netip.Prefix{netip.MustParsePrefix("10.0.0.53/32")},
		PermittedNames:   []string{"edr.corp.example"},
		Now:              func() time.Time { return time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC) },
		NewID: func() string {
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		},
	}
}

func kinds(r *Result) []Kind {
	var ks []Kind
	for _, c := range r.CoAs {
		ks = append(ks, c.Kind)
	}
	return ks
}

func TestPlanStageChoice(t *testing.T) {
	t.Parallel()
	v := validator(t)
	cases := []struct {
		name      string
		in        Incident
		wantKinds []Kind
		wantDeny  []string
		wantNames []string
	}{
		{"early_stage_denies_first", Incident{Host: "10.1.2.42", Stage: "execution", Attackers: []string{"198.51.100.23"}},
			[]Kind{KindDenyAttacker, KindContainHost}, []string{"198.51.100.23/32"}, []string{}},
		{"lateral_movement_contains_first", Incident{Host: "10.1.2.42", Stage: "lateral-movement", Attackers: []string{"198.51.100.23"}},
			[]Kind{KindContainHost, KindDenyAttacker}, []string{"198.51.100.23/32"}, []string{}},
		{"impact_contains_first", Incident{Host: "10.1.2.42", Hostname: "ws-0042.corp.example", Stage: "impact"},
			[]Kind{KindContainHost}, []string{}, []string{}},
		{"c2_stage_with_names", Incident{Host: "10.1.2.42", Stage: "command-and-control",
			Attackers: []string{"198.51.100.23", "2001:db8:bad::/48"}, C2Names: []string{"Beacon.Evil.Example.", "beacon.evil.example"}},
			[]Kind{KindContainHost, KindDenyAttacker, KindBlockC2Name}, []string{"198.51.100.23/32", "2001:db8:bad::/48"}, []string{"beacon.evil.example"}},
		{"c2_stage_without_names", Incident{Host: "10.1.2.42", Stage: "command-and-control"},
			[]Kind{KindContainHost, KindBlockC2Name}, []string{}, []string{}},
		{"names_at_early_stage", Incident{Host: "2001:db8:1::42", Stage: "persistence", C2Names: []string{"c2.evil.example"}},
			[]Kind{KindBlockC2Name, KindContainHost}, []string{}, []string{"c2.evil.example"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := Plan(context.Background(), tc.in, testConfig())
			if err != nil {
				t.Fatal(err)
			}
			if got := kinds(res); !reflect.DeepEqual(got, tc.wantKinds) {
				t.Errorf("kinds = %v, want %v", got, tc.wantKinds)
			}
			if !reflect.DeepEqual(res.DenyAddresses, tc.wantDeny) {
				t.Errorf("deny_addresses = %v, want %v", res.DenyAddresses, tc.wantDeny)
			}
			if !reflect.DeepEqual(res.BlockNames, tc.wantNames) {
				t.Errorf("block_names = %v, want %v", res.BlockNames, tc.wantNames)
			}
			for _, c := range res.CoAs {
				if c.StepID == "" || len(c.RequestIDs) != len(c.Commands) || c.Rationale == "" {
					t.Errorf("%s: step %q, %d request ids for %d commands, rationale %q",
						c.Kind, c.StepID, len(c.RequestIDs), len(c.Commands), c.Rationale)
				}
			}
			if err := v.Validate(res.Playbook); err != nil {
				t.Fatalf("plan's playbook is invalid: %v", err)
			}
		})
	}
}

func TestPlanRefusesProtected(t *testing.T) {
	t.Parallel()
	v := validator(t)
	in := Incident{Host: "10.0.0.53", Stage: "lateral-movement",
		Attackers: []string{"10.20.4.5", "127.0.0.1", "not-an-ip", "198.51.100.23"},
		C2Names:   []string{"update.corp.example", "bad_name.example", "c2.evil.example"}}
	res, err := Plan(context.Background(), in, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := []Refusal{
		{"10.0.0.53", "refusing to block 10.0.0.53/32: inside protected network 10.0.0.53/32 (dns)"},
		{"10.20.4.5", "refusing to block 10.20.4.5/32: inside protected network 10.20.0.0/16 (servers)"},
		{"127.0.0.1", "refusing to block 127.0.0.1/32: inside loopback (127.0.0.0/8)"},
		{"not-an-ip", `"not-an-ip" is not an IP address or prefix`},
		{"update.corp.example", "refusing to block update.corp.example: inside protected domain corp.example"},
	}
	if len(res.Refused) != len(want)+1 {
		t.Fatalf("refused = %+v, want %d entries", res.Refused, len(want)+1)
	}
	for i, w := range want {
		if res.Refused[i] != w {
			t.Errorf("refused[%d] = %+v\nwant        %+v", i, res.Refused[i], w)
		}
	}
	if last := res.Refused[len(want)]; last.Target != "bad_name.example" || !strings.Contains(last.Reason, "'_'") {
		t.Errorf("refused name = %+v", last)
	}
	contain := res.CoAs[0]
	if contain.Kind != KindContainHost || len(contain.Commands) != 0 || len(contain.Refused) != 1 {
		t.Errorf("protected host still contained: %+v", contain)
	}
	if !reflect.DeepEqual(res.DenyAddresses, []string{"198.51.100.23/32"}) || !reflect.DeepEqual(res.BlockNames, []string{"c2.evil.example"}) {
		t.Errorf("accepted targets = %v / %v", res.DenyAddresses, res.BlockNames)
	}
	if err := v.Validate(res.Playbook); err != nil {
		t.Fatalf("plan's playbook is invalid: %v", err)
	}
	if !strings.Contains(string(res.Playbook), `"type": "manual"`) {
		t.Error("the refused containment has no manual step in the playbook")
	}
}

func TestPlanCommandsMatchPlaybook(t *testing.T) {
	t.Parallel()
	res, err := Plan(context.Background(), Incident{Host: "10.1.2.42", Stage: "exfiltration",
		Attackers: []string{"198.51.100.23"}, C2Names: []string{"c2.evil.example"}}, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	pb, err := cacao.Parse(res.Playbook)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := pb.Messages()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, c := range res.CoAs {
		want = append(want, c.RequestIDs...)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.Message.Headers.RequestID)
		if m.Message.Headers.To[0] != "openc2.example.internal" {
			t.Errorf("message to %v, want the default actuator host", m.Message.Headers.To)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("playbook request ids %v, want the CoAs' %v in order", got, want)
	}
	again, err := Plan(context.Background(), Incident{Host: "10.1.2.42", Stage: "exfiltration",
		Attackers: []string{"198.51.100.23"}, C2Names: []string{"c2.evil.example"}}, testConfig())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(res)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Error("the same incident, clock and ids gave two different plans")
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name    string
		ctx     context.Context
		in      Incident
		cfg     Config
		wantErr string
	}{
		{"bad_host", context.Background(), Incident{Host: "ws-0042", Stage: "execution"}, Config{}, "not an IP address"},
		{"unknown_stage", context.Background(), Incident{Host: "10.1.2.42", Stage: "lateral"}, Config{}, `unknown attack stage "lateral"`},
		{"empty_stage", context.Background(), Incident{Host: "10.1.2.42"}, Config{}, "unknown attack stage"},
		{"bad_actuator_url", context.Background(), Incident{Host: "10.1.2.42", Stage: "execution"}, Config{ActuatorURL: "ftp://x"}, "actuator url"},
		{"cancelled", cancelled, Incident{Host: "10.1.2.42", Stage: "execution"}, Config{}, "context canceled"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Plan(tc.ctx, tc.in, tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}
