import { versionLabel } from '../model/k8s-names.js';
import { headerLines } from './header.js';
import { EmitError, renderYamlFile, type Emitter } from './output.js';
import type { YamlValue } from './safe-yaml.js';

/**
 * `helm/templates/ingress.yaml`: the umbrella chart itself renders the one Ingress in front of
 * the UI and every API, with a route per enabled service (reference §2.12, §9.10). The umbrella
 * owns it because the routes span every subchart. A plain manifest, no template code: every
 * string in it is a DNS name or a fixed path, and the emitter proves no `{{` reaches Helm.
 */
export const ingressEmitter: Emitter = {
  kind: 'ingress',
  applies: (model) => model.targets.helm && model.ingress?.enabled === true,
  emit: ({ model }) => {
    const ing = model.ingress;
    if (ing === undefined) return [];
    const paths: YamlValue[] = model.services
      .filter((s) => s.enabled && s.info.port !== undefined)
      .flatMap((s) =>
        s.info.routes.map((path) => ({
          path,
          pathType: 'Prefix',
          backend: { service: { name: s.info.chart, port: { number: s.info.port ?? 0 } } },
        })),
      );
    // Nothing to route to (every HTTP service off): no Ingress rather than an invalid one.
    if (paths.length === 0) return [];
    const metadata: Record<string, YamlValue> = {
      name: 'chamicore',
      namespace: model.namespace,
      labels: {
        'app.kubernetes.io/name': 'chamicore',
        'app.kubernetes.io/instance': model.name,
        'app.kubernetes.io/component': 'ingress',
        'app.kubernetes.io/part-of': 'chamicore',
        'app.kubernetes.io/version': versionLabel(model.release.version),
        'app.kubernetes.io/managed-by': 'chamicore-compile',
      },
    };
    if (ing.tls.mode === 'cert-manager') metadata['annotations'] = { 'cert-manager.io/cluster-issuer': ing.tls.issuer };
    const spec: Record<string, YamlValue> = {};
    if (ing.className !== undefined) spec['ingressClassName'] = ing.className;
    if (ing.tls.mode !== 'none') spec['tls'] = [{ hosts: [ing.host], secretName: ing.tls.secretName }];
    spec['rules'] = [{ host: ing.host, http: { paths } }];
    const file = renderYamlFile(
      'helm/templates/ingress.yaml',
      headerLines(model, ['The Ingress for the UI and every API, one route per enabled service.']),
      { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata, spec },
    );
    if (file.contents.includes('{{')) throw new EmitError('emitted helm/templates/ingress.yaml holds template code');
    return [file];
  },
};
