// The sample servers' version streams made by `dsu mkpatch` instead of by
// hand (with the hand-written transfers where a type changes), applied live
// under each server's load with the checks of the hand-built patches' tests:
// kvstore v1 -> v2 -> v3 and back on one process under redis-benchmark,
// httpd v1 -> v2 under ab -k, bank v1 -> v2 -> v3, back and again under its
// checking clients. Each generated patch replaces a subset of what the
// hand-built one (whole files) replaces, and no file's statics are copied.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CASES_DIR, PATCH } from '../helpers/patch-cases.js';
import { applyOk, DsuProgram, rollbackOk, startUnderDsu, statusCli } from '../helpers/patching.js';
import { handBuiltReplaces, mkpatchOk, MkpatchReport, streamArgs } from '../helpers/mkpatch.js';
import { httpGet, httpdStats, kvVersion, makeSmallSite, startHttpd, startKvstore } from '../helpers/patch-targets.js';
import { AbRun, abRun, BENCH_REQUESTS, BenchRun, ClientLoop, expectCleanAb, expectCleanBenchmark, redisBenchmark, untilCountGrows } from '../helpers/patch-load.js';
import { bankLoad, BankClient } from '../helpers/bank-load.js';
import { RespClient, RespError } from '../helpers/resp.js';
import { freePort } from '../helpers/servers.js';
import { BUILD } from '../helpers/run.js';

type Generated = MkpatchReport & { patch: string };
const patches: Record<string, Generated> = {};
const names = (xs: { name: string }[]): string[] => xs.map((x) => x.name).sort();

beforeAll(async () => {
  const xfer = (c: string, f: string): string => path.join(CASES_DIR, c, f);
  const steps: [string, string[]][] = [
    ['kvstore-v1-v2', streamArgs('kvstore', 'v1', 'v2')],
    ['kvstore-v2-v3', streamArgs('kvstore', 'v2', 'v3', `store.c=${xfer('kvstore-v2-v3', 'transfer.c')}`)],
    ['httpd-v1-v2', streamArgs('httpd', 'v1', 'v2')],
    ['bank-v1-v2', streamArgs('bank', 'v1', 'v2', `bank.c=${xfer('bank-v1-v2', 'version.c')}`)],
    ['bank-v2-v3', streamArgs('bank', 'v2', 'v3', `bank.c=${xfer('bank-v2-v3', 'transfer.c')}`)],
  ];
  for (const [name, args] of steps) patches[name] = await mkpatchOk(args);
}, 900_000);

const loads: { abort(): Promise<void> }[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const l of loads.splice(0)) await l.abort();
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('what dsu mkpatch decides for the sample streams', () => {
  test('only the changed functions, a subset of the hand-built patches\' whole files', () => {
    const expected: Record<string, { replaced: string[]; added: string[] }> = {
      'kvstore-v1-v2': { replaced: ['cmd_info', 'cmd_set', 'commands_dispatch', 'incr_by', 'string_to_ll'], added: ['cmd_incrby'] },
      'kvstore-v2-v3': {
        // the code that changed, and code unchanged but handling struct entry, whose layout changed
        replaced: ['cmd_append', 'cmd_get', 'cmd_info', 'cmd_set', 'commands_dispatch', 'find_link', 'find_link.cold', 'incr_by', 'store_append', 'store_delete',
          'store_expire_cycle', 'store_flush', 'store_lookup', 'store_set', 'store_set_expire'],
        added: ['cmd_hits', 'dsu_rollback', 'dsu_transfer'],
      },
      'httpd-v1-v2': { replaced: ['conn_handle_events', 'content_type_for', 'stats_render'], added: ['bytes', 'stats_bytes'] },
      'bank-v1-v2': { replaced: ['bank_command'], added: ['dsu_rollback', 'dsu_transfer'] },
      'bank-v2-v3': { replaced: ['bank_command', 'bank_find', 'bank_open', 'conn_accept', 'conn_readable'], added: ['config', 'dsu_rollback', 'dsu_transfer', 'send_all'] },
    };
    for (const [name, want] of Object.entries(expected)) {
      const r = patches[name];
      expect({ replaced: names(r.decisions.replaced), added: names(r.decisions.added) }, name).toEqual(want);
      expect(r.decisions.leftOut.map((l) => l.name), name).toEqual(name === 'bank-v2-v3' ? ['main'] : []);
      const hand = handBuiltReplaces(PATCH(name), path.join(BUILD, name.split('-')[0], name.split('-').slice(0, 2).join('-')));
      expect(names(r.decisions.replaced).filter((f) => !hand.includes(f)), name).toEqual([]);
      expect(r.decisions.replaced.length, name).toBeLessThan(hand.length);
      // statics are bound to the program, never copied
      expect(r.decisions.copiedIn.filter((c) => c.kind === 'variable' && !c.why.startsWith('its storage changed')), name).toEqual([]);
    }
  });
});

