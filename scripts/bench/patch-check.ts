// The `patching` group's proof that the server still works: a fixed
// conversation with kvstore v1 whose every reply is known, run before and
// after the patches. Keys written by an earlier check must still be there
// (the store's statics were carried from version to version), and INFO's
// counters (carried too) must have moved by exactly what this check sent.
import { BenchFailure } from './matrix.js';
import { Reply, RespClient, RespError } from './patch-resp.js';

interface Info {
  processed: number;
  connections: number;
  clients: number;
  keys: number;
}

function parseInfo(reply: Reply): Info {
  if (typeof reply !== 'string') throw new BenchFailure(`INFO: expected a bulk string, got ${JSON.stringify(reply)}`);
  const field = (name: string): number => {
    const m = new RegExp(`${name}[:=](\\d+)`).exec(reply);
    if (!m) throw new BenchFailure(`INFO has no ${name}: ${JSON.stringify(reply)}`);
    return Number(m[1]);
  };
  return { processed: field('total_commands_processed'), connections: field('total_connections_received'), clients: field('connected_clients'), keys: field('keys') };
}

const err = (message: string): Reply => new RespError(message);

/**
 * Runs the conversation on one connection (keys chk:TAG:*) and checks every
 * reply; `earlier` are tags of checks run before on the same server, whose
 * keys must have survived. Only this check may be talking to the server.
 */
export async function checkKvstore(port: number, tag: string, earlier: string[], what: string): Promise<void> {
  const client = await RespClient.connect(port);
  const k = (name: string): string => `chk:${tag}:${name}`;
  let counted = 0;
  const step = async (args: string[], expected: Reply | ((r: Reply) => boolean), counts = true): Promise<Reply> => {
    const reply = await client.call(...args);
    const ok = typeof expected === 'function' ? expected(reply) : JSON.stringify(reply) === JSON.stringify(expected);
    if (!ok) {
      throw new BenchFailure(`${what}: kvstore answered ${args.join(' ')} with ${JSON.stringify(reply)}` +
        (typeof expected === 'function' ? '' : `, expected ${JSON.stringify(expected)}`));
    }
    if (counts) counted++;
    return reply;
  };
  try {
    const before = parseInfo(await client.call('INFO'));
    // read through functions a patch may have re-bound to the live statics: zero would mean stale storage
    if (before.clients < 1 || before.connections < 1) {
      throw new BenchFailure(`${what}: INFO says connected_clients ${before.clients}, total_connections_received ${before.connections} while this check is connected`);
    }
    for (const t of earlier) await step(['GET', `chk:${t}:a`], 'v1xyz');
    await step(['PING'], 'PONG');
    await step(['ECHO', 'hello'], 'hello');
    await step(['SET', k('a'), 'v1'], 'OK');
    await step(['GET', k('a')], 'v1');
    await step(['APPEND', k('a'), 'xyz'], 5);
    await step(['GET', k('a')], 'v1xyz');
    await step(['INCR', k('n')], 1);
    await step(['INCR', k('n')], 2);
    await step(['DECR', k('n')], 1);
    await step(['INCR', k('a')], err('ERR value is not an integer or out of range'));
    await step(['EXISTS', k('a'), k('n'), k('missing')], 2);
    await step(['SET', k('t'), 'v', 'EX', '100'], 'OK');
    await step(['GET', k('t')], 'v');
    await step(['DEL', k('t'), k('missing')], 1);
    await step(['GET', k('t')], null);
    await step(['NOSUCH', 'x'], err("ERR unknown command 'NOSUCH', with args beginning with: 'x' "), false);
    await step(['GET'], err("ERR wrong number of arguments for 'get' command"), false);
    await step(['DBSIZE'], before.keys + 2);
    const after = parseInfo(await client.call('INFO'));
    counted++; // INFO counts itself
    const expect = (name: string, got: number, want: number): void => {
      if (got !== want) throw new BenchFailure(`${what}: INFO ${name} is ${got}, expected ${want} (it was ${name === 'keys' ? before.keys : before.processed} before this check)`);
    };
    expect('total_commands_processed', after.processed, before.processed + counted);
    expect('total_connections_received', after.connections, before.connections);
    expect('keys', after.keys, before.keys + 2);
  } finally {
    client.close();
  }
}
