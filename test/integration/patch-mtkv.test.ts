// mtkv, the multi-threaded key-value server (a listener thread, four
// workers with an epoll loop each, one table under a lock, the main thread
// in sigwait), updated v1 -> v2 while it runs: under redis-benchmark load
// with every key intact and no error; while one worker computes inside a
// replaced function and the others idle (the update waits for that worker
// only, and a short timeout names it); and with --update-points, where the
// listener blocked in accept and the main thread in sigwait do not hold the
// update back (Stump's relaxed synchronization); and with a transfer that
// takes the table's lock in one thread while the others are held, applied
// and rolled back under load.
import { afterEach, describe, expect, test } from 'vitest';
import path from 'node:path';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, control, controlOk, patchCli, rollbackOk } from '../helpers/patching.js';
import { applyOk } from '../helpers/patching.js';
import { startMtkv } from '../helpers/patch-targets.js';
import { BenchRun, ClientLoop, expectCleanBenchmark, redisBenchmark, untilCountGrows } from '../helpers/patch-load.js';
import { RespClient } from '../helpers/resp.js';
import { BUILD } from '../helpers/run.js';
import { sleep } from '../helpers/servers.js';

const MTKV_V1 = path.join(BUILD, 'mtkv', 'mtkv-v1');
const KEYS = 2000;
const key = (i: number): string => `chk:${i}`;
const value = (i: number): string => `value ${i} ${'y'.repeat(i % 40)}`;

interface Thread { tid: number; main: boolean; state: string; where: string }

let dsu: DsuProgram | null = null;
const clients: RespClient[] = [];
let load: ClientLoop<BenchRun> | null = null;

afterEach(async () => {
  await load?.abort();
  load = null;
  for (const c of clients.splice(0)) c.close();
  await dsu?.stop();
  dsu = null;
});

async function start(dsuOptions: string[] = []): Promise<number> {
  const r = await startMtkv(MTKV_V1, dsuOptions);
  dsu = r.dsu;
  return r.port;
}

async function client(port: number): Promise<RespClient> {
  const c = await RespClient.open(port);
  clients.push(c);
  return c;
}

async function processed(c: RespClient): Promise<number> {
  const info = (await c.call('INFO')) as string;
  return Number(/total_commands_processed:(\d+)/.exec(info)![1]);
}

async function threads(): Promise<Thread[]> {
  return (await controlOk<{ threads: Thread[] }>(dsu!.socket, 'status')).threads;
}

/** Waits until the status shows a thread in `state` whose location matches `where`. */
async function untilThread(state: RegExp, where: RegExp, timeoutMs = 20_000): Promise<Thread> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = (await threads()).find((x) => state.test(x.state) && where.test(x.where));
    if (t) return t;
    if (Date.now() > deadline) throw new Error(`no thread ${state} in ${where}: ${JSON.stringify(await threads())}`);
    await sleep(50);
  }
}