describe('kvstore v1 -> v2 -> v3 -> rollback, generated, under redis-benchmark', () => {
  test('keys intact, INCRBY and the parsing fix, HITS counting, entries migrated both ways', async () => {
    const { dsu, port } = await startKvstore(path.join(BUILD, 'kvstore', 'kvstore-v1'));
    cleanups.push(() => dsu.stop().then(() => undefined));
    const held = await RespClient.open(port);
    cleanups.push(() => held.close());
    const KEYS = 2000;
    held.send(...Array.from({ length: KEYS }, (_, i) => ['SET', `k:${i}`, `v${i}`]), ['SET', 'k:int', '100']);
    expect((await held.replies(KEYS + 1, 120_000)).every((r) => r === 'OK')).toBe(true);
    const processed = async (): Promise<number> => Number(/total_commands_processed:(\d+)/.exec((await held.call('INFO')) as string)![1]);
    const underLoad = async <T>(update: () => Promise<T>): Promise<T> => {
      const before = await processed();
      const load = new ClientLoop<BenchRun>(() => redisBenchmark(port));
      loads.push(load);
      await untilCountGrows(processed, 2000);
      const result = await update();
      const runs = await load.finish(1);
      runs.forEach(expectCleanBenchmark);
      // the command counter (bound to the program's, not copied) counts on through the update
      expect((await processed()) - before).toBeGreaterThanOrEqual(runs.length * 3 * BENCH_REQUESTS);
      return result;
    };
    const expectKeys = async (): Promise<void> => {
      const c = await RespClient.open(port);
      c.send(...Array.from({ length: KEYS }, (_, i) => ['GET', `k:${i}`]));
      const replies = await c.replies(KEYS, 120_000);
      c.close();
      expect(replies.map((r, i) => [i, r]).filter(([i, r]) => r !== `v${i}`).slice(0, 5)).toEqual([]);
    };

    expect(await held.call('INCRBY', 'k:int', '1')).toBeInstanceOf(RespError);
    await underLoad(() => applyOk(dsu.socket, patches['kvstore-v1-v2'].patch));
    expect(await kvVersion(held)).toBe('2');
    expect(await held.call('INCRBY', 'k:int', '23')).toBe(123);
    expect(await held.call('SET', 'k:spaced', ' 41')).toBe('OK');
    expect(await held.call('INCR', 'k:spaced')).toEqual(new RespError('ERR value is not an integer or out of range'));
    await expectKeys();

    const v3 = await underLoad(() => applyOk(dsu.socket, patches['kvstore-v2-v3'].patch));
    expect(v3.transfer).toBe('ok');
    expect(v3.carried).toEqual([]);
    expect(await kvVersion(held)).toBe('3');
    expect(await held.call('HITS', 'k:7')).toBe(0);
    expect(await held.call('GET', 'k:7')).toBe('v7');
    expect(await held.call('HITS', 'k:7')).toBe(1);
    await expectKeys();
    expect(await held.call('SET', 'k:new', 'made by v3')).toBe('OK');

    const back = await underLoad(() => rollbackOk(dsu.socket));
    expect(back.rollbackRoutine).toBe('ok');
    expect(await kvVersion(held)).toBe('2');
    expect(await held.call('GET', 'k:new')).toBe('made by v3');
    await expectKeys();
    expect(held.conv.isClosed()).toBe(false);
    expect((await statusCli(dsu.socket)).patches.length).toBe(1);
  }, 900_000);
});

