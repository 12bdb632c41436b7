import { breakingRotationsAcknowledged } from './breaking-rotations-acknowledged.js';
import { chartValuesAllowed } from './chart-values-allowed.js';
import { composeOnlyInDevelopment } from './compose-only-in-development.js';
import { databaseConnectionBudget } from './database-connection-budget.js';
import { defaultImageTagValid } from './default-image-tag-valid.js';
import { externalDatabaseNeedsHost } from './external-database-needs-host.js';
import { externalEventsNeedUrl } from './external-events-need-url.js';
import { extraEnvNotReserved } from './extra-env-not-reserved.js';
import { extraEnvNotSecret } from './extra-env-not-secret.js';
import { ingressHostUnderDomain } from './ingress-host-under-domain.js';
import { keaSyncNeedsKeaUrl } from './kea-sync-needs-kea-url.js';
import { kubernetesNamesValid } from './kubernetes-names-valid.js';
import { noDevModeOutsideDevelopment } from './no-dev-mode-outside-development.js';
import { noLatestInProduction } from './no-latest-in-production.js';
import { noLiteralSecretsOutsideDevelopment } from './no-literal-secrets-outside-development.js';
import { oidcProvidersUnique } from './oidc-providers-unique.js';
import { productionIngressTls } from './production-ingress-tls.js';
import { productionReplicas } from './production-replicas.js';
import type { CodeInfo, Rule, RuleContext } from './rule.js';
import { secretsDefinedAndUsed } from './secrets-defined-and-used.js';
import { siteNameMatchesFile } from './site-name-matches-file.js';
import { thirdPartyImagesPinned } from './third-party-images-pinned.js';
import type { Diagnostic } from '../../report/diagnostic.js';

/** Every semantic rule, run in this order after the schema passes. The rule codes are derived from this list. */
export const RULES = [
  siteNameMatchesFile,
  noDevModeOutsideDevelopment,
  noLiteralSecretsOutsideDevelopment,
  noLatestInProduction,
  defaultImageTagValid,
  externalDatabaseNeedsHost,
  keaSyncNeedsKeaUrl,
  externalEventsNeedUrl,
  ingressHostUnderDomain,
  productionReplicas,
  extraEnvNotReserved,
  extraEnvNotSecret,
  kubernetesNamesValid,
  secretsDefinedAndUsed,
  oidcProvidersUnique,
  productionIngressTls,
  composeOnlyInDevelopment,
  databaseConnectionBudget,
  breakingRotationsAcknowledged,
  chartValuesAllowed,
  thirdPartyImagesPinned,
] as const satisfies readonly Rule[];

type CodesOf<R> = R extends Rule<infer D> ? keyof D & string : never;
/** Every code a semantic rule can report. */
export type RuleCode = CodesOf<(typeof RULES)[number]>;

/** Every rule code with its severity and summary, in rule order (README's rule table, tests). */
export const RULE_CODES: readonly (CodeInfo & { readonly code: RuleCode })[] = RULES.flatMap((rule) =>
  Object.entries(rule.codes).map(([code, info]: [string, CodeInfo]) => ({ code: code as RuleCode, ...info })),
);

export function runRules(ctx: RuleContext): Diagnostic[] {
  return RULES.flatMap((rule) => rule.check(ctx));
}
