// Pass 1, "build": the user's build command run in a private copy of a
// source tree with the compiler intercepted. The result lists the program
// the build linked and, for each of its translation units, the object
// compiled with function and data sections and debug information.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompileRecord, LinkRecord, readRecords } from './records.js';
import { ENV_DIR, ENV_EXTRA, ENV_REAL_CC } from './cc-wrapper.js';
import { archiveMembers } from './archive.js';

export class BuildError extends Error {}

export interface CapturedUnit {
  /** Source path relative to the tree: how the unit is matched across versions. */
  key: string;
  record: CompileRecord;
}

export interface CapturedBuild {
  /** The tree the user named. */
  tree: string;
  /** The private copy the build ran in. */
  copy: string;
  /** The program the build linked (in the copy). */
  program: string;
  /** Where the program is in the user's tree (it may not have been built there). */
  programInTree: string;
  units: CapturedUnit[];
  /** Objects linked into the program that no captured compile produced (prebuilt, or built by another compiler). */
  foreign: string[];
  log: string;
}

export interface CaptureOptions {
  /** Which program, when the build links several: its base name. */
  programName: string | null;
  /** The path every copy's sources are mapped back to in debug information and __FILE__. */
  mapTo: string;
  /** Where to make the copy and keep the records. */
  workDir: string;
  /** "old" or "new", for messages. */
  label: string;
}

/** Flags the generator adds to every compile. */
export const CAPTURE_FLAGS = ['-ffunction-sections', '-fdata-sections', '-g'];

/** Prebuilt ELF files (objects, archives, programs) are left out of the copy so the build compiles everything. */
function isBuildProduct(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    const n = fs.readSync(fd, head, 0, 8, 0);
    return (n >= 4 && head.readUInt32BE(0) === 0x7f454c46) || (n === 8 && head.toString('latin1') === '!<arch>\n');
  } finally {
    fs.closeSync(fd);
  }
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, {
    recursive: true, verbatimSymlinks: true, preserveTimestamps: false,
    filter: (src) => {
      const st = fs.lstatSync(src);
      return !(st.isFile() && isBuildProduct(src));
    },
  });
}

function realCompiler(): string {
  const r = spawnSync('sh', ['-c', 'command -v gcc'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (r.status !== 0 || found === '') throw new BuildError('gcc is not installed (dsu mkpatch builds with gcc -m32)');
  return found;
}

/** gcc, cc and CC for the build: a shell script that runs the wrapper with this Node. */
function writeWrappers(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const wrapper = path.join(path.dirname(fileURLToPath(import.meta.url)), 'cc-wrapper.js');
  const script = `#!/bin/sh\nexec '${process.execPath}' '${wrapper}' "$@"\n`;
  for (const name of ['gcc', 'cc', 'gcc-12', 'c99', 'c89']) fs.writeFileSync(path.join(bin, name), script, { mode: 0o755 });
  return bin;
}

/** The line of a failed build's output that says why: its first error, else its last line. */
function why(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return lines.find((l) => /\b(error|Error|ERROR)\b/.test(l)) ?? lines.at(-1) ?? 'no output';
}

export function captureBuild(tree: string, command: string, opts: CaptureOptions): CapturedBuild {
  if (!fs.existsSync(tree) || !fs.statSync(tree).isDirectory()) throw new BuildError(`${tree}: no such directory`);
  const root = path.join(opts.workDir, opts.label);
  const copy = path.join(root, path.basename(path.resolve(tree)));
  const records = path.join(root, 'capture');
  fs.mkdirSync(records, { recursive: true });
  copyTree(tree, copy);
  const cc = realCompiler();
  const bin = writeWrappers(root);
  const extra = [...CAPTURE_FLAGS, `-ffile-prefix-map=${copy}=${path.resolve(opts.mapTo)}`];
  const log = path.join(root, 'build.log');
  const r = spawnSync('sh', ['-c', command], {
    cwd: copy, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    env: {
      ...process.env, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, CC: path.join(bin, 'gcc'),
      [ENV_REAL_CC]: cc, [ENV_DIR]: records, [ENV_EXTRA]: JSON.stringify(extra),
      // __DATE__ and __TIME__ the same in both builds
      SOURCE_DATE_EPOCH: '1700000000',
    },
  });
  fs.writeFileSync(log, `$ ${command}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.error) throw new BuildError(`the ${opts.label} tree does not build: cannot run '${command}': ${r.error.message}`);
  if (r.status !== 0) {
    throw new BuildError(`the ${opts.label} tree does not build: '${command}' exited with status ${r.status ?? r.signal}: ${why(`${r.stdout}\n${r.stderr}`)}`);
  }
  const all = readRecords(records);
  const link = chooseProgram(all.filter((x): x is LinkRecord => x.kind === 'link'), opts, command);
  const compiles = all.filter((x): x is CompileRecord => x.kind === 'compile');
  const { units, foreign } = unitsOf(link, compiles, copy);
  return { tree: path.resolve(tree), copy, program: link.output, programInTree: path.join(path.resolve(tree), path.relative(copy, link.output)), units, foreign, log };
}

function chooseProgram(links: LinkRecord[], opts: CaptureOptions, command: string): LinkRecord {
  const programs = new Map<string, LinkRecord>();
  // the last link of each output wins (a build may relink)
  for (const l of links) if (l.program && fs.existsSync(l.output)) programs.set(l.output, l);
  const list = [...programs.values()];
  if (list.length === 0) {
    throw new BuildError(`the ${opts.label} build ('${command}') produced no program: no gcc link of an executable was seen (is the compiler called by an absolute path?)`);
  }
  if (opts.programName !== null) {
    const named = list.filter((l) => path.basename(l.output) === opts.programName);
    if (named.length === 1) return named[0];
    if (list.length === 1) return list[0];
    throw new BuildError(`the ${opts.label} build links ${list.map((l) => path.basename(l.output)).join(', ')}, none named ${opts.programName}`);
  }
  if (list.length > 1) {
    throw new BuildError(`the ${opts.label} build links several programs (${list.map((l) => path.basename(l.output)).join(', ')}): name the running one with --program`);
  }
  return list[0];
}

const sha = (bytes: Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex');

/** The compiles whose objects the program's link used, directly or through archives. */
function unitsOf(link: LinkRecord, compiles: CompileRecord[], copy: string): { units: CapturedUnit[]; foreign: string[] } {
  const bySha = new Map<string, CompileRecord>();
  for (const c of compiles) bySha.set(c.sha, c);
  const units: CapturedUnit[] = [];
  const foreign: string[] = [];
  const seen = new Set<string>();
  const add = (c: CompileRecord): void => {
    const key = path.relative(copy, c.source);
    if (seen.has(key)) return;
    seen.add(key);
    units.push({ key, record: c });
  };
  for (const input of link.inputs) {
    if (input.sha === null) continue;
    if (input.archive) {
      for (const m of archiveMembers(fs.readFileSync(input.path))) {
        if (!m.name.endsWith('.o')) continue;
        const c = bySha.get(sha(m.data));
        if (c) add(c);
        else foreign.push(`${path.relative(copy, input.path)}(${m.name})`);
      }
      continue;
    }
    const c = bySha.get(input.sha);
    if (c) add(c);
    else if (/\.o$/.test(input.path)) foreign.push(path.relative(copy, input.path));
  }
  return { units, foreign };
}
