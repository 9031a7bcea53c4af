package manifests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// validDataTypes are TheHive 4's observable types and the responder entity types.
var validDataTypes = map[Kind]map[string]bool{
	Analyzer: {"autonomous-system": true, "domain": true, "file": true, "filename": true, "fqdn": true,
		"hash": true, "hostname": true, "ip": true, "mail": true, "mail-subject": true, "mail_subject": true,
		"other": true, "regexp": true, "registry": true, "uri_path": true, "url": true, "user-agent": true},
	Responder: {"thehive:case": true, "thehive:case_artifact": true, "thehive:alert": true,
		"thehive:case_task": true, "thehive:case_task_log": true},
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)

func TestManifestsAreComplete(t *testing.T) {
	t.Parallel()
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no manifests embedded")
	}
	for _, m := range all {
		t.Run(m.Name, func(t *testing.T) {
			t.Parallel()
			for field, v := range map[string]string{"name": m.Name, "version": m.Version, "description": m.Description,
				"author": m.Author, "url": m.URL, "license": m.License, "command": m.Command, "baseConfig": m.BaseConfig} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s: %s is empty", m.File, field)
				}
			}
			if !strings.HasPrefix(m.Name, "SOCCRATES_") || strings.ContainsAny(m.Name, " \t/\\") || strings.Contains(m.Name, "..") {
				t.Errorf("name %q: must be SOCCRATES_<Short> without whitespace, slashes or ..", m.Name)
			}
			if m.License != "Apache-2.0" {
				t.Errorf("license %q, the project's is Apache-2.0", m.License)
			}
			if !versionRE.MatchString(m.Version) {
				t.Errorf("version %q is not major.minor", m.Version)
			}
			short := strings.TrimPrefix(m.Name, "SOCCRATES_")
			if m.Command != short+"/"+short || m.Folder() != short {
				t.Errorf("command %q, want %s/%s", m.Command, short, short)
			}
			if filepath.Base(m.File) != m.Name+".json" {
				t.Errorf("file %s should be named %s.json", m.File, m.Name)
			}
			if len(m.DataTypeList) == 0 {
				t.Error("dataTypeList is empty")
			}
			for _, dt := range m.DataTypeList {
				if !validDataTypes[m.Kind][dt] {
					t.Errorf("data type %q is not a TheHive %s data type", dt, m.Kind)
				}
			}
			checkItems(t, m)
		})
	}
}

func checkItems(t *testing.T, m *Manifest) {
	t.Helper()
	seen := map[string]bool{}
	for _, it := range m.ConfigurationItems {
		if seen[it.Name] {
			t.Errorf("configuration item %s declared twice", it.Name)
		}
		seen[it.Name] = true
		switch it.Type {
		case "string", "text", "number", "boolean":
		default:
			t.Errorf("configuration item %s: type %q is not one Cortex knows", it.Name, it.Type)
		}
		if it.Description == "" {
			t.Errorf("configuration item %s has no description", it.Name)
		}
		if it.DefaultValue == nil {
			continue
		}
		list, isList := it.DefaultValue.([]any)
		if it.Multi != isList {
			t.Errorf("configuration item %s: multi=%v but default %v", it.Name, it.Multi, it.DefaultValue)
		}
		if !isList {
			list = []any{it.DefaultValue}
		}
		for _, v := range list {
			if !fits(it.Type, v) {
				t.Errorf("configuration item %s: default %v is not a %s", it.Name, v, it.Type)
			}
		}
	}
}

func fits(typ string, v any) bool {
	switch v.(type) {
	case string:
		return typ == "string" || typ == "text"
	case float64:
		return typ == "number"
	case bool:
		return typ == "boolean"
	}
	return false
}

// TestEveryManifestNamesABuiltBinary builds the workers as `make build` does and checks that every
// manifest's command is a binary the build produced, that every worker folder has a manifest, and
// that --version prints the manifest's version.
func TestEveryManifestNamesABuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every worker")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-trimpath", "-o", bin+"/", "../analyzers/...", "../responders/...")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	named := map[string]bool{}
	for _, m := range all {
		named[m.Folder()] = true
		path := filepath.Join(bin, m.Folder())
		out, err := exec.Command(path, "--version").Output()
		if err != nil {
			t.Errorf("%s: manifest command %s: the build produced no runnable %s: %v", m.Name, m.Command, m.Folder(), err)
			continue
		}
		if !strings.HasPrefix(string(out), m.Name+" "+m.Version+" ") {
			t.Errorf("%s --version printed %q, want the manifest's version %s first", m.Folder(), out, m.Version)
		}
	}
	for _, kind := range []string{"analyzers", "responders"} {
		dirs, _ := filepath.Glob(filepath.Join("..", kind, "*", "main.go"))
		for _, d := range dirs {
			folder := filepath.Base(filepath.Dir(d))
			if !named[folder] {
				t.Errorf("%s/%s has no manifest", kind, folder)
			}
		}
	}
}

// TestTemplatesExist checks that every definition has TheHive report templates.
func TestTemplatesExist(t *testing.T) {
	t.Parallel()
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		for _, f := range []string{"long.html", "short.html"} {
			p := filepath.Join("thehive-templates", m.DefinitionID(), f)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%s: missing report template %s", m.Name, p)
			}
		}
	}
}
