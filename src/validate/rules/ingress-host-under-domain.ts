import { defineInputRule } from './rule.js';

/** The ingress host lies under the site domain (certificates and DNS are issued per domain). */
export const ingressHostUnderDomain = defineInputRule(
  {
    'ingress-host-domain': { severity: 'error', summary: 'the ingress host lies outside `site.domain`' },
  },
  ({ site, file }, { error }) => {
    const host = site.kubernetes?.ingress?.host;
    const domain = site.site.domain;
    if (host === undefined || host === domain || host.endsWith(`.${domain}`)) return [];
    return [
      error(
        'ingress-host-domain',
        file,
        ['kubernetes', 'ingress', 'host'],
        `ingress host "${host}" is not under the site domain "${domain}"`,
      ),
    ];
  },
);
