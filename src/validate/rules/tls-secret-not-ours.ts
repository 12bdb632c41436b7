import { defineRule } from './rule.js';

/**
 * The ingress TLS Secret may not be one the compiler writes (`<site>-db`): with cert-manager the
 * certificate would overwrite the database credentials, and without it the Ingress would serve
 * a Secret that holds no certificate.
 */
export const tlsSecretNotOurs = defineRule(
  {
    'tls-secret-reserved': { severity: 'error', summary: 'kubernetes.ingress.tls.secretName names a Secret chamicore-compile writes' },
  },
  ({ site, model, file }, { error }) => {
    const tls = model.ingress?.tls;
    if (tls === undefined || tls.mode === 'none') return [];
    const ours = model.secretGroups.find((g) => g.name === tls.secretName);
    if (ours === undefined) return [];
    return [
      error(
        'tls-secret-reserved',
        file,
        site.kubernetes?.ingress?.tls?.secretName !== undefined ? ['kubernetes', 'ingress', 'tls', 'secretName'] : ['site', 'name'],
        `Secret ${tls.secretName} holds the site's ${ours.description}: the ingress certificate ${tls.mode === 'cert-manager' ? 'would overwrite it' : 'is not in it'}`,
        { hint: `name another Secret, such as ${model.name}-tls` },
      ),
    ];
  },
);
