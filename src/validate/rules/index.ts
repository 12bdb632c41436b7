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
import type { Rule, RuleContext } from './rule.js';
import { secretsDefinedAndUsed } from './secrets-defined-and-used.js';
import { siteNameMatchesFile } from './site-name-matches-file.js';
import { thirdPartyImagesPinned } from './third-party-images-pinned.js';
import type { Diagnostic } from '../../report/diagnostic.js';

/** Every semantic rule, run in this order after the schema passes. */
export const RULES: readonly Rule[] = [
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
];

export function runRules(ctx: RuleContext): Diagnostic[] {
  return RULES.flatMap((rule) => rule(ctx));
}
