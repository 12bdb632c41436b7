// kubectl for the deploy jobs, built from the pinned k8s.io/kubectl module (go.sum, checked against
// the Go checksum database) instead of a downloaded binary: `npm run tools` and the deploy-tools CI
// job build it. It is kubectl's own command tree (k8s.io/kubectl/pkg/cmd), as kubernetes/cmd/kubectl
// runs it.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
	os.Exit(0)
}
