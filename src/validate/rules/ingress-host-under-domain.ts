import { error } from '../../report/diagnostic.js';
import type { Rule } from './rule.js';

/** The ingress host lies under the site domain (certificates and DNS are issued per domain). */
export const ingressHostUnderDomain: Rule = ({ site, file }) => {
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
};
