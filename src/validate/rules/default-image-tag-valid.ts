import { SERVICES, serviceEnabled } from '../../model/catalog.js';
import { defaultImageTag } from '../../model/site-facts.js';
import { defineInputRule } from './rule.js';

const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * Without `images.tag`, images are tagged `v<release.version>`. SemVer build metadata (`+…`)
 * cannot be part of an image tag, so such a release needs an explicit tag for every image that
 * would use the default.
 */
export const defaultImageTagValid = defineInputRule(
  {
    'image-tag-invalid': {
      severity: 'error',
      summary: 'the default image tag `v<release.version>` is not a valid image tag (SemVer build metadata `+…`): set `images.tag`',
    },
  },
  ({ site, file }, { error }) => {
    const tag = defaultImageTag(site);
    if (site.images?.tag !== undefined || IMAGE_TAG.test(tag)) return [];
    const users = SERVICES.filter((s) => serviceEnabled(site, s) && site.services?.[s.id]?.image?.tag === undefined);
    if (users.length === 0) return [];
    return [
      error(
        'image-tag-invalid',
        file,
        ['release', 'version'],
        `the default image tag "${tag}" (v<release.version>) is not a valid image tag: a tag holds only letters, digits, '_', '.' and '-'`,
        { hint: 'set images.tag to the tag the images were pushed with' },
      ),
    ];
  },
);
