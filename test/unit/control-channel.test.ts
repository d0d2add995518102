// The control channel without a guest: a real server on a Unix socket with
// handlers registered explicitly, the real client, and the command table
// both use. Arguments are read and checked once, the same way on both
// sides; errors cross the wire by type (the patcher's own refusals as they
// are, anything else as an internal error).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ControlServer } from '../../control/server.js';
import { callControl } from '../../control/client.js';
import { COMMANDS } from '../../control/commands.js';
import { ControlError, errorMessage, parseRequest } from '../../control/protocol.js';
import { PatcherError } from '../../patcher/errors.js';

let dir: string;
let server: ControlServer;
let socket: string;
const seen: unknown[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-control-'));
  socket = path.join(dir, 'control.sock');
  server = new ControlServer(socket, () => {});
  await server.listen();
  seen.length = 0;
});

afterEach(() => {
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** One raw request line, as a client that bypasses callControl would send it. */
function raw(line: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const s = net.connect(socket, () => s.write(line + '\n'));
    let buffer = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      buffer += d;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        s.end();
        resolve(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      }
    });
    s.on('error', reject);
  });
}

describe('control channel', () => {
  test('a registered command answers with its typed result; its arguments arrive read, with defaults', async () => {
    server.register({
      ping: () => ({ pid: 42, program: '/bin/x', exited: false }),
      rollback: (args) => {
        seen.push(args);
        throw new PatcherError('no patch to roll back');
      },
    });
    expect(await callControl(socket, 'ping', {})).toEqual({ pid: 42, program: '/bin/x', exited: false });
    await expect(callControl(socket, 'rollback', { force: true })).rejects.toThrow(new ControlError('no patch to roll back'));
    expect(seen).toEqual([{ timeoutMs: 5000, transferTimeoutMs: 5000, force: true }]);
  });

  test('a command nobody registered is unknown; so is one outside the table', async () => {
    server.register({ ping: () => ({ pid: 1, program: '', exited: false }) });
    await expect(callControl(socket, 'status', {})).rejects.toThrow('unknown command status');
    expect(await raw('{"id":7,"cmd":"format-disk"}')).toEqual({ v: 1, id: 7, ok: false, error: 'unknown command format-disk' });
  });

  test('bad arguments are refused by the server before any handler runs, and by the client before connecting', async () => {
    server.register({ patch: (args) => { seen.push(args); throw new Error('not reached'); } });
    expect(await raw('{"id":3,"cmd":"patch","args":{"path":"fix.so"}}')).toEqual({ v: 1, id: 3, ok: false, error: 'patch needs an absolute path' });
    expect(await raw('{"id":4,"cmd":"patch","args":{"path":"/fix.so","timeoutMs":-1}}')).toEqual({ v: 1, id: 4, ok: false, error: 'timeoutMs must be a positive number' });
    expect(seen).toEqual([]);
    await expect(callControl(path.join(dir, 'nobody.sock'), 'patch', { path: 'relative.so' })).rejects.toThrow('patch needs an absolute path');
  });

  test('an error that is not a known refusal is reported as internal, with its message', async () => {
    server.register({ status: () => { throw new TypeError('x is undefined'); } });
    await expect(callControl(socket, 'status', {})).rejects.toThrow('internal error: x is undefined');
  });

  test('the protocol is versioned: answers carry the version; a request of another version is refused before any handler runs', async () => {
    server.register({ ping: () => { seen.push('ping'); return { pid: 1, program: '', exited: false }; } });
    expect(await raw('{"v":1,"id":5,"cmd":"ping"}')).toEqual({ v: 1, id: 5, ok: true, result: { pid: 1, program: '', exited: false } });
    expect(await raw('{"id":6,"cmd":"ping"}')).toMatchObject({ v: 1, id: 6, ok: true });
    expect(await raw('{"v":2,"id":7,"cmd":"ping"}')).toEqual({
      v: 1, id: 7, ok: false, error: 'control protocol version 2 is not spoken here (this dsu speaks version 1): use a client of the same dsu release',
    });
    expect(seen).toEqual(['ping', 'ping']);
  });

  test('registering a command twice is refused', () => {
    server.register({ ping: () => ({ pid: 1, program: '', exited: false }) });
    expect(() => server.register({ ping: () => ({ pid: 2, program: '', exited: false }) })).toThrow(/registered twice/);
  });
});

describe('protocol pieces', () => {
  test('requests need an id, a command and object arguments', () => {
    expect(parseRequest('{"id":1,"cmd":"ping"}')).toEqual({ id: 1, cmd: 'ping' });
    expect(() => parseRequest('not json')).toThrow('malformed request (not JSON)');
    expect(() => parseRequest('{"cmd":"ping"}')).toThrow('malformed request (needs id and cmd)');
    expect(() => parseRequest('{"id":1,"cmd":"ping","args":[1]}')).toThrow('malformed request (args)');
  });

  test('errors are recognised by their type, not their name', () => {
    const impostor = Object.assign(new Error('looks like one'), { name: 'PatcherError' });
    expect(errorMessage(new PatcherError('not safe within 5 ms'))).toBe('not safe within 5 ms');
    expect(errorMessage(new ControlError('malformed request (args)'))).toBe('malformed request (args)');
    expect(errorMessage(impostor)).toBe('internal error: looks like one');
  });

  test('the table reads each command the same way on both sides', () => {
    expect(COMMANDS.got.read({})).toEqual({});
    expect(COMMANDS.got.read({ module: 'libc.so.6' })).toEqual({ module: 'libc.so.6' });
    expect(() => COMMANDS.got.read({ module: 3 })).toThrow('got: module must be a string');
    expect(() => COMMANDS.rollback.read({ force: 'yes' })).toThrow('force must be true or false');
    expect(COMMANDS.patch.read({ path: '/p.so', relaxed: true })).toEqual({ path: '/p.so', timeoutMs: 5000, transferTimeoutMs: 5000, relaxed: true, updatePoints: false, unsafeTypes: false });
    expect(COMMANDS.check.read({ path: '/p.so', unsafeTypes: true })).toEqual({ path: '/p.so', timeoutMs: 5000, transferTimeoutMs: 5000, relaxed: false, updatePoints: false, unsafeTypes: true });
  });
});
