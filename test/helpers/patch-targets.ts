// The sample programs as targets of a patch: each started under
// `dsu run --control`, put into a known state, and checked afterwards for
// "still the old code, state intact" through what it observably does.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { BUILD } from './run.js';
import { freePort } from './servers.js';
import { RespClient } from './resp.js';
import { DsuProgram, startUnderDsu } from './patching.js';
import { ledgerTarget } from './ledger-target.js';
import { typecheckTarget } from './typecheck-target.js';

export const COUNTER = path.join(BUILD, 'counter', 'counter-v1');

/** counter-v1 under dsu: lines "a b [c]" in, "f = R, num = N" out. */
export class Counter {
  private offset = 0;

  private constructor(readonly dsu: DsuProgram) {}

  static async start(dsuOptions: string[] = []): Promise<Counter> {
    const p = await startUnderDsu(COUNTER, [], /^counter ready\n/m, dsuOptions);
    const c = new Counter(p);
    c.offset = p.stdout().indexOf('counter ready\n') + 'counter ready\n'.length;
    return c;
  }

  /** Feeds one line and returns the program's answer to it. */
  async send(line: string): Promise<{ f: number; num: number }> {
    this.dsu.write(line + '\n');
    const m = await this.dsu.waitForOutput(/^f = (-?\d+), num = (\d+)\n/m, 60_000, this.offset);
    this.offset += m.index + m[0].length;
    return { f: Number(m[1]), num: Number(m[2]) };
  }

  get socket(): string {
    return this.dsu.socket;
  }

  async stop(): Promise<void> {
    this.dsu.child.stdin!.end();
    await this.dsu.stop();
  }
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One GET on a fresh connection. */
export function httpGet(port: number, target: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: target, agent: false }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`GET ${target}: no answer within 60 s`)));
  });
}

export interface HttpdStats {
  requests: number;
  connections: number;
  open: number;
  bytes?: number;
}

export async function httpdStats(port: number): Promise<HttpdStats> {
  const r = await httpGet(port, '/stats');
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as HttpdStats;
}

