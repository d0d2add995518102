// What a captured build recorded: one line per compile and per link, written
// by the compiler wrapper (cc-wrapper.ts), read back by the capture.
import fs from 'node:fs';
import path from 'node:path';

export interface CompileRecord {
  kind: 'compile';
  /** Where gcc ran. */
  cwd: string;
  /** Absolute path of the source file. */
  source: string;
  /** A C source (only C units are compared function by function). */
  c: boolean;
  /** The user's compile flags for it (sources, outputs and link-only options removed). */
  flags: string[];
  /** The copy of the object the capture kept. */
  object: string;
  /** Where the build put the object. */
  output: string;
  sha: string;
}

export interface LinkRecord {
  kind: 'link';
  cwd: string;
  output: string;
  /** Objects and archives given to the link, in order (archives as kept at link time). */
  inputs: { path: string; sha: string | null; archive: boolean }[];
  /** Not -shared or -r. */
  program: boolean;
}

export type CaptureRecord = CompileRecord | LinkRecord;

export function readRecords(dir: string): CaptureRecord[] {
  const file = path.join(dir, 'records.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as CaptureRecord);
}
