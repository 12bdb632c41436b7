// Writes docs/compose.env.example from the built compiler (dist/), so it says what the compiler
// writes: `npm run gen` builds first. test/unit/env-example.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEnvExample } from '../dist/emit/env-example.js';

writeFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'docs/compose.env.example'), renderEnvExample());
console.log('wrote docs/compose.env.example');
