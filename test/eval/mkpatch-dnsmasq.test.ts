// dsu mkpatch's evaluation on a real server nobody here wrote, across real
// fixes (as Ksplice was evaluated): Debian's dnsmasq (2.90-4~deb12u2), whose
// debian/patches holds six CVE fixes. For each fix alone, the tree before
// it is built as Debian would (-m32), run under dsu as a DNS server while a
// client keeps asking and checking every answer, and the live patch that
// dsu mkpatch makes from the trees before and after the fix is applied to it.
// CVE-2026-5172 is also checked for what it fixes: a hostile upstream's MX
// answer whose rdlen lies kills the unpatched server (natively), and no
// longer the patched one. Every update's figures (Hicks's: functions
// changed, replaced, left out; lines generated against lines written by
// hand; errors under load) are written to c-samples/build/mkpatch-eval/.
// Slow (three builds of a 40-file program per fix): on request only,
// `npm run test:eval` (DSU_EVAL_ONLY=CVE-2026-5172 for one fix);
// test/eval/README.md has the results.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, expect, test } from 'vitest';
import { applyOk, DsuProgram, startUnderDsu } from '../helpers/patching.js';
import { mkpatchCli } from '../helpers/mkpatch.js';
import { buildTree, DEBIAN_CFLAGS, patchSeries } from '../helpers/debian.js';
import { ask, record, reply, startUpstream, TYPE_A, TYPE_MX, Upstream, wireName } from '../helpers/dns.js';
import { BUILD } from '../helpers/run.js';
import { EvalRow, writeEvalTable } from '../helpers/eval-table.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-mkpatch-dnsmasq-'));
const BUILD_CMD = `make -j2 CFLAGS='${DEBIAN_CFLAGS} -Wall' LDFLAGS=-m32`;
const LOAD_ADDRESS = '10.9.8.7';
const rows: EvalRow[] = [];
let server: DsuProgram | null = null;
let upstream: Upstream | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
  upstream?.close();
  upstream = null;
});
afterAll(() => {
  writeEvalTable(path.join(BUILD, 'mkpatch-eval', 'dnsmasq.md'), 'dnsmasq 2.90-4~deb12u2 (Debian 12), each fix alone', rows);
  fs.rmSync(work, { recursive: true, force: true });
});

/** Upstream answers: A records for anything, and for MX the answer of CVE-2026-5172 (rdlen 3, then a whole name). */
function hostileUpstream(): Promise<Upstream> {
  return startUpstream((q, type) => {
    if (type === TYPE_MX) {
      const rdata = Buffer.concat([Buffer.from([0, 10]), wireName('mail.evil.test')]);
      return reply(q, [record(TYPE_MX, 60, rdata, 3)]);
    }
    return reply(q, [record(TYPE_A, 60, Buffer.from([192, 0, 2, 7]))]);
  });
}

const serverArgs = (port: number, up: number): string[] => [
  '-d', '-k', '-p', String(port), '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts',
  `--address=/load.test/${LOAD_ADDRESS}`, `--server=127.0.0.1#${up}`, '--cache-rr=MX', '--conf-file=/dev/null', '--pid-file=', '-u', 'root',
];

