// RESP2 encoding and exact decoding, shared by the benchmarks' client and
// the tests': a status "OK" is not a bulk "OK", nil is not "", and errors
// come back verbatim. Bulk strings decode as latin1, so any byte survives.

export class RespError {
  constructor(readonly message: string) {}
}

export type Reply = string | number | null | RespError | Reply[];

/** Encodes one request as a RESP multibulk. */
export function encode(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'latin1') : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Decodes one reply at offset; null if incomplete. */
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
      throw new Error(`not a RESP reply: ${JSON.stringify(buf.toString('latin1', offset, Math.min(buf.length, offset + 40)))}`);
  }
}
