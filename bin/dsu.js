#!/usr/bin/env node
// Entry point of the `dsu` command: the compiled CLI lives in dist/ (npm run build).
// dist/bundle/ holds it bundled (scripts/bundle.sh), which starts several
// times faster; it is used only while newer than the compiled modules.
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.join(here, '..', 'dist', 'cli', 'main.js');
const bundled = path.join(here, '..', 'dist', 'bundle', 'main.js');
if (!existsSync(main)) {
  process.stderr.write('dsu: not built yet; run `npm run setup` (or `npm run build`) first\n');
  process.exit(1);
}
const fresh = existsSync(bundled) && statSync(bundled).mtimeMs >= statSync(main).mtimeMs;
const { main: run } = await import(fresh ? bundled : main);
process.exitCode = await run(process.argv.slice(2));
