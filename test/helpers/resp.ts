// A minimal RESP2 client for tests: encodes requests as multibulk and
// decodes replies exactly, so tests can tell a status "OK" from a bulk
// "OK", an empty bulk from a nil, and see errors verbatim.
import { Conversation } from './servers.js';

export type Reply = string | number | null | RespError | Reply[];

export class RespError {
  constructor(readonly message: string) {}
}

/** Encodes one request as a RESP multibulk. */
export function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * Decodes one reply at offset; null if incomplete. Bulk strings decode as
 * latin1 strings, so any byte survives the round trip.
 */
export function decode(buf: Buffer, offset = 0): { reply: Reply; next: number } | null {
  const eol = buf.indexOf('\r\n', offset, 'latin1');
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[offset]);
  const line = buf.toString('latin1', offset + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return { reply: line, next };
    case '-':
      return { reply: new RespError(line), next };
    case ':':
      return { reply: Number(line), next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { reply: null, next };
      if (buf.length < next + len + 2) return null;
      return { reply: buf.toString('latin1', next, next + len), next: next + len + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { reply: null, next };
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < n; i++) {
        const r = decode(buf, at);
        if (r === null) return null;
        items.push(r.reply);
        at = r.next;
      }
      return { reply: items, next: at };
    }
    default:
      throw new Error(`not a RESP reply: ${JSON.stringify(buf.toString('latin1', offset, offset + 40))}`);
  }
}

/** Decodes every complete reply in buf. */
export function decodeAll(buf: Buffer): { replies: Reply[]; rest: number } {
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
