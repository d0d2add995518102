// A real program nobody here wrote, across a real fix: Debian's lua5.4
// (5.4.4-3+deb12u1), whose debian/patches/0004 fixes CVE-2022-28805 ("Lua
// can generate wrong code when _ENV is <const>"). The interpreter built as
// Debian would, -m32, runs its REPL under dsu while a client keeps sending
// statements and checking every answer; dsu mkpatch makes the live patch
// from the trees before and after the fix; once applied, the statement the
// CVE is about compiles right. (The whole series, and other programs, are in
// the eval tier, test/eval/: this is the representative case of the normal run.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { applyOk, DsuProgram, startUnderDsu } from '../helpers/patching.js';
import { mkpatchOk } from '../helpers/mkpatch.js';
import { buildTree, DEBIAN_CFLAGS, patchSeries } from '../helpers/debian.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-mkpatch-lua-'));
let lua: DsuProgram | null = null;
afterEach(async () => {
  await lua?.stop();
  lua = null;
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Debian's build makes this header (DEB_HOST_MULTIARCH) before compiling. */
const prepare = (dir: string): void => fs.writeFileSync(path.join(dir, 'src', 'lua5.4-deb-multiarch.h'), '#define DEB_HOST_MULTIARCH "i386-linux-gnu"\n');
/** The interpreter as Debian builds it (its Makefile's LUA_COMPAT_5_3 and LUA_USE_LINUX), without luac. */
const LUA_BUILD = `cd src && gcc ${DEBIAN_CFLAGS} -Wall -DLUA_COMPAT_5_3 -DLUA_USE_LINUX -o lua $(ls *.c | grep -v luac.c) -lm -ldl`;

/** Sends one line to the REPL and returns what it printed for it (prompts removed). */
async function say(p: DsuProgram, line: string, expect: RegExp): Promise<string> {
  const from = p.stdout().length;
  p.write(`${line}\n`);
  const m = await p.waitForOutput(expect, 60_000, from);
  return m[0];
}

test('CVE-2022-28805, applied live to a running Lua REPL under a client\'s statements', async () => {
  const series = patchSeries('lua5.4', work, prepare);
  const fix = series.patches.indexOf('0004-cve-2022-28805.patch');
  expect(fix).toBeGreaterThan(0);
  const before = series.tree(fix);
  const after = series.tree(fix + 1);
  await buildTree(before, LUA_BUILD);

  lua = await startUnderDsu(path.join(before, 'src', 'lua'), ['-i'], /Lua 5\.4\.4/);
  const reproducer = `print(pcall(load('local _ENV <const> = "abc"; return len')))`;
  // the bug: the constant _ENV is not indexed, the code calls nil
  expect(await say(lua, reproducer, /(true|false)\t[^\n]*\n/)).toBe('false\tattempt to call a nil value\n');

  const report = await mkpatchOk(['--old', before, '--new', after, '--build', LUA_BUILD, '--version', 'lua5.4-deb12u1-0004']);
  expect(report.decisions.replaced.map((f) => `${f.unit}:${f.name}`)).toEqual(['src/lparser.c:singlevar']);
  expect(report.decisions.added).toEqual([]);

  // a client keeps the REPL busy through the update: every statement answered, in order
  let sent = 0;
  let stop = false;
  const client = (async (): Promise<void> => {
    while (!stop) {
      sent++;
      expect(await say(lua!, `print("n=" .. ${sent} * 3)`, /n=\d+\n/)).toBe(`n=${sent * 3}\n`);
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  const applied = await applyOk(lua.socket, report.patch);
  expect(applied.replaced.map((r) => r.function)).toEqual(['lparser.c:singlevar']);
  await new Promise((r) => setTimeout(r, 300));
  stop = true;
  await client;
  expect(sent).toBeGreaterThan(5);

  // fixed: the constant _ENV is indexed like any other
  expect(await say(lua, reproducer, /(true|false)\t[^\n]*\n/)).toMatch(/^true\tfunction: (builtin: )?0x[0-9a-f]+\n$/);
  expect(await say(lua, `local _ENV <const> = {x = 7, print = print}; print(x * 6)`, /\d+\n/)).toBe('42\n');
}, 900_000);
