// Package manifests holds the Cortex service definitions of every worker, embedded so that each
// binary knows its own name, version, data types and configuration defaults. The JSON files beside
// this file are the single source: `make dist` copies them next to the binaries, and the workers read
// the same bytes through this package.
//
// It decides nothing about a job; it only parses and serves the definitions.
package manifests

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

//go:embed analyzers/*.json responders/*.json
var files embed.FS

// Kind says whether a worker is an analyzer or a responder.
type Kind string

// The two kinds of Cortex worker.
const (
	Analyzer  Kind = "analyzer"
	Responder Kind = "responder"
)

// Item is one entry of a manifest's configurationItems.
type Item struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	Type         string `json:"type"` // string, text, number or boolean
	Multi        bool   `json:"multi"`
	Required     bool   `json:"required"`
	DefaultValue any    `json:"defaultValue,omitempty"`
}

// Manifest is one Cortex service definition (analyzer or responder flavour).
type Manifest struct {
	Name               string         `json:"name"`
	Version            string         `json:"version"`
	Author             string         `json:"author"`
	URL                string         `json:"url"`
	License            string         `json:"license"`
	Description        string         `json:"description"`
	DataTypeList       []string       `json:"dataTypeList"`
	Command            string         `json:"command"`
	BaseConfig         string         `json:"baseConfig"`
	Config             map[string]any `json:"config,omitempty"`
	ConfigurationItems []Item         `json:"configurationItems"`

	// Kind and File are not part of the JSON: they say where the definition was found.
	Kind Kind   `json:"-"`
	File string `json:"-"`
}

// Folder is the worker's folder under analyzers/ or responders/: the first element of Command.
func (m *Manifest) Folder() string {
	dir, _ := path.Split(m.Command)
	return path.Clean(dir)
}

// DefinitionID is the id Cortex and TheHive give the definition: name_version with dots as underscores.
func (m *Manifest) DefinitionID() string {
	id := []byte(m.Name + "_" + m.Version)
	for i, c := range id {
		if c == '.' {
			id[i] = '_'
		}
	}
	return string(id)
}

// Item returns the configuration item called name, or nil.
func (m *Manifest) Item(name string) *Item {
	for i := range m.ConfigurationItems {
		if m.ConfigurationItems[i].Name == name {
			return &m.ConfigurationItems[i]
		}
	}
	return nil
}

// All returns every embedded manifest, analyzers first, each group sorted by name.
func All() ([]*Manifest, error) {
	var all []*Manifest
	for _, kind := range []Kind{Analyzer, Responder} {
		names, err := fs.Glob(files, string(kind)+"s/*.json")
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		for _, name := range names {
			m, err := parse(name, kind)
			if err != nil {
				return nil, err
			}
			all = append(all, m)
		}
	}
	return all, nil
}

// Load returns the manifest whose name is name (e.g. "SOCCRATES_AttackDetection").
func Load(name string) (*Manifest, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		if m.Name == name {
			return m, nil
		}
	}
	return nil, fmt.Errorf("no manifest named %q", name)
}

// Must is Load for a worker's main: a worker without its manifest is a build error.
func Must(name string) *Manifest {
	m, err := Load(name)
	if err != nil {
		panic(err)
	}
	return m
}

func parse(name string, kind Kind) (*Manifest, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", name, err)
	}
	m.Kind, m.File = kind, name
	return &m, nil
}
