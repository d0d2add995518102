// A minimal RESP2 client for the `patching` group's correctness checks: it
// sends requests one at a time and decodes replies exactly (a status "OK"
// is not a bulk "OK", nil is not ""), so a patch that broke the server is
// caught rather than timed.
import net from 'node:net';
import { decode, encode, type Reply } from './resp-codec.js';

export { RespError } from './resp-codec.js';
export type { Reply } from './resp-codec.js';

export class RespClient {
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  private constructor(private readonly socket: net.Socket, private readonly timeoutMs: number) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.deliver();
    });
    const fail = (e: Error): void => {
      this.failure = e;
      this.waiting?.reject(e);
      this.waiting = null;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  static connect(port: number, timeoutMs = 10_000): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => resolve(new RespClient(s, timeoutMs)));
      s.once('error', (e) => reject(new Error(`cannot connect to port ${port}: ${e.message}`)));
    });
  }

  private deliver(): void {
    if (!this.waiting) return;
    let r;
    try {
      r = decode(this.buffer, 0);
    } catch (e) {
      this.waiting.reject(e as Error);
      this.waiting = null;
      return;
    }
    if (!r) return;
    this.buffer = this.buffer.subarray(r.next);
    this.waiting.resolve(r.reply);
    this.waiting = null;
  }

  call(...args: string[]): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new Error(`no reply to ${args[0]} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(encode(args));
      this.deliver();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
