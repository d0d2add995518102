#!/usr/bin/env node
// Entry point of the `dsu` command: the compiled CLI lives in dist/ (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, '..', 'dist', 'cli', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('dsu: not built yet; run `npm run setup` (or `npm run build`) first\n');
  process.exit(1);
}
const { main: run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
