import { defineRule } from './rule.js';

/** A production ingress serves tokens and sessions: plain HTTP is refused. */
export const productionIngressTls = defineRule(
  {
    'prod-ingress-tls': { severity: 'error', summary: 'a production ingress needs TLS' },
  },
  ({ site, model, file }, { error }) => {
    const ing = model.ingress;
    if (model.environment !== 'production' || ing === undefined || !ing.enabled || ing.tls.mode !== 'none') return [];
    const path = site.kubernetes?.ingress?.tls !== undefined ? ['kubernetes', 'ingress', 'tls'] : ['kubernetes', 'ingress'];
    return [
      error('prod-ingress-tls', file, path, 'a production ingress needs TLS', {
        hint: 'set kubernetes.ingress.tls.certManagerIssuer (cert-manager) or kubernetes.ingress.tls.secretName (an existing TLS Secret)',
      }),
    ];
  },
);
