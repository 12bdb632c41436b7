// compose-dotenv reads .env files with Docker Compose's own parser (compose-go v2, package dotenv)
// and prints, for each file, the variables it defines as a JSON object: {"<file>": {"NAME": "value"}}.
// The lookup function finds nothing, so ${X} references to the environment expand as compose would
// expand them for an unset variable. Exit 1 with the parser's message if a file does not parse.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/dotenv"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-dotenv FILE...")
		os.Exit(2)
	}
	result := map[string]map[string]string{}
	for _, file := range os.Args[1:] {
		env, err := dotenv.GetEnvFromFile(map[string]string{}, []string{file})
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(1)
		}
		result[file] = env
	}
	out, err := json.Marshal(result)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(string(out))
}
