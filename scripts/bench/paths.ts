// Where the benchmark harness finds the repository, the dsu command and the
// built C samples, derived from this file's location (works from dist/ too).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepo(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'c-samples'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the repository root above ${start}`);
  }
}

export const REPO = findRepo(path.dirname(fileURLToPath(import.meta.url)));
export const DSU_CLI = path.join(REPO, 'bin', 'dsu.js');
export const SAMPLES = path.join(REPO, 'c-samples', 'build');
export const RESULTS_DIR = path.join(REPO, 'bench-results');

export type Variant = 'static' | 'dyn';

/** A built sample: c-samples/build/<group>/<name>.<variant>. */
export function sample(group: string, name: string, variant: Variant): string {
  return path.join(SAMPLES, group, `${name}.${variant}`);
}
