// Debian's i386 memcached (1.6, unpacked with its libraries by
// scripts/sysroot.sh, test/helpers/threaded-sysroot.ts) under
// `dsu run --root` with four worker threads and its background threads
// (logger, LRU maintainer and crawler, slab rebalancer, hash table
// expansion): 50 clients at once each store, read back and count their
// own keys, every answer checked and the server's counters exact; a value
// of 512 KiB goes through intact; SIGTERM stops it as natively.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DsuProgram, controlOk, startUnderDsu } from '../helpers/patching.js';
import { MemcacheClient } from '../helpers/memcache.js';
import { freePort, sleep } from '../helpers/servers.js';
import { threadedSysroot } from '../helpers/threaded-sysroot.js';

const CLIENTS = 50;
const KEYS_EACH = 40;
const WORKERS = 4;

let dsu: DsuProgram;
let port: number;

/** Connects once the server listens (memcached says nothing when it is ready). */
async function connectWhenReady(timeoutMs = 120_000): Promise<MemcacheClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await MemcacheClient.open(port);
    } catch (e) {
      if (!dsu.alive()) throw new Error(`memcached exited: ${dsu.stderr()}`);
      if (Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}

beforeAll(async () => {
  const root = threadedSysroot();
  port = await freePort();
  // as root, memcached insists on switching to another user (-u)
  dsu = await startUnderDsu('/usr/bin/memcached', ['-U', '0', '-l', '127.0.0.1', '-p', String(port), '-t', String(WORKERS), '-u', 'nobody', '-m', '64'],
    /(?:)/, ['--root', root]);
  (await connectWhenReady()).close();
}, 180_000);

afterAll(async () => {
  const stopped = await dsu?.stop();
  expect(dsu.stderr()).not.toMatch(/SIGSEGV|internal error|unsupported syscall|Function not implemented/);
  expect(stopped?.status).toBe(0);
});

const value = (c: number, k: number): string => `client ${c} key ${k} ${'v'.repeat((c * 7 + k) % 300)}`;

describe("Debian's i386 memcached under dsu", () => {
  test('its threads: four workers waiting for connections, and the background ones', async () => {
    const status = async () => (await controlOk<{ threads: { tid: number; main: boolean; state: string }[] }>(dsu.socket, 'status')).threads;
    const inEpoll = (ts: { state: string }[]) => ts.filter((t) => /^blocked in epoll_wait$/.test(t.state)).length;
    // the main thread's and each worker's libevent loop, once all are idle
    const deadline = Date.now() + 30_000;
    let threads = await status();
    while (inEpoll(threads) < 1 + WORKERS && Date.now() < deadline) {
      await sleep(100);
      threads = await status();
    }
    expect(inEpoll(threads), JSON.stringify(threads)).toBe(1 + WORKERS);
    expect(threads.filter((t) => t.main)).toHaveLength(1);
    // and the logger, LRU maintainer and crawler, slab rebalancer, hash table expansion: waiting on a condition or asleep
    expect(threads.filter((t) => /^blocked in (futex|clock_nanosleep|nanosleep)$/.test(t.state)).length, JSON.stringify(threads)).toBeGreaterThanOrEqual(4);
    const c = await connectWhenReady();
    try {
      expect((await c.stats()).get('threads')).toBe(String(WORKERS));
    } finally {
      c.close();
    }
  });

  test(`${CLIENTS} clients at once: every store, read and count answered right, the counters exact`, async () => {
    const admin = await connectWhenReady();
    expect(await admin.simple('flush_all')).toBe('OK');
    const before = await admin.stats();
    const clients = await Promise.all(Array.from({ length: CLIENTS }, () => connectWhenReady()));
    const wrong: string[] = [];
    await Promise.all(clients.map(async (mc, c) => {
      for (let k = 0; k < KEYS_EACH; k++) {
        const key = `c${c}:k${k}`;
        const stored = await mc.store('set', key, value(c, k), c);
        if (stored !== 'STORED') wrong.push(`${key}: set answered ${stored}`);
        const got = (await mc.get([key, `c${c}:missing`])).get(key);
        if (got?.value.toString() !== value(c, k) || got.flags !== c) wrong.push(`${key}: get gave ${JSON.stringify(got?.value.toString())}`);
        const n = await mc.simple(`incr c${c}:counter 1`);
        if (k === 0 ? n !== 'NOT_FOUND' : n !== String(k)) wrong.push(`c${c}:counter: incr answered ${n} at ${k}`);
        if (k === 0) expect(await mc.store('add', `c${c}:counter`, '0')).toBe('STORED');
      }
      const all = await mc.get(Array.from({ length: KEYS_EACH }, (_, k) => `c${c}:k${k}`));
      if (all.size !== KEYS_EACH) wrong.push(`client ${c}: a multi-get found ${all.size} of ${KEYS_EACH}`);
      mc.close();
    }));
    expect(wrong.slice(0, 10)).toEqual([]);

    const after = await admin.stats();
    const delta = (name: string): number => Number(after.get(name)) - Number(before.get(name));
    expect(delta('cmd_set')).toBe(CLIENTS * (KEYS_EACH + 1));
    expect(delta('get_hits')).toBe(CLIENTS * KEYS_EACH * 2);
    expect(delta('get_misses')).toBe(CLIENTS * KEYS_EACH);
    expect(delta('incr_hits')).toBe(CLIENTS * (KEYS_EACH - 1));
    expect(delta('incr_misses')).toBe(CLIENTS);
    expect(Number(after.get('curr_items'))).toBe(CLIENTS * (KEYS_EACH + 1));
    admin.close();
  }, 600_000);

  test('a value of 512 KiB goes through intact', async () => {
    const mc = await connectWhenReady();
    try {
      const big = Buffer.alloc(512 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 131 + (i >> 9)) & 0xff;
      expect(await mc.store('set', 'big', big)).toBe('STORED');
      expect((await mc.get(['big'])).get('big')?.value.equals(big)).toBe(true);
      expect(await mc.simple('delete big')).toBe('DELETED');
      expect((await mc.get(['big'])).size).toBe(0);
    } finally {
      mc.close();
    }
  }, 120_000);
});
