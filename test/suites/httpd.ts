// Tests of the httpd sample server (c-samples/httpd) with curl, ab, wrk
// and raw sockets. Parameterised by the launcher like the kvstore suite.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Conversation, exec, HTTPD, launch, Launcher, Server, sleep } from '../helpers/servers.js';

/** A served directory with known files, and a secret just outside it. */
function makeSite(): { root: string; www: string; files: Record<string, Buffer> } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-httpd-'));
  const www = path.join(root, 'www');
  const files: Record<string, Buffer> = {
    'index.html': Buffer.from('<!doctype html><title>home</title>\n'),
    'style.css': Buffer.from('body { color: #333; }\n'),
    'app.js': Buffer.from('console.log("hi");\n'),
    'data.json': Buffer.from('{"answer": 42}\n'),
    'notes.txt': Buffer.from('plain text\n'),
    'logo.PNG': Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]),
    'blob.bin': crypto.randomBytes(3 * 1024 * 1024 + 17),
    'zero.txt': Buffer.alloc(0),
    'sub/index.html': Buffer.from('<p>sub</p>\n'),
    'sub/a b.txt': Buffer.from('space\n'),
  };
  for (const [name, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(www, name)), { recursive: true });
    fs.writeFileSync(path.join(www, name), data);
  }
  fs.mkdirSync(path.join(www, 'noindex'));
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP SECRET\n');
  return { root, www, files };
}

/** The exact head the server sends (header order included). */
function head(status: string, type: string, length: number, keepAlive: boolean, extra = ''): string {
  return (
    `HTTP/1.1 ${status}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n${extra}` +
    `Connection: ${keepAlive ? 'keep-alive' : 'close'}\r\n\r\n`
  );
}

const TEXT = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';
const errorPage = (status: string) => `${status}\n`;

interface Stats {
  requests: number;
  connections: number;
  open: number;
  bytes?: number;
}

async function curl(...args: string[]) {
  return exec('curl', ['-sS', ...args]);
}

async function stats(port: number): Promise<Stats> {
  const r = await curl(`http://127.0.0.1:${port}/stats`);
  return JSON.parse(r.stdout) as Stats;
}

/** Sends raw bytes on a fresh connection and waits for n bytes or the close. */
async function rawExchange(port: number, request: string, waitFor: number | 'close'): Promise<{ text: string; conv: Conversation }> {
  const conv = await Conversation.open(port);
  conv.send(request);
  const data = waitFor === 'close' ? await conv.untilClosed() : await conv.untilBytes(waitFor);
  return { text: data.toString('latin1'), conv };
}

