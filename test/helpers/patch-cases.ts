// The patch cases of c-samples/patches/<case>/case.txt: what program a
// patch is for, which .so to apply, and what must happen.
import fs from 'node:fs';
import path from 'node:path';
import { BUILD, REPO } from './run.js';

export const CASES_DIR = path.join(REPO, 'c-samples', 'patches');
export const PATCH = (name: string): string => path.join(BUILD, 'patches', `${name}.so`);

export interface PatchCase {
  name: string;
  description: string;
  /** Relative to c-samples/build, as written in case.txt ("counter/counter-v1"). */
  program: string;
  /** Absolute path of the .so to apply. */
  patch: string;
  expect: { ok: true } | { ok: false; error: RegExp };
  /** The exit status `dsu patch` must give, when the case names one (README: exit statuses). */
  status?: number;
}

/** Reads one case.txt ("key: value" lines); throws naming the file and the field when something is missing. */
function readCase(name: string): PatchCase {
  const file = path.join(CASES_DIR, name, 'case.txt');
  const fields = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^([a-z]+):\s*(.*?)\s*$/.exec(line);
    if (m) fields.set(m[1], m[2]);
  }
  const need = (key: string): string => {
    const v = fields.get(key);
    if (v === undefined || v === '') throw new Error(`${file}: no ${key}:`);
    return v;
  };
  const expectation = need('expect');
  let expect: PatchCase['expect'];
  if (expectation === 'ok') expect = { ok: true };
  else if (expectation.startsWith('fail ')) expect = { ok: false, error: new RegExp(expectation.slice(5)) };
  else throw new Error(`${file}: expect: must be "ok" or "fail <regex>", not ${JSON.stringify(expectation)}`);
  return {
    name,
    description: need('description'),
    program: need('program'),
    patch: PATCH(fields.get('patch') ?? name),
    expect,
    status: fields.has('status') ? Number(fields.get('status')) : undefined,
  };
}

/** Every case folder, sorted by name. */
export function allCases(): PatchCase[] {
  return fs.readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(CASES_DIR, d.name, 'case.txt')))
    .map((d) => readCase(d.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}
