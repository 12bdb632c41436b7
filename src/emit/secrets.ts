import { versionLabel } from '../model/k8s-names.js';
import type { SecretGroup } from '../model/site-model.js';
import { evaluateSecret } from '../secrets/evaluate.js';
import { revealSecret } from '../secrets/reveal.js';
import { REDACTED } from '../secrets/secret-value.js';
import { headerLines } from './header.js';
import { renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/**
 * `secrets/<name>.yaml`: one v1 Secret per secret group. Values go in `stringData` through the
 * safe YAML emitter, so reviewers of the redacted `out/` can read a changed DSN in a diff.
 */
/** Marks a Secret manifest whose values are placeholders: scripts/ci-deploy.sh refuses to apply it. */
export const REDACTED_ANNOTATION = 'chamicore.io/redacted';

/**
 * What a reviewer sees of a Secret in the redacted `out/`: each key's source and rotation, and a
 * checksum of them, so a rotation shows in the merge request's diff without any value.
 */
function secretAnnotations(group: SecretGroup, redacted: boolean): YamlValue {
  const a: Record<string, YamlValue> = {
    'chamicore.io/checksum': group.checksum,
    'chamicore.io/sources': group.sources.join('; '),
  };
  if (redacted) a[REDACTED_ANNOTATION] = 'true';
  return a;
}

export const secretsEmitter: Emitter = {
  kind: 'secrets',
  applies: (model) => model.targets.helm,
  emit: ({ model, secrets, redacted }) =>
    model.secretGroups.map((group) => {
      const data: Record<string, YamlValue> = {};
      for (const { key, value } of group.keys) {
        data[key] = revealSecret(evaluateSecret(value, secrets, 'helm'));
      }
      // A development site's redacted Secret may hold only development values (literals, or derived from
      // the public development key): it is then no placeholder, and says so.
      const placeholders = redacted && Object.values(data).some((v) => typeof v === 'string' && v.includes(REDACTED));
      const manifest: YamlValue = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: group.name,
          namespace: model.namespace,
          annotations: secretAnnotations(group, placeholders),
          labels: {
            'app.kubernetes.io/name': 'chamicore',
            'app.kubernetes.io/instance': model.name,
            'app.kubernetes.io/component': group.id,
            'app.kubernetes.io/part-of': 'chamicore',
            'app.kubernetes.io/version': versionLabel(model.release.version),
            'app.kubernetes.io/managed-by': 'chamicore-compile',
          },
        },
        type: group.type,
        stringData: data,
      };
      const note = placeholders
        ? [`Values are placeholders (${REDACTED}); chamicore-compile --reveal writes real ones.`]
        : redacted
          ? ['Development values, public by design: usable as they are, never outside development.']
          : ['Holds real secret values: never commit it; apply it with kubectl apply -f.'];
      return renderYamlFile(
        `secrets/${group.name}.yaml`,
        headerLines(model, [`Secret ${group.name}: ${group.description}.`, ...note]),
        manifest,
        true,
      );
    }),
};