export function httpdSuite(launcher: Launcher, binary: string, version: 1 | 2): void {
  describe(`${binary} (${launcher.name})`, () => {
    let server: Server;
    let port: number;
    let site: ReturnType<typeof makeSite>;
    const url = (p: string) => `http://127.0.0.1:${port}${p}`;

    beforeAll(async () => {
      site = makeSite();
      server = await launch(launcher, HTTPD(binary), ['-d', site.www]);
      port = server.port;
    });
    afterAll(async () => {
      await server?.stop('SIGKILL');
      if (site) fs.rmSync(site.root, { recursive: true, force: true });
    });

    test('GET / serves index.html with an exact head', async () => {
      const body = site.files['index.html'].toString();
      const expected = head('200 OK', HTML, body.length, true) + body;
      const { text, conv } = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: t\r\n\r\n', expected.length);
      expect(text).toBe(expected);
      conv.close();
    });

    const jsonType = version === 1 ? 'application/javascript' : 'application/json';
    const pngType = version === 1 ? 'application/octet-stream' : 'image/png';
    const TYPES: [string, string][] = [
      ['/index.html', HTML],
      ['/style.css', 'text/css'],
      ['/app.js', 'application/javascript'],
      ['/data.json', jsonType], // v1 bug: ".json" matches ".js"
      ['/notes.txt', TEXT],
      ['/logo.PNG', pngType], // v2 also compares extensions in any case
      ['/blob.bin', 'application/octet-stream'],
      ['/zero.txt', TEXT],
      ['/sub/a%20b.txt', TEXT],
    ];
    test('curl: files byte for byte with their content types', async () => {
      const dir = fs.mkdtempSync(path.join(site.root, 'dl-'));
      for (const [p, type] of TYPES) {
        const out = path.join(dir, 'body');
        const r = await curl('-o', out, '-w', '%{http_code} %{content_type} %{size_download}', url(p));
        const name = decodeURIComponent(p.slice(1));
        expect([p, r.stdout]).toEqual([p, `200 ${type} ${site.files[name].length}`]);
        expect(Buffer.compare(fs.readFileSync(out), site.files[name])).toBe(0);
      }
    });

    test('directories serve their index.html; query strings are ignored', async () => {
      for (const p of ['/sub', '/sub/', '/sub/?x=1', '//sub//', '/./sub/./']) {
        const r = await curl('-w', ' %{http_code}', url(p));
        expect([p, r.stdout]).toEqual([p, '<p>sub</p>\n 200']);
      }
      expect((await curl(url('/index.html?v=2#top'))).stdout).toBe(site.files['index.html'].toString());
    });

    test('404 for missing files and directories without an index', async () => {
      for (const p of ['/nope.html', '/noindex/', '/sub/nope', '/index.html/', '/stats/']) {
        const r = await curl('-i', url(p));
        expect([p, r.stdout]).toEqual([p, head('404 Not Found', TEXT, 14, true) + errorPage('404 Not Found')]);
      }
    });

    test('no way out of the served directory, with .. or %2e%2e', async () => {
      const attempts = [
        '/../secret.txt',
        '/%2e%2e/secret.txt',
        '/%2E%2E/secret.txt',
        '/sub/../../secret.txt',
        '/sub/%2e%2e/%2e%2e/secret.txt',
        '/..%2fsecret.txt',
        '/sub/..%2f..%2fsecret.txt',
      ];
      for (const p of attempts) {
        const { text } = await rawExchange(port, `GET ${p} HTTP/1.1\r\nHost: t\r\n\r\n`, 'close');
        expect([p, text]).toEqual([p, head('400 Bad Request', TEXT, 16, false) + errorPage('400 Bad Request')]);
      }
      // Dot segments that stay inside are fine.
      const inside = await curl('--path-as-is', '-w', ' %{http_code}', url('/sub/../sub/%2e/index.html'));
      expect(inside.stdout).toBe('<p>sub</p>\n 200');
    });

    test('HEAD: the same head as GET and no body (checked by pipelining a GET after it)', async () => {
      const css = site.files['style.css'].toString();
      const notes = site.files['notes.txt'].toString();
      const expected = head('200 OK', 'text/css', css.length, true) + head('200 OK', TEXT, notes.length, true) + notes;
      const { text, conv } = await rawExchange(
        port,
        'HEAD /style.css HTTP/1.1\r\nHost: t\r\n\r\nGET /notes.txt HTTP/1.1\r\nHost: t\r\n\r\n',
        expected.length,
      );
      expect(text).toBe(expected);
      await sleep(50);
      expect(conv.received().length).toBe(expected.length);
      conv.close();
      const r = await curl('-I', url('/missing'));
      expect(r.stdout).toBe(head('404 Not Found', TEXT, 14, true));
    });

    test('keep-alive: curl reuses one connection for two URLs', async () => {
      const r = await curl('-v', url('/notes.txt'), url('/style.css'));
      expect(r.stdout).toBe(site.files['notes.txt'].toString() + site.files['style.css'].toString());
      expect(r.stderr).toMatch(/Re-using existing connection/);
      expect(r.stderr.match(/Connected to/g)?.length).toBe(1);
    });

    test('HTTP/1.0 closes unless asked to keep alive; HTTP/1.1 closes when asked', async () => {
      const notes = site.files['notes.txt'].toString();
      const closing = head('200 OK', TEXT, notes.length, false) + notes;
      const keeping = head('200 OK', TEXT, notes.length, true) + notes;
      expect((await rawExchange(port, 'GET /notes.txt HTTP/1.0\r\n\r\n', 'close')).text).toBe(closing);
      expect((await rawExchange(port, 'GET /notes.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n', 'close')).text).toBe(closing);

      const conv = await Conversation.open(port);
      conv.send('GET /notes.txt HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n');
      await conv.untilBytes(keeping.length);
      conv.send('GET /notes.txt HTTP/1.0\r\n\r\n');
      expect((await conv.untilClosed()).toString('latin1')).toBe(keeping + closing);
    });

    test('405 for other methods, with Allow; a request body ends the connection', async () => {
      const page = errorPage('405 Method Not Allowed');
      const h405 = (keep: boolean) => head('405 Method Not Allowed', TEXT, page.length, keep, 'Allow: GET, HEAD\r\n');
      const r = await curl('-i', '-X', 'DELETE', url('/index.html'));
      expect(r.stdout).toBe(h405(true) + page);
      const { text } = await rawExchange(port, 'POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello', 'close');
      expect(text).toBe(h405(false) + page);
    });

    test('400 and 414 for malformed requests, then the connection closes', async () => {
      const bad = head('400 Bad Request', TEXT, 16, false) + errorPage('400 Bad Request');
      for (const req of [
        'BROKEN\r\n\r\n',
        'GET /\r\n\r\n',
        'GET / HTTP/1.1\r\n\r\n', // HTTP/1.1 without Host
        'GET / HTTX/1.1\r\nHost: t\r\n\r\n',
        'GET noslash HTTP/1.1\r\nHost: t\r\n\r\n',
        'GET /%zz HTTP/1.1\r\nHost: t\r\n\r\n',
        'GET /%00 HTTP/1.1\r\nHost: t\r\n\r\n',
        'GET / HTTP/1.1\r\nHost: t\r\nno colon here\r\n\r\n',
        'GET / HTTP/1.1\r\nHost: t\r\nX-Long: ' + 'a'.repeat(9000) + '\r\n\r\n',
      ]) {
        expect([req.slice(0, 40), (await rawExchange(port, req, 'close')).text]).toEqual([req.slice(0, 40), bad]);
      }
      const long = await curl('-i', url('/' + 'a'.repeat(3000)));
      expect(long.stdout).toBe(head('414 URI Too Long', TEXT, 17, false) + errorPage('414 URI Too Long'));
      const v2 = await rawExchange(port, 'GET / HTTP/2.0\r\nHost: t\r\n\r\n', 'close');
      expect(v2.text).toMatch(/^HTTP\/1\.1 505 HTTP Version Not Supported\r\n/);
      expect((await curl('-w', '%{http_code}', '-o', '/dev/null', url('/'))).stdout).toBe('200');
    });

    test('a client that does not read its big responses does not block others', async () => {
      const hog = await Conversation.open(port);
      hog.socket.pause();
      hog.send('GET /blob.bin HTTP/1.1\r\nHost: t\r\n\r\n'.repeat(4));
      await sleep(100);
      const started = Date.now();
      expect((await curl(url('/notes.txt'))).stdout).toBe(site.files['notes.txt'].toString());
      expect(Date.now() - started).toBeLessThan(launcher.startTimeoutMs);
      hog.socket.resetAndDestroy();
    });

    test('/stats counts requests (itself included) and connections', async () => {
      const s1 = await stats(port);
      await curl(url('/index.html'), url('/nope'), url('/style.css')); // one connection, three requests
      const s2 = await stats(port);
      expect(s2.requests - s1.requests).toBe(4);
      expect(s2.connections - s1.connections).toBe(2);
      expect(s2.open).toBeGreaterThanOrEqual(1);
      if (version === 1) expect(s2.bytes).toBeUndefined();
      else {
        await curl('-o', '/dev/null', url('/blob.bin'));
        const s3 = await stats(port);
        expect(s3.bytes! - s2.bytes!).toBeGreaterThan(site.files['blob.bin'].length);
      }
      const r = await curl('-i', url('/stats'));
      expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: application\/json\r\nContent-Length: \d+\r\n/);
    });

    test(`ab -n ${launcher.load.abRequests} -c 20 -k: no failed requests, all kept alive`, async () => {
      const n = launcher.load.abRequests;
      const before = await stats(port);
      const r = await exec('ab', ['-n', String(n), '-c', '20', '-k', url('/index.html')], 300_000);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Complete requests:\\s+${n}\\n`));
      expect(r.stdout).toMatch(/Failed requests:\s+0\n/);
      expect(r.stdout).toMatch(new RegExp(`Keep-Alive requests:\\s+${n}\\n`));
      expect(r.stdout).not.toMatch(/Non-2xx/);
      const after = await stats(port);
      expect(after.requests - before.requests).toBe(n + 1);
      expect(after.connections - before.connections).toBe(21);
    });

    test('wrk for two seconds with 100 connections: no errors', async () => {
      const r = await exec('wrk', ['-t', '2', '-c', '100', '-d', '2s', url('/style.css')], 60_000);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/requests in/);
      expect(r.stdout).not.toMatch(/Socket errors|Non-2xx/);
    });
  });
}

export function httpdShutdownSuite(launcher: Launcher): void {
  describe(`httpd shutdown (${launcher.name})`, () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      test(`${signal}: clean exit with a summary line`, async () => {
        const site = makeSite();
        try {
          const server = await launch(launcher, HTTPD('httpd-v1'), ['-d', site.www]);
          await curl(`http://127.0.0.1:${server.port}/`, `http://127.0.0.1:${server.port}/x`);
          const exit = await server.stop(signal);
          expect(exit.status).toBe(0);
          expect(exit.stdout).toBe(
            `httpd listening on port ${server.port}, serving ${site.www}\n` +
              'httpd: shutting down after 2 requests on 1 connections\n',
          );
        } finally {
          fs.rmSync(site.root, { recursive: true, force: true });
        }
      });
    }
  });
}
