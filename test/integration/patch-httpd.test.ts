// httpd v1 updated to v2 while `ab -k` keeps it busy: no failed or non-2xx
// request, the /stats request count carried on (every request counted once,
// none lost, none reset), and v2's changes live afterwards (the "bytes"
// counter, JSON served as application/json).
import { afterEach, expect, test } from 'vitest';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, applyOk, statusCli } from '../helpers/patching.js';
import { httpGet, httpdStats, makeSmallSite, startHttpd } from '../helpers/patch-targets.js';
import { AbRun, ClientLoop, abRun, expectCleanAb, untilCountGrows } from '../helpers/patch-load.js';
import { Conversation, HTTPD } from '../helpers/servers.js';

let server: DsuProgram | null = null;
let site: ReturnType<typeof makeSmallSite> | null = null;
let load: ClientLoop<AbRun> | null = null;
let held: Conversation | null = null;

afterEach(async () => {
  await load?.abort();
  held?.close();
  await server?.stop();
  site?.remove();
  server = site = load = held = null;
});

/** GET on the connection opened before the update; resolves with the body. */
async function getOnHeld(conv: Conversation, target: string): Promise<string> {
  conv.send(`GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  const buf = await conv.until((c) => {
    const text = c.received().toString('latin1');
    const end = text.indexOf('\r\n\r\n');
    const m = /Content-Length: (\d+)/.exec(text);
    return end >= 0 && m !== null && text.length >= end + 4 + Number(m[1]);
  }, 60_000, `the answer to GET ${target}`);
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const length = Number(/Content-Length: (\d+)/.exec(text)![1]);
  expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(text.slice(0, end)).toMatch(/\r\nConnection: keep-alive$/);
  conv.consume(end + 4 + length);
  return text.slice(end + 4, end + 4 + length);
}

test('v1 -> v2 under ab -k load: no failures, /stats counts on, v2 fields appear', async () => {
  site = makeSmallSite();
  const started = await startHttpd(HTTPD('httpd-v1'), site.dir);
  server = started.dsu;
  const port = started.port;

  held = await Conversation.open(port);
  expect(await getOnHeld(held, '/index.html')).toBe(site.files['index.html']);
  const json = await httpGet(port, '/data.json');
  expect(json.headers['content-type']).toBe('application/javascript'); // v1's bug
  const before = await httpdStats(port);
  expect(before.bytes).toBeUndefined();
  expect(before.requests).toBe(3);

  // every /stats request is a request too: count them to know the exact total
  let statsCalls = 0;
  const requests = async (): Promise<number> => {
    statsCalls++;
    return (await httpdStats(port)).requests;
  };
  load = new ClientLoop(() => abRun(port, '/index.html'));
  await untilCountGrows(requests, 200);
  const report = await applyOk(server.socket, PATCH('httpd-v1-v2'));
  expect(report.replaced.map((f) => f.function)).toEqual(expect.arrayContaining(['content_type_for', 'stats_render']));
  expect(report.carried).toEqual(expect.arrayContaining(['stats.c:requests', 'stats.c:connections']));
  expect(await getOnHeld(held, '/style.css')).toBe(site.files['style.css']);
  const runs = await load.finish(1);
  load = null;
  expect(runs.length).toBeGreaterThanOrEqual(2);
  runs.forEach(expectCleanAb);

  const after = await httpdStats(port);
  const answered = runs.reduce((sum, r) => sum + r.complete, 0);
  // before's own count, the ab runs, the polls, the GET on the held connection, and this /stats
  expect(after.requests).toBe(before.requests + answered + statsCalls + 1 + 1);
  expect(after.connections).toBeGreaterThanOrEqual(before.connections + 20 * runs.length);
  // "bytes" is new storage in v2: it counts from the update on (at least the last full ab run's responses)
  expect(after.bytes).toBeGreaterThan(2000 * site.files['index.html'].length);

  expect((await httpGet(port, '/data.json')).headers['content-type']).toBe('application/json');
  expect(await getOnHeld(held, '/index.html')).toBe(site.files['index.html']);
  expect(held.isClosed()).toBe(false);
  expect((await statusCli(server.socket)).patches.map((p) => p.id)).toEqual([report.id]);
}, 600_000);
