import { type Diagnostic, type PathSegment } from '../../report/diagnostic.js';
import { isDnsLabel, isDnsSubdomain, isLabelValue, versionLabel } from '../../model/k8s-names.js';
import { defineRule } from './rule.js';

/**
 * Every name the compiler derives (namespace, Secret names, chart name, label values) is valid
 * for Kubernetes. The schema bounds the inputs; derived names can still grow past the limits.
 */
export const kubernetesNamesValid = defineRule(
  {
    'k8s-name-invalid': { severity: 'error', summary: 'a derived Kubernetes name is not valid' },
  },
  ({ site, model, file }, { error }) => {
    const out: Diagnostic[] = [];
    const check = (ok: boolean, path: PathSegment[], what: string, name: string, rule: string): void => {
      if (!ok) out.push(error('k8s-name-invalid', file, path, `${what} "${name}" is not ${rule}`));
    };
    const nsPath = site.kubernetes?.namespace !== undefined ? ['kubernetes', 'namespace'] : ['site', 'name'];
    check(isDnsLabel(model.namespace), nsPath, 'namespace', model.namespace, 'a DNS-1123 label of at most 63 characters');
    check(
      isDnsLabel(model.composeProject),
      ['site', 'name'],
      'compose project name',
      model.composeProject,
      'a DNS-1123 label of at most 63 characters',
    );
    for (const g of model.secretGroups) {
      check(isDnsSubdomain(g.name), ['site', 'name'], 'Secret name', g.name, 'a DNS-1123 subdomain of at most 253 characters');
    }
    check(
      isLabelValue(versionLabel(model.release.version)),
      ['release', 'version'],
      'label value',
      versionLabel(model.release.version),
      'a label value of at most 63 characters',
    );
    return out;
  },
);
