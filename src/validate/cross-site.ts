import type { Site } from '../generated/site.js';
import type { SiteModel } from '../model/site-model.js';
import { error, type Diagnostic } from '../report/diagnostic.js';

/** What a site claims for itself among the sites of a run: plain data, kept for the whole run. */
export interface ClaimFacts {
  readonly helm: boolean;
  readonly namespace: string;
  /** Whether the site file sets kubernetes.namespace (where a shared one is reported). */
  readonly namespaceSet: boolean;
  readonly host: string | undefined;
}

export function claimFactsOf(site: Site, model: SiteModel): ClaimFacts {
  return {
    helm: model.targets.helm,
    namespace: model.namespace,
    namespaceSet: site.kubernetes?.namespace !== undefined,
    host: model.ingress?.enabled === true ? model.ingress.host : undefined,
  };
}

/**
 * What two sites of one run may not share: a Kubernetes namespace (two releases named chamicore
 * in one namespace would overwrite each other's objects and Secrets) and an ingress host (two
 * Ingresses for one host: the controller serves one of them, unpredictably). Pure: each site is
 * checked against the ones before it, remembering only these names.
 */
export function siteClaims(): (facts: ClaimFacts, file: string) => Diagnostic[] {
  const namespaces = new Map<string, string>();
  const hosts = new Map<string, string>();
  return (facts, file) => {
    const out: Diagnostic[] = [];
    if (facts.helm) {
      const first = namespaces.get(facts.namespace);
      if (first === undefined) namespaces.set(facts.namespace, file);
      else
        out.push(
          error(
            'site-namespace-shared',
            file,
            facts.namespaceSet ? ['kubernetes', 'namespace'] : ['site', 'name'],
            `namespace ${facts.namespace} is ${first}'s too: two releases in one namespace overwrite each other's objects and Secrets`,
            { hint: 'give each site its own kubernetes.namespace' },
          ),
        );
      const host = facts.host;
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