/** A served directory with a few small files; removed by the returned cleanup. */
export function makeSmallSite(): { dir: string; files: Record<string, string>; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-patch-www-'));
  const files: Record<string, string> = {
    'index.html': '<!doctype html><title>patched live</title>\n',
    'data.json': '{"answer": 42}\n',
    'style.css': 'body { color: #333; }\n',
  };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, files, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export async function startKvstore(program: string): Promise<{ dsu: DsuProgram; port: number }> {
  const port = await freePort();
  return { dsu: await startUnderDsu(program, ['-p', String(port)], /kvstore listening on port \d+/), port };
}

export async function startHttpd(program: string, dir: string): Promise<{ dsu: DsuProgram; port: number }> {
  const port = await freePort();
  return { dsu: await startUnderDsu(program, ['-p', String(port), '-d', dir], /httpd listening on port \d+/), port };
}

export async function kvVersion(client: RespClient): Promise<string> {
  const info = (await client.call('INFO')) as string;
  const m = /kvstore_version:(\S+)/.exec(info);
  if (!m) throw new Error(`no kvstore_version in INFO: ${info}`);
  return m[1];
}

/** A program a patch case names, put into a known state, checked after a failed patch. */
export interface CaseTarget {
  dsu: DsuProgram;
  /** Build up state with the program's own (old) code. */
  prepare(): Promise<void>;
  /** The program still answers (whatever its version). */
  answers(): Promise<void>;
  /** The old code still runs and the state prepare() built is intact and continues. */
  expectOldCodeAndState(): Promise<void>;
  stop(): Promise<void>;
}

function counterTarget(c: Counter): CaseTarget {
  let num = 0;
  return {
    dsu: c.dsu,
    async prepare() {
      expect(await c.send('1 2')).toEqual({ f: 3, num: 1 });
      expect(await c.send('3 4')).toEqual({ f: 7, num: 2 });
      num = 2;
    },
    async answers() {
      const r = await c.send('2 3 4');
      expect(r.num).toBe(++num);
    },
    async expectOldCodeAndState() {
      // v1's f: a+b, the third number ignored; num counts on from where it was
      expect(await c.send('5 6 7')).toEqual({ f: 11, num: ++num });
    },
    stop: () => c.stop(),
  };
}

async function kvstoreTarget(program: string): Promise<CaseTarget> {
  const { dsu, port } = await startKvstore(program);
  const client = await RespClient.open(port);
  let version = '';
  return {
    dsu,
    async prepare() {
      expect(await client.call('SET', 'case:key', 'case value')).toBe('OK');
      for (let i = 1; i <= 3; i++) expect(await client.call('INCR', 'case:n')).toBe(i);
      version = await kvVersion(client);
    },
    async answers() {
      expect(await client.call('PING')).toBe('PONG');
    },
    async expectOldCodeAndState() {
      expect(await kvVersion(client)).toBe(version);
      expect(await client.call('GET', 'case:key')).toBe('case value');
      expect(await client.call('INCR', 'case:n')).toBe(4);
    },
    async stop() {
      client.close();
      await dsu.stop();
    },
  };
}

export async function startMtkv(program: string, dsuOptions: string[] = []): Promise<{ dsu: DsuProgram; port: number }> {
  const port = await freePort();
  return { dsu: await startUnderDsu(program, ['-p', String(port)], /mtkv listening on port \d+/, dsuOptions), port };
}

/** mtkv (the multi-threaded key-value server): the same checks as kvstore's, its version from VERSION. */
async function mtkvTarget(program: string): Promise<CaseTarget> {
  const { dsu, port } = await startMtkv(program);
  const client = await RespClient.open(port);
  let version = '';
  return {
    dsu,
    async prepare() {
      expect(await client.call('SET', 'case:key', 'case value')).toBe('OK');
      for (let i = 1; i <= 3; i++) expect(await client.call('INCR', 'case:n')).toBe(i);
      version = (await client.call('VERSION')) as string;
    },
    async answers() {
      expect(await client.call('PING')).toBe('PONG');
      expect(await client.call('GET', 'case:key')).toBe('case value');
    },
    async expectOldCodeAndState() {
      expect(await client.call('VERSION')).toBe(version);
      expect(await client.call('GET', 'case:key')).toBe('case value');
      expect(await client.call('INCR', 'case:n')).toBe(4);
    },
    async stop() {
      client.close();
      await dsu.stop();
    },
  };
}

async function httpdTarget(program: string): Promise<CaseTarget> {
  const site = makeSmallSite();
  const { dsu, port } = await startHttpd(program, site.dir);
  let before: HttpdStats | null = null;
  return {
    dsu,
    async prepare() {
      expect((await httpGet(port, '/index.html')).status).toBe(200);
      before = await httpdStats(port);
    },
    async answers() {
      expect((await httpGet(port, '/index.html')).body).toBe(site.files['index.html']);
    },
    async expectOldCodeAndState() {
      const page = await httpGet(port, '/index.html');
      expect(page.body).toBe(site.files['index.html']);
      const after = await httpdStats(port);
      // the page and this /stats request, counted on from before; same fields as before
      expect(after.requests).toBe(before!.requests + 2);
      expect(Object.keys(after).sort()).toEqual(Object.keys(before!).sort());
    },
    async stop() {
      await dsu.stop();
      site.remove();
    },
  };
}

/** feature-v1: prints "feature: N" per input line, N from a 3-byte stub (0) a patch can turn on. */
async function featureTarget(binary: string): Promise<CaseTarget> {
  const dsu = await startUnderDsu(binary, [], /^feature ready\n/m);
  let offset = dsu.stdout().indexOf('feature ready\n') + 'feature ready\n'.length;
  const ask = async (): Promise<number> => {
    dsu.write('x\n');
    const m = await dsu.waitForOutput(/^feature: (\d+)\n/m, 60_000, offset);
    offset += m.index + m[0].length;
    return Number(m[1]);
  };
  return {
    dsu,
    async prepare() {
      expect(await ask()).toBe(0);
    },
    async answers() {
      await ask();
    },
    async expectOldCodeAndState() {
      expect(await ask()).toBe(0);
    },
    async stop() {
      dsu.child.stdin!.end();
      await dsu.stop();
    },
  };
}

/** The target for a program path relative to c-samples/build ("counter/counter-v1"). */
export async function startCaseTarget(program: string): Promise<CaseTarget> {
  const family = program.split('/')[0];
  const binary = path.join(BUILD, program);
  if (family === 'counter') {
    if (binary !== COUNTER) throw new Error(`no driver for ${program}`);
    return counterTarget(await Counter.start());
  }
  if (family === 'kvstore') return kvstoreTarget(binary);
  if (family === 'httpd') return httpdTarget(binary);
  if (family === 'mtkv') return mtkvTarget(binary);
  if (family === 'feature') return featureTarget(binary);
  if (family === 'ledger') return ledgerTarget(binary);
  if (family === 'typecheck') return typecheckTarget(binary);
  throw new Error(`no driver for ${program}: add one to test/helpers/patch-targets.ts`);
}
