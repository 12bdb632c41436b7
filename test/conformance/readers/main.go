// readers reads generated files with the parsers the deployment tools use, and prints what each
// file holds as JSON, {"<file>": <value>}, for the conformance tests:
//
//	readers dotenv FILE...      Docker Compose's .env parser (compose-go v2, package dotenv); the
//	                            lookup finds nothing, so ${X} expands as compose expands an unset X
//	readers yaml FILE|DIR...    sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 scalars), what Helm, kubectl
//	                            and kubeconform read YAML with; a folder stands for every file in it
//	readers natsconf FILE...    nats-server's configuration parser (package conf), what the bundled
//	                            NATS of the compose stack reads compose/nats.conf with
//	readers pss FILE            Kubernetes' Pod Security evaluator at "restricted" on every workload
//	                            of a manifest stream (pss.go)
//
// Exit 1 with the parser's message if a file does not parse; 2 for bad usage.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/nats-io/nats-server/v2/conf"
	"sigs.k8s.io/yaml"
)

func fail(code int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(code)
}

// expand replaces each folder argument by the files in it.
func expand(args []string) []string {
	var files []string
	for _, arg := range args {
		entries, err := os.ReadDir(arg)
		if err != nil {
			files = append(files, arg)
			continue
		}
		for _, e := range entries {
			files = append(files, filepath.Join(arg, e.Name()))
		}
	}
	return files
}

func readDotenv(file string) (any, error) {
	return dotenv.GetEnvFromFile(map[string]string{}, []string{file})
}

func readYAML(file string) (any, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	converted, err := yaml.YAMLToJSONStrict(data)
	return json.RawMessage(converted), err
}

// readNatsConf is nats-server's own configuration parser (conf.ParseFileWithChecks is what the
// server runs on --config); variables of the process environment are not set for it.
func readNatsConf(file string) (any, error) {
	return conf.ParseFile(file)
}

func main() {
	if len(os.Args) < 3 {
		fail(2, "usage: readers dotenv|yaml|natsconf FILE... | readers pss FILE")
	}
	if os.Args[1] == "pss" {
		if len(os.Args) != 3 {
			fail(2, "usage: readers pss FILE")
		}
		readPSS(os.Args[2])
		return
	}
	readers := map[string]func(string) (any, error){"dotenv": readDotenv, "yaml": readYAML, "natsconf": readNatsConf}
	read, ok := readers[os.Args[1]]
	if !ok {
		fail(2, "readers: unknown reader %q (dotenv, yaml or natsconf)", os.Args[1])
	}
	result := map[string]any{}
	for _, file := range expand(os.Args[2:]) {
		value, err := read(file)
		if err != nil {
			fail(1, "%s: %v", file, err)
		}
		result[file] = value
	}
	out, err := json.Marshal(result)
	if err != nil {
		fail(1, "%v", err)
	}
	fmt.Println(string(out))
}
