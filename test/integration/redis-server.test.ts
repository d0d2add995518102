// Debian's i386 redis-server (7.0, unpacked with its libraries into a root
// by scripts/sysroot.sh, test/helpers/threaded-sysroot.ts) under
// `dsu run --root`: it serves redis-benchmark's
// SET, GET, INCR and LPUSH with 50 connections and no error; its background
// threads (bio) free an UNLINKed 100,000-element list and a FLUSHALL ASYNC'd
// key space (lazyfree counters, memory); SAVE writes a dump that Debian's
// redis-check-rdb, run natively, accepts; so does the dump BGSAVE's forked
// child writes while the parent goes on serving.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { exec, freePort, sleep } from '../helpers/servers.js';
import { DsuProgram, controlOk, startUnderDsu } from '../helpers/patching.js';
import { RespClient } from '../helpers/resp.js';
import { runRootNative, threadedSysroot } from '../helpers/threaded-sysroot.js';

const LIST = 100_000;
const KEYS = 1000;

let dsu: DsuProgram;
let port: number;
let dataDir: string;
let client: RespClient;

beforeAll(async () => {
  // idempotent: set-up has normally done it
  const root = threadedSysroot();
  const name = `dsu-redis-${process.pid}`;
  dataDir = path.join(root, 'tmp', name);
  fs.mkdirSync(dataDir, { recursive: true });
  port = await freePort();
  dsu = await startUnderDsu('/usr/bin/redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', `/tmp/${name}`],
    /Ready to accept connections/, ['--root', root, '--rw', '/tmp']);
  client = await RespClient.open(port);
}, 180_000);

afterAll(async () => {
  client?.close();
  const stopped = await dsu?.stop();
  expect(dsu.stderr()).not.toMatch(/SIGSEGV|internal error|unsupported syscall/);
  // SIGTERM: redis shuts down cleanly
  expect(stopped?.status).toBe(0);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function info(field: string): Promise<number> {
  const text = (await client.call('INFO', 'all')) as string;
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
  if (!m) throw new Error(`no ${field} in INFO`);
  return Number(m[1]);
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe("Debian's i386 redis-server under dsu", () => {
  test('its threads are there: the main one and the background (bio) ones', async () => {
    const status = async () => (await controlOk<{ threads: { tid: number; main: boolean; state: string }[] }>(dsu.socket, 'status')).threads;
    const waiting = (ts: { main: boolean; state: string }[]) => ts.filter((t) => !t.main && /^blocked in futex/.test(t.state)).length;
    // bio_close_file, bio_aof_fsync, bio_lazy_free wait on condition variables (once they have started)
    let threads = await status();
    for (const deadline = Date.now() + 30_000; waiting(threads) < 3 && Date.now() < deadline; threads = await status()) await sleep(100);
    expect(threads.filter((t) => t.main)).toHaveLength(1);
    expect(waiting(threads), JSON.stringify(threads)).toBeGreaterThanOrEqual(3);
  });

  test('redis-benchmark -t set,get,incr,lpush -n 20000 -c 50: every request answered, no error', async () => {
    const r = await exec('redis-benchmark', ['-p', String(port), '-t', 'set,get,incr,lpush', '-n', '20000', '-c', '50', '--csv'], 600_000);
    expect(r.stderr, r.stdout).toBe('');
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map((f) => f.replace(/"/g, '')));
    expect(rows.map((f) => f[0])).toEqual(['SET', 'GET', 'INCR', 'LPUSH']);
    for (const f of rows) expect(Number(f[1])).toBeGreaterThan(0);
  }, 600_000);

  test('UNLINK of a 100,000-element list and FLUSHALL ASYNC are freed by the background threads', async () => {
    expect(await client.call('FLUSHALL')).toBe('OK');
    const chunk = 1000;
    client.send(...Array.from({ length: LIST / chunk }, (_, i) =>
      ['RPUSH', 'biglist', ...Array.from({ length: chunk }, (_, j) => `element-${i * chunk + j}`)]));
    const pushed = await client.replies(LIST / chunk, 120_000);
    expect(pushed[pushed.length - 1]).toBe(LIST);
    const before = await info('used_memory');
    const freedBefore = await info('lazyfreed_objects');
    expect(await client.call('UNLINK', 'biglist')).toBe(1);
    expect(await client.call('EXISTS', 'biglist')).toBe(0);
    await until('the list to be freed', async () => (await info('lazyfreed_objects')) === freedBefore + 1 && (await info('lazyfree_pending_objects')) === 0);
    expect(await info('used_memory')).toBeLessThan(before - 1_000_000);

    client.send(...Array.from({ length: KEYS }, (_, i) => ['SET', `key:${i}`, `value ${i}`]));
    expect((await client.replies(KEYS, 60_000)).every((x) => x === 'OK')).toBe(true);
    expect(await client.call('FLUSHALL', 'ASYNC')).toBe('OK');
    expect(await client.call('DBSIZE')).toBe(0);
    await until('the key space to be freed', async () => (await info('lazyfreed_objects')) === freedBefore + 1 + KEYS && (await info('lazyfree_pending_objects')) === 0);
  }, 300_000);

  test("SAVE writes a dump that redis-check-rdb accepts", async () => {
    for (let i = 0; i < 100; i++) expect(await client.call('SET', `saved:${i}`, `v${i}`)).toBe('OK');
    expect(await client.call('RPUSH', 'saved:list', 'a', 'b', 'c')).toBe(3);
    expect(await client.call('SAVE')).toBe('OK');
    const dump = path.join(dataDir, 'dump.rdb');
    expect(fs.existsSync(dump)).toBe(true);
    // natively, with the root's own loader and libraries
    const check = await runRootNative('/usr/bin/redis-check-rdb', { args: [dump], timeoutMs: 60_000 });
    expect(check.status, check.stdout.toString() + check.stderr.toString()).toBe(0);
    expect(check.stdout.toString()).toMatch(/RDB looks OK!/);
    expect(check.stdout.toString()).toMatch(/\b101 keys read/);
  }, 120_000);

  test('BGSAVE: a forked child writes the dump while the server answers; redis-check-rdb accepts it', async () => {
    for (let i = 0; i < 50; i++) expect(await client.call('SET', `bg:${i}`, `w${i}`)).toBe('OK');
    const dump = path.join(dataDir, 'dump.rdb');
    fs.rmSync(dump, { force: true });
    const saves = await info('rdb_saves');
    expect(await client.call('BGSAVE')).toBe('Background saving started');
    // the parent serves while the child saves
    expect(await client.call('GET', 'bg:7')).toBe('w7');
    await until('the background save to end', async () => (await info('rdb_bgsave_in_progress')) === 0 && (await info('rdb_saves')) === saves + 1);
    const persistence = (await client.call('INFO', 'persistence')) as string;
    expect(persistence).toMatch(/^rdb_last_bgsave_status:ok\r?$/m);
    expect(fs.existsSync(dump)).toBe(true);
    const check = await runRootNative('/usr/bin/redis-check-rdb', { args: [dump], timeoutMs: 60_000 });
    expect(check.status, check.stdout.toString() + check.stderr.toString()).toBe(0);
    expect(check.stdout.toString()).toMatch(/\b151 keys read/);
    expect(dsu.stdout() + dsu.stderr()).toMatch(/Background saving terminated with success/);
  }, 120_000);
});
