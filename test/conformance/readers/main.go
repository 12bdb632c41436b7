// readers reads generated files with the parsers the deployment tools use, and prints what each
// file holds as JSON, {"<file>": <value>}, for the conformance tests:
//
//	readers dotenv FILE...      Docker Compose's .env parser (compose-go v2, package dotenv); the
//	                            lookup finds nothing, so ${X} expands as compose expands an unset X
//	readers yaml FILE|DIR...    sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 scalars), what Helm, kubectl
//	                            and kubeconform read YAML with; a folder stands for every file in it
//	readers compose ENV FILE    the project Docker Compose resolves from FILE with --env-file ENV
//	                            (compose-go v2 cli/loader, what `docker compose config` runs), with
//	                            no variable from the process environment
//	readers pss FILE            Kubernetes' Pod Security evaluator at "restricted" on every workload
//	                            of a manifest stream (pss.go)
//
// Exit 1 with the parser's message if a file does not parse; 2 for bad usage.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
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

func readCompose(envFile, file string) {
	options, err := cli.NewProjectOptions(
		[]string{file},
		cli.WithWorkingDirectory(filepath.Dir(file)),
		cli.WithEnvFiles(envFile),
		cli.WithDotEnv,
	)
	if err != nil {
		fail(1, "%v", err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(1, "%v", err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(1, "%v", err)
	}
	fmt.Println(string(out))
}

func main() {
	if len(os.Args) < 3 {
		fail(2, "usage: readers dotenv|yaml FILE... | readers compose ENV FILE | readers pss FILE")
	}
	if os.Args[1] == "pss" {
		if len(os.Args) != 3 {
			fail(2, "usage: readers pss FILE")
		}
		readPSS(os.Args[2])
		return
	}
	if os.Args[1] == "compose" {
		if len(os.Args) != 4 {
			fail(2, "usage: readers compose ENV FILE")
		}
		readCompose(os.Args[2], os.Args[3])
		return
	}
	readers := map[string]func(string) (any, error){"dotenv": readDotenv, "yaml": readYAML}
	read, ok := readers[os.Args[1]]
	if !ok {
		fail(2, "readers: unknown reader %q (dotenv or yaml)", os.Args[1])
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
