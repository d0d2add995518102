// Terminal injection: a program whose file name, and a patch whose
// DSU_TARGET and DSU_VERSION, hold escape sequences (clear the screen, set
// the window title, bell) and newlines (to fake a line of dsu's own output).
// Everything dsu prints about them - run errors, fault reports, dsu got,
// ping, patch, status, rollback, refusals - shows those bytes as \xNN on the
// line they belong to; --json stays JSON and parses back to the raw strings.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILD, runDsu } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, dsu, startUnderDsu } from '../helpers/patching.js';
import { COUNTER } from '../helpers/patch-targets.js';
import { layoutOf } from '../helpers/elf-mutate.js';

/** 10 bytes, the length of "counter-v1": clear screen, newline, a fake line. */
const NAME = 'c\x1b[2J\nFAKE';
const NAME_SHOWN = 'c\\x1b[2J\\x0aFAKE';
/** 10 bytes, the length of "counter-v2": set the window title, bell, newline. */
const VERSION = '\x1b]0;X\x07\nv2!';
const VERSION_SHOWN = '\\x1b]0;X\\x07\\x0av2!';
/** Anything a terminal acts on, newlines aside. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

let dir = '';
let program = '';

/** counter-v1-v2.so with the contents of its .dsu.target and .dsu.version sections replaced (same lengths). */
function hostilePatch(target: string, version: string): string {
  const bytes = Buffer.from(fs.readFileSync(PATCH('counter-v1-v2')));
  const layout = layoutOf(bytes);
  for (const [name, text] of [['.dsu.target', target], ['.dsu.version', version]]) {
    const s = layout.sections.find((x) => x.name === name)!;
    expect(s.size).toBe(text.length + 1);
    bytes.write(text, s.offset, 'latin1');
  }
  const file = path.join(dir, `patch-${fs.readdirSync(dir).length}.so`);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Every line of `text` free of raw control characters; returns the lines. */
function clean(text: string): string[] {
  expect(text).not.toMatch(RAW);
  return text.split('\n').filter((l) => l !== '');
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-inject-'));
  program = path.join(dir, NAME);
  fs.copyFileSync(COUNTER, program);
  fs.chmodSync(program, 0o755);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a program with a hostile name', () => {
  test('its fault report', async () => {
    const crasher = path.join(dir, 'n\x1b[31m\nX');
    fs.copyFileSync(path.join(BUILD, 'faults', 'null_deref.dyn'), crasher);
    fs.chmodSync(crasher, 0o755);
    const r = await runDsu(crasher);
    const lines = clean(r.stderr.toString('latin1'));
    expect(lines[0]).toMatch(/^dsu: n\\x1b\[31m\\x0aX: SIGSEGV /);
    expect(lines.some((l) => l.startsWith('X'))).toBe(false);
  }, 120_000);

  test('a run error naming it, and dsu got', async () => {
    const text = path.join(dir, 'bad\x1b[5m\nname');
    fs.writeFileSync(text, 'not a program\n', { mode: 0o755 });
    const r = await runDsu(text);
    expect(clean(r.stderr.toString('latin1'))).toEqual([`dsu: ${dir}/bad\\x1b[5m\\x0aname: not an ELF file`]);
    const got = await dsu(['got', program]);
    expect(got.status, got.stderr).toBe(0);
    const rows = clean(got.stdout);
    expect(rows.slice(1).every((l) => l.startsWith(NAME_SHOWN + ' '))).toBe(true);
  }, 120_000);
});

describe('a running program and its patches', () => {
  let p: DsuProgram;
  beforeAll(async () => {
    p = await startUnderDsu(program, [], /^counter ready\n/m);
  }, 120_000);
  afterAll(async () => {
    p.child.stdin!.end();
    await p.stop();
  });

  test('ping names the program escaped; --json keeps it raw', async () => {
    const ping = await dsu(['ping', '--control', p.socket]);
    expect(clean(ping.stdout)).toEqual([expect.stringMatching(/^dsu process \d+ is running \S+$/)]);
    expect(ping.stdout.trimEnd().endsWith(`/${NAME_SHOWN}`)).toBe(true);
    const json = await dsu(['ping', '--control', p.socket, '--json']);
    expect(json.stdout).not.toMatch(RAW);
    expect(JSON.parse(json.stdout).program).toBe(program);
  }, 120_000);

  test('a refused patch names its DSU_TARGET escaped, on one line', async () => {
    const r = await dsu(['patch', '--control', p.socket, hostilePatch('oth\x1b[8m\nZZ', VERSION)]);
    expect(r.status).toBe(4); // refused by a check;
    expect(clean(r.stderr)).toEqual([expect.stringContaining('the patch is for oth\\x1b[8m\\x0aZZ, not for c\\x1b[2J\\x0aFAKE')]);
  }, 120_000);

  test('patch, status and rollback show DSU_VERSION and the program escaped', async () => {
    const file = hostilePatch(NAME, VERSION);
    const applied = await dsu(['patch', '--control', p.socket, file]);
    expect(applied.status, applied.stderr).toBe(0);
    const lines = clean(applied.stdout);
    expect(lines[0]).toMatch(/^patch #1 applied: /);
    expect(lines.every((l) => l.startsWith('patch #') || l.startsWith('  '))).toBe(true);
    // the version each function came from: the program's name
    expect(lines[1]).toMatch(/^  replaced \w+ \(c\\x1b\[2J\\x0aFAKE\) -> 0x/);

    const status = await dsu(['status', '--control', p.socket]);
    const shown = clean(status.stdout);
    expect(shown[0]).toMatch(/^\S+ \(pid \d+\): now \S+, 1 patch\(es\) applied$/);
    expect(shown[0]).toContain(`/${NAME_SHOWN} (pid `);
    expect(shown[0]).toContain(`: now ${VERSION_SHOWN}, 1 patch`);
    const json = await dsu(['status', '--control', p.socket, '--json']);
    expect(json.stdout).not.toMatch(RAW);
    expect(JSON.parse(json.stdout)).toMatchObject({ program, version: VERSION });

    const back = await dsu(['rollback', '--control', p.socket]);
    expect(back.status, back.stderr).toBe(0);
    clean(back.stdout);
  }, 180_000);
});
