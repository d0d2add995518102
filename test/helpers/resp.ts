// A minimal RESP2 client for tests, on the benchmarks' codec: tests can
// tell a status "OK" from a bulk "OK", an empty bulk from a nil, and see
// errors verbatim.
import { Conversation } from './servers.js';
import { decode, encode, type Reply } from '../../scripts/bench/resp-codec.js';

export { RespError } from '../../scripts/bench/resp-codec.js';
export type { Reply } from '../../scripts/bench/resp-codec.js';

/** Decodes every complete reply in buf. */
function decodeAll(buf: Buffer): { replies: Reply[]; rest: number } {
  const replies: Reply[] = [];
  let at = 0;
  for (;;) {
    const r = decode(buf, at);
    if (r === null) return { replies, rest: buf.length - at };
    replies.push(r.reply);
    at = r.next;
  }
}

/**
 * How many bytes the reply at the start of buf needs at least, when that
 * is known (a bulk string whose header has arrived); else 0.
 */
function bytesNeeded(buf: Buffer): number {
  if (buf.length === 0 || buf[0] !== 0x24 /* $ */) return 0;
  const eol = buf.indexOf('\r\n', 0, 'latin1');
  return eol < 0 ? 0 : eol + 2 + Math.max(0, Number(buf.toString('latin1', 1, eol))) + 2;
}

export class RespClient {
  constructor(readonly conv: Conversation) {}

  static async open(port: number): Promise<RespClient> {
    return new RespClient(await Conversation.open(port));
  }

  /** Sends requests without waiting (a pipeline). */
  send(...requests: (string | Buffer)[][]): void {
    this.conv.send(Buffer.concat(requests.map(encode)));
  }

  /** Waits for the next n replies. */
  async replies(n: number, timeoutMs = 20_000): Promise<Reply[]> {
    const out: Reply[] = [];
    let need = 0;
    await this.conv.until(
      (conv) => {
        while (out.length < n) {
          if (conv.bufferedLength() < need) return false;
          const buf = conv.received();
          const r = decode(buf);
          if (r === null) {
            need = Math.max(bytesNeeded(buf), buf.length + 1);
            return false;
          }
          out.push(r.reply);
          conv.consume(r.next);
          need = 0;
        }
        return true;
      },
      timeoutMs,
      `${n} replies`,
    );
    return out;
  }

  async call(...args: (string | Buffer)[]): Promise<Reply> {
    this.send(args);
    return (await this.replies(1))[0];
  }

  close(): void {
    this.conv.close();
  }
}
