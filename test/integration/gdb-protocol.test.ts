// The remote protocol spoken directly (no gdb), over `--gdb unix:PATH`:
// no-ack mode, the target description, Ctrl-C stopping a program blocked in
// a read, and `k` ending it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BUILD, DSU } from '../helpers/run.js';

const COUNTER = path.join(BUILD, 'counter', 'counter-v1');

function framed(payload: string): string {
  let sum = 0;
  for (const c of Buffer.from(payload, 'latin1')) sum = (sum + c) & 0xff;
  return `$${payload}#${sum.toString(16).padStart(2, '0')}`;
}

/** A minimal remote-protocol client: send a packet, await the next reply. */
class Client {
  private buffered = '';
  private waiting: ((reply: string) => void) | null = null;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffered += d.toString('latin1');
      this.deliver();
    });
  }

  private deliver(): void {
    this.buffered = this.buffered.replace(/^\+*/, '');
    const m = /^\$([^#]*)#[0-9a-f]{2}/.exec(this.buffered);
    if (!m || !this.waiting) return;
    this.buffered = this.buffered.slice(m[0].length);
    const w = this.waiting;
    this.waiting = null;
    w(m[1]);
  }

  next(): Promise<string> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.deliver();
    });
  }

  request(payload: string): Promise<string> {
    this.socket.write(framed(payload));
    return this.next();
  }
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-gdbp-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the gdb remote protocol over a Unix socket', () => {
  test('no-ack mode, target.xml, Ctrl-C while blocked in read, kill', async () => {
    const where = path.join(dir, 'gdb.sock');
    const dsu = spawn('node', [DSU, 'run', '--gdb', `unix:${where}`, COUNTER], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      dsu.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('waiting for gdb')) resolve();
      });
      dsu.on('exit', () => reject(new Error(stderr)));
    });
    expect(stderr).toContain(`unix:${where}`);
    const socket = net.connect(where);
    const c = new Client(socket);
    expect(await c.request('qSupported:multiprocess+;swbreak+')).toContain('QStartNoAckMode+');
    expect(await c.request('QStartNoAckMode')).toBe('OK');
    const stop = await c.request('?');
    expect(stop).toMatch(/^T05thread:[0-9a-f]+;/);
    const xml = await c.request('qXfer:features:read:target.xml:0,ffff');
    expect(xml[0]).toBe('l');
    expect(xml).toContain('<architecture>i386</architecture>');
    expect(xml).toContain('name="xmm7"');
    // the program runs, prints its banner and blocks reading stdin
    socket.write(framed('vCont;c'));
    await new Promise<void>((resolve) => {
      let out = '';
      dsu.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('counter ready')) resolve();
      });
    });
    socket.write(Buffer.from([0x03]));
    expect(await c.next()).toMatch(/^T02thread:[0-9a-f]+;/);
    // registers of the stopped thread: eip (register 8) is readable
    expect(await c.request('p8')).toMatch(/^[0-9a-f]{8}$/);
    socket.write(framed('k'));
    const code = await new Promise<number | null>((resolve) => dsu.on('exit', (status) => resolve(status)));
    expect(code).toBe(128 + 9);
    socket.destroy();
    expect(fs.existsSync(where)).toBe(false);
  }, 120_000);
});
