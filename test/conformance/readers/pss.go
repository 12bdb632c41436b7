package main

// readers pss FILE: Kubernetes' own Pod Security evaluator (k8s.io/pod-security-admission, the
// code the API server's admission plugin runs) on every workload of a manifest stream, at level
// "restricted", latest version. Prints {"<Kind>/<name>": ["<check>: <reason>: <detail>", ...]}
// for every workload (an empty list: allowed), so a test sees what was evaluated.

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/yaml"
)

var documentSeparator = regexp.MustCompile(`(?m)^---[ \t]*$`)

// workload holds what every kind with a pod template shares: Deployment, StatefulSet, DaemonSet
// and Job keep it at spec.template, CronJob at spec.jobTemplate.spec.template, a Pod is its own.
type workload struct {
	Kind     string            `json:"kind"`
	Metadata metav1.ObjectMeta `json:"metadata"`
	Spec     struct {
		corev1.PodSpec
		Template    *corev1.PodTemplateSpec `json:"template"`
		JobTemplate *struct {
			Spec struct {
				Template corev1.PodTemplateSpec `json:"template"`
			} `json:"spec"`
		} `json:"jobTemplate"`
	} `json:"spec"`
}

var workloadKinds = map[string]bool{"Pod": true, "Deployment": true, "StatefulSet": true, "DaemonSet": true, "Job": true, "CronJob": true}

// podOf returns the pod metadata and spec of a workload, or ok false for other kinds.
func podOf(w *workload) (meta *metav1.ObjectMeta, spec *corev1.PodSpec, ok bool) {
	switch {
	case !workloadKinds[w.Kind]:
		return nil, nil, false
	case w.Kind == "Pod":
		return &w.Metadata, &w.Spec.PodSpec, true
	case w.Spec.JobTemplate != nil:
		return &w.Spec.JobTemplate.Spec.Template.ObjectMeta, &w.Spec.JobTemplate.Spec.Template.Spec, true
	case w.Spec.Template != nil:
		return &w.Spec.Template.ObjectMeta, &w.Spec.Template.Spec, true
	}
	return nil, nil, false
}

func readPSS(file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		fail(1, "%v", err)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		fail(1, "%v", err)
	}
	level := psaapi.LevelVersion{Level: psaapi.LevelRestricted, Version: psaapi.LatestVersion()}
	result := map[string][]string{}
	for _, doc := range documentSeparator.Split(string(data), -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var w workload
		if err := yaml.Unmarshal([]byte(doc), &w); err != nil {
			fail(1, "%s: %v", file, err)
		}
		meta, spec, ok := podOf(&w)
		if !ok {
			if workloadKinds[w.Kind] {
				fail(1, "%s: %s/%s has no pod template", file, w.Kind, w.Metadata.Name)
			}
			continue
		}
		violations := []string{}
		for _, r := range evaluator.EvaluatePod(level, meta, spec) {
			if !r.Allowed {
				violations = append(violations, fmt.Sprintf("%s: %s", r.ForbiddenReason, r.ForbiddenDetail))
			}
		}
		result[w.Kind+"/"+w.Metadata.Name] = violations
	}
	out, err := json.Marshal(result)
	if err != nil {
		fail(1, "%v", err)
	}
	fmt.Println(string(out))
}
