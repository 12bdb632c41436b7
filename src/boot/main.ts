#!/usr/bin/env node
// The entry package.json's bin names (built into dist/bundle/chamicore-compile.cjs): runs the CLI
// bundle (src/bin.ts, built into cli.cjs beside it) with the code cache the build made for it
// (src/boot/load.ts). It is CommonJS, which Node starts without its ES module loader. The build
// writes into it the CRC-32 of the bundle and its cache.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBundle } from './load.js';

declare const CHAMICORE_CODE_CACHE_SUM: string | undefined;

// The bundle's folder: __dirname in the CommonJS entry; the module's own URL when run as built by tsc.
const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
loadBundle(here, typeof CHAMICORE_CODE_CACHE_SUM === 'string' ? CHAMICORE_CODE_CACHE_SUM : undefined).start();
