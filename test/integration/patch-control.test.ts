// The control channel's refusals: a second operation while a patch is
// pending, another user, bad patch paths, a rollback with nothing applied.
// Each must give a clear one-line error and leave the program untouched.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { BUILD, REPO } from '../helpers/run.js';
import { PATCH } from '../helpers/patch-cases.js';
import { control, dsu, linkedObjects, patchCli, rollbackCli, statusCli } from '../helpers/patching.js';
import { Counter } from '../helpers/patch-targets.js';
import { sleep } from '../helpers/servers.js';

let counter: Counter;
let num = 0;

beforeEach(async () => {
  counter = await Counter.start();
  expect(await counter.send('1 2')).toEqual({ f: 3, num: 1 });
  num = 1;
});

afterEach(async () => {
  await counter.stop();
});

/** v1 code, count intact, nothing applied or left mapped. */
async function expectUntouched(): Promise<void> {
  expect(await counter.send('20 22 5')).toEqual({ f: 42, num: ++num });
  const status = await statusCli(counter.socket);
  expect(status.patches).toEqual([]);
  expect(status.functions).toEqual([]);
  expect((await linkedObjects(counter.socket)).count).toBe(0);
}

async function until(cond: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

test('a second patch or a rollback while a patch is pending is refused; the pending one is unaffected', async () => {
  // fail-main-loop replaces main, so it waits out its whole timeout: it is "pending" until then
  const first = patchCli(counter.socket, PATCH('fail-main-loop'), ['--timeout', '20000']);
  // loaded before the wait: once it is mapped, the patch is waiting for a safe point
  await until(async () => (await linkedObjects(counter.socket)).names.includes('fail-main-loop.so'), 'fail-main-loop.so is loaded');

  const second = await patchCli(counter.socket, PATCH('counter-v1-v2'));
  expect(second.status).toBe(1);
  expect(second.stderr).toBe('dsu patch: another patch operation is in progress; try again when it has finished\n');
  const rollback = await rollbackCli(counter.socket);
  expect(rollback.status).toBe(1);
  expect(rollback.stderr).toBe('dsu rollback: another patch operation is in progress; try again when it has finished\n');
  // the program runs on (old code) while the first patch waits
  expect(await counter.send('2 3')).toEqual({ f: 5, num: ++num });
  expect((await statusCli(counter.socket)).patches).toEqual([]);

  const r = await first;
  expect(r.status).toBe(5); // no safe point in time;
  expect(r.stderr).toMatch(/^dsu patch: not safe within \d+ ms: main \(counter-v1\) still active; nothing was changed\..*main \(counter-v1\) never left the stack/);
  await expectUntouched();
  // the busy state ended with the first patch
  const later = await patchCli(counter.socket, PATCH('counter-v1-v2'));
  expect(later.status, later.stderr).toBe(0);
  expect(await counter.send('2 3 4')).toEqual({ f: 24, num: ++num });
}, 180_000);

describe('another user', () => {
  const root = process.getuid?.() === 0;
  const setpriv = fs.existsSync('/usr/bin/setpriv');
  const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
  const skip = !root ? ' (skipped: the tests do not run as root, so they cannot act as nobody)' : !setpriv ? ' (skipped: no setpriv)' : '';

  test.skipIf(skip !== '')(`is kept out by the socket's permissions${skip}`, async () => {
    const r = await dsu(['status', '--control', counter.socket], { prefix: nobody, cwd: os.tmpdir() });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`dsu status: permission denied on ${counter.socket}: it belongs to another user\n`);
    await expectUntouched();
  }, 120_000);

  test.skipIf(skip !== '')(`is refused by the server even when the socket is world-writable${skip}`, async () => {
    fs.chmodSync(path.dirname(counter.socket), 0o755);
    fs.chmodSync(counter.socket, 0o666);
    const r = await dsu(['patch', '--control', counter.socket, PATCH('counter-v1-v2')], { prefix: nobody, cwd: os.tmpdir() });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('dsu patch: permission denied: not the owner of this dsu process\n');
    const rb = await dsu(['rollback', '--control', counter.socket], { prefix: nobody, cwd: os.tmpdir() });
    expect(rb.stderr).toBe('dsu rollback: permission denied: not the owner of this dsu process\n');
    expect(counter.dsu.stderr()).toMatch(/dsu: control: refused a connection from uid 65534/);
    await expectUntouched();
  }, 120_000);
});

describe('patch paths', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-patch-paths-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a relative path on the control socket is refused: the dsu process has its own working directory', async () => {
    const r = await control(counter.socket, 'patch', { path: 'c-samples/build/patches/counter-v1-v2.so' });
    expect(r).toEqual({ ok: false, error: 'patch needs an absolute path' });
    await expectUntouched();
  });

  test('dsu patch resolves a relative path against its own working directory, and names it when missing', async () => {
    const missing = await patchCli(counter.socket, 'counter-v1-v2.so', [], { cwd: dir });
    expect(missing.status).toBe(3); // the patch file cannot be read;
    expect(missing.stderr).toBe(`dsu patch: ${path.join(dir, 'counter-v1-v2.so')}: cannot read the patch: no such file\n`);
    await expectUntouched();
    const found = await patchCli(counter.socket, 'counter-v1-v2.so', [], { cwd: path.join(BUILD, 'patches') });
    expect(found.status, found.stderr).toBe(0);
    expect(found.report!.patch).toBe(PATCH('counter-v1-v2'));
    expect(await counter.send('2 3 4')).toEqual({ f: 24, num: ++num });
  });

  test('a missing file or a directory is refused with a message naming it', async () => {
    const missing = await patchCli(counter.socket, path.join(dir, 'nothing-here.so'));
    expect(missing.status).toBe(3);
    expect(missing.stderr).toBe(`dsu patch: ${path.join(dir, 'nothing-here.so')}: cannot read the patch: no such file\n`);
    const directory = await patchCli(counter.socket, dir);
    expect(directory.status).toBe(3);
    expect(directory.stderr).toBe(`dsu patch: ${dir}: cannot read the patch: is a directory\n`);
    const empty = path.join(dir, 'empty.so');
    fs.writeFileSync(empty, '');
    const r = await patchCli(counter.socket, empty);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^dsu patch: ${empty.replace(/[.]/g, '\\.')}.*\n$`));
    await expectUntouched();
  });
});

test('rollback with nothing applied says so', async () => {
  const r = await rollbackCli(counter.socket);
  expect(r.status).toBe(1);
  expect(r.stderr).toBe('dsu rollback: no patch to roll back\n');
  // --json: the failure as JSON on stdout too
  expect(JSON.parse(r.stdout)).toEqual({ error: { command: 'rollback', status: 1, kind: 'failed', message: 'no patch to roll back' } });
  await expectUntouched();
});

test('options after PATCH.so, as the usage line writes them, are accepted', async () => {
  // usage: dsu patch --control SOCK PATCH.so [--timeout MS] [--relaxed] [--update-points] [--json]
  const r = await dsu(['patch', '--control', counter.socket, PATCH('counter-v1-v2'), '--timeout', '20000', '--json'], { cwd: REPO });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ id: 1 });
  expect(await counter.send('2 3 4')).toEqual({ f: 24, num: ++num });
});
