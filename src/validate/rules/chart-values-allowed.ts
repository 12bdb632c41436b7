import { chartKeys, type KeyTree } from '../../generated/chart-keys.js';
import { thirdPartyValues, type ChartValue } from '../../model/chart-values.js';
import { suggest } from '../suggest.js';
import { isAllowedValue, PASS_THROUGH, refusal, type AllowedTree } from '../chart-values-policy.js';
import { type Diagnostic, type PathSegment } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/** A key that holds a credential in the clear; references to Secrets (`existingSecret…`) are fine. */
const SECRET_KEY = /(password|passwd|pwd|token|secret|credentials?|privatekey|apikey)$/i;
const SECRET_REFERENCE = /^existing/i;

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Pass-through values for the third-party charts may set only what the allow-list of
 * chart-values-policy.ts names, with values of the kind it names; never replace a key the compiler
 * sets (the chart would silently run with something the site model does not know), never touch
 * `global`, and never hold a credential in the clear: values.yaml is committed. At the chart
 * version the compiler pins, a key the chart's values.yaml does not declare is a typo the chart
 * would ignore: an error with the closest declared key.
 */
export const chartValuesAllowed = defineRule(
  {
    'chart-values-reserved': { severity: 'error', summary: 'pass-through chart values set a key the compiler sets (or `global`)' },
    'chart-values-secret': { severity: 'error', summary: 'pass-through chart values hold a credential-like key in the clear' },
    'chart-values-unknown': { severity: 'error', summary: 'pass-through chart values name a key the chart does not have' },
    'chart-values-forbidden': {
      severity: 'error',
      summary: 'pass-through chart values set a key a site may not pass (an image, a command, security, authentication, objects…)',
    },
    'chart-values-invalid': { severity: 'error', summary: 'a pass-through chart value is not of the kind its key takes' },
  },
  ({ site, model, file }, { error }) => {
    const own = thirdPartyValues(model);
    const out: Diagnostic[] = [];
    const check = (
      input: Readonly<Record<string, unknown>> | undefined,
      compiler: Record<string, ChartValue> | undefined,
      base: PathSegment[],
      chart: 'postgresql' | 'nats',
      pinned: string,
    ): void => {
      // Values for a chart the site does not deploy: third-party-unused says so.
      if (input === undefined || compiler === undefined) return;
      const known = chartKeys[chart].version === pinned ? chartKeys[chart].keys : 1;
      const walk = (value: unknown, set: ChartValue | undefined, tree: KeyTree, policy: AllowedTree, path: PathSegment[]): void => {
        if (!isMap(value)) return;
        for (const [key, child] of Object.entries(value)) {
          const at = [...path, key];
          const dotted = at.slice(base.length).join('.');
          // Own keys only: `constructor` or `__proto__` in a site file are not the objects' own.
          const mine = isMap(set) && Object.hasOwn(set, key) ? (set as Record<string, ChartValue>)[key] : undefined;
          const declared = typeof tree === 'object' && Object.hasOwn(tree, key);
          const below: KeyTree = typeof tree === 'object' ? (declared ? tree[key]! : 0) : tree;
          if (path.length === base.length && key === 'global') {
            out.push(
              error('chart-values-reserved', file, at, `${chart} values may not set global: chamicore-compile owns it`, { onKey: true }),
            );
            continue;
          }
          if (mine !== undefined && !(isMap(mine) && isMap(child))) {
            out.push(
              error(
                'chart-values-reserved',
                file,
                at,
                `${dotted} is set by chamicore-compile for the ${chart} chart and cannot be overridden here`,
                {
                  onKey: true,
                  hint: 'use the site key that sets it (database.*, events.nats.*, images.*)',
                },
              ),
            );
            continue;
          }
          if (
            SECRET_KEY.test(key) &&
            !SECRET_REFERENCE.test(key) &&
            !isMap(child) &&
            !Array.isArray(child) &&
            child !== null &&
            child !== '' &&
            child !== false
          ) {
            out.push(
              error('chart-values-secret', file, at, `${dotted} would put a credential in the clear into values.yaml`, {
                onKey: true,
                sensitive: true,
                hint: "secrets belong in Secrets: the compiler wires the database and NATS passwords from the site's secrets",
              }),
            );
            continue;
          }
          if (typeof tree === 'object' && !declared) {
            const close = suggest(key, Object.keys(tree));
            out.push(
              error('chart-values-unknown', file, at, `the ${chart} chart ${chartKeys[chart].version} has no value ${dotted}`, {
                onKey: true,
                ...(close !== undefined ? { hint: `did you mean ${close}?` } : {}),
              }),
            );
            continue;
          }
          const allowed = Object.hasOwn(policy, key) ? policy[key] : undefined;
          if (allowed === undefined && isMap(mine) && isMap(child)) {
            // Below a map the compiler sets: its keys are reserved, any other is forbidden there.
            walk(child, mine, below, {}, at);
            continue;
          }
          if (allowed === undefined) {
            const here = Object.keys(policy).filter((k) => !(isMap(set) && Object.hasOwn(set, k) && !isMap(set[k])));
            out.push(
              error('chart-values-forbidden', file, at, `${dotted} is not a value a site may pass to the ${chart} chart`, {
                onKey: true,
                // What it holds is anything a site pasted (a password in a list): the line is not shown.
                sensitive: true,
                hint:
                  here.length === 0
                    ? 'nothing below this key may be passed; see "Third-party charts and images" in docs/operator-guide.md'
                    : `a site may pass here: ${here.join(', ')} (docs/operator-guide.md, "Third-party charts and images")`,
              }),
            );
            continue;
          }
          if (isAllowedValue(allowed)) {
            const why = refusal(allowed, child);
            if (why !== undefined) out.push(error('chart-values-invalid', file, at, `${dotted}: ${why}`, { sensitive: true }));
            continue;
          }
          if (!isMap(child)) {
            out.push(
              error('chart-values-invalid', file, at, `${dotted}: expected a map (of ${Object.keys(allowed).join(', ')})`, {
                sensitive: true,
              }),
            );
            continue;
          }
          walk(child, mine, below, allowed, at);
        }
      };
      walk(input, compiler, known, PASS_THROUGH[chart], base);
    };
    check(site.database?.values, own.postgresql, ['database', 'values'], 'postgresql', model.release.postgresqlChart.version);
    check(site.events?.nats?.values, own.nats, ['events', 'nats', 'values'], 'nats', model.release.natsChart.version);
    return out;
  },
);
