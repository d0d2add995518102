// Updating a server the way a user does across releases (c-samples/bank):
// v1 -> v2 (a fix and a command) -> v3 (records and the config grow: every
// record reallocated and relinked, sessions included), rollback, v3 again,
// all under load on several connections that check every answer, with a
// request left half-sent across the updates; with and without update points.
// Then what goes wrong in real updates: a dsu_rollback that stores a string
// of the patch, a patch without dsu_rollback, a transfer that fails
// half-way, an update while the server computes.
import { afterEach, describe, expect, test } from 'vitest';
import path from 'node:path';
import { BUILD } from '../helpers/run.js';
import { freePort } from '../helpers/servers.js';
import { PATCH } from '../helpers/patch-cases.js';
import { applyOk, DsuProgram, linkedObjects, patchCli, rollbackCli, rollbackOk, startUnderDsu, statusCli } from '../helpers/patching.js';
import { bankLoad, BankClient } from '../helpers/bank-load.js';

const BANK = (v: string): string => path.join(BUILD, 'bank', `bank-${v}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The fields of `dsu status --json` these tests read beyond the shared helper's. */
interface BankStatus {
  version: string;
  patches: { id: number; released: boolean }[];
  functions: { function: string; live: string }[];
  retired: { id: number; by: string }[];
}
const status = async (socket: string): Promise<BankStatus> => (await statusCli(socket)) as unknown as BankStatus;

let running: { dsu: DsuProgram; clients: BankClient[] } | null = null;

async function startBank(dsuOptions: string[] = []): Promise<{ dsu: DsuProgram; port: number; client: () => Promise<BankClient> }> {
  const port = await freePort();
  const dsu = await startUnderDsu(BANK('v1'), [String(port)], /bank v1 listening on port \d+/, dsuOptions);
  const clients: BankClient[] = [];
  running = { dsu, clients };
  return {
    dsu, port,
    client: async () => {
      const c = await BankClient.open(port);
      clients.push(c);
      return c;
    },
  };
}

afterEach(async () => {
  if (!running) return;
  for (const c of running.clients) c.close();
  expect(running.dsu.stderr()).not.toMatch(/SIGSEGV|internal error/);
  await running.dsu.stop();
  running = null;
});

describe.each([['', []], [' (update points)', ['--update-points']]] as [string, string[]][])('bank v1 -> v2 -> v3 under load%s', (_label, dsuOptions) => {
  test('every answer right, sessions and records carried through two layouts and back, new behaviour live', async () => {
    const { dsu, port, client } = await startBank(dsuOptions);
    let stopLoad!: () => void;
    const load = bankLoad(port, 6, new Promise<void>((r) => (stopLoad = r)));
    const probe = await client();
    const mine = Number(/^OK (\d+)$/.exec(await probe.call('OPEN probe 500'))![1]);
    const other = Number(/^OK (\d+)$/.exec(await probe.call('OPEN other 10'))![1]);
    expect(await probe.call(`USE ${mine}`)).toBe('OK');
    await sleep(500);
    // a request half-sent before v2 and finished after it
    probe.send(`DEP ${mine} 2`);
    await sleep(200);
    const v2 = await applyOk(dsu.socket, PATCH('bank-v1-v2'));
    expect(v2.transfer).toBe('ok');
    const where = (v2 as unknown as { stack: string[] }).stack[0];
    if (dsuOptions.length > 0) expect(where).toMatch(/^dsu_update_point \(bank-v1\)/);
    expect(v2.replaced.map((r) => r.function).sort()).toEqual(['bank_command', 'bank_count', 'bank_find', 'bank_open']);
    probe.send('5\n');
    expect(await probe.next()).toBe(`OK 525`);
    expect(await probe.call(`XFER ${other} ${mine} 100`)).toBe('ERR transfer'); // v1 let it go negative
    expect(await probe.call('TOTAL')).toMatch(/^OK \d+ \d+$/);

    const v3 = await applyOk(dsu.socket, PATCH('bank-v2-v3'));
    expect(v3.carried).toEqual(expect.arrayContaining(['bank.c:buckets', 'bank.c:all_tail', 'conn.c:conns']));
    expect(await probe.call('ME')).toBe(`OK ${mine} 525`);
    expect(await probe.call(`DEP ${mine} 1`)).toBe('OK 526');
    expect(await probe.call(`TX ${mine}`)).toBe('OK 1');
    expect(await probe.call('INFO')).toBe('OK bank max_withdrawal=100000 max_conns=256');
    let s = await status(dsu.socket);
    expect(s.version).toBe('bank-v3');
    expect(s.patches.map((p) => p.id)).toEqual([1, 2]);
    expect(s.functions.find((f) => f.function === 'bank_find')!.live).toMatch(/^patch #2 at /);

    const back = await rollbackOk(dsu.socket);
    expect(back.rollbackRoutine).toBe('ok');
    expect(await probe.call('VERSION')).toBe('OK v2');
    expect(await probe.call('ME')).toBe(`OK ${mine} 526`);
    expect(await probe.call(`TX ${mine}`)).toBe('ERR unknown');

    const again = await applyOk(dsu.socket, PATCH('bank-v2-v3'));
    expect(again.id).toBe(3);
    expect(await probe.call(`TX ${mine}`)).toBe('OK 0');
    expect(await probe.call('ME')).toBe(`OK ${mine} 526`);
    s = await status(dsu.socket);
    expect(s.version).toBe('bank-v3');
    expect(s.patches.map((p) => p.id)).toEqual([1, 3]);
    expect(s.retired).toEqual([]);

    await sleep(300);
    stopLoad();
    const result = await load;
    expect(result.failures).toEqual([]);
    expect(result.requests).toBeGreaterThan(1000);
    expect([...result.versions].sort()).toEqual(['v1', 'v2', 'v3']);
    // every record readable with its value, counted once
    const check = await client();
    for (const [id, [owner, balance]] of result.accounts) expect(await check.call(`BAL ${id}`)).toBe(`OK ${balance} ${owner}`);
    expect(await check.call('TOTAL')).toMatch(new RegExp(`^OK ${result.accounts.size + 2} \\d+$`));
  }, 180_000);
});

test('a dsu_rollback that stores a string of the patch: the rolled-back object stays mapped until nothing points into it', async () => {
  const { dsu, client } = await startBank();
  const c = await client();
  await applyOk(dsu.socket, PATCH('bank-v1-v2'));
  expect(await c.call('VERSION')).toBe('OK v2');
  const back = await rollbackOk(dsu.socket);
  expect((back as unknown as { keptMapped: string | null }).keptMapped).toMatch(/bank-v1 at 0x[0-9a-f]+/);
  expect(await c.call('VERSION')).toBe('OK v1');
  expect((await status(dsu.socket)).retired.map((r) => r.id)).toEqual([1]);
  expect((await linkedObjects(dsu.socket)).count).toBe(1);
  // the next patch's transfer points bank_version elsewhere: the old object goes
  const again = await applyOk(dsu.socket, PATCH('bank-v1-v2'));
  expect((again as unknown as { released: number[] }).released).toEqual([1]);
  expect((await status(dsu.socket)).retired).toEqual([]);
  expect((await linkedObjects(dsu.socket)).count).toBe(1);
  expect(await c.call('VERSION')).toBe('OK v2');
  // two rollbacks in a row: the second lets go of the first's object, which goes then
  await applyOk(dsu.socket, PATCH('bank-v2-v3'));
  const first = await rollbackOk(dsu.socket) as unknown as { keptMapped: string | null; released: number[] };
  expect(first.keptMapped).not.toBeNull();
  expect((await status(dsu.socket)).retired.map((r) => r.id)).toEqual([3]);
  const second = await rollbackOk(dsu.socket) as unknown as { keptMapped: string | null; released: number[] };
  expect(second.released).toEqual([3]);
  expect((await status(dsu.socket)).retired.map((r) => r.id)).toEqual([2]);
  expect(await c.call('VERSION')).toBe('OK v1');
}, 120_000);

test('a patch whose transfer converted records and that has no dsu_rollback is not rolled back', async () => {
  const { dsu, client } = await startBank();
  const c = await client();
  expect(await c.call('OPEN kept 70')).toBe('OK 1');
  await applyOk(dsu.socket, PATCH('bank-v1-v2'));
  await applyOk(dsu.socket, PATCH('bank-v2-v3-norollback'));
  const r = await rollbackCli(dsu.socket);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/^dsu rollback: patch #2 has no dsu_rollback, and its dsu_transfer changed \d+ page\(s\) of the program's memory .*--force/);
  expect(await c.call('VERSION')).toBe('OK v3');
  expect(await c.call('BAL 1')).toBe('OK 70 kept');
  expect(await c.call('TX 1')).toBe('OK 0');
  expect((await status(dsu.socket)).patches.map((p) => p.id)).toEqual([1, 2]);
}, 120_000);

test('a transfer that allocates, scribbles and fails half-way leaves every record and the heap as they were', async () => {
  const { dsu, client } = await startBank();
  const c = await client();
  for (let i = 1; i <= 8; i++) expect(await c.call(`OPEN o${i} ${i * 100}`)).toBe(`OK ${i}`);
  expect(await c.call('USE 5')).toBe('OK');
  await applyOk(dsu.socket, PATCH('bank-v1-v2'));
  const before = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(async (i) => c.call(`BAL ${i}`)));
  const r = await patchCli(dsu.socket, PATCH('bank-fail-half'));
  expect(r.status).toBe(6); // the transfer failed (README: exit statuses);
  expect(r.stderr).toBe('dsu patch: dsu_transfer returned 7; nothing was changed\n');
  for (let i = 1; i <= 8; i++) expect(await c.call(`BAL ${i}`)).toBe(before[i - 1]);
  expect(await c.call('TOTAL')).toBe('OK 8 3600');
  expect(await c.call('ME')).toBe('OK 5 500');
  // the audit log it freed (unmapped) is back with its contents
  expect(await c.call('AUDIT')).toMatch(/^OK \d+ open 8 o8 800$/);
  expect((await linkedObjects(dsu.socket)).names).toEqual(['bank-v1-v2.so']);
  // the heap is sound: the real v3 converts it and the server goes on allocating
  await applyOk(dsu.socket, PATCH('bank-v2-v3'));
  expect(await c.call('OPEN o9 900')).toBe('OK 9');
  expect(await c.call('AUDIT')).toMatch(/^OK \d+ open 9 o9 900$/);
  expect(await c.call('TOTAL')).toBe('OK 9 4500');
  expect(await c.call('ME')).toBe('OK 5 500');
}, 120_000);

test('an update while a request computes for seconds: refused as a long computation, applied once it returns', async () => {
  const { dsu, client } = await startBank();
  await applyOk(dsu.socket, PATCH('bank-v1-v2'));
  const busy = await client();
  const c = await client();
  expect(await c.call('OPEN a 10')).toBe('OK 1');
  busy.send('SPIN 1500000000\n');
  await sleep(300);
  const refused = await patchCli(dsu.socket, PATCH('bank-v2-v3'), ['--timeout', '500']);
  expect(refused.status).toBe(5); // no safe point in time;
  expect(refused.stderr).toMatch(/The program was computing in bank_command \(bank-v1-v2\.so\) the whole time.*a longer --timeout/);
  expect(refused.stderr).not.toMatch(/main loop/);
  expect(await busy.next()).toMatch(/^OK \d+$/);
  busy.send('SPIN 1500000000\n');
  await sleep(300);
  const applied = await patchCli(dsu.socket, PATCH('bank-v2-v3'), ['--timeout', '120000']);
  expect(applied.stderr).toBe('');
  expect(await busy.next()).toMatch(/^OK \d+$/);
  expect(await c.call('TX 1')).toBe('OK 0');
}, 180_000);
