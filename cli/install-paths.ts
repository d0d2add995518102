// Where dsu's own files are: the package root (the checkout, or where npm
// installed the package), found from this module's place in dist/.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'dsu-x86';

let root: string | null = null;

/** The directory holding dsu-x86's package.json. */
function packageRoot(): string {
  if (root !== null) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === PACKAGE_NAME) return (root = dir);
    } catch {
      // no package.json here: look further up
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package around ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

export function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The directory of dsu.h (gcc -I"$(dsu include-dir)"). */
export function includeDir(): string {
  return path.join(packageRoot(), 'patcher', 'include');
}

/** The `dsu` command's script (bin/dsu.js), run with this Node. */
export function dsuScript(): string {
  return path.join(packageRoot(), 'bin', 'dsu.js');
}
