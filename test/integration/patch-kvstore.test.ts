// kvstore updated while redis-benchmark hammers it: v1 -> v2 (INCRBY, the
// integer parsing fix), v2 -> v3 (struct entry gains a hit counter, every
// entry rebuilt by dsu_transfer) and back to v2 (dsu_rollback). Keys
// written before the updates must read back exactly after each one, the
// benchmark must see no error, and a connection opened before the update
// must keep working on the new code. Since DSU_VERSION, v1 -> v2 -> v3 also
// chains on one kvstore-v1 process.
import { afterEach, describe, expect, test } from 'vitest';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, applyOk, patchCli, rollbackOk, statusCli } from '../helpers/patching.js';
import { kvVersion, startKvstore } from '../helpers/patch-targets.js';
import { BENCH_REQUESTS, BenchRun, ClientLoop, expectCleanBenchmark, redisBenchmark, untilCountGrows } from '../helpers/patch-load.js';
import { RespClient, RespError } from '../helpers/resp.js';
import { KVSTORE } from '../helpers/servers.js';

const KEYS = 3000;
const key = (i: number): string => `chk:${i}`;
const value = (i: number): string => `value ${i} ${'x'.repeat(i % 50)}`;

interface Running {
  dsu: DsuProgram;
  port: number;
  /** Opened before any patch and kept open across all of them. */
  held: RespClient;
}

let running: Running | null = null;
let load: ClientLoop<BenchRun> | null = null;

afterEach(async () => {
  await load?.abort();
  load = null;
  running?.held.close();
  await running?.dsu.stop();
  running = null;
});

async function start(binary: string): Promise<Running> {
  const { dsu, port } = await startKvstore(KVSTORE(binary));
  running = { dsu, port, held: await RespClient.open(port) };
  return running;
}

async function processed(client: RespClient): Promise<number> {
  const info = (await client.call('INFO')) as string;
  return Number(/total_commands_processed:(\d+)/.exec(info)![1]);
}

function expectUnknown(reply: unknown, command: string): void {
  expect(reply).toBeInstanceOf(RespError);
  expect((reply as RespError).message).toMatch(new RegExp(`^ERR unknown command '${command}', with args beginning with: `));
}

/** SET chk:0..KEYS-1 in one pipeline, plus chk:int = 100. */
async function writeKeys(client: RespClient): Promise<void> {
  client.send(...Array.from({ length: KEYS }, (_, i) => ['SET', key(i), value(i)]), ['SET', 'chk:int', '100']);
  const replies = await client.replies(KEYS + 1, 120_000);
  expect(replies.every((r) => r === 'OK')).toBe(true);
}

/** Every pre-written key, read back in one pipeline on a fresh connection. */
async function expectKeys(port: number): Promise<void> {
  const client = await RespClient.open(port);
  try {
    client.send(...Array.from({ length: KEYS }, (_, i) => ['GET', key(i)]));
    const replies = await client.replies(KEYS, 120_000);
    const wrong = replies.map((r, i) => [i, r] as const).filter(([i, r]) => r !== value(i));
    expect(wrong.slice(0, 5)).toEqual([]);
  } finally {
    client.close();
  }
}

/** Runs `update` while redis-benchmark runs; then one more full benchmark run; every run clean. */
async function underLoad<T>(r: Running, update: () => Promise<T>): Promise<T> {
  const before = await processed(r.held);
  load = new ClientLoop(() => redisBenchmark(r.port));
  await untilCountGrows(() => processed(r.held), 2000);
  const result = await update();
  const runs = await load.finish(1);
  load = null;
  expect(runs.length).toBeGreaterThanOrEqual(2);
  runs.forEach(expectCleanBenchmark);
  // the command counter is carried through the update and nothing was lost
  expect((await processed(r.held)) - before).toBeGreaterThanOrEqual(runs.length * 3 * BENCH_REQUESTS);
  return result;
}

/** v2 behaviour: INCRBY works, " 41" is not an integer, no HITS. */
async function expectV2(c: RespClient): Promise<void> {
  expect(await kvVersion(c)).toBe('2');
  const n = Number(await c.call('GET', 'chk:int'));
  expect(await c.call('INCRBY', 'chk:int', '23')).toBe(n + 23);
  expect(await c.call('INCRBY', 'chk:int', '-3')).toBe(n + 20);
  expect(await c.call('SET', 'chk:spaced', ' 41')).toBe('OK');
  expect(await c.call('INCR', 'chk:spaced')).toEqual(new RespError('ERR value is not an integer or out of range'));
  expectUnknown(await c.call('HITS', key(7)), 'HITS');
}

