// Bundle the compiled CLI (dist/cli/main.js and what `dsu run` and the
// control commands import) into dist/bundle/: one module plus one chunk per
// lazily imported command. Loading ~200 small ES modules cost most of dsu's
// start-up; the bundle loads in a fraction of that (scripts/bench/README.md,
// "Start-up"). Left out, loaded from dist/ as compiled:
//   - koffi (a native addon) and capstone-wasm (finds its .wasm beside itself);
//   - `dsu mkpatch` (cli/mkpatch.js): it runs files of its own (the compiler
//     wrapper) found beside its compiled modules, and its start-up is not
//     the one that matters; and cli/args.js, whose UsageError it throws to
//     cli/main.js (one module instance, so `instanceof` holds).
// bin/dsu.js runs the bundle only while it is newer than dist/cli/main.js,
// so a plain `tsc` never leaves a stale bundle in use.
//   node dist/scripts/bundle.js
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');

/** Imports of these compiled files stay imports of dist/ (from dist/bundle/, one folder up). */
const UNBUNDLED = [path.join(dist, 'cli', 'mkpatch.js'), path.join(dist, 'cli', 'args.js')];

const keepUnbundled: Plugin = {
  name: 'keep-unbundled',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      if (!UNBUNDLED.includes(target)) return undefined;
      return { path: './' + path.relative(outdir, target).split(path.sep).join('/'), external: true };
    });
  },
};

fs.rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(dist, 'cli', 'main.js')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  splitting: true,
  outdir,
  external: ['koffi', 'capstone-wasm'],
  plugins: [keepUnbundled],
  logLevel: 'warning',
  // CommonJS packages bundled in (elfy) call require()
  banner: { js: "import { createRequire as __dsuRequire } from 'node:module'; const require = __dsuRequire(import.meta.url);" },
});
