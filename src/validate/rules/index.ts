import { airGapContained } from './air-gap-contained.js';
import { imagesPinnedByDigest } from './images-pinned-by-digest.js';
import { breakingRotationsAcknowledged } from './breaking-rotations-acknowledged.js';
import { chartValuesAllowed } from './chart-values-allowed.js';
import { composeOnlyInDevelopment } from './compose-only-in-development.js';
import { composeStackSound } from './compose-stack-sound.js';
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
import { noCredentialsInUrls } from './no-credentials-in-urls.js';
import { tlsSecretNotOurs } from './tls-secret-not-ours.js';
import { productionReplicas } from './production-replicas.js';
import { registryCredentialsValid } from './registry-credentials-valid.js';
import { resourcesFit } from './resources-fit.js';
import type { CodeInfo, InputContext, Rule, RuleContext, RuleStage } from './rule.js';
import { secretNamesKnown } from './secret-names-known.js';
import { secretsDefined } from './secrets-defined.js';
import { secretsUsed } from './secrets-used.js';
import { settingsTakeEffect } from './settings-take-effect.js';
import { siteNameMatchesFile } from './site-name-matches-file.js';
import { thirdPartyImagesPinned } from './third-party-images-pinned.js';
import type { Diagnostic } from '../../report/diagnostic.js';
import type { RuleCode } from '../../report/rule-codes.js';

/**
 * Every semantic rule, run in this order after the schema passes: the input rules first, then (when
 * they pass) the model rules. The rule codes are derived from this list.
 */
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
  secretsDefined,
  secretNamesKnown,
  registryCredentialsValid,
  secretsUsed,
  oidcProvidersUnique,
  productionIngressTls,
  tlsSecretNotOurs,
  noCredentialsInUrls,
  composeOnlyInDevelopment,
  composeStackSound,
  databaseConnectionBudget,
  resourcesFit,
  breakingRotationsAcknowledged,
  chartValuesAllowed,
  thirdPartyImagesPinned,
  settingsTakeEffect,
  airGapContained,
  imagesPinnedByDigest,
] as const satisfies readonly Rule[];

type CodesOf<R> = R extends Rule<infer D> ? keyof D & string : never;
/** Every code the rules declare: exactly report/rule-codes.ts's list (this fails to compile otherwise). */
type DeclaredCode = CodesOf<(typeof RULES)[number]>;
export const RULE_CODES_DECLARED: [DeclaredCode] extends [RuleCode] ? ([RuleCode] extends [DeclaredCode] ? true : never) : never = true;
export type { RuleCode };

/** Every rule code with its severity and summary, in rule order (the rule table of docs/operator-guide.md, tests). */
export const RULE_CODES: readonly (CodeInfo & { readonly code: RuleCode; readonly stage: RuleStage })[] = RULES.flatMap((rule) =>
  Object.entries(rule.codes).map(([code, info]: [string, CodeInfo]) => ({ code: code as RuleCode, stage: rule.stage, ...info })),
);

/** The input rules, on the schema-valid site: when one fails, no model is built. */
export function runInputRules(ctx: InputContext): Diagnostic[] {
  return RULES.flatMap((rule) => (rule.stage === 'input' ? rule.check(ctx) : []));
}

/** The model rules, once the input rules passed. */
export function runModelRules(ctx: RuleContext): Diagnostic[] {
  return RULES.flatMap((rule) => (rule.stage === 'model' ? rule.check(ctx) : []));
}
