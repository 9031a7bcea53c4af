package cortextest

import (
	"encoding/json"
	"path/filepath"
)

// decodeLenient decodes whatever report there is into a Report, without judging it; nil when
// data is not a JSON object. Check does the judging.
func decodeLenient(data []byte, outputDir string) *Report {
	var raw map[string]any
	if json.Unmarshal(data, &raw) != nil || raw == nil {
		return nil
	}
	rep := &Report{Raw: raw}
	rep.Success, _ = raw["success"].(bool)
	rep.ErrorMessage, _ = raw["errorMessage"].(string)
	rep.Input, _ = raw["input"].(map[string]any)
	rep.Full, _ = raw["full"].(map[string]any)
	if summary, ok := raw["summary"].(map[string]any); ok {
		for _, v := range asList(summary["taxonomies"]) {
			rep.Summary.Taxonomies = append(rep.Summary.Taxonomies, decodeTaxonomy(v))
		}
	}
	for _, v := range asList(raw["artifacts"]) {
		if obj, ok := v.(map[string]any); ok {
			rep.Artifacts = append(rep.Artifacts, decodeArtifact(obj, outputDir))
		}
	}
	for _, v := range asList(raw["operations"]) {
		if obj, ok := v.(map[string]any); ok {
			typ, _ := obj["type"].(string)
			rep.Operations = append(rep.Operations, Operation{Type: typ, Fields: obj})
		}
	}
	return rep
}

func decodeTaxonomy(v any) Taxonomy {
	obj, _ := v.(map[string]any)
	var tax Taxonomy
	tax.Level, _ = obj["level"].(string)
	tax.Namespace, _ = obj["namespace"].(string)
	tax.Predicate, _ = obj["predicate"].(string)
	tax.Value = obj["value"]
	return tax
}

func decodeArtifact(obj map[string]any, outputDir string) Artifact {
	a := Artifact{TLP: -1}
	a.DataType, _ = obj["dataType"].(string)
	a.Data, _ = obj["data"].(string)
	if tlp, ok := obj["tlp"].(float64); ok {
		a.TLP = int(tlp)
	}
	for _, tag := range asList(obj["tags"]) {
		if s, ok := tag.(string); ok {
			a.Tags = append(a.Tags, s)
		}
	}
	a.Message, _ = obj["message"].(string)
	a.File, _ = obj["file"].(string)
	a.Filename, _ = obj["filename"].(string)
	a.ContentType, _ = obj["contentType"].(string)
	if a.File != "" && outputDir != "" {
		a.Path = filepath.Join(outputDir, a.File)
	}
	return a
}

func asList(v any) []any {
	list, _ := v.([]any)
	return list
}
