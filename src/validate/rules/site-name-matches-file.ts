import { defineInputRule } from './rule.js';

/** site.name must equal the file name, so `sites/<name>.yaml` always compiles to `out/<name>/`. */
export const siteNameMatchesFile = defineInputRule(
  {
    'site-name-mismatch': { severity: 'error', summary: '`site.name` differs from the file name' },
  },
  ({ site, file, fileStem }, { error }) =>
    site.site.name === fileStem
      ? []
      : [
          error('site-name-mismatch', file, ['site', 'name'], `site name "${site.site.name}" differs from the file name "${fileStem}"`, {
            hint: `rename the file to ${site.site.name}.yaml or set site.name to "${fileStem}"`,
          }),
        ],
);
