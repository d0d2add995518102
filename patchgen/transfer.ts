// --transfer NEW_FILE.c=TRANSFER.c: the state transfer compiled as if it were
// appended to that translation unit of the new version, so it sees the
// unit's statics, static functions, types and macros by their plain names.
// The combined file sits next to the unit's source (its quoted includes
// resolve the same) and is compiled with the unit's own flags; its file
// name is mapped back to the unit's, so its debug information and symbol
// table name the unit.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CapturedUnit } from './build/capture.js';
import { CAPTURE_FLAGS } from './build/capture.js';

export class TransferError extends Error {}

export interface TransferSpec {
  /** NEW_FILE.c as the user wrote it. */
  unit: string;
  /** TRANSFER.c */
  file: string;
}

export function parseTransfer(arg: string): TransferSpec {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1) throw new TransferError(`--transfer ${arg}: expected NEW_FILE.c=TRANSFER.c`);
  return { unit: arg.slice(0, eq), file: arg.slice(eq + 1) };
}

/** The unit of the new build a transfer belongs to: by its path in the tree, else by a unique base name. */
export function transferUnit(spec: TransferSpec, units: readonly CapturedUnit[]): CapturedUnit {
  const want = path.normalize(spec.unit);
  const exact = units.filter((u) => u.key === want);
  if (exact.length === 1) return exact[0];
  const byBase = units.filter((u) => path.basename(u.key) === path.basename(want));
  if (byBase.length === 1) return byBase[0];
  if (byBase.length > 1) throw new TransferError(`--transfer ${spec.unit}=...: ambiguous, the new build has ${byBase.map((u) => u.key).join(', ')}`);
  throw new TransferError(`--transfer ${spec.unit}=...: the new build compiles no ${spec.unit} into the program (it has ${units.map((u) => u.key).join(', ')})`);
}

/** The directory of dsu.h, which transfers include. */
function dsuIncludeDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'patcher', 'include');
}

/**
 * Compiles the unit with the transfer appended; returns the object.
 * `sourceName` is the unit's file name as its object names it.
 */
export function compileWithTransfer(unit: CapturedUnit, spec: TransferSpec, sourceName: string, mapTo: { copy: string; tree: string }, outDir: string): string {
  const transfer = path.resolve(spec.file);
  let text: string;
  try {
    text = fs.readFileSync(transfer, 'utf8');
  } catch (e) {
    throw new TransferError(`the transfer ${spec.file} cannot be read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const rec = unit.record;
  const combined = path.join(path.dirname(rec.source), `.dsu-transfer-${path.basename(rec.source)}`);
  const original = fs.readFileSync(rec.source, 'utf8');
  fs.writeFileSync(combined, `${original}${original.endsWith('\n') ? '' : '\n'}#line 1 "${transfer}"\n${text}`);
  const out = path.join(outDir, `${path.basename(rec.source)}.with-transfer.o`);
  const args = [
    ...rec.flags, '-I', dsuIncludeDir(), '-c', combined, '-o', out, ...CAPTURE_FLAGS,
    `-ffile-prefix-map=${mapTo.copy}=${mapTo.tree}`, `-ffile-prefix-map=${combined}=${sourceName}`,
  ];
  // plain ASCII messages: the first error goes into a one-line report
  const r = spawnSync('gcc', args, { cwd: rec.cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  fs.rmSync(combined, { force: true });
  if (r.error) throw new TransferError(`cannot run gcc for the transfer ${spec.file}: ${r.error.message}`);
  if (r.status !== 0) {
    const first = `${r.stderr}`.split('\n').find((l) => /error/.test(l)) ?? `gcc exited with status ${r.status}`;
    throw new TransferError(`the transfer ${spec.file} does not compile (appended to ${unit.key}): ${first.trim()}`);
  }
  return out;
}
