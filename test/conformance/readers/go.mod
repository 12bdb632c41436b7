module chamicore-compile/test/conformance/readers

go 1.24

require (
	github.com/compose-spec/compose-go/v2 v2.16.2
	sigs.k8s.io/yaml v1.6.0
)

require (
	github.com/sirupsen/logrus v1.10.1 // indirect
	go.yaml.in/yaml/v2 v2.4.2 // indirect
	golang.org/x/sys v0.13.0 // indirect
)
