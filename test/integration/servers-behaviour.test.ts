// Properties of servers under `dsu run` beyond their protocol: the same
// client gets the same answers as from the native binary, and an idle
// server leaves the host idle (no busy loop while the guest waits).
import { afterAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dsu, exec, HTTPD, KVSTORE, launch, Launcher, native, sleep } from '../helpers/servers.js';

const REDIS_SESSION = [
  ['PING'], ['PING', 'hello'], ['ECHO', 'some text'], ['SET', 'k', 'v1'], ['GET', 'k'], ['APPEND', 'k', '-more'],
  ['GET', 'k'], ['SET', 'n', '41'], ['INCR', 'n'], ['DECR', 'n'], ['DECR', 'n'], ['INCR', 'k'], ['EXISTS', 'k', 'n', 'zz'],
  ['DEL', 'k', 'zz'], ['DBSIZE'], ['SET', 't', 'x', 'EX', '100'], ['GET', 't'], ['NOSUCH', 'a'], ['GET'], ['FLUSHALL'], ['DBSIZE'],
];

async function redisTranscript(launcher: Launcher): Promise<string> {
  const server = await launch(launcher, KVSTORE('kvstore-v1'));
  try {
    let out = '';
    for (const cmd of REDIS_SESSION) {
      const r = await exec('redis-cli', ['-p', String(server.port), ...cmd]);
      out += `> ${cmd.join(' ')}\n${r.stdout}${r.stderr}`;
    }
    return out;
  } finally {
    await server.stop();
  }
}

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-site-'));
fs.writeFileSync(path.join(site, 'index.html'), '<h1>home</h1>\n');
fs.writeFileSync(path.join(site, 'style.css'), 'body { color: red }\n');
fs.mkdirSync(path.join(site, 'sub'));
fs.writeFileSync(path.join(site, 'sub', 'data.json'), '{"a": 1}\n');
afterAll(() => fs.rmSync(site, { recursive: true, force: true }));

async function httpTranscript(launcher: Launcher): Promise<string> {
  const server = await launch(launcher, HTTPD('httpd-v1'), ['-d', site]);
  try {
    let out = '';
    for (const p of ['/', '/style.css', '/sub/data.json', '/missing', '/../etc/passwd', '/sub/', '/stats']) {
      const r = await exec('curl', ['-s', '-i', '--path-as-is', `http://127.0.0.1:${server.port}${p}`]);
      out += `> GET ${p}\n${r.stdout}\n`;
    }
    const head = await exec('curl', ['-s', '-I', `http://127.0.0.1:${server.port}/index.html`]);
    return out + `> HEAD /index.html\n${head.stdout}`;
  } finally {
    await server.stop();
  }
}

describe('servers: same answers as native', () => {
  test('kvstore-v1: a redis-cli session', async () => {
    const [n, d] = [await redisTranscript(native), await redisTranscript(dsu)];
    expect(d).toBe(n);
    expect(n).toContain('> INCR n\n42\n');
  });
  test('httpd-v1: curl requests', async () => {
    const [n, d] = [await httpTranscript(native), await httpTranscript(dsu)];
    expect(d).toBe(n);
    expect(n).toContain('<h1>home</h1>');
  });
});

function cpuTimeMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return (ticks * 1000) / 100;
}

describe('idle server, idle host', () => {
  test('kvstore idle for two seconds uses near-zero host CPU', async () => {
    const server = await launch(dsu, KVSTORE('kvstore-v1'));
    try {
      await exec('redis-cli', ['-p', String(server.port), 'SET', 'warm', 'up']);
      await sleep(500);
      const before = cpuTimeMs(server.proc.pid!);
      await sleep(2000);
      const used = cpuTimeMs(server.proc.pid!) - before;
      // a busy-waiting host would burn ~2000 ms here
      expect(used).toBeLessThan(200);
    } finally {
      await server.stop();
    }
  });
});
