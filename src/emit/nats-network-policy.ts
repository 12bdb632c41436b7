import { NATS_PORT } from '../model/catalog.js';
import { versionLabel } from '../model/k8s-names.js';
import { headerLines } from './header.js';
import { EmitError, renderYamlFile, type Emitter } from './output.js';

/** The NATS cluster-route port (nats chart 1.x, config.cluster.port). */
const NATS_CLUSTER_PORT = 6222;

/**
 * `helm/templates/networkpolicy-nats.yaml`: the NATS chart has no NetworkPolicy, so the umbrella
 * renders one for a bundled NATS. Clients (4222) are the Chamicore pods of the namespace
 * (`app.kubernetes.io/part-of: chamicore`, which every service chart sets), cluster routes
 * (6222) the NATS servers themselves; nothing else reaches them, the monitoring port included. A
 * plain manifest with no template code: it selects by labels, not by the release name.
 */
export const natsNetworkPolicyEmitter: Emitter = {
  kind: 'nats-network-policy',
  applies: (model) => model.targets.helm && model.events.enabled && model.events.mode === 'bundled',
  emit: ({ model }) => {
    const nats = { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' };
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'chamicore-nats',
        namespace: model.namespace,
        labels: {
          'app.kubernetes.io/name': 'chamicore',
          'app.kubernetes.io/instance': model.name,
          'app.kubernetes.io/component': 'nats',
          'app.kubernetes.io/part-of': 'chamicore',
          'app.kubernetes.io/version': versionLabel(model.release.version),
          'app.kubernetes.io/managed-by': 'chamicore-compile',
        },
      },
      spec: {
        podSelector: { matchLabels: nats },
        policyTypes: ['Ingress'],
        ingress: [
          {
            ports: [{ port: NATS_PORT, protocol: 'TCP' }],
            from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'chamicore' } } }],
          },
          { ports: [{ port: NATS_CLUSTER_PORT, protocol: 'TCP' }], from: [{ podSelector: { matchLabels: nats } }] },
        ],
      },
    };
    const file = renderYamlFile(
      'helm/templates/networkpolicy-nats.yaml',
      headerLines(model, ['Who reaches the bundled NATS: the Chamicore pods (clients) and the NATS servers (routes).']),
      policy,
    );
    if (file.contents.includes('{{')) throw new EmitError('emitted helm/templates/networkpolicy-nats.yaml holds template code');
    return [file];
  },
};