/** v1 -> v2 under load, from v1 behaviour to v2 behaviour with every key intact. */
async function toV2(r: Running): Promise<number> {
  expect(await kvVersion(r.held)).toBe('1');
  expectUnknown(await r.held.call('INCRBY', 'chk:int', '5'), 'INCRBY');
  expect(await r.held.call('SET', 'chk:spaced', ' 41')).toBe('OK');
  expect(await r.held.call('INCR', 'chk:spaced')).toBe(42); // v1's bug

  const report = await underLoad(r, () => applyOk(r.dsu.socket, PATCH('kvstore-v1-v2')));
  expect(report.added).toContain('cmd_incrby');
  expect(report.replaced.map((f) => f.function)).toContain('commands_dispatch');
  await expectKeys(r.port);
  await expectV2(r.held);
  return report.id;
}

/** v2 -> v3 under load (entries rebuilt, HITS counts GETs), then rolled back under load (entries converted back). */
async function toV3AndBack(r: Running, applied: number[]): Promise<void> {
  expect(await r.held.call('GET', key(7))).toBe(value(7)); // not counted: v2 has no counter
  const report = await underLoad(r, () => applyOk(r.dsu.socket, PATCH('kvstore-v2-v3')));
  expect(report.transfer).toBe('ok');
  expect(report.added).toContain('cmd_hits');
  expect((await statusCli(r.dsu.socket)).patches.map((p) => p.id)).toEqual([...applied, report.id]);

  expect(await kvVersion(r.held)).toBe('3');
  // dsu_transfer rebuilt every entry with hits = 0; v3 counts GETs that find the key
  expect(await r.held.call('HITS', key(7))).toBe(0);
  expect(await r.held.call('GET', key(7))).toBe(value(7));
  expect(await r.held.call('GET', key(7))).toBe(value(7));
  expect(await r.held.call('HITS', key(7))).toBe(2);
  expect(await r.held.call('HITS', 'chk:missing')).toBe(null);
  await expectKeys(r.port);
  expect(await r.held.call('HITS', key(7))).toBe(3);
  expect(await r.held.call('HITS', key(KEYS - 1))).toBe(1);
  const n = Number(await r.held.call('GET', 'chk:int'));
  expect(await r.held.call('INCRBY', 'chk:int', '1')).toBe(n + 1);
  // an entry created by v3 code, converted back by dsu_rollback
  expect(await r.held.call('SET', 'chk:new', 'made by v3')).toBe('OK');

  const back = await underLoad(r, () => rollbackOk(r.dsu.socket));
  expect(back.id).toBe(report.id);
  expect(back.rollbackRoutine).toBe('ok');
  expect(back.problems).toEqual([]);

  await expectV2(r.held);
  await expectKeys(r.port);
  expect(await r.held.call('GET', 'chk:new')).toBe('made by v3');
  expect(await r.held.call('DEL', key(3))).toBe(1);
  expect(await r.held.call('EXISTS', key(3), key(4))).toBe(1);
  expect(await r.held.call('SET', key(3), value(3))).toBe('OK');
  expect(r.held.conv.isClosed()).toBe(false);
  expect((await statusCli(r.dsu.socket)).patches.map((p) => p.id)).toEqual(applied);
}

describe('kvstore updated under redis-benchmark load', () => {
  test('v1 -> v2: keys intact, INCRBY and the parsing fix live, held connection still served', async () => {
    const r = await start('kvstore-v1');
    await writeKeys(r.held);
    const id = await toV2(r);
    expect(r.held.conv.isClosed()).toBe(false);
    expect((await statusCli(r.dsu.socket)).patches.map((p) => p.id)).toEqual([id]);
  }, 600_000);

  test('kvstore-v2 -> v3 -> rollback to v2: entries migrated both ways, HITS comes and goes', async () => {
    const r = await start('kvstore-v2');
    await writeKeys(r.held);
    await toV3AndBack(r, []);
  }, 600_000);

  test('kvstore-v1 -> v2 -> v3 -> rollback to v2, chained on one process (v1-v2 declares DSU_VERSION kvstore-v2)', async () => {
    const r = await start('kvstore-v1');
    await writeKeys(r.held);
    const id = await toV2(r);
    await toV3AndBack(r, [id]);
  }, 900_000);

  test('version checks: v2 -> v3 refused on v1, v1 -> v2 refused once the program is v2', async () => {
    const r = await start('kvstore-v1');
    await writeKeys(r.held);
    const early = await patchCli(r.dsu.socket, PATCH('kvstore-v2-v3'));
    expect(early.status).toBe(4); // refused by a check (README: exit statuses)
    expect(early.stderr).toBe('dsu patch: the patch is for kvstore-v2, not for kvstore-v1\n');
    expect(await kvVersion(r.held)).toBe('1');
    const first = await applyOk(r.dsu.socket, PATCH('kvstore-v1-v2'));
    const again = await patchCli(r.dsu.socket, PATCH('kvstore-v1-v2'));
    expect(again.status).toBe(4);
    expect(again.stderr).toBe(`dsu patch: the patch is for kvstore-v1, but the program is now kvstore-v2 (since patch #${first.id})\n`);
    await expectV2(r.held);
    await expectKeys(r.port);
    expect((await statusCli(r.dsu.socket)).patches.map((p) => p.id)).toEqual([first.id]);
  }, 300_000);
});
