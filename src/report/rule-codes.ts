/**
 * The codes the semantic rules report, declared here at the bottom of the layers so that report/
 * never imports the rule registry (src/validate/rules/index.ts): each rule declares its codes with
 * their severity and summary, and index.ts fails to compile unless they are exactly these.
 */
export const RULE_CODE_NAMES = [
  'site-name-mismatch',
  'prod-dev-mode',
  'secret-value-outside-dev',
  'prod-latest-tag',
  'image-tag-invalid',
  'external-db-host',
  'kea-sync-url',
  'events-nats-url',
  'ingress-host-domain',
  'prod-replicas',
  'env-reserved',
  'env-secret-name',
  'k8s-name-invalid',
  'secret-undefined',
  'secret-name-typo',
  'registry-credential-duplicate',
  'registry-password-generated',
  'secret-unused',
  'oidc-duplicate-provider',
  'prod-ingress-tls',
  'tls-secret-reserved',
  'url-credentials',
  'compose-outside-dev',
  'compose-dev-outside-dev',
  'compose-dev-port-conflict',
  'compose-profile-needed',
  'db-connection-budget',
  'resources-request-over-limit',
  'db-memory-connections',
  'secret-rotation-unacknowledged',
  'chart-values-reserved',
  'chart-values-secret',
  'chart-values-unknown',
  'chart-values-forbidden',
  'chart-values-invalid',
  'third-party-image-tag',
  'third-party-unused',
  'setting-ineffective',
  'prod-placeholder-domain',
  'prod-no-ingress',
  'secret-file-undeliverable',
  'airgap-egress',
  'image-digest-required',
] as const;

/** Every code a semantic rule can report. */
export type RuleCode = (typeof RULE_CODE_NAMES)[number];
