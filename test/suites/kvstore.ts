// Tests of the kvstore sample server (c-samples/kvstore) with real
// clients: redis-cli, redis-benchmark, and raw sockets for pipelining,
// protocol errors and clients that misbehave. Parameterised by the
// launcher, so the same checks run natively or under `dsu run`.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Conversation, exec, KVSTORE, launch, Launcher, Server, sleep } from '../helpers/servers.js';
import { RespClient, RespError } from '../helpers/resp.js';

/** One redis-cli invocation; --no-raw shows the reply's type. */
async function cli(port: number, ...args: string[]): Promise<string> {
  const r = await exec('redis-cli', ['--no-raw', '-p', String(port), ...args]);
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

const wrongArgs = (cmd: string) => `(error) ERR wrong number of arguments for '${cmd}' command`;
const NOT_INT = '(error) ERR value is not an integer or out of range';
const OVERFLOW = '(error) ERR increment or decrement would overflow';

/** [arguments, exact redis-cli output], run in order on an empty store. */
const ROUND_TRIPS: [string[], string][] = [
  [['PING'], 'PONG'],
  [['ping', 'hello world'], '"hello world"'],
  [['PING', 'a', 'b'], wrongArgs('ping')],
  [['ECHO', 'hi there'], '"hi there"'],
  [['ECHO'], wrongArgs('echo')],
  [['SET', 'k', 'v'], 'OK'],
  [['GET', 'k'], '"v"'],
  [['get', 'missing'], '(nil)'],
  [['GET'], wrongArgs('get')],
  [['GET', 'a', 'b'], wrongArgs('get')],
  [['SET', 'k'], wrongArgs('set')],
  [['SET', 'empty', ''], 'OK'],
  [['GET', 'empty'], '""'],
  [['APPEND', 'k', 'xyz'], '(integer) 4'],
  [['GET', 'k'], '"vxyz"'],
  [['APPEND', 'fresh', 'abc'], '(integer) 3'],
  [['APPEND', 'fresh'], wrongArgs('append')],
  [['EXISTS', 'k', 'k', 'missing', 'empty'], '(integer) 3'],
  [['EXISTS'], wrongArgs('exists')],
  [['DBSIZE'], '(integer) 3'],
  [['DEL', 'k', 'missing', 'empty', 'k'], '(integer) 2'],
  [['EXISTS', 'k'], '(integer) 0'],
  [['DBSIZE'], '(integer) 1'],
  [['SET', 'n', '10'], 'OK'],
  [['INCR', 'n'], '(integer) 11'],
  [['DECR', 'n'], '(integer) 10'],
  [['DECR', 'n'], '(integer) 9'],
  [['GET', 'n'], '"9"'],
  [['INCR', 'new1'], '(integer) 1'],
  [['DECR', 'new2'], '(integer) -1'],
  [['INCR', 'fresh'], NOT_INT],
  [['SET', 'max', '9223372036854775807'], 'OK'],
  [['INCR', 'max'], OVERFLOW],
  [['SET', 'min', '-9223372036854775808'], 'OK'],
  [['DECR', 'min'], OVERFLOW],
  [['INCR'], wrongArgs('incr')],
  [['SET', 'e', 'v', 'EX', '100'], 'OK'],
  [['SET', 'e', 'v', 'PX', '100000'], 'OK'],
  [['SET', 'e', 'v', 'EX', '0'], "(error) ERR invalid expire time in 'set' command"],
  [['SET', 'e', 'v', 'PX', '-5'], "(error) ERR invalid expire time in 'set' command"],
  [['SET', 'e', 'v', 'EX', 'soon'], NOT_INT],
  [['SET', 'e', 'v', 'EX'], '(error) ERR syntax error'],
  [['SET', 'e', 'v', 'EX', '1', 'PX', '1'], '(error) ERR syntax error'],
  [['SET', 'e', 'v', 'BOGUS'], '(error) ERR syntax error'],
  [['SET', 'e', 'v2', 'NX'], '(nil)'],
  [['SET', 'e', 'v2', 'XX'], 'OK'],
  [['GET', 'e'], '"v2"'],
  [['SET', 'nothere', 'v', 'XX'], '(nil)'],
  [['SET', 'nx', 'v', 'nx'], 'OK'],
  [['SELECT', '0'], 'OK'],
  [['SELECT', '1'], '(error) ERR DB index is out of range'],
  [['FLUSHALL'], 'OK'],
  [['DBSIZE'], '(integer) 0'],
  [['FLUSHALL', 'ASYNC'], 'OK'],
  [['FLUSHALL', 'NOW'], '(error) ERR syntax error'],
  [['CONFIG', 'GET', 'save'], '1) "save"\n2) ""'],
  [['config', 'get', 'appendonly'], '1) "appendonly"\n2) "no"'],
  [['CONFIG', 'GET', 'maxmemory'], '(empty array)'],
  [['CONFIG', 'GET'], wrongArgs('config|get')],
  [['CONFIG', 'SET', 'save', ''], "(error) ERR unknown subcommand 'SET'. Try CONFIG HELP."],
  [['COMMAND'], '(empty array)'],
  [['COMMAND', 'DOCS'], '(empty array)'],
  [['CLIENT', 'SETNAME', 'tester'], 'OK'],
  [['CLIENT', 'SETNAME', 'two words'], '(error) ERR Client names cannot contain spaces, newlines or special characters.'],
  [['CLIENT', 'GETNAME'], '(nil)'],
  [['CLIENT', 'SETNAME'], wrongArgs('client|setname')],
  [['CLIENT', 'KILL'], "(error) ERR unknown subcommand 'KILL'. Try CLIENT HELP."],
  [['foo'], "(error) ERR unknown command 'foo', with args beginning with: "],
  [['foo', 'a', 'b c'], "(error) ERR unknown command 'foo', with args beginning with: 'a' 'b c' "],
];

export function kvstoreSuite(launcher: Launcher, binary: string, version: 1 | 2 | 3): void {
  describe(`${binary} (${launcher.name})`, () => {
    let server: Server;
    let port: number;

    beforeAll(async () => {
      server = await launch(launcher, KVSTORE(binary));
      port = server.port;
    });
    afterAll(async () => {
      await server?.stop('SIGKILL');
    });

    test('redis-cli round trips: every command and error reply, exactly', async () => {
      const got: [string[], string][] = [];
      for (const [args] of ROUND_TRIPS) got.push([args, await cli(port, ...args)]);
      expect(got).toEqual(ROUND_TRIPS);
    });

    test('CLIENT INFO and INFO describe the connection and the server', async () => {
      expect(await cli(port, 'CLIENT', 'INFO')).toMatch(/^"?id=\d+ addr=127\.0\.0\.1:\d+ fd=\d+ name= db=0/);
      const c = await RespClient.open(port);
      expect(await c.call('CLIENT', 'SETNAME', 'me')).toBe('OK');
      expect(await c.call('CLIENT', 'GETNAME')).toBe('me');
      expect(await c.call('CLIENT', 'INFO')).toMatch(/ name=me db=0\n$/);
      expect(typeof (await c.call('CLIENT', 'ID'))).toBe('number');
      const info = (await c.call('INFO')) as string;
      expect(info).toContain(`kvstore_version:${version}\r\n`);
      expect(info).toMatch(/connected_clients:\d+\r\n/);
      c.close();
    });

    test('values are binary safe, large values survive partial writes', async () => {
      const c = await RespClient.open(port);
      const binary = Buffer.from([0, 1, 13, 10, 255, 36, 42, 0]).toString('latin1');
      expect(await c.call('SET', 'bin\r\nkey', binary)).toBe('OK');
      expect(await c.call('GET', 'bin\r\nkey')).toBe(binary);
      const big = 'x'.repeat(1024 * 1024) + 'end';
      expect(await c.call('SET', 'big', big)).toBe('OK');
      expect(await c.call('GET', 'big')).toBe(big);
      expect(await c.call('APPEND', 'big', '!')).toBe(big.length + 1);
      // 32 pipelined GETs of 1 MiB, more than the socket buffers hold: the
      // server must hold back (output high-water mark) and then deliver all.
      c.send(...Array.from({ length: 32 }, () => ['GET', 'big']));
      const replies = await c.replies(32, 60_000);
      expect(replies.every((r) => r === big + '!')).toBe(true);
      expect(await c.call('DEL', 'big', 'bin\r\nkey')).toBe(2);
      c.close();
    });

    test('pipelining: many commands in one write, inline and multibulk mixed', async () => {
      const conv = await Conversation.open(port);
      conv.send(
        'PING\r\nPING\r\n' +
          '*3\r\n$3\r\nSET\r\n$2\r\npk\r\n$5\r\nhello\r\n' +
          'GET pk\r\n' +
          '\r\n' + // an empty inline line is skipped, like Redis
          'SET q "a b\\x41\\n"\r\n' +
          "GET 'q'\r\n" +
          '*0\r\n' +
          '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n' +
          'DEL pk q\n',
      );
      const expected = '+PONG\r\n+PONG\r\n+OK\r\n$5\r\nhello\r\n+OK\r\n$5\r\na bA\n\r\n$0\r\n\r\n:2\r\n';
      const got = await conv.untilBytes(expected.length);
      expect(got.toString('latin1')).toBe(expected);
      conv.close();
    });

    test('a request split across many reads is answered once complete', async () => {
      const conv = await Conversation.open(port);
      const req = '*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$10\r\n0123456789\r\n*2\r\n$3\r\nGET\r\n$5\r\nsplit\r\n';
      for (let i = 0; i < req.length; i++) {
        conv.send(req[i]);
        if (i % 7 === 0) await sleep(2);
        if (i === 20) expect(conv.received().length).toBe(0);
      }
      const expected = '+OK\r\n$10\r\n0123456789\r\n';
      expect((await conv.untilBytes(expected.length)).toString('latin1')).toBe(expected);
      conv.close();
    });

    const PROTOCOL_ERRORS: [string, string, string][] = [
      ['a non-$ argument', 'PING\r\n*2\r\n$3\r\nGET\r\n:1\r\n', "+PONG\r\n-ERR Protocol error: expected '$', got ':'\r\n"],
      ['a bad multibulk count', '*abc\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
      ['a huge multibulk count', '*99999999\r\n', '-ERR Protocol error: invalid multibulk length\r\n'],
      ['a negative bulk length', '*1\r\n$-5\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
      ['a bad bulk length', '*1\r\n$x\r\n', '-ERR Protocol error: invalid bulk length\r\n'],
      ['unbalanced quotes', 'SET a "b\r\n', '-ERR Protocol error: unbalanced quotes in request\r\n'],
      ['an endless inline line', 'A'.repeat(70 * 1024), '-ERR Protocol error: too big inline request\r\n'],
    ];
    for (const [what, sent, reply] of PROTOCOL_ERRORS) {
      test(`protocol error (${what}): replied like Redis, then disconnected`, async () => {
        const conv = await Conversation.open(port);
        conv.send(sent);
        const got = await conv.untilClosed();
        expect(got.toString('latin1')).toBe(reply);
        expect(await cli(port, 'PING')).toBe('PONG');
      });
    }

    test('random garbage and clients vanishing mid-request do not hurt the server', async () => {
      let seed = 12345;
      const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
      for (let i = 0; i < 20; i++) {
        const conv = await Conversation.open(port);
        conv.send(Buffer.from(Array.from({ length: 1 + (rnd() % 4096) }, () => rnd() & 255)));
        if (i % 2) conv.socket.resetAndDestroy();
        else conv.close();
      }
      // Half a request, then gone: nothing of it may take effect.
      for (const cut of ['*3\r\n$3\r\nSET\r\n$4\r\nhalf', '*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$1\r\n', 'SET half 1']) {
        const conv = await Conversation.open(port);
        conv.send(cut);
        await sleep(20);
        conv.close();
      }
      // A client that pipelines big replies and leaves without reading.
      const greedy = await RespClient.open(port);
      expect(await greedy.call('SET', 'blob', 'z'.repeat(1 << 20))).toBe('OK');
      greedy.send(...Array.from({ length: 50 }, () => ['GET', 'blob']));
      await sleep(50);
      greedy.conv.socket.resetAndDestroy();
      await sleep(50);
      expect(await cli(port, 'GET', 'half')).toBe('(nil)');
      expect(await cli(port, 'DEL', 'blob')).toBe('(integer) 1');
      expect(await cli(port, 'PING')).toBe('PONG');
    });

    test('keys expire: lazily on access and by the periodic sweep', async () => {
      const c = await RespClient.open(port);
      expect(await c.call('SET', 'soon', 'v', 'PX', '100')).toBe('OK');
      expect(await c.call('GET', 'soon')).toBe('v');
      expect(await c.call('SET', 'later', '5', 'EX', '1000')).toBe('OK');
      expect(await c.call('INCR', 'later')).toBe(6); // INCR keeps the TTL...
      c.send(...Array.from({ length: 300 }, (_, i) => ['SET', `tmp:${i}`, 'x', 'PX', '50']));
      await c.replies(300);
      const before = (await c.call('DBSIZE')) as number;
      expect(before).toBeGreaterThanOrEqual(302);
      await sleep(300);
      expect(await c.call('GET', 'soon')).toBe(null);
      // ...and nobody touched tmp:*, so only the sweep can have removed them.
      await sleep(1200);
      expect(await c.call('DBSIZE')).toBe(before - 301);
      expect(await c.call('GET', 'later')).toBe('6');
      expect(await c.call('DEL', 'later')).toBe(1);
      c.close();
    });

    test(`${launcher.load.connections} concurrent connections, each doing SET and GET`, async () => {
      const n = launcher.load.connections;
      expect(await cli(port, 'FLUSHALL')).toBe('OK');
      await sleep(100); // let the server see earlier clients go
      const clients = await Promise.all(Array.from({ length: n }, () => RespClient.open(port)));
      const results = await Promise.all(
        clients.map(async (c, i) => [await c.call('SET', `conn:${i}`, `value:${i}`), await c.call('GET', `conn:${i}`)]),
      );
      results.forEach(([set, get], i) => {
        expect(set).toBe('OK');
        expect(get).toBe(`value:${i}`);
      });
      expect(await clients[n - 1].call('EXISTS', 'conn:0', `conn:${n - 1}`)).toBe(2);
      // Every socket has had a reply, so the server has accepted them all
      // (a connect() completes as soon as the kernel queues it).
      const info = (await clients[0].call('INFO')) as string;
      expect(info).toContain(`connected_clients:${n}\r\n`);
      clients.forEach((c) => c.close());
      await sleep(100);
      expect(await cli(port, 'DBSIZE')).toBe(`(integer) ${n}`);
      expect(await cli(port, 'FLUSHALL')).toBe('OK');
    });

    for (const pipeline of [1, 16]) {
      test(`redis-benchmark -P ${pipeline} -c 50: every request answered, no errors`, async () => {
        const before = await commandsProcessed(port);
        const n = launcher.load.benchRequests;
        const r = await exec(
          'redis-benchmark',
          ['-p', String(port), '-t', 'ping,set,get,incr', '-n', String(n), '-c', '50', '-P', String(pipeline), '--csv'],
          300_000,
        );
        expect(r.stderr).not.toMatch(/error/i);
        expect(r.status).toBe(0);
        const rows = r.stdout.trim().split('\n').slice(1).map((l) => l.split(',').map((f) => f.replace(/"/g, '')));
        expect(rows.map((row) => row[0])).toEqual(['PING_INLINE', 'PING_MBULK', 'SET', 'GET', 'INCR']);
        for (const row of rows) expect(Number(row[1])).toBeGreaterThan(0);
        // PING_INLINE is not a multibulk but counts all the same.
        expect((await commandsProcessed(port)) - before).toBeGreaterThanOrEqual(5 * n);
        expect(await cli(port, 'GET', 'key:__rand_int__')).toMatch(/^"[^"]{3}"$/); // -d 3
        expect(await cli(port, 'GET', 'counter:__rand_int__')).toBe(`"${n}"`);
        expect(await cli(port, 'FLUSHALL')).toBe('OK');
      });
    }
  });
}

async function commandsProcessed(port: number): Promise<number> {
  const info = await cli(port, 'INFO');
  const m = /total_commands_processed:(\d+)/.exec(info);
  if (!m) throw new Error(`no total_commands_processed in INFO: ${info}`);
  return Number(m[1]);
}

/** What changes between the versions: v1's bug, v2's INCRBY, v3's HITS. */
export function kvstoreVersionSuite(launcher: Launcher): void {
  const servers: Record<string, Server> = {};
  const port = (v: string) => servers[v].port;

  describe(`kvstore versions (${launcher.name})`, () => {
    beforeAll(async () => {
      for (const v of ['v1', 'v2', 'v3']) servers[v] = await launch(launcher, KVSTORE(`kvstore-${v}`));
    });
    afterAll(async () => {
      await Promise.all(Object.values(servers).map((s) => s.stop('SIGKILL')));
    });

    // Values Redis refuses as integers, and what v1 wrongly makes of them.
    const LENIENT: [string, string][] = [
      [' 41', '(integer) 42'],
      ['41 ', NOT_INT], // strtoll stops at the space: v1 rejects this one
      ['+41', '(integer) 42'],
      ['0041', '(integer) 42'],
      ['99999999999999999999', OVERFLOW], // clamped to LLONG_MAX by v1
    ];

    test('v1 bug: INCR accepts non-canonical integers (strtoll)', async () => {
      for (const [stored, v1reply] of LENIENT) {
        expect(await cli(port('v1'), 'SET', 'n', stored)).toBe('OK');
        expect([stored, await cli(port('v1'), 'INCR', 'n')]).toEqual([stored, v1reply]);
      }
      expect(await cli(port('v1'), 'SET', 'ttl', 'x', 'EX', ' 10')).toBe('OK');
    });

    test('v2 and v3 fix it: the same values are not integers', async () => {
      for (const v of ['v2', 'v3']) {
        for (const [stored] of LENIENT) {
          expect(await cli(port(v), 'SET', 'n', stored)).toBe('OK');
          expect([v, stored, await cli(port(v), 'INCR', 'n')]).toEqual([v, stored, NOT_INT]);
        }
        expect(await cli(port(v), 'SET', 'ttl', 'x', 'EX', ' 10')).toBe(NOT_INT);
        expect(await cli(port(v), 'SET', 'n', '-0')).toBe('OK');
        expect(await cli(port(v), 'INCR', 'n')).toBe(NOT_INT);
        expect(await cli(port(v), 'SET', 'n', '0')).toBe('OK');
        expect(await cli(port(v), 'INCR', 'n')).toBe('(integer) 1');
      }
    });

    test('INCRBY is new in v2', async () => {
      expect(await cli(port('v1'), 'INCRBY', 'c', '5')).toBe(
        "(error) ERR unknown command 'INCRBY', with args beginning with: 'c' '5' ",
      );
      for (const v of ['v2', 'v3']) {
        const p = port(v);
        expect(await cli(p, 'DEL', 'c')).toMatch(/^\(integer\) [01]$/);
        expect(await cli(p, 'INCRBY', 'c', '5')).toBe('(integer) 5');
        expect(await cli(p, 'INCRBY', 'c', '-12')).toBe('(integer) -7');
        expect(await cli(p, 'INCRBY', 'c', '+1')).toBe(NOT_INT);
        expect(await cli(p, 'INCRBY', 'c', 'x')).toBe(NOT_INT);
        expect(await cli(p, 'INCRBY', 'c')).toBe(wrongArgs('incrby'));
        expect(await cli(p, 'SET', 'c', '9223372036854775800')).toBe('OK');
        expect(await cli(p, 'INCRBY', 'c', '8')).toBe(OVERFLOW);
        expect(await cli(p, 'INCRBY', 'c', '7')).toBe('(integer) 9223372036854775807');
        expect(await cli(p, 'INCRBY', 'c', '-9223372036854775808')).toBe('(integer) -1');
      }
    });

    test('HITS is new in v3: GETs that found the key', async () => {
      for (const v of ['v1', 'v2']) {
        expect(await cli(port(v), 'HITS', 'h')).toBe("(error) ERR unknown command 'HITS', with args beginning with: 'h' ");
      }
      const c = await RespClient.open(port('v3'));
      expect(await c.call('HITS', 'h')).toBe(null);
      expect(await c.call('SET', 'h', 'v')).toBe('OK');
      expect(await c.call('HITS', 'h')).toBe(0);
      c.send(['GET', 'h'], ['GET', 'h'], ['GET', 'h'], ['EXISTS', 'h'], ['GET', 'nope']);
      expect(await c.replies(5)).toEqual(['v', 'v', 'v', 1, null]);
      expect(await c.call('HITS', 'h')).toBe(3);
      expect(await c.call('SET', 'h', 'w')).toBe('OK'); // same entry, new value
      expect(await c.call('GET', 'h')).toBe('w');
      expect(await c.call('HITS', 'h')).toBe(4);
      expect(await c.call('DEL', 'h')).toBe(1);
      expect(await c.call('SET', 'h', 'x')).toBe('OK'); // a new entry
      expect(await c.call('HITS', 'h')).toBe(0);
      expect(await c.call('HITS')).toEqual(new RespError("ERR wrong number of arguments for 'hits' command"));
      c.close();
    });
  });
}

/** SIGINT and SIGTERM stop the loop; the server says goodbye and exits 0. */
export function kvstoreShutdownSuite(launcher: Launcher): void {
  describe(`kvstore shutdown (${launcher.name})`, () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      test(`${signal}: clean exit with a summary line`, async () => {
        const server = await launch(launcher, KVSTORE('kvstore-v1'));
        const c = await RespClient.open(server.port);
        expect(await c.call('SET', 'a', '1')).toBe('OK');
        expect(await c.call('SET', 'b', '2')).toBe('OK');
        const exit = await server.stop(signal);
        expect(exit.status).toBe(0);
        expect(exit.stdout).toBe(
          `kvstore listening on port ${server.port}\n` + 'kvstore: shutting down after 2 commands on 1 connections, 2 keys\n',
        );
        await c.conv.untilClosed();
      });
    }
  });
}
