// dsu mkpatch's evaluation on a third real program nobody here wrote:
// Debian's bc (1.07.1-3), whose debian/patches holds three fixes to C code
// (01: a typo in a warning of the grammar; 05: notice read and write errors
// on input and output; 06: dc reads ~/.dcrc). Applied in sequence, for each
// the tree before it is built as Debian would (-m32, its configure and
// CFLAGS, without readline), bc runs under dsu while a client keeps feeding
// it expressions and checking every answer, and the live patch dsu mkpatch
// makes from the trees before and after the fix is applied to it. bc's
// parser, yyparse, runs the whole session (main calls it once): it is named
// --always-active, so a fix inside it is reported as not taking effect
// rather than waited on forever. Figures go to c-samples/build/mkpatch-eval/.
// On request only: `npm run test:eval`; test/eval/README.md has the results.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { applyOk, DsuProgram, startUnderDsu } from '../helpers/patching.js';
import { mkpatchCli } from '../helpers/mkpatch.js';
import { buildTree, DEBIAN_CFLAGS, patchSeries } from '../helpers/debian.js';
import { BUILD } from '../helpers/run.js';
import { EvalRow, writeEvalTable } from '../helpers/eval-table.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-mkpatch-bc-'));
// Copies of a tree do not keep its timestamps: put the autotools inputs
// before their outputs (and the shipped parser after its grammar) so make
// regenerates nothing, then configure and build the library and bc as
// debian/rules does (its CFLAGS additions included).
const BUILD_CMD = [
  'touch configure.ac Makefile.am */Makefile.am', 'touch aclocal.m4', 'touch configure config.h.in Makefile.in */Makefile.in',
  'touch bc/bc.y bc/scan.l', 'touch bc/bc.c bc/bc.h bc/scan.c',
  `./configure -q --prefix=/usr CFLAGS='${DEBIAN_CFLAGS} -D_POSIX_SOURCE -DDOT_IS_LAST -DDONTEXIT' LDFLAGS=-m32 >/dev/null`,
  'make -s -C lib', 'make -s -C bc',
].join(' && ');
const rows: EvalRow[] = [];
let bc: DsuProgram | null = null;
afterEach(async () => {
  await bc?.stop();
  bc = null;
});
afterAll(() => {
  writeEvalTable(path.join(BUILD, 'mkpatch-eval', 'bc.md'), 'bc 1.07.1-3 (Debian 12), its C fixes in sequence', rows);
  fs.rmSync(work, { recursive: true, force: true });
});

/** Sends one line to bc and returns the line it answered (output after `from`). */
async function say(p: DsuProgram, line: string): Promise<string> {
  const from = p.stdout().length;
  p.write(`${line}\n`);
  return (await p.waitForOutput(/[^\n]*\n/, 60_000, from))[0];
}

/** A client sending arithmetic bc must get exactly right (numbers past 32 bits), until stop(). */
function client(p: DsuProgram): { stop: () => Promise<{ asked: number; errors: string[] }> } {
  let stopped = false;
  let asked = 0;
  const errors: string[] = [];
  const run = (async (): Promise<void> => {
    while (!stopped) {
      asked++;
      const n = BigInt(asked) * 7919n;
      const want = `${n * n * n + 12345n}\n`;
      const got = await say(p, `${n}^3 + 12345`).catch((e: Error) => e);
      if (got instanceof Error) {
        errors.push(`${n}^3 + 12345: ${got.message.split('\n')[0]}`);
        return;
      }
      if (got !== want) errors.push(`${n}^3 + 12345: ${JSON.stringify(got)}, not ${want.trim()}`);
    }
  })();
  return { stop: async () => { stopped = true; await run; return { asked, errors }; } };
}

test('Debian\'s fixes of bc, each made into a live patch and applied while a client feeds it expressions', async () => {
  const series = patchSeries('bc', work);
  const fixes = ['01_typo_in_bc.diff', '05_notice_read_write_errors.diff', '06_read_dcrc.diff'].map((p) => ({ p, k: series.patches.indexOf(p) }));
  expect(fixes.every(({ k }) => k >= 0)).toBe(true);
  for (const { p, k } of fixes) {
    const before = series.tree(k);
    const after = series.tree(k + 1);
    await buildTree(before, BUILD_CMD);
    const binary = path.join(before, 'bc', 'bc');
    const fix = p.replace(/\.diff$/, '');
    const made = await mkpatchCli(['--old', before, '--new', after, '--build', BUILD_CMD, '--program', binary,
      '--always-active', 'yyparse', '--version', `bc-${fix}`], undefined, 3_600_000);
    const row: EvalRow = { update: fix, outcome: '', changed: 0, replaced: [], leftOut: [], added: 0, generated: 0, handWritten: 0, load: '', fixChecked: '' };
    rows.push(row);
    if (made.report) Object.assign(row, figuresOf(made.report));
    if (made.status !== 0 || !made.report?.ok) {
      row.outcome = made.report ? `refused: ${made.report.refused.join('; ')}` : made.stderr.trim().replace(/^dsu mkpatch: /, '');
      expect(row.outcome).toMatch(/nothing changed between the two builds|refused: /);
      continue;
    }
    // -w: warn about extensions to POSIX bc, where fix 01's message is
    bc = await startUnderDsu(binary, ['-q', '-w'], /(?:)/);
    expect(await say(bc, '2^64')).toBe('18446744073709551616\n');
    const load = client(bc);
    await new Promise((r) => setTimeout(r, 1000));
    const applied = await applyOk(bc.socket, made.report.patch!);
    await new Promise((r) => setTimeout(r, 1000));
    const fed = await load.stop();
    row.outcome = `applied (${applied.replaced.length} replaced)`;
    row.load = `${fed.asked} expressions, ${fed.errors.length} errors`;
    expect(fed.errors).toEqual([]);
    expect(fed.asked).toBeGreaterThan(5);
    // still right after the update, scale and division included
    expect(await say(bc, 'scale=20; 1/7')).toBe('.14285714285714285714\n');
    await bc.stop();
    bc = null;
  }
  expect(rows).toHaveLength(3);
}, 6 * 3_600_000);

function figuresOf(r: NonNullable<Awaited<ReturnType<typeof mkpatchCli>>['report']>): Partial<EvalRow> {
  return {
    changed: r.figures.functionsChanged, replaced: r.decisions.replaced.map((f) => f.name), leftOut: r.decisions.leftOut.map((f) => f.name),
    added: r.figures.added, generated: r.figures.generatedLines, handWritten: r.figures.handWrittenLines,
  };
}
