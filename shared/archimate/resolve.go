package archimate

import "fmt"

// ElementTypes are the element types of the ArchiMate 3.1 exchange schema, junctions included.
var ElementTypes = typeSet(
	"BusinessActor", "BusinessRole", "BusinessCollaboration", "BusinessInterface", "BusinessProcess",
	"BusinessFunction", "BusinessInteraction", "BusinessEvent", "BusinessService", "BusinessObject",
	"Contract", "Representation", "Product",
	"ApplicationComponent", "ApplicationCollaboration", "ApplicationInterface", "ApplicationFunction",
	"ApplicationInteraction", "ApplicationProcess", "ApplicationEvent", "ApplicationService", "DataObject",
	"Node", "Device", "SystemSoftware", "TechnologyCollaboration", "TechnologyInterface", "Path",
	"CommunicationNetwork", "TechnologyFunction", "TechnologyProcess", "TechnologyInteraction",
	"TechnologyEvent", "TechnologyService", "Artifact",
	"Equipment", "Facility", "DistributionNetwork", "Material",
	"Stakeholder", "Driver", "Assessment", "Goal", "Outcome", "Principle", "Requirement", "Constraint",
	"Meaning", "Value",
	"Resource", "Capability", "CourseOfAction", "ValueStream",
	"WorkPackage", "Deliverable", "ImplementationEvent", "Plateau", "Gap",
	"Grouping", "Location", "AndJunction", "OrJunction")

// RelationshipTypes are the relationship types of the ArchiMate 3.1 exchange schema.
var RelationshipTypes = typeSet("Composition", "Aggregation", "Assignment", "Realization", "Serving",
	"Access", "Influence", "Triggering", "Flow", "Specialization", "Association")

var accessTypes = typeSet("Access", "Read", "Write", "ReadWrite")

func typeSet(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// resolve checks identifiers, types and references once the whole file is read, and gives every
// property the name of its definition.
func (p *parser) resolve() error {
	kind := make(map[string]string, len(p.model.Elements)+len(p.model.Relationships))
	for i, e := range p.model.Elements {
		if err := claim(kind, e.ID, "element"); err != nil {
			return fmt.Errorf("line %d: %w", p.elemLine[i], err)
		}
		if !ElementTypes[e.Type] {
			return fmt.Errorf("line %d: element %s: unknown element type %q", p.elemLine[i], e.ID, e.Type)
		}
	}
	for i, r := range p.model.Relationships {
		if err := claim(kind, r.ID, "relationship"); err != nil {
			return fmt.Errorf("line %d: %w", p.relLine[i], err)
		}
	}
	for i, r := range p.model.Relationships {
		if err := checkRelationship(r, kind); err != nil {
			return fmt.Errorf("line %d: relationship %s: %w", p.relLine[i], r.ID, err)
		}
	}
	return p.names()
}

func claim(kind map[string]string, id, what string) error {
	if id == "" {
		return fmt.Errorf("%s without identifier", what)
	}
	if prev, dup := kind[id]; dup {
		return fmt.Errorf("identifier %s is used by an %s and again by an %s", id, prev, what)
	}
	kind[id] = what
	return nil
}

func checkRelationship(r Relationship, kind map[string]string) error {
	if !RelationshipTypes[r.Type] {
		return fmt.Errorf("unknown relationship type %q", r.Type)
	}
	if r.Type == "Access" && !accessTypes[r.AccessType] {
		return fmt.Errorf("unknown accessType %q", r.AccessType)
	}
	for _, end := range [2][2]string{{"source", r.Source}, {"target", r.Target}} {
		end, id := end[0], end[1]
		if id == "" {
			return fmt.Errorf("no %s", end)
		}
		if kind[id] == "" {
			return fmt.Errorf("%s %s is neither an element nor a relationship of the model", end, id)
		}
	}
	return nil
}

func (p *parser) names() error {
	var err error
	if p.model.Properties, err = p.properties(p.modelRaw); err != nil {
		return fmt.Errorf("model properties: %w", err)
	}
	for i := range p.model.Elements {
		if p.model.Elements[i].Properties, err = p.properties(p.elemRaw[i]); err != nil {
			return fmt.Errorf("line %d: element %s: %w", p.elemLine[i], p.model.Elements[i].ID, err)
		}
	}
	for i := range p.model.Relationships {
		if p.model.Relationships[i].Properties, err = p.properties(p.relRaw[i]); err != nil {
			return fmt.Errorf("line %d: relationship %s: %w", p.relLine[i], p.model.Relationships[i].ID, err)
		}
	}
	return nil
}

func (p *parser) properties(raw []rawProperty) ([]Property, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	out := make([]Property, 0, len(raw))
	for _, r := range raw {
		name, ok := p.defs[r.Ref]
		if !ok {
			return nil, fmt.Errorf("property refers to undefined property definition %q", r.Ref)
		}
		out = append(out, Property{Name: name, Value: first(r.Values)})
	}
	return out, nil
}
