package openc2

import (
	"errors"
	"github.com/soccrates-cortex/soccrates/shared/testenv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidatorRejects(t *testing.T) {
	t.Parallel()
	v := fullValidator(t)
	cases := []struct {
		name, cmd, wantErr string
	}{
		{"slpf_port_out_of_range", `{"action":"deny","target":{"ipv4_connection":{"dst_addr":"198.51.100.1","dst_port":70000}},"actuator":{"slpf":{}}}`, "slpf"},
		{"slpf_unknown_arg", `{"action":"deny","target":{"ipv4_net":"198.51.100.0/24"},"args":{"slpf":{"speed":"fast"}}}`, "slpf"},
		{"er_empty_device", `{"action":"contain","target":{"device":{}},"actuator":{"er":{}}}`, "er"},
		{"er_bad_containment", `{"action":"contain","target":{"device":{"device_id":"a"}},"args":{"er":{"device_containment":"unplug"}}}`, "er"},
		{"ls_bad_domain", `{"action":"deny","target":{"domain_name":"bad_name..example"}}`, "ls"},
		{"ls_actuator_not_allowed", `{"action":"deny","target":{"domain_name":"c2.example"},"actuator":{"dns":{}}}`, "ls"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := v.ValidateJSON([]byte(tc.cmd))
			if err == nil {
				t.Fatal("invalid command passed the schema")
			}
			if !strings.Contains(err.Error(), "openc2 "+tc.wantErr+" command") {
				t.Errorf("err = %v, want the %s schema to judge it", err, tc.wantErr)
			}
		})
	}
}

func TestValidatorWithoutOASIS(t *testing.T) {
	t.Parallel()
	s, err := LoadSchemas(os.DirFS(filepath.Join(testenv.RepoRoot(t), "testdata", "schemas")), nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewValidator(s)
	if err != nil {
		t.Fatal(err)
	}
	if !v.Has(ProfileER) || v.Has(ProfileSLPF) || v.Has(ProfileLS) {
		t.Fatalf("Has: er=%v slpf=%v ls=%v, want only er", v.Has(ProfileER), v.Has(ProfileSLPF), v.Has(ProfileLS))
	}
	err = v.ValidateJSON([]byte(`{"action":"deny","target":{"ipv4_net":"198.51.100.0/24"}}`))
	if !errors.Is(err, ErrNoSchema) {
		t.Errorf("err = %v, want ErrNoSchema", err)
	}
	if err := v.ValidateJSON([]byte(`{"action":"contain","target":{"device":{"device_id":"a"}},"actuator":{"er":{}}}`)); err != nil {
		t.Errorf("valid ER command: %v", err)
	}
}

func TestStripCComment(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, in, want string }{
		{"jadn_header", "/* Generated from schema\\x.jadn */\n\n{\"a\":1}", "\n\n{\"a\":1}"},
		{"plain", "{\"a\":1}", "{\"a\":1}"},
		{"unterminated", "/* oops {\"a\":1}", "/* oops {\"a\":1}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := string(StripCComment([]byte(tc.in))); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