describe('mtkv v1 -> v2, multi-threaded', () => {
  test('under redis-benchmark -c 50: every key intact, no error, v2 live in every worker; status lists the threads', async () => {
    const port = await start();
    const c = await client(port);
    c.send(...Array.from({ length: KEYS }, (_, i) => ['SET', key(i), value(i)]));
    expect((await c.replies(KEYS, 120_000)).every((r) => r === 'OK')).toBe(true);

    const before = await threads();
    expect(before.length).toBe(6);
    expect(before.filter((t) => t.main).map((t) => t.state)).toEqual([expect.stringMatching(/^blocked in rt_sigtimedwait/)]);
    expect(before.filter((t) => /^blocked in (accept4|socketcall)$/.test(t.state)).length).toBe(1);
    expect(before.filter((t) => /^blocked in epoll_p?wait$/.test(t.state)).length).toBe(4);

    load = new ClientLoop(() => redisBenchmark(port));
    await untilCountGrows(() => processed(c), 2000);
    const report = await applyOk(dsu!.socket, PATCH('mtkv-v1-v2'));
    expect(report.replaced.map((r) => r.function)).toEqual(expect.arrayContaining(['cmd_del', 'execute', 'cmd_version']));
    const runs = await load.finish(1);
    load = null;
    for (const r of runs) expectCleanBenchmark(r);

    // every worker runs v2 now: one connection per worker (the listener deals them round robin)
    const fresh = await Promise.all([0, 1, 2, 3].map(() => client(port)));
    for (const f of fresh) {
      expect(await f.call('VERSION')).toBe('v2');
      expect(await f.call('DEL', 'no-such-key', 'nor-this')).toBe(0);
      expect(await f.call('STRLEN', key(7))).toBe(value(7).length);
    }
    const check = await client(port);
    check.send(...Array.from({ length: KEYS }, (_, i) => ['GET', key(i)]));
    const replies = await check.replies(KEYS, 120_000);
    expect(replies.map((r, i) => [i, r]).filter(([i, r]) => r !== value(i as number)).slice(0, 5)).toEqual([]);
    expect(dsu!.stderr()).not.toMatch(/SIGSEGV|internal error/);
  }, 300_000);

  test('a replaced function busy in one worker while the others idle: a short wait names that thread, a longer one applies when it returns', async () => {
    const port = await start();
    const slow = await client(port);
    const idle = await client(port);
    expect(await idle.call('SET', 'k', 'v')).toBe('OK');

    // through the control socket: the dsu command's own start-up is not part of the wait
    const patch = (timeoutMs: number) => control<{ stack: string[]; safePoint: string }>(dsu!.socket, 'patch', { path: PATCH('mtkv-v1-v2'), timeoutMs });
    slow.send(['SLOW', '6000']);
    const busy = await untilThread(/^running$/, /^cmd_slow\b/);
    const refused = await patch(600);
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error).toMatch(new RegExp(`Thread ${busy.tid}: [^.]*cmd_slow \\(mtkv-v1\\)[^.]* active[.,]`));
      expect(refused.error).toMatch(/other threads were ready/);
    }
    expect(await idle.call('VERSION')).toBe('v1');
    expect(await slow.replies(1, 30_000)).toEqual(['OK']);

    slow.send(['SLOW', '3000']);
    await untilThread(/^running$/, /^cmd_slow\b/);
    const started = Date.now();
    const applied = await patch(30_000);
    expect(applied.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(500);
    if (applied.ok) expect(['slice', 'return-breakpoint']).toContain(applied.result.safePoint);
    expect(await slow.replies(1, 30_000)).toEqual(['OK']);
    expect(await idle.call('VERSION')).toBe('v2');
    expect(await idle.call('GET', 'k')).toBe('v');
  }, 180_000);

  test('a transfer that takes the table lock runs in one thread while the others are held, under load, applied and rolled back three times', async () => {
    const port = await start();
    const c = await client(port);
    c.send(...Array.from({ length: KEYS }, (_, i) => ['SET', key(i), value(i)]));
    expect((await c.replies(KEYS, 120_000)).every((r) => r === 'OK')).toBe(true);
    load = new ClientLoop(() => redisBenchmark(port));
    await untilCountGrows(() => processed(c), 2000);
    for (let round = 1; round <= 3; round++) {
      const report = await applyOk(dsu!.socket, PATCH('mtkv-v1-v2-transfer'));
      expect(report.transfer).toBe('ok');
      const said = [...dsu!.stdout().matchAll(/^mtkv transfer: (\d+) keys at the update$/gm)];
      expect(said).toHaveLength(round);
      expect(Number(said[round - 1][1])).toBeGreaterThanOrEqual(KEYS);
      expect(await c.call('VERSION')).toBe('v2');
      await untilCountGrows(() => processed(c), 500);
      await rollbackOk(dsu!.socket);
      expect(await c.call('VERSION')).toBe('v1');
    }
    const runs = await load.finish(1);
    load = null;
    for (const r of runs) expectCleanBenchmark(r);
    c.send(...Array.from({ length: KEYS }, (_, i) => ['GET', key(i)]));
    const replies = await c.replies(KEYS, 120_000);
    expect(replies.map((r, i) => [i, r]).filter(([i, r]) => r !== value(i as number)).slice(0, 5)).toEqual([]);
    expect(dsu!.stderr()).not.toMatch(/SIGSEGV|internal error/);
  }, 300_000);

  test('--update-points: a worker at dsu_update_point updates the program while the listener waits in accept and main in sigwait', async () => {
    const port = await start(['--update-points']);
    const c = await client(port);
    expect(await c.call('SET', 'k', 'v')).toBe('OK');
    const pending = patchCli(dsu!.socket, PATCH('mtkv-v1-v2'), ['--timeout', '30000']);
    let answered = false;
    void pending.finally(() => (answered = true));
    // every thread is blocked, none at an update point: requests bring a worker to one
    while (!answered) {
      expect(await c.call('PING')).toBe('PONG');
      await sleep(100);
    }
    const r = await pending;
    expect(r.stderr).toBe('');
    expect(r.report?.replaced.length).toBeGreaterThan(0);
    expect((r.report as unknown as { stack: string[]; safePoint: string }).safePoint).toBe('update-point');
    expect((r.report as unknown as { stack: string[] }).stack[0]).toMatch(/^dsu_update_point \(mtkv-v1\)/);
    expect(await c.call('VERSION')).toBe('v2');
    expect(await c.call('GET', 'k')).toBe('v');
  }, 120_000);
});
