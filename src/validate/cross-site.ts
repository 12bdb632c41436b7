import type { Site } from '../generated/site.js';
import type { SiteModel } from '../model/site-model.js';
import { error, type Diagnostic } from '../report/diagnostic.js';

/**
 * What two sites of one run may not share: a Kubernetes namespace (two releases named chamicore
 * in one namespace would overwrite each other's objects and Secrets) and an ingress host (two
 * Ingresses for one host: the controller serves one of them, unpredictably). Pure: each site is
 * checked against the ones before it, remembering only these names.
 */
export function siteClaims(): (site: Site, model: SiteModel, file: string) => Diagnostic[] {
  const namespaces = new Map<string, string>();
  const hosts = new Map<string, string>();
  return (site, model, file) => {
    const out: Diagnostic[] = [];
    if (model.targets.helm) {
      const first = namespaces.get(model.namespace);
      if (first === undefined) namespaces.set(model.namespace, file);
      else
        out.push(
          error(
            'site-namespace-shared',
            file,
            site.kubernetes?.namespace !== undefined ? ['kubernetes', 'namespace'] : ['site', 'name'],
            `namespace ${model.namespace} is ${first}'s too: two releases in one namespace overwrite each other's objects and Secrets`,
            { hint: 'give each site its own kubernetes.namespace' },
          ),
        );
      const host = model.ingress?.enabled === true ? model.ingress.host : undefined;
      if (host !== undefined) {
        const owner = hosts.get(host);
        if (owner === undefined) hosts.set(host, file);
        else
          out.push(
            error(
              'ingress-host-shared',
              file,
              ['kubernetes', 'ingress', 'host'],
              `ingress host ${host} is ${owner}'s too: the controller would serve one of the two sites, unpredictably`,
              { hint: 'give each site its own kubernetes.ingress.host' },
            ),
          );
      }
    }
    return out;
  };
}
