import type { Diagnostic } from '../../report/diagnostic.js';
import { defineRule } from './rule.js';

/**
 * images.requireDigests is a site's policy that no re-pushed tag changes what runs: every image the
 * site can pin (each enabled service, the bundled database, bundled NATS) must carry a digest.
 */
export const imagesPinnedByDigest = defineRule(
  {
    'image-digest-required': {
      severity: 'error',
      summary: 'images.requireDigests is set and an image the site runs is not pinned by digest',
    },
  },
  ({ model, file }, { error }) => {
    if (!model.images.requireDigests) return [];
    const missing: { image: string; key: string }[] = [];
    for (const s of model.services)
      if (s.enabled && s.image.digest === undefined)
        missing.push({ image: `${s.image.repository}:${s.image.tag}`, key: `services.${s.id}.image.digest` });
    if (model.targets.helm || model.targets.compose) {
      const db = model.database.images['image'];
      if (model.database.mode === 'bundled' && db?.digest === undefined && db !== undefined)
        missing.push({ image: `${db.repository}:${db.tag}`, key: 'database.image.digest' });
      const nats = model.events.images['container.image'];
      if (model.events.enabled && model.events.mode === 'bundled' && nats !== undefined && nats.digest === undefined)
        missing.push({ image: `${nats.repository}:${nats.tag}`, key: 'events.nats.image.digest' });
    }
    return missing.map((m): Diagnostic =>
      error('image-digest-required', file, ['images', 'requireDigests'], `${m.image} is not pinned by digest (set ${m.key})`, {
        hint: `crane digest <image> (or skopeo inspect) gives the sha256:…; set ${m.key}, or turn images.requireDigests off`,
      }),
    );
  },
);
