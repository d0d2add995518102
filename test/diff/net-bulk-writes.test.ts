// A blocking socket write returns only when all of it is sent: a client that
// reads slowly must get 4 x 10 MiB from write, send, writev and sendfile,
// each reporting the full count, under dsu as natively (the host socket
// under it is non-blocking and takes only what fits at a time).
import { describe, expect, test } from 'vitest';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BUILD, DSU } from '../helpers/run.js';

const PROGRAM = path.join(BUILD, 'programs', 'bulk_sender');
const SIZE = 10 << 20;

function pattern(): Buffer {
  const b = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) b[i] = (i * 7 + (i >> 12)) & 0xff;
  return b;
}

/** Run the sender, read everything it sends with pauses, return its report and a digest of the bytes. */
function run(argv: string[]): Promise<{ report: string; received: number; digest: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    let out = '';
    let received = 0;
    const hash = crypto.createHash('sha256');
    // done when the sender has exited and the slow reader has seen the end
    // of the stream (not after a fixed delay: under load the reader may still
    // be draining what the sender wrote before it exited)
    let exited = false;
    let drained = false;
    const finish = (): void => {
      if (!exited || !drained) return;
      clearTimeout(timer);
      resolve({ report: out.replace(/^ready \d+\n/, ''), received, digest: hash.digest('hex') });
    };
    child.stdout.on('data', (d: Buffer) => {
      const first = out.length === 0;
      out += d.toString();
      const m = /^ready (\d+)\n/.exec(out);
      if (!first || !m) return;
      const sock = net.connect(Number(m[1]), '127.0.0.1');
      sock.on('data', (chunk: Buffer) => {
        received += chunk.length;
        hash.update(chunk);
        sock.pause();
        setTimeout(() => sock.resume(), 1); // a slow reader: the sender's buffer fills again and again
      });
      sock.on('close', () => {
        drained = true;
        finish();
      });
      sock.on('error', reject);
    });
    child.on('close', () => {
      exited = true;
      if (!/^ready \d+\n/.test(out)) drained = true; // it never listened: nothing to read
      finish();
    });
  });
}

describe('blocking socket writes send everything', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsu-bulk-'));
  const file = path.join(dir, 'data');
  const data = pattern();
  fs.writeFileSync(file, data);
  const expected = crypto.createHash('sha256').update(Buffer.concat([data, data, data, data])).digest('hex');
  const report = `write ${SIZE} send ${SIZE} writev ${SIZE} sendfile ${SIZE} offset ${SIZE}\n`;
  for (const variant of ['dyn', 'static']) {
    test(`native (${variant})`, async () => {
      const r = await run([`${PROGRAM}.${variant}`, file]);
      expect(r.report).toBe(report);
      expect(r.received).toBe(4 * SIZE);
      expect(r.digest).toBe(expected);
    }, 180_000);
    test(`dsu run (${variant})`, async () => {
      const r = await run([process.execPath, DSU, 'run', `${PROGRAM}.${variant}`, file]);
      expect(r.report).toBe(report);
      expect(r.received).toBe(4 * SIZE);
      expect(r.digest).toBe(expected);
    }, 180_000);
  }
});
