package apidoc

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
)

//go:embed base.json fragments/*.json
var files embed.FS

// Build merges the embedded base document and fragments.
func Build() ([]byte, error) { return Merge(files, "base.json", "fragments") }

// Merge merges the base document at base in fsys with every *.json in dir,
// in name order, and returns the document as indented JSON.
func Merge(fsys fs.FS, base, dir string) ([]byte, error) {
	doc, err := readObject(fsys, base)
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list fragments: %w", err)
	}
	slices.Sort(names)
	owner := map[string]string{} // "GET /path" or "schemas/Name" → fragment
	for _, name := range names {
		frag, err := readObject(fsys, name)
		if err != nil {
			return nil, err
		}
		if err := mergeFragment(doc, frag, name, owner); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode the document: %w", err)
	}
	return b.Bytes(), nil
}

func readObject(fsys fs.FS, name string) (map[string]any, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: not a JSON object: %w", name, err)
	}
	return m, nil
}

func mergeFragment(doc, frag map[string]any, name string, owner map[string]string) error {
	for k := range frag {
		if k != "paths" && k != "components" {
			return fmt.Errorf("%s: unknown member %q; a fragment holds paths and components", name, k)
		}
	}
	paths, err := object(frag, "paths", name)
	if err != nil {
		return err
	}
	docPaths, _ := object(doc, "paths", "base")
	for p, item := range paths {
		ops, ok := item.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: path %s is not an object", name, p)
		}
		have, _ := docPaths[p].(map[string]any)
		if have == nil {
			have = map[string]any{}
			docPaths[p] = have
		}
		for method, op := range ops {
			key := method + " " + p
			if prev, dup := owner[key]; dup && method != "parameters" {
				return fmt.Errorf("%s: %s is already described by %s", name, key, prev)
			}
			owner[key] = name
			have[method] = op
		}
	}
	doc["paths"] = docPaths
	comps, err := object(frag, "components", name)
	if err != nil {
		return err
	}
	docComps, _ := object(doc, "components", "base")
	for section, defs := range comps {
		defMap, ok := defs.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: components.%s is not an object", name, section)
		}
		have, _ := docComps[section].(map[string]any)
		if have == nil {
			have = map[string]any{}
			docComps[section] = have
		}
		for n, def := range defMap {
			if prev, ok := have[n]; ok && !reflect.DeepEqual(prev, def) {
				return fmt.Errorf("%s: components.%s.%s differs from the one in %s", name, section, n, owner[section+"/"+n])
			}
			if _, ok := owner[section+"/"+n]; !ok {
				owner[section+"/"+n] = name
			}
			have[n] = def
		}
	}
	doc["components"] = docComps
	return nil
}

// object returns m[key] as an object (a new one when absent).
func object(m map[string]any, key, name string) (map[string]any, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return map[string]any{}, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: %s is not an object", name, key)
	}
	return o, nil
}
