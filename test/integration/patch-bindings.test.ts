// What a patch's names bind to once earlier patches took state over: a
// static the patch only declares (`extern unsigned long nkeys;`) must reach
// the live copy, which after a patch of store.c is that patch's, not the
// program's storage that nothing updates any more.
import { afterEach, expect, test } from 'vitest';
import { PATCH } from '../helpers/patch-cases.js';
import { DsuProgram, applyOk } from '../helpers/patching.js';
import { startKvstore } from '../helpers/patch-targets.js';
import { KVSTORE } from '../helpers/servers.js';
import { RespClient } from '../helpers/resp.js';

let running: { dsu: DsuProgram; client: RespClient } | null = null;

afterEach(async () => {
  running?.client.conv.socket.destroy();
  await running?.dsu.stop();
  running = null;
});

async function start(): Promise<RespClient> {
  const { dsu, port } = await startKvstore(KVSTORE('kvstore-v1'));
  running = { dsu, client: await RespClient.open(port) };
  return running.client;
}

test('a declared static binds to the copy an earlier patch took over', async () => {
  const kv = await start();
  expect(await kv.call('SET', 'a', '1')).toBe('OK');
  expect(await kv.call('SET', 'b', '2')).toBe('OK');

  const store = await applyOk(running!.dsu.socket, PATCH('kvstore-store-again'));
  expect(store.carried).toContain('store.c:nkeys');
  expect(await kv.call('SET', 'c', '3')).toBe('OK');
  expect(await kv.call('DBSIZE')).toBe(3);

  const size = await applyOk(running!.dsu.socket, PATCH('kvstore-extern-static'));
  expect(size.replaced.map((r) => r.function)).toEqual(['store_size']);
  expect(await kv.call('SET', 'd', '4')).toBe('OK');
  expect(await kv.call('DEL', 'a')).toBe(1);
  // 3 keys: the new store_size reads the count store.c's patched code keeps
  expect(await kv.call('DBSIZE')).toBe(3);
});

test('without an earlier patch, the same declaration binds to the program\'s own static', async () => {
  const kv = await start();
  expect(await kv.call('SET', 'a', '1')).toBe('OK');
  await applyOk(running!.dsu.socket, PATCH('kvstore-extern-static'));
  expect(await kv.call('SET', 'b', '2')).toBe('OK');
  expect(await kv.call('DBSIZE')).toBe(2);
});
