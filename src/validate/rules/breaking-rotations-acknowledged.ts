import { type Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/**
 * Rotations that break a running site unless the operator acts first: Bitnami PostgreSQL sets its
 * passwords only when the data volume is first initialised, and the auth encryption key protects
 * the stored device credentials. The site file must acknowledge each such rotation.
 */
export const BREAKING_ROTATIONS: Readonly<Record<string, { readonly bundledOnly: boolean; readonly step: string }>> = {
  'db-password': {
    bundledOnly: true,
    step: 'first run ALTER ROLE <user> PASSWORD with the new value in the database (the bundled PostgreSQL keeps the old one)',
  },
  'db-admin-password': {
    bundledOnly: true,
    step: 'first run ALTER ROLE postgres PASSWORD with the new value in the database (the bundled PostgreSQL keeps the old one)',
  },
  'auth-encryption-key': {
    bundledOnly: false,
    step: 'stored device credentials become unreadable: export them with the old key and import them again after the rotation',
  },
};

export const breakingRotationsAcknowledged = defineRule(
  {
    'secret-rotation-unacknowledged': {
      severity: 'error',
      summary:
        'a rotation that breaks the running site unless the operator acts first (database passwords, the auth encryption key) is not acknowledged in `secrets.<name>.acknowledgeRotation`',
    },
  },
  ({ model, file }, { error }) => {
    const out: Diagnostic[] = [];
    for (const spec of model.secrets) {
      const rule = Object.hasOwn(BREAKING_ROTATIONS, spec.name) ? BREAKING_ROTATIONS[spec.name] : undefined;
      if (rule === undefined || spec.rotation === 0 || spec.acknowledgedRotation === spec.rotation) continue;
      if (rule.bundledOnly && model.database.mode !== 'bundled') continue;
      out.push(
        error(
          'secret-rotation-unacknowledged',
          file,
          ['secrets', spec.name, 'rotation'],
          `rotating ${spec.name} to ${String(spec.rotation)} breaks the running site unless you act first`,
          {
            hint: `${rule.step}; then set secrets.${spec.name}.acknowledgeRotation: ${String(spec.rotation)} (see docs/operator-guide.md, "Rotating secrets")`,
          },
        ),
      );
    }
    return out;
  },
);