/** Whether the old build (natively) dies on the hostile MX answer. */
async function nativeDiesOnHostileMx(binary: string, port: number, up: number): Promise<boolean> {
  const child = spawn(binary, serverArgs(port, up), { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  try {
    for (let i = 0; i < 50 && !(await ask(port, 'warm.load.test', TYPE_A, 200)); i++);
    await ask(port, 'evil.test', TYPE_MX, 3000);
    const alive = await Promise.race([exited.then(() => false), ask(port, 'after.load.test', TYPE_A, 3000).then((a) => a !== null)]);
    return !alive;
  } finally {
    child.kill('SIGKILL');
  }
}

/** A client asking for names the server answers itself, checking every answer, until stop(). */
function loadClient(port: number): { stop: () => Promise<{ asked: number; errors: string[] }> } {
  let stopped = false;
  let asked = 0;
  const errors: string[] = [];
  const run = (async (): Promise<void> => {
    while (!stopped) {
      asked++;
      const a = await ask(port, `q${asked}.load.test`, TYPE_A, 10_000);
      if (!a) errors.push(`query ${asked}: no answer`);
      else if (a.rcode !== 0 || a.addresses.join() !== LOAD_ADDRESS) errors.push(`query ${asked}: rcode ${a.rcode}, ${a.addresses.join() || 'no address'}`);
    }
  })();
  return { stop: async () => { stopped = true; await run; return { asked, errors }; } };
}

test('the six CVE fixes of Debian\'s dnsmasq, each made into a live patch and applied under a client\'s queries', async () => {
  const series = patchSeries('dnsmasq', work);
  const fixes = series.patches.map((p, k) => ({ p, k })).filter(({ p }) => p.startsWith('CVE-'));
  expect(fixes.map((f) => f.p)).toHaveLength(6);
  // DSU_EVAL_ONLY=CVE-2026-5172,... runs those fixes only
  const only = process.env.DSU_EVAL_ONLY?.split(',');
  let port = 5390;
  for (const { p, k } of fixes.filter(({ p }) => !only || only.some((o) => p.startsWith(o)))) {
    const before = series.tree(k);
    const after = series.tree(k + 1);
    await buildTree(before, BUILD_CMD);
    const binary = path.join(before, 'src', 'dnsmasq');
    const fix = p.replace(/\.patch$/, '');
    const made = await mkpatchCli(['--old', before, '--new', after, '--build', BUILD_CMD, '--program', binary, '--version', `dnsmasq-${fix}`], undefined, 3_600_000);
    const row: EvalRow = { update: fix, outcome: '', changed: 0, replaced: [], leftOut: [], added: 0, generated: 0, handWritten: 0, load: '', fixChecked: '' };
    rows.push(row);
    if (made.status !== 0 || !made.report?.ok) {
      // not a patch: say why, in dsu mkpatch's words (nothing compiled changed, or refused)
      row.outcome = made.report ? `refused: ${made.report.refused.join('; ')}` : made.stderr.trim().replace(/^dsu mkpatch: /, '');
      if (made.report) Object.assign(row, figuresOf(made.report));
      expect(row.outcome).toMatch(/nothing changed between the two builds|refused: /);
      continue;
    }
    Object.assign(row, figuresOf(made.report));
    port++;
    upstream = await hostileUpstream();
    if (fix === 'CVE-2026-5172') {
      // the bug, as the old build has it natively
      expect(await nativeDiesOnHostileMx(binary, 5450 + port, upstream.port)).toBe(true);
    }
    // dnsmasq -d logs to stderr: it is ready when it answers
    server = await startUnderDsu(binary, serverArgs(port, upstream.port), /(?:)/);
    let ready = false;
    for (let i = 0; i < 120 && !ready; i++) ready = (await ask(port, 'warm.load.test', TYPE_A, 500)) !== null;
    expect(ready, server.stderr()).toBe(true);
    const client = loadClient(port);
    await new Promise((r) => setTimeout(r, 1000));
    const applied = await applyOk(server.socket, made.report.patch!);
    await new Promise((r) => setTimeout(r, 1000));
    const load = await client.stop();
    row.outcome = `applied (${applied.replaced.length} replaced)`;
    row.load = `${load.asked} queries, ${load.errors.length} errors`;
    expect(load.errors).toEqual([]);
    if (fix === 'CVE-2026-5172') {
      await ask(port, 'evil.test', TYPE_MX, 3000);
      const after = await ask(port, 'after.load.test', TYPE_A, 5000);
      expect(after?.addresses).toEqual([LOAD_ADDRESS]);
      row.fixChecked = 'hostile MX answer: old build killed (SIGSEGV), patched server answers on';
    }
    await server.stop();
    server = null;
    upstream.close();
    upstream = null;
  }
}, 6 * 3_600_000);

function figuresOf(r: NonNullable<Awaited<ReturnType<typeof mkpatchCli>>['report']>): Partial<EvalRow> {
  return {
    changed: r.figures.functionsChanged, replaced: r.decisions.replaced.map((f) => f.name), leftOut: r.decisions.leftOut.map((f) => f.name),
    added: r.figures.added, generated: r.figures.generatedLines, handWritten: r.figures.handWrittenLines,
  };
}
