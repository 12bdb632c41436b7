import type { Site } from '../generated/site.js';

export type Environment = Site['site']['environment'];
export const ENVIRONMENTS: readonly Environment[] = ['production', 'staging', 'development'];

/** The Chamicore release a new site starts on (the one the example sites run). */
export const SCAFFOLD_RELEASE = '1.4.2';

/** A DNS-1123 label; the compiler's rules then check the names derived from it. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The text of a new site file (`chamicore-compile init`): the schema modeline and a short comment
 * per section, valid and compilable as it is, with no warning. Production gets a TLS ingress and
 * two replicas of every service; development also the compose target. Every secret is generated
 * (the built-in defaults), so the file holds none.
 */
export function renderSiteScaffold(
  name: string,
  environment: Environment,
  bases: readonly string[] = [],
  domain = `${name}.example.org`,
): string {
  const production = environment === 'production';
  const replicas = production ? 2 : 1;
  const service = (id: string): string => `  ${id}:\n    replicas: ${replicas}\n`;
  const lines = [
    '# yaml-language-server: $schema=../schema/site.schema.json',
    `# Site ${name}, written by chamicore-compile init. Compile it with: chamicore-compile sites/${name}`,
    '# Every key is described in docs/site-reference.md and, with the modeline above, in your editor.',
    '',
    '# Who and where the site is. The domain is the one the ingress host must lie under.',
    'site:',
    `  name: ${name}`,
    `  environment: ${environment}`,
    `  domain: ${domain}`,
    '',
    ...(bases.length > 0
      ? [
          '# The shared defaults this site is layered over (bases/<name>.yaml beside this file); what this file sets wins.',
          `extends: [${bases.join(', ')}]`,
          '',
        ]
      : []),
    '# The Chamicore release; images are tagged v<version> unless images.tag says otherwise.',
    'release:',
    `  version: "${SCAFFOLD_RELEASE}"`,
    '',
    '# The Kubernetes target: the one Ingress in front of the UI and every API.',
    'kubernetes:',
    '  ingress:',
    `    host: chamicore.${domain}`,
    ...(environment === 'development'
      ? []
      : ['    tls:', '      certManagerIssuer: letsencrypt   # the cert-manager ClusterIssuer of the cluster']),
    '',
    '# The services. kea-sync needs the Kea control agent: set dhcp.kea.url, then remove enabled: false.',
    '# discovery, power and mcp are off unless enabled.',
    'services:',
    ...(production ? ['auth', 'smd', 'bss', 'cloud-init', 'ui'].map(service) : []).map((s) => s.trimEnd()),
    '  kea-sync:',
    '    enabled: false',
    '',
    '# The database: bundled (the Bitnami postgresql subchart) unless mode: external.',
    'database:',
    '  mode: bundled',
    '',
    environment === 'development'
      ? '# Outputs: the Helm chart and the docker compose stack (development only).'
      : '# Outputs: the Helm chart, its values and the Secret manifests.',
    `targets: [${environment === 'development' ? 'helm, compose' : 'helm'}]`,
    '',
    '# Secrets: every built-in secret is generated from the site key (chamicore-compile --reveal).',
    '# Add your own (an OIDC client secret) with fromEnv or fromFile; never a literal outside development.',
  ];
  return `${lines.join('\n')}\n`;
}