describe('httpd v1 -> v2, generated, under ab -k', () => {
  test('no failed request, /stats counts on in the program\'s own counters, the fixes live', async () => {
    const site = makeSmallSite();
    cleanups.push(() => site.remove());
    const { dsu, port } = await startHttpd(path.join(BUILD, 'httpd', 'httpd-v1'), site.dir);
    cleanups.push(() => dsu.stop().then(() => undefined));
    expect((await httpGet(port, '/data.json')).headers['content-type']).toBe('application/javascript');
    const before = await httpdStats(port);
    let polls = 0;
    const requests = async (): Promise<number> => {
      polls++;
      return (await httpdStats(port)).requests;
    };
    const load = new ClientLoop<AbRun>(() => abRun(port, '/index.html'));
    loads.push(load);
    await untilCountGrows(requests, 200);
    const report = await applyOk(dsu.socket, patches['httpd-v1-v2'].patch);
    expect(report.carried).toEqual([]);
    const runs = await load.finish(1);
    runs.forEach(expectCleanAb);
    const after = await httpdStats(port);
    const answered = runs.reduce((sum, r) => sum + r.complete, 0);
    // before's own count, the ab runs, the polls, and this /stats: none lost, none counted twice
    expect(after.requests).toBe(before.requests + answered + polls + 1);
    expect(after.bytes).toBeGreaterThan(2000 * site.files['index.html'].length);
    expect((await httpGet(port, '/data.json')).headers['content-type']).toBe('application/json');
  }, 600_000);
});

describe('bank v1 -> v2 -> v3 -> rollback -> v3, generated, under checking clients', () => {
  test('every answer right, records and sessions carried through both layouts', async () => {
    const port = await freePort();
    const dsu: DsuProgram = await startUnderDsu(path.join(BUILD, 'bank', 'bank-v1'), [String(port)], /bank v1 listening on port \d+/);
    cleanups.push(() => dsu.stop().then(() => undefined));
    let stopLoad!: () => void;
    const load = bankLoad(port, 6, new Promise<void>((r) => (stopLoad = r)));
    const probe = await BankClient.open(port);
    cleanups.push(() => probe.close());
    const mine = Number(/^OK (\d+)$/.exec(await probe.call('OPEN probe 500'))![1]);
    const other = Number(/^OK (\d+)$/.exec(await probe.call('OPEN other 10'))![1]);
    expect(await probe.call(`USE ${mine}`)).toBe('OK');
    expect((await applyOk(dsu.socket, patches['bank-v1-v2'].patch)).transfer).toBe('ok');
    expect(await probe.call('VERSION')).toBe('OK v2');
    expect(await probe.call(`XFER ${other} ${mine} 100`)).toBe('ERR transfer'); // v1 let it go negative
    expect(await probe.call(`DEP ${mine} 25`)).toBe('OK 525');

    const v3 = await applyOk(dsu.socket, patches['bank-v2-v3'].patch);
    expect(v3.transfer).toBe('ok');
    expect(await probe.call('ME')).toBe(`OK ${mine} 525`);
    expect(await probe.call(`DEP ${mine} 1`)).toBe('OK 526');
    expect(await probe.call(`TX ${mine}`)).toBe('OK 1');
    expect(await probe.call('INFO')).toBe('OK bank max_withdrawal=100000 max_conns=256');

    expect((await rollbackOk(dsu.socket)).rollbackRoutine).toBe('ok');
    expect(await probe.call('VERSION')).toBe('OK v2');
    expect(await probe.call('ME')).toBe(`OK ${mine} 526`);
    expect((await applyOk(dsu.socket, patches['bank-v2-v3'].patch)).transfer).toBe('ok');
    expect(await probe.call(`TX ${mine}`)).toBe('OK 0');

    stopLoad();
    const result = await load;
    expect(result.failures).toEqual([]);
    expect(result.requests).toBeGreaterThan(500);
    const check = await BankClient.open(port);
    cleanups.push(() => check.close());
    for (const [id, [owner, balance]] of result.accounts) expect(await check.call(`BAL ${id}`)).toBe(`OK ${balance} ${owner}`);
  }, 600_000);
});
