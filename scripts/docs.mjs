// Writes the documents that say what the built compiler (dist/) does, so they cannot drift from
// it: docs/compose.env.example, docs/site-reference.md and the rule table of docs/operator-guide.md. `npm run gen`
// builds first; test/unit/env-example.test.ts, test/docs.test.ts and test/codes.test.ts fail when one is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvExample } from '../dist/docs/env-example.js';
import { spliceRuleTable } from '../dist/docs/rule-table.js';
import { renderSiteReference } from '../dist/docs/site-reference.js';

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, 'docs/compose.env.example'), renderEnvExample());
console.log('wrote docs/compose.env.example');
writeFileSync(join(root, 'docs/site-reference.md'), renderSiteReference());
console.log('wrote docs/site-reference.md');
const guide = join(root, 'docs/operator-guide.md');
writeFileSync(guide, spliceRuleTable(readFileSync(guide, 'utf8')));
console.log('wrote the rule table in docs/operator-guide.md');
