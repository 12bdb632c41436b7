import { Defaults } from '../../model/defaults.js';
import { defineInputRule } from './rule.js';

/** A production ingress serves tokens and sessions: plain HTTP is refused. */
export const productionIngressTls = defineInputRule(
  {
    'prod-ingress-tls': { severity: 'error', summary: 'a production ingress needs TLS' },
  },
  ({ site, file }, { error }) => {
    const ing = site.kubernetes?.ingress;
    const tls = ing?.tls?.certManagerIssuer !== undefined || ing?.tls?.secretName !== undefined;
    if (site.site.environment !== 'production' || ing === undefined || !(ing.enabled ?? Defaults.ingressEnabled) || tls) return [];
    const path = site.kubernetes?.ingress?.tls !== undefined ? ['kubernetes', 'ingress', 'tls'] : ['kubernetes', 'ingress'];
    return [
      error('prod-ingress-tls', file, path, 'a production ingress needs TLS', {
        hint: 'set kubernetes.ingress.tls.certManagerIssuer (cert-manager) or kubernetes.ingress.tls.secretName (an existing TLS Secret)',
      }),
    ];
  },
);
