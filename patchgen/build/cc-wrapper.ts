// The compiler seen by a captured build (first on PATH as gcc and cc, and in
// CC). It runs the real gcc with the user's own flags plus the generator's
// (-ffunction-sections -fdata-sections -g ...), keeps a copy of every object
// it compiles and appends one JSON line per compile and per link to the
// capture's record, so that plain `gcc` commands and Makefiles are captured
// alike (as kpatch-build and libcare-cc do). A compile-and-link command
// (`gcc -o server server.c`) is split: each source is compiled to a kept
// object, and the link uses those objects.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { C_SOURCE, compileFlags, parseGccArgs } from './gcc-args.js';
import type { CaptureRecord } from './records.js';

export const ENV_REAL_CC = 'DSU_MKPATCH_CC';
export const ENV_DIR = 'DSU_MKPATCH_DIR';
export const ENV_EXTRA = 'DSU_MKPATCH_EXTRA';

const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function run(cc: string, args: string[]): number {
  const r = spawnSync(cc, args, { stdio: 'inherit' });
  if (r.error) {
    process.stderr.write(`dsu mkpatch: cannot run ${cc}: ${r.error.message}\n`);
    return 127;
  }
  return r.status ?? 1;
}

function record(dir: string, rec: CaptureRecord): void {
  fs.appendFileSync(path.join(dir, 'records.jsonl'), JSON.stringify(rec) + '\n');
}

/** A fresh name for a kept object in the capture directory. */
function keptObject(dir: string, source: string): string {
  const objects = path.join(dir, 'objects');
  fs.mkdirSync(objects, { recursive: true });
  const stem = path.basename(source).replace(/\.[^.]*$/, '');
  return path.join(objects, `${stem}-${process.pid}-${crypto.randomBytes(4).toString('hex')}.o`);
}

function wrapperMain(argv: string[]): number {
  const cc = process.env[ENV_REAL_CC];
  const dir = process.env[ENV_DIR];
  if (!cc || !dir) {
    process.stderr.write('dsu mkpatch: compiler wrapper run outside a captured build\n');
    return 2;
  }
  const extra: string[] = JSON.parse(process.env[ENV_EXTRA] ?? '[]');
  const cmd = parseGccArgs(argv);
  if (cmd.query || cmd.languageOverride || (cmd.sources.length === 0 && cmd.linkInputs.length === 0)) return run(cc, argv);
  const cwd = process.cwd();
  const abs = (p: string): string => path.resolve(cwd, p);
  const flags = compileFlags(argv, cmd);

  if (cmd.compileOnly) {
    const status = run(cc, [...argv, ...extra]);
    if (status !== 0) return status;
    for (const source of cmd.sources) {
      const out = cmd.output !== null && cmd.sources.length === 1 ? cmd.output : path.basename(source).replace(/\.[^.]*$/, '.o');
      if (!fs.existsSync(abs(out))) continue;
      const kept = keptObject(dir, source);
      fs.copyFileSync(abs(out), kept);
      record(dir, { kind: 'compile', cwd, source: abs(source), c: C_SOURCE.test(source), flags, object: kept, output: abs(out), sha: sha(kept) });
    }
    return 0;
  }

  // compile and link in one command: compile each source on its own, then link the objects
  const objectFor = new Map<number, string>();
  for (let k = 0; k < cmd.sources.length; k++) {
    const source = cmd.sources[k];
    const kept = keptObject(dir, source);
    const status = run(cc, [...flags, '-c', source, '-o', kept, ...extra]);
    if (status !== 0) return status;
    record(dir, { kind: 'compile', cwd, source: abs(source), c: C_SOURCE.test(source), flags, object: kept, output: kept, sha: sha(kept) });
    objectFor.set(cmd.positions.sources[k], kept);
  }
  const linkArgs = argv.map((a, i) => objectFor.get(i) ?? a);
  const status = run(cc, [...linkArgs, '-g']);
  if (status !== 0) return status;
  const output = abs(cmd.output ?? 'a.out');
  const inputs = linkArgs.filter((_, i) => objectFor.has(i) || cmd.positions.linkInputs.includes(i)).map((p) => {
    const file = abs(p);
    const exists = fs.existsSync(file) && fs.statSync(file).isFile();
    return { path: file, sha: exists ? sha(file) : null, archive: /\.a$/.test(p) };
  });
  // archives are kept as they were at link time: a later step of the build may rewrite them
  for (const input of inputs) {
    if (!input.archive || input.sha === null) continue;
    const kept = keptObject(dir, input.path).replace(/\.o$/, '.a');
    fs.copyFileSync(input.path, kept);
    input.path = kept;
  }
  record(dir, { kind: 'link', cwd, output, inputs, program: !cmd.notProgram });
  return 0;
}

// run as the wrapper script's body
if (process.argv[1] && path.basename(process.argv[1]) === 'cc-wrapper.js') process.exitCode = wrapperMain(process.argv.slice(2));
