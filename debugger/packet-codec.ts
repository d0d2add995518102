// The framing of the GDB remote protocol: `$payload#xx` with a two-digit
// hex checksum, `+`/`-` acknowledgements, a bare 0x03 byte for Ctrl-C, and
// the escapes a reply must use for `#`, `$`, `}` and `*` (the last is
// run-length encoding to gdb, so a binary reply must never hold it bare).

export type Incoming = { kind: 'packet'; payload: Buffer } | { kind: 'bad-checksum' } | { kind: 'interrupt' } | { kind: 'ack' } | { kind: 'nack' };

const ESCAPE = 0x7d;

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum = (sum + b) & 0xff;
  return sum;
}

/** Split a byte stream from gdb into packets and control bytes. */
export class PacketReader {
  private buffered = Buffer.alloc(0);

  push(chunk: Buffer): Incoming[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const out: Incoming[] = [];
    let at = 0;
    while (at < this.buffered.length) {
      const b = this.buffered[at];
      if (b === 0x2b) { out.push({ kind: 'ack' }); at++; continue; }
      if (b === 0x2d) { out.push({ kind: 'nack' }); at++; continue; }
      if (b === 0x03) { out.push({ kind: 'interrupt' }); at++; continue; }
      if (b !== 0x24) { at++; continue; } // noise between packets
      const hash = this.buffered.indexOf(0x23, at + 1);
      if (hash < 0 || hash + 2 >= this.buffered.length) break; // incomplete
      const raw = this.buffered.subarray(at + 1, hash);
      const sent = parseInt(this.buffered.subarray(hash + 1, hash + 3).toString('latin1'), 16);
      at = hash + 3;
      out.push(sent === checksum(raw) ? { kind: 'packet', payload: unescape(raw) } : { kind: 'bad-checksum' });
    }
    this.buffered = this.buffered.subarray(at);
    return out;
  }
}

/** Undo the `}`-escapes gdb uses in binary packets (X, vFile). */
function unescape(raw: Uint8Array): Buffer {
  if (!raw.includes(ESCAPE)) return Buffer.from(raw);
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) out.push(raw[i] === ESCAPE && i + 1 < raw.length ? raw[++i] ^ 0x20 : raw[i]);
  return Buffer.from(out);
}

/** One reply framed for the wire, with its binary bytes escaped. */
export function frame(payload: string | Uint8Array): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const body: number[] = [];
  for (const b of bytes) {
    if (b === 0x23 || b === 0x24 || b === ESCAPE || b === 0x2a) body.push(ESCAPE, b ^ 0x20);
    else body.push(b);
  }
  const escaped = Buffer.from(body);
  return Buffer.concat([Buffer.from('$'), escaped, Buffer.from('#' + checksum(escaped).toString(16).padStart(2, '0'))]);
}
